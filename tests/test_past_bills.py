"""Bills of past sessions, shipped as facts with their sources: under each weak area of a state's
page with how they ended, on every install (with or without an Open States key), and never offered
as pending anywhere."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import select

from advocacy.bills.history import (
    COLUMNS,
    PAST_BILLS_FILE,
    InvalidPastBills,
    PastOutcome,
    past_bills,
    read_past_bills,
)
from advocacy.extensions import db
from advocacy.models import Framework, IssueArea
from tests.builders import make_bill, make_legislator, person_id
from tests.conftest import shared_data
from tests.pages import options_of, text_of

SB_775_SOURCE = "https://dps.mo.gov/dir/programs/cvsu/council.php"


def under_weak_area(seen: str, area: str) -> str:
    """What the state page shows under one weak area: from its name to its "Write about this"."""
    weakest = seen.split("Where the law is weakest", 1)[1].split("Every issue area", 1)[0]
    return weakest.split(area, 1)[1].split("Write about this", 1)[0]


def featured_area(slug: str) -> IssueArea:
    return db.session.scalar(
        select(IssueArea).join(Framework).where(Framework.featured, IssueArea.slug == slug)
    )


def test_the_shipped_file_loads_and_every_bill_has_a_source_and_a_known_outcome():
    bills = read_past_bills(PAST_BILLS_FILE)

    assert len(bills) == 18
    assert {bill.state for bill in bills} == {"mo", "ks", "oh"}
    for bill in bills:
        assert bill.sources and all(url.startswith(("https://", "http://")) for url in bill.sources)
        assert bill.outcome in PastOutcome and bill.areas
        assert "pending" not in bill.outcome_words


def test_every_missouri_bill_of_the_shared_data_is_shipped_and_only_a_signed_one_claims_law():
    with (shared_data("openstates-bills") / "missouri-bills.csv").open(encoding="utf-8") as handle:
        real = list(csv.DictReader(handle))
    shipped = {(bill.state, bill.session, bill.identifier): bill for bill in past_bills()}

    for row in real:
        if not row["identifier"]:
            continue  # the 2023 bill whose number no source gives: a page could not name it
        bill = shipped[(row["state"].lower(), row["session"], row["identifier"])]
        signed = row["latest_action"].startswith("Signed")
        assert (bill.outcome == PastOutcome.ENACTED) == signed, bill.identifier
        assert set(row["source"].replace(" ", "").split(";")) >= set(bill.sources), bill.identifier
    assert len(shipped) == len([row for row in real if row["identifier"]])


def test_without_a_key_missouris_page_names_past_bills_under_the_areas_they_addressed(app, client):
    app.config["OPENSTATES_API_KEY"] = ""

    page = client.get("/states/mo")
    seen = text_of(page)

    victims = under_weak_area(seen, "Identification of and Response to Victims")
    assert "Earlier bills on this issue" in victims
    assert "SB 775 (2022) : signed into law." in victims
    assert "Signed on June 30, 2022." in victims
    assert "HB 2032 (2022) : passed the House; no later step found." in victims
    justice = under_weak_area(seen, "Access to Justice for Trafficking Survivors")
    assert "HB 2273 (2026) : no final action found." in justice
    assert "SB 775" not in justice  # it addressed areas 2 and 6, not 4
    training = under_weak_area(seen, "Prevention and Training")
    assert "SB 775 (2022) : signed into law." in training
    assert "HJR 26 (2025) : approved by a committee; no later step found." not in training  # area 1 only
    body = page.get_data(as_text=True)
    assert f'<a class="source" href="{SB_775_SOURCE}" rel="noreferrer">dps.mo.gov</a>' in body


def test_no_past_bill_is_called_pending_on_the_state_page(client):
    seen = text_of(client.get("/states/mo"))
    weakest = seen.split("Where the law is weakest", 1)[1].split("Every issue area", 1)[0]

    assert weakest.count("Earlier bills on this issue") == 3
    assert "pending" not in weakest.lower()
    assert "none of these bills is before the legislature now" in weakest


@pytest.fixture
def one_current_bill(app) -> None:
    """One bill before the legislature now, on access to justice, and a lawmaker to write to."""
    make_bill(
        db.session, "HB 1", title="Clears survivors' records", areas=[featured_area("access-to-justice")]
    )
    make_legislator(db.session, n=1, chamber="lower", district="6")
    db.session.commit()


def test_the_api_lists_only_current_bills_never_past_ones(client, one_current_bill):
    answer = client.get("/api/v1/states/mo/bills").get_json()
    justice = client.get("/api/v1/states/mo/bills?area=access-to-justice").get_json()

    assert [item["identifier"] for item in answer["items"]] == ["HB 1"] and answer["total"] == 1
    assert [item["identifier"] for item in justice["items"]] == ["HB 1"]


def test_the_letter_form_offers_only_current_bills_never_past_ones(client, one_current_bill):
    form = client.get(f"/letters/new?state=mo&area=access-to-justice&to={person_id(1)}")

    assert options_of(form, "bill") == ["No particular bill", "HB 1: Clears survivors' records"]
    assert "HB 2273" not in text_of(form)


def test_a_bill_the_current_list_holds_is_not_repeated_among_past_ones(client):
    make_bill(db.session, "HB 2273", title="Protects children", areas=[featured_area("access-to-justice")])
    db.session.commit()

    justice = under_weak_area(
        text_of(client.get("/states/mo")), "Access to Justice for Trafficking Survivors"
    )

    assert "HB 2273 : Protects children" in justice
    assert "HB 2273 (2026)" not in justice
    assert "HB 1946 (2026) : no final action found." in justice


GOOD_ROW = {
    "state": "mo",
    "session": "2022",
    "session_name": "",
    "identifier": "SB 775",
    "title": "Treats exploited children as victims",
    "outcome": "enacted",
    "outcome_date": "2022-06-30",
    "framework": "rc",
    "areas": "2;6",
    "note": "",
    "source": SB_775_SOURCE,
}


def write_file(folder: Path, *rows: dict[str, str], columns: tuple[str, ...] = COLUMNS) -> Path:
    path = folder / "past_bills.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_a_good_file_is_read_with_its_facts(tmp_path):
    (bill,) = read_past_bills(write_file(tmp_path, GOOD_ROW))

    assert (bill.label, bill.outcome_words, bill.areas) == ("SB 775 (2022)", "signed into law", ("2", "6"))
    assert bill.source_links == [(SB_775_SOURCE, "dps.mo.gov")]


def test_two_sources_on_one_site_get_links_that_tell_them_apart(tmp_path):
    two = "https://app.legiplex.com/mo/a; https://app.legiplex.com/mo/b; https://www.kbia.org/c"
    (bill,) = read_past_bills(write_file(tmp_path, {**GOOD_ROW, "source": two}))

    assert [site for _, site in bill.source_links] == [
        "app.legiplex.com (1)",
        "app.legiplex.com (2)",
        "kbia.org",
    ]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"outcome": "passed"},
            "past_bills.csv line 3, column outcome: 'passed' is not an outcome; use one of enacted, "
            "vetoed, died, died-in-committee, passed-one-chamber, passed-committee, no-final-action-found",
        ),
        (
            {"source": ""},
            "past_bills.csv line 3, column source: it is empty; give the web address that establishes "
            "the outcome.",
        ),
        (
            {"source": "javascript:alert(1)"},
            "past_bills.csv line 3, column source: 'javascript:alert(1)' is not a web address "
            "(http or https).",
        ),
        (
            {"areas": "2;9"},
            "past_bills.csv line 3, column areas: '9' is not an issue area of the rc framework; "
            "use 1, 2, 3, 4, 5, 6, EC.",
        ),
        ({"areas": ""}, "past_bills.csv line 3, column areas: it is empty"),
        ({"state": "zz"}, "past_bills.csv line 3, column state: 'zz' is not a state's postal code"),
        ({"identifier": ""}, "past_bills.csv line 3, column identifier: it is empty"),
        (
            {"outcome_date": "30/06/2022"},
            "past_bills.csv line 3, column outcome_date: '30/06/2022' is not a date",
        ),
        ({"framework": "xx"}, "past_bills.csv line 3, column framework: 'xx' is not a framework"),
        (
            {"identifier": "SB 775"},
            "past_bills.csv line 3, column identifier: SB 775 of mo 2022 is already on line 2",
        ),
    ],
)
def test_a_broken_row_is_refused_naming_its_line_column_and_fix(tmp_path, change, message):
    second = {**GOOD_ROW, "identifier": "HB 2032", **change}

    with pytest.raises(InvalidPastBills) as refused:
        read_past_bills(write_file(tmp_path, GOOD_ROW, second))

    assert message in str(refused.value)


def test_a_file_without_a_needed_column_says_which(tmp_path):
    path = write_file(tmp_path, GOOD_ROW, columns=tuple(c for c in COLUMNS if c != "source"))

    with pytest.raises(
        InvalidPastBills, match=r"past_bills.csv line 1: the header lacks source; it needs state"
    ):
        read_past_bills(path)
