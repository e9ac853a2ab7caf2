"""New Hampshire's floterial House districts: named apart, as lawmakers who may also represent an address.

The Census draws no polygon for a floterial district, so the Geocoder names only the base district
("Hillsborough 12"). The lookup cannot tell which floterial (if any) lies over the address, so it
names its county's floterial representatives separately, says why, and never counts them among the
writer's own lawmakers.
"""

from __future__ import annotations

import copy
import csv
from datetime import datetime

import pytest
from pytest_httpserver import HTTPServer

from advocacy.extensions import db
from advocacy.legislators import lookup as lookup_module
from advocacy.legislators.lookup import NH_FLOTERIAL_DISTRICTS, nh_floterial_districts
from tests.builders import GEOCODER, answer, make_legislator, person_id, unsigned
from tests.conftest import shared_data
from tests.pages import link_with_text, text_of

ADDRESS = "12 Example Rd, Graniteville, NH 03000"
HEADING = "Representatives who may also represent you"
WHY = (
    "New Hampshire also elects floterial representatives, each for several neighbouring House "
    "districts together. The Census does not map floterial districts, so we cannot tell whether one "
    "covers your address. If one does, it is one of the Hillsborough County floterial districts: "
    "Hillsborough 37, Hillsborough 38, Hillsborough 39, Hillsborough 40, Hillsborough 41, "
    "Hillsborough 44 or Hillsborough 45."
)
# As the Census crosswalk's README lists them (data/census/README.md, "NH floterials").
README_FLOTERIALS = {
    "Belknap": [8],
    "Carroll": [7, 8],
    "Cheshire": [15, 16, 17, 18],
    "Coos": [7],
    "Grafton": [17, 18],
    "Hillsborough": [37, 38, 39, 40, 41, 44, 45],
    "Merrimack": [25, 26, 27, 28, 29, 30],
    "Rockingham": [31, 32, 33, 34, 35, 36, 37, 38, 39, 40],
    "Strafford": [18, 19, 20, 21],
    "Sullivan": [7, 8],
}


@pytest.fixture
def census(app, httpserver: HTTPServer):
    """The stand-in Census Geocoder; `census(name, lower=...)` sets its answer (another House district)."""
    app.config["CENSUS_URL"] = httpserver.url_for("/geocoder")

    def serve(name: str = "new_hampshire", lower: tuple[str, str] | None = None) -> None:
        data = copy.deepcopy(answer(name))
        if lower is not None:  # (SLDL code, Census name), e.g. ("303", "State House District Coos 03")
            geographies = data["result"]["addressMatches"][0]["geographies"]
            layer = next(v for k, v in geographies.items() if k.endswith("Legislative Districts - Lower"))
            code, name_ = lower
            layer[0].update(SLDL=code, GEOID=f"33{code}", NAME=name_, BASENAME=name_.split("District ")[-1])
        httpserver.expect_request(GEOCODER).respond_with_json(data)

    return serve


def lookup(client, address: str = ADDRESS):
    return client.get("/lookup", query_string={"address": address})


def api_lookup(client, address: str = ADDRESS) -> dict:
    response = client.get("/api/v1/lookup", query_string={"address": address})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def nh(n: int, name: str, district: str, **overrides: object) -> None:
    values = {
        "state_abbr": "nh",
        "chamber": "lower",
        "party": "Democratic",
        "email": f"{name.split()[0].lower()}@house.example.gov",
        "capitol_address": "107 N Main St, Concord, NH 03301",
        "capitol_voice": f"603-555-01{n:02d}",
    }
    values.update(overrides)
    make_legislator(db.session, n=n, name=name, district=district, **values)


def new_hampshire_lawmakers() -> None:
    nh(1, "Sam Senator", "9", chamber="upper", email="sam@senate.example.gov")
    nh(2, "Dee Base", "Hillsborough 12")
    nh(3, "Flo Floterial", "Hillsborough 41", party="Republican")
    nh(4, "Gus Floterial", "Hillsborough 44")
    nh(5, "Rocky Elsewhere", "Rockingham 31")  # a floterial, in another county
    nh(6, "Hal Neighbour", "Hillsborough 13")  # a base district next door, perhaps: not ours
    nh(7, "Old Floterial", "Hillsborough 45", retired_at=datetime(2026, 1, 15))
    db.session.commit()


