"""Census legislative districts → Open States district names, on made-up cases and the whole crosswalk."""

from __future__ import annotations

import csv
from collections import defaultdict

import pytest

from advocacy.clients.census import LegislativeDistrict
from advocacy.legislators.districts import openstates_districts
from tests.conftest import shared_data


def district(geoid: str, name: str = "", basename: str = "") -> LegislativeDistrict:
    return LegislativeDistrict(
        geoid=geoid, state_fips=geoid[:2], code=geoid[2:], name=name, basename=basename
    )


NUMBERED = [str(n) for n in range(1, 50)]


@pytest.mark.parametrize(
    ("state", "chamber", "census", "candidates", "expected"),
    [
        ("mo", "upper", district("29019", "State Senate District 19"), NUMBERED, ("19",)),
        ("mo", "lower", district("29100", "State House District 100"), ["10", "100", "1"], ("100",)),
        ("mn", "lower", district("2701A", "State House District 1A"), ["1A", "1B", "10A"], ("1A",)),
        ("ak", "upper", district("0200A", "State Senate District A"), ["A", "B"], ("A",)),
        ("ne", "legislature", district("31021", "Legislative District 21"), NUMBERED, ("21",)),
        ("nc", "upper", district("37005", basename="5"), NUMBERED, ("5",)),
        ("dc", "legislature", district("11003", "Ward 3"), ["Ward 1", "Ward 3", "At-Large"], ("Ward 3",)),
        (
            "ma",
            "upper",
            district("25D08", "Second Worcester District"),
            ["First Worcester", "Second Worcester", "Worcester and Middlesex"],
            ("Second Worcester",),
        ),
        (
            "ma",
            "upper",
            district("25D33", "Norfolk-Plymouth-Bristol District"),
            ["Norfolk and Plymouth", "Norfolk, Plymouth and Bristol"],
            ("Norfolk, Plymouth and Bristol",),
        ),
        (
            "ma",
            "lower",
            district("25002", "2nd Barnstable District"),
            ["1st Barnstable", "2nd Barnstable", "Barnstable, Dukes and Nantucket"],
            ("2nd Barnstable",),
        ),
        (
            "nh",
            "lower",
            district("33002", "State House District Belknap 02"),
            ["Belknap 2", "Belknap 20", "Carroll 2"],
            ("Belknap 2",),
        ),
        (
            "vt",
            "upper",
            district("50CHS", "Chittenden South East Senatorial District"),
            ["Chittenden Central", "Chittenden Southeast"],
            ("Chittenden Southeast",),
        ),
        (
            "vt",
            "lower",
            district("50GIC", "Grand Isle-Chittenden State House District"),
            ["Grand Isle-Chittenden", "Chittenden-1"],
            ("Grand Isle-Chittenden",),
        ),
        (
            "id",
            "lower",
            district("16001", "State House District 1"),
            ["1A", "1B", "10A", "10B"],
            ("1A", "1B"),
        ),
    ],
)
def test_census_districts_map_to_open_states_names(state, chamber, census, candidates, expected):
    assert openstates_districts(census, candidates, state_abbr=state, chamber=chamber) == expected


@pytest.mark.parametrize(
    ("state", "chamber", "census", "candidates"),
    [
        # No district here: water, or land the state left out of every district.
        ("wi", "lower", district("55ZZZ", "Assembly Districts not defined"), NUMBERED),
        # A code with no current district (a redrawn map) is reported, never rounded to a near one.
        ("nd", "lower", district("3809A", "State House District 9A"), NUMBERED),
        # Outside Idaho a bare number does not stand for its lettered areas.
        ("mn", "lower", district("27001", "State House District 1"), ["1A", "1B"]),
        # Two candidates that read alike: choosing one would be a guess.
        (
            "ma",
            "upper",
            district("25D08", "Second Worcester District"),
            ["Second Worcester", "2nd Worcester"],
        ),
        ("vt", "lower", district("50A-1", "Addison-1 State House District"), ["Addison-2", "Addison-3"]),
        # The code says one district and the name another.
        ("ma", "lower", district("25002", "2nd Barnstable District"), ["2nd Barnstable", "2"]),
        ("mo", "upper", district("29019", "State Senate District 19"), []),
    ],
)
def test_districts_that_cannot_be_told_map_to_nothing(state, chamber, census, candidates):
    assert openstates_districts(census, candidates, state_abbr=state, chamber=chamber) == ()


def _geocoder_name(row: dict[str, str]) -> str:
    """The NAME the Geocoder sends: the Census name where the crosswalk has it, else the usual form."""
    if row["census_name"]:
        return row["census_name"]
    number = row["census_district_code"].lstrip("0")
    return (
        f"State Senate District {number}"
        if row["census_layer"] == "SLDU"
        else f"State House District {number}"
    )


def test_every_district_the_geocoder_can_return_maps_to_its_open_states_name():
    path = shared_data("census") / "district_crosswalk.csv"
    with path.open(newline="", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    candidates: dict[tuple[str, str], set[str]] = defaultdict(set)
    for row in rows:
        candidates[row["state_abbr"], row["chamber"]].add(row["openstates_district"])
    # One Census district per (state, chamber, GEOID); Idaho's each stand for two House seats.
    expected: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    names: dict[tuple[str, str, str], str] = {}
    for row in rows:
        # NH floterials have a GEOID but no Census polygon, so the Geocoder never returns them.
        if not row["census_geoid"] or "floterial" in row["note"]:
            continue
        key = (row["state_abbr"], row["chamber"], row["census_geoid"])
        expected[key].add(row["openstates_district"])
        names[key] = _geocoder_name(row)

    wrong = []
    for (state, chamber, geoid), districts in expected.items():
        found = openstates_districts(
            district(geoid, names[state, chamber, geoid]),
            candidates[state, chamber],
            state_abbr=state,
            chamber=chamber,
        )
        if set(found) != districts:
            wrong.append(f"{state} {chamber} {geoid}: expected {sorted(districts)}, got {list(found)}")

    rows_checked = sum(len(d) for d in expected.values())
    assert rows_checked > 6800, "the crosswalk lost rows"
    assert not wrong, f"{len(wrong)} of {len(expected)} Census districts map wrongly:\n" + "\n".join(wrong)
