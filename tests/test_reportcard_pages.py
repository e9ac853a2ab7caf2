"""The national map and page, grade trends, the frameworks API, and conditional responses."""

from __future__ import annotations

import re

import pytest

from tests.builders import JURISDICTIONS
from tests.pages import csrf_token, text_of


def tiles(body: str) -> list[tuple[str, str]]:
    """(link, accessible label) of every tile on the map."""
    svg = body.split('<svg class="tile-map"')[1].split("</svg>")[0]
    return re.findall(r'<a href="([^"]+)" class="tile [^"]+" aria-label="([^"]+)">', svg)


def test_the_map_has_one_linked_tile_per_state_dc_and_puerto_rico(client):
    found = tiles(client.get("/").get_data(as_text=True))

    assert {link for link, _ in found} == {f"/states/{abbr}" for abbr in JURISDICTIONS}
    assert len(found) == len(JURISDICTIONS)
    # Each name starts with what the tile shows ("DC F"), so speech users can say what they see.
    assert ("/states/dc", "DC F: District of Columbia, grade F in 2021") in found
    assert ("/states/mo", "MO F: Missouri, grade F in 2023") in found
    assert ("/states/pr", "PR: Puerto Rico, no grade known") in found


def test_the_national_page_shows_the_distribution_and_average(client):
    page = client.get("/national?edition=2023")

    shown = text_of(page)
    assert "The national picture, 2023" in shown
    assert "National average: 57.9 points." in shown
    # published count, then the count of grades we hold, for each letter
    assert "Grade: A 1 1 Grade: B 1 1 Grade: C 7 7 Grade: D 9 9 Grade: F 32 32" in shown
    assert len(tiles(page.get_data(as_text=True))) == len(JURISDICTIONS)


def test_the_national_page_says_what_is_not_known(client):
    shown = text_of(client.get("/national?edition=2022"))

    assert "Grade: A 0 0 Grade: B 1 1 Grade: C 3 3 Grade: D 10 2 Grade: F 37 4" in shown
    assert "We hold 10 of this edition's report cards." in shown
    assert "National average: not published." in shown


def test_national_page_rejects_bad_editions(client):
    assert client.get("/national?edition=2020").status_code == 404
    assert client.get("/national?edition=soon").status_code == 400


def test_trends_never_join_frameworks(client):
    body = client.get("/states/mo").get_data(as_text=True)

    captions = re.findall(r'<figcaption id="trend-(\w+)-caption">(.*?)</figcaption>', body, re.S)
    assert [key for key, _ in captions] == ["rc", "pic"]
    report_cards = " ".join(captions[0][1].split())
    assert report_cards == ("Missouri's grades in the Report Cards (2021–2023): 2021: F; 2022: F; 2023: F.")
    assert "2019" not in report_cards and "2025" not in report_cards
    charts = body.split('<figure class="trend">')[1:]
    assert all(chart.count("<polyline") == 1 for chart in charts)


def test_a_single_graded_edition_draws_no_trend(client):
    body = client.get("/states/pr").get_data(as_text=True)

    assert '<figure class="trend">' not in body


def test_rank_and_states_sharing_the_grade(client):
    shown = text_of(client.get("/states/nc?edition=2023"))

    assert "Rank 16 in the nation." in shown
    assert "North Carolina is one of 9 states with a D in 2023 (Shared Hope counted 9)." in shown


def test_frameworks_api_lists_areas_goals_and_editions(client):
    answer = client.get("/api/v1/frameworks").get_json()

    by_key = {f["key"]: f for f in answer["items"]}
    assert set(by_key) == {"pic", "rc", "jlm"}
    rc = by_key["rc"]
    assert rc["editions"] == [2021, 2022, 2023]
    assert [a["code"] for a in rc["issue_areas"]] == ["1", "2", "3", "4", "5", "6", "EC"]
    assert rc["issue_areas"][0]["policy_goals"][0]["number"] == "1.1"
    assert rc["grade_scale"] == "A:90;B:80;C:70;D:60;F:0"
    assert by_key["pic"]["editions"][0] == 2011


@pytest.mark.parametrize(
    "url", ["/", "/states/mo", "/national", "/api/v1/states/mo/report-card", "/api/v1/states"]
)
def test_a_repeat_visit_is_a_304(client, url):
    first = client.get(url)

    assert first.headers["ETag"] and first.headers["Last-Modified"]
    again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.get_data() == b""
    by_date = client.get(url, headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert by_date.status_code == 304


@pytest.mark.usefixtures("report_cards_restored")
def test_an_admin_edit_refreshes_the_page(client, auth):
    auth.create("admin@example.org", role="admin")
    api = "/api/v1/states/wy/report-card"
    first = client.get(api)
    assert first.get_json()["weakest"] == []
    auth.login("admin@example.org")

    form_page = client.get("/admin/report-cards/wy/2023")
    client.post(
        "/admin/report-cards/wy/2023",
        data={
            "csrf_token": csrf_token(form_page),
            "grade": "F",
            # Every area scored (scores rank only a whole card), Prevention and Training lowest.
            "area_1": "17.5",
            "area_2": "27.5",
            "area_3": "15",
            "area_4": "15",
            "area_5": "10",
            "area_6": "2",
            "source": "https://reportcards.sharedhope.org/wyoming",
        },
    )
    again = client.get(
        api,
        headers={"If-None-Match": first.headers["ETag"], "If-Modified-Since": first.headers["Last-Modified"]},
    )

    assert again.status_code == 200
    assert again.get_json()["weakest"][0]["slug"] == "prevention-and-training"