def test_the_page_names_the_countys_floterial_representatives_apart_from_mine(client, census):
    new_hampshire_lawmakers()
    census()

    page = lookup(client)

    seen = text_of(page)
    assert page.status_code == 200
    mine, _, maybe = seen.partition(HEADING)
    assert maybe, "no section for the floterial representatives"
    assert "Your lawmakers in New Hampshire" in mine
    assert (
        "Your senator Senator Sam Senator Senate, district 9 · Democratic Yours: found for your address"
        in mine
    )
    assert (
        "Your representative Representative Dee Base House of Representatives, district Hillsborough 12 · "
        "Democratic Yours: found for your address dee@house.example.gov · 603-555-0102" in mine
    )
    assert "Flo Floterial" not in mine and "Gus Floterial" not in mine
    assert maybe.startswith(f" {WHY} They are not listed among your own lawmakers above")
    assert (
        "Representative Flo Floterial House of Representatives, district Hillsborough 41 · Republican "
        "May represent you: floterial district flo@house.example.gov · 603-555-0103 "
        "Write to Representative Flo Floterial" in maybe
    )
    assert "Representative Gus Floterial House of Representatives, district Hillsborough 44" in maybe
    assert "Yours: found for your address" not in maybe
    for absent in ("Rocky Elsewhere", "Hal Neighbour", "Old Floterial"):
        assert absent not in seen
    body = page.get_data(as_text=True)
    assert '<section aria-labelledby="may-also-heading">' in body
    assert f'<h3 id="may-also-heading">{HEADING}</h3>' in body  # under the h2 of the results


def test_writing_to_my_lawmakers_leaves_the_floterials_out_and_claims_nothing_to_them(client, census):
    new_hampshire_lawmakers()
    census()

    page = lookup(client)

    assert unsigned(link_with_text(page, "Write to them")) == (
        f"/letters/new?state=nh&to={person_id(1)}&to={person_id(2)}",
        {person_id(1), person_id(2)},
    )
    # One of them: a letter without the signed lookup, so it does not say the writer lives there.
    to_flo = link_with_text(page, "Write to Representative Flo Floterial")
    assert to_flo == f"/letters/new?state=nh&to={person_id(3)}"
    letter_form = client.get(to_flo)
    assert letter_form.status_code == 200
    shown = text_of(letter_form)
    assert "Flo Floterial House of Representatives, district Hillsborough 41 Not found for your address" in (
        shown
    )


def test_the_api_gives_the_floterials_under_may_also_represent_not_lower(client, census):
    new_hampshire_lawmakers()
    census()

    body = api_lookup(client)

    assert body["state"] == "nh"
    assert body["lower"]["districts"] == ["Hillsborough 12"]
    assert [p["name"] for p in body["lower"]["legislators"]] == ["Dee Base"]
    may_also = body["may_also_represent"]
    assert may_also["why"] == WHY
    assert may_also["districts"] == [f"Hillsborough {n}" for n in README_FLOTERIALS["Hillsborough"]]
    assert may_also["legislators"] == [
        {
            "id": person_id(3),
            "name": "Flo Floterial",
            "chamber": "lower",
            "district": "Hillsborough 41",
            "party": "Republican",
            "title": "Representative",
            "email": "flo@house.example.gov",
            "email_status": "ok",
            "phone": "603-555-0103",
            "capitol_address": "107 N Main St, Concord, NH 03301",
            "district_address": "",
            "links": [],
        },
        {
            "id": person_id(4),
            "name": "Gus Floterial",
            "chamber": "lower",
            "district": "Hillsborough 44",
            "party": "Democratic",
            "title": "Representative",
            "email": "gus@house.example.gov",
            "email_status": "ok",
            "phone": "603-555-0104",
            "capitol_address": "107 N Main St, Concord, NH 03301",
            "district_address": "",
            "links": [],
        },
    ]
    assert unsigned(body["write_url"]) == (
        f"/letters/new?state=nh&to={person_id(1)}&to={person_id(2)}",
        {person_id(1), person_id(2)},
    )


def test_the_published_document_describes_may_also_represent(client, census):
    new_hampshire_lawmakers()
    census()
    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]

    body = api_lookup(client)

    assert set(body) == set(schemas["Lookup"]["required"])
    assert {"$ref": "#/components/schemas/MayAlsoRepresent"} in (
        schemas["Lookup"]["properties"]["may_also_represent"]["oneOf"]
    )
    assert set(body["may_also_represent"]) == set(schemas["MayAlsoRepresent"]["required"])
    for person in body["may_also_represent"]["legislators"]:
        assert set(person) == set(schemas["Legislator"]["required"])


