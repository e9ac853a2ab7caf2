"""The read-only JSON API under /api/v1."""

from __future__ import annotations

import pytest

from advocacy.extensions import db
from tests.builders import JURISDICTIONS, make_bill, make_legislator


def test_states_lists_each_state_with_its_latest_grade_per_framework(client):
    answer = client.get("/api/v1/states").get_json()

    assert {s["abbr"] for s in answer["items"]} == JURISDICTIONS
    assert answer["total"] == answer["per_page"] == len(JURISDICTIONS) and answer["page"] == 1
    missouri = next(s for s in answer["items"] if s["abbr"] == "mo")
    assert missouri["name"] == "Missouri"
    assert {
        "framework": "Report Cards on Child & Youth Sex Trafficking",
        "year": 2023,
        "grade": "F",
    } in missouri["latest_grades"]
    assert {"framework": "Protected Innocence Challenge", "year": 2019, "grade": "B"} in (
        missouri["latest_grades"]
    )


def test_editions_list_each_year_with_its_framework(client):
    answer = client.get("/api/v1/editions").get_json()

    years = {e["year"]: e["framework"] for e in answer["items"]}
    assert years[2022] == "Report Cards on Child & Youth Sex Trafficking"
    assert years[2025] == "Just Like Me Report Cards"
    assert answer["total"] == len(answer["items"]) == len(years)


def test_report_card_with_findings_names_weakest_areas_with_basis_and_source(client):
    card = client.get("/api/v1/states/mo/report-card?edition=2022").get_json()

    assert (card["grade"], card["edition"], card["max"], card["total"]) == ("F", 2022, 110.0, None)
    assert len(card["areas"]) == 7
    assert card["areas"][1]["name"] == "Identification of and Response to Victims"
    assert card["areas"][1]["max_points"] == 27.5
    assert card["areas"][1]["score"] is None and card["areas"][1]["percent"] is None
    assert [(w["number"], w["basis"]) for w in card["weakest"]] == [
        (2, "published finding"),
        (4, "published finding"),
        (6, "published finding"),
    ]
    assert card["weakest"][0]["source"] == (
        "https://www.rehope.org/post/human-trafficking-report-cards-how-did-we-do"
    )
    assert set(card["weakest"][0]) >= {
        "number",
        "slug",
        "name",
        "score",
        "max_points",
        "percent",
        "basis",
        "source",
    }


def test_report_card_with_scores(client):
    card = client.get("/api/v1/states/ia/report-card?edition=2021").get_json()

    assert card["total"] == 48.5
    assert [(w["number"], w["score"], w["percent"]) for w in card["weakest"]] == [
        (6, 3.0, 20.0),
        (3, 4.5, 30.0),
        (4, 6.5, 43.3),
    ]


def test_default_report_card_is_the_newest_and_borrows_weakest_areas_from_the_same_framework(
    client,
):
    card = client.get("/api/v1/states/mo/report-card").get_json()

    assert card["edition"] == 2023
    assert {w["edition"] for w in card["weakest"]} == {2022}


@pytest.mark.parametrize(
    ("url", "status", "code"),
    [
        ("/api/v1/states/zz/report-card", 404, "not_found"),
        ("/api/v1/states/mo/report-card?edition=1999", 404, "not_found"),
        ("/api/v1/states/mo/report-card?edition=2025", 404, "not_found"),
        ("/api/v1/states/mo/report-card?edition=soon", 400, "bad_request"),
        ("/api/v1/states/zz/legislators", 404, "not_found"),
        ("/api/v1/states/mo/legislators?chamber=house", 400, "bad_request"),
        ("/api/v1/states/mo/legislators?page=0", 400, "bad_request"),
        ("/api/v1/states/mo/legislators?per_page=501", 400, "bad_request"),
        ("/api/v1/nothing-here", 404, "not_found"),
        ("/api/v1/states/zz/hearings", 404, "not_found"),
    ],
)
def test_errors_are_json_with_the_matching_status(client, url, status, code):
    answer = client.get(url)

    assert answer.status_code == status
    assert answer.is_json
    assert answer.get_json()["error"]["code"] == code
    assert answer.get_json()["error"]["message"]


def test_legislators_filter_by_chamber_district_and_name(client):
    make_legislator(db.session, n=1, name="Ada Senator", district="7")
    make_legislator(db.session, n=2, name="Bo Member", chamber="lower", district="7")
    make_legislator(db.session, n=3, name="Cy Member", chamber="lower", district="8")
    db.session.commit()

    everyone = client.get("/api/v1/states/mo/legislators").get_json()
    lower_7 = client.get("/api/v1/states/mo/legislators?chamber=lower&district=7").get_json()
    named = client.get("/api/v1/states/mo/legislators?q=member&per_page=1&page=2").get_json()

    assert everyone["total"] == 3
    assert [p["name"] for p in lower_7["items"]] == ["Bo Member"]
    assert lower_7["items"][0]["title"] == "Representative"
    assert (named["total"], named["page"], named["per_page"]) == (2, 2, 1)
    assert [p["name"] for p in named["items"]] == ["Cy Member"]


def test_a_bill_nothing_places_has_no_committee_or_hearing_and_a_state_without_hearings_lists_none(client):
    make_bill(db.session, "HB 1946")
    db.session.commit()

    (bill,) = client.get("/api/v1/states/mo/bills").get_json()["items"]
    hearings = client.get("/api/v1/states/mo/hearings").get_json()

    assert (bill["committee"], bill["next_hearing"]) == (None, None)
    assert hearings == {"items": [], "total": 0, "page": 1, "per_page": 1}


def test_healthz(client):
    answer = client.get("/healthz")

    assert answer.status_code == 200
    assert answer.get_json()["status"] == "ok"