def test_a_county_whose_floterials_are_vacant_says_so(client, census):
    nh(1, "Sam Senator", "9", chamber="upper")
    nh(2, "Cora Coos", "Coos 3")
    db.session.commit()
    census(lower=("303", "State House District Coos 03"))

    seen = text_of(lookup(client))
    body = api_lookup(client)

    why = (
        "If one does, it is the Coos County floterial district, Coos 7. None of these districts has a "
        "sitting representative on file right now."
    )
    assert why in seen.partition(HEADING)[2]
    assert body["lower"]["districts"] == ["Coos 3"]
    assert body["may_also_represent"]["districts"] == ["Coos 7"]
    assert body["may_also_represent"]["legislators"] == []


def test_a_county_without_floterials_has_no_such_section(client, census, monkeypatch):
    new_hampshire_lawmakers()
    # Every New Hampshire county has floterials today; after a new apportionment one may have none.
    without_hillsborough = {
        county: districts
        for county, districts in nh_floterial_districts().items()
        if county != "Hillsborough"
    }
    monkeypatch.setattr(lookup_module, "nh_floterial_districts", lambda: without_hillsborough)
    census()

    seen = text_of(lookup(client))
    body = api_lookup(client)

    assert "Dee Base" in seen
    assert HEADING not in seen and "floterial" not in seen
    assert body["may_also_represent"] is None


def test_no_house_district_found_means_no_floterials_named(client, census):
    new_hampshire_lawmakers()
    census(lower=("ZZZ", "State House Districts not defined"))

    seen = text_of(lookup(client))
    body = api_lookup(client)

    assert "The Census places this address in no House district" in seen
    assert HEADING not in seen
    assert body["lower"]["districts"] == [] and body["may_also_represent"] is None


def test_other_states_have_no_floterials(client, census):
    make_legislator(db.session, n=1, name="Ada Senator", district="19")
    make_legislator(db.session, n=2, name="Bo Representative", chamber="lower", district="44")
    db.session.commit()
    census("missouri")

    seen = text_of(lookup(client, "100 Example St, Springtown, MO 65000"))
    body = api_lookup(client, "100 Example St, Springtown, MO 65000")

    assert "Bo Representative" in seen and HEADING not in seen
    assert body["state"] == "mo" and body["may_also_represent"] is None


def test_a_repeat_new_hampshire_lookup_reads_nothing_from_the_database(client, census, count_queries):
    new_hampshire_lawmakers()
    census()

    with count_queries() as first:
        assert "Flo Floterial" in text_of(lookup(client))
    with count_queries() as then:
        assert "Flo Floterial" in text_of(lookup(client))
        assert api_lookup(client)["may_also_represent"]["legislators"]

    assert first  # the states, then the state's seats and sitting members
    assert then == []


def test_the_shipped_list_is_the_39_floterial_districts_with_their_source():
    with NH_FLOTERIAL_DISTRICTS.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))

    assert len(rows) == 39
    assert sum(int(row["seats"]) for row in rows) == 58  # seats, some of them vacant
    assert nh_floterial_districts() == {
        county: tuple(f"{county} {n}" for n in numbers) for county, numbers in README_FLOTERIALS.items()
    }
    for row in rows:
        assert row["district"].startswith(f"{row['county']} ")
        assert row["division_id"] == (
            "ocd-division/country:us/state:nh/sldl:" + row["district"].lower().replace(" ", "_")
        )
        assert "Open States" in row["source"] and "openstates-geo" in row["source"]


def test_the_shipped_list_agrees_with_the_census_crosswalk():
    path = shared_data("census") / "district_crosswalk.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        crosswalk = {
            row["openstates_district"]: row
            for row in csv.DictReader(handle)
            if row["state_abbr"] == "nh" and row["chamber"] == "lower" and "floterial" in row["note"]
        }
    with NH_FLOTERIAL_DISTRICTS.open(encoding="utf-8", newline="") as handle:
        shipped = {row["district"]: row for row in csv.DictReader(handle)}

    assert set(shipped) == set(crosswalk)
    for district, row in shipped.items():
        assert row["division_id"] == crosswalk[district]["division_id"]
        assert row["seats"] == crosswalk[district]["num_seats"]
