"""Find my lawmakers: an address, the Census Geocoder (served locally), and the lawmakers it leads to."""

from __future__ import annotations

import json
import logging
import time
from datetime import datetime
from urllib.parse import quote_plus

import pytest
from pytest_httpserver import HTTPServer
from sqlalchemy import func, select
from werkzeug import Request, Response

from advocacy.clients.census import GeocoderUnavailable, parse_answer
from advocacy.extensions import db
from tests.builders import ADDRESS, GEOCODER, answer, make_legislator, missouri_lawmakers, person_id, unsigned
from tests.conftest import shared_data
from tests.pages import link_with_text, text_of


@pytest.fixture
def census(app, httpserver: HTTPServer):
    """The app asks a local stand-in for the Census Geocoder; `census(name)` sets its answer."""
    app.config["CENSUS_URL"] = httpserver.url_for("/geocoder")

    def serve(name: str) -> None:
        httpserver.expect_request(GEOCODER).respond_with_json(answer(name))

    return serve


def lookup(client, address: str = ADDRESS):
    return client.get("/lookup", query_string={"address": address})


def test_an_address_shows_my_senator_and_representative_and_a_link_to_write(client, census, httpserver):
    missouri_lawmakers()
    census("missouri")

    page = lookup(client)

    seen = text_of(page)
    assert page.status_code == 200
    assert "Your lawmakers in Missouri" in seen
    assert "Address found: 100 EXAMPLE ST, SPRINGTOWN, MO, 65000" in seen
    assert (
        "Your senator Senator Ada Senator Senate, district 19 · Republican Yours: found for your address "
        "jordan1@senate.example.gov · 573-555-0100" in seen
    )
    assert (
        "Your representative Representative Bo Representative House of Representatives, district 44 · "
        "Democratic Yours: found for your address bo@house.example.gov · 573-555-0144" in seen
    )
    assert "Gone Member" not in seen and "Cy Elsewhere" not in seen
    write = link_with_text(page, "Write to them")
    assert unsigned(write) == (
        f"/letters/new?state=mo&to={person_id(1)}&to={person_id(2)}",
        {person_id(1), person_id(2)},
    )
    assert page.headers["Cache-Control"] == "no-store"
    sent = httpserver.log[0][0].args
    assert sent.to_dict() == {
        "address": ADDRESS,
        "benchmark": "Public_AR_Current",
        "vintage": "Current_Current",
        "layers": "all",
        "format": "json",
    }

    letter_form = client.get(write)
    assert letter_form.status_code == 200
    shown = text_of(letter_form)
    assert "Senator Ada Senator Senate, district 19 Yours: found for your address" in shown
    assert "Representative Bo Representative House of Representatives, district 44 Yours" in shown
    assert 'value="Springtown"' in letter_form.get_data(as_text=True)  # the town the Census matched


def test_the_lawmakers_found_can_be_kept_for_alerts_about_the_states_bills(client, census):
    missouri_lawmakers()
    census("missouri")

    follow = link_with_text(lookup(client), "Get an email when Missouri's bills on its weakest issues move")
    path, ids = unsigned(follow)

    assert (path, ids) == ("/follow?state=mo", {person_id(1), person_id(2)})
    form = client.get(follow)
    assert form.status_code == 200
    assert "Keep my lawmakers so alerts can link to a letter to them" in text_of(form)


def test_the_real_recorded_answer_with_a_failed_layer_is_reported_not_a_crash(client, census, httpserver):
    recorded = shared_data("census") / "geocoder_samples" / "censusgeocode_onelineaddress_2017.response.json"
    httpserver.expect_request(GEOCODER).respond_with_data(
        recorded.read_bytes(), content_type="application/json"
    )
    make_legislator(
        db.session, n=5, state_abbr="dc", chamber="legislature", district="At-Large", name="Al Large"
    )
    make_legislator(
        db.session, n=6, state_abbr="dc", chamber="legislature", district="Chairman", name="Chair Person"
    )
    make_legislator(db.session, n=7, state_abbr="dc", chamber="legislature", district="Ward 2", name="Wa Two")
    db.session.commit()

    page = lookup(client, "1600 Pennsylvania Avenue NW, Washington, DC, 20500")

    seen = text_of(page)
    assert page.status_code == 200
    assert "Your lawmakers in District of Columbia" in seen
    assert "Address found: 1600 PENNSYLVANIA AVE NW, WASHINGTON, DC, 20502" in seen
    assert "The Census could not say which Council district this address is in right now." in seen
    # The seats elected by the whole District still apply; the ward member cannot be named.
    assert "Your councilmembers" in seen and "Al Large" in seen and "Chair Person" in seen
    assert "Wa Two" not in seen
    assert link_with_text(page, "All District of Columbia lawmakers") == "/states/dc/legislators"


def test_an_address_the_census_does_not_know_says_so_and_offers_the_state_tables(client, census):
    census("no_match")

    page = lookup(client, "1 Nowhere Lane")

    seen = text_of(page)
    assert page.status_code == 404
    assert "We could not find that address" in seen
    # Above the field, what to try next: the street with its ZIP code, or the list.
    assert "Try your street address with its ZIP code" in seen
    assert seen.index("We could not find that address") < seen.index("Your home address")
    assert link_with_text(page, "choose your state's lawmakers from a list") == "#states-heading"
    assert link_with_text(page, "Missouri") == "/states/mo/legislators"
    assert 'value="1 Nowhere Lane"' in page.get_data(as_text=True)  # the form keeps what was typed


def test_an_address_outside_the_states_says_so(client, census, httpserver):
    guam = answer("missouri")
    match = guam["result"]["addressMatches"][0]
    match["matchedAddress"] = "1 EXAMPLE ST, HAGATNA, GU, 96910"
    match["addressComponents"]["state"] = "GU"
    match["geographies"] = {"States": [{"STATE": "66", "GEOID": "66", "NAME": "Guam"}]}
    httpserver.expect_request(GEOCODER).respond_with_json(guam)

    page = lookup(client, "1 Example St, Hagatna, GU")

    assert page.status_code == 404
    assert (
        "The Census placed 1 EXAMPLE ST, HAGATNA, GU, 96910 outside the 50 states, DC and Puerto Rico, "
        "whose lawmakers this site lists." in text_of(page)
    )


def test_several_matches_use_the_first_and_say_so(client, census):
    missouri_lawmakers()
    census("several_matches")

    seen = text_of(lookup(client, "100 Example St, MO"))

    assert (
        "The Census found 2 addresses like yours. These lawmakers are for the first, "
        "100 EXAMPLE ST, SPRINGTOWN, MO, 65000. If that is not your address, add your city and ZIP code"
    ) in seen
    assert "Ada Senator" in seen and "Bo Representative" in seen and "Cy Elsewhere" not in seen


def test_an_address_in_no_district_says_so_and_names_nobody(client, census):
    make_legislator(db.session, n=8, state_abbr="wi", district="1")
    db.session.commit()
    census("water")

    page = lookup(client, "1 Lakeshore Dr, Harborville, WI")

    seen = text_of(page)
    assert "The Census places this address in no Senate district (for example, it lies on water)." in seen
    assert "The Census places this address in no Assembly district (for example, it lies on water)." in seen
    assert "We could not name your senator for this address." in seen
    assert "Write to them" not in seen


def test_a_district_with_two_representatives_lists_both(client, census):
    make_legislator(db.session, n=10, state_abbr="az", district="12", name="Sen Twelve")
    make_legislator(db.session, n=11, state_abbr="az", chamber="lower", district="12", name="Rep One")
    make_legislator(db.session, n=12, state_abbr="az", chamber="lower", district="12", name="Rep Two")
    make_legislator(db.session, n=13, state_abbr="az", chamber="lower", district="13", name="Rep Other")
    db.session.commit()
    census("arizona_two_representatives")

    page = lookup(client, "12 Example Rd, Mesaville, AZ")

    seen = text_of(page)
    assert "Your senator Senator Sen Twelve Senate, district 12" in seen
    assert "Your representatives" in seen
    assert "Rep One House of Representatives, district 12" in seen
    assert "Rep Two House of Representatives, district 12" in seen
    assert "Rep Other" not in seen
    url, found = unsigned(link_with_text(page, "Write to them"))
    assert url == f"/letters/new?state=az&to={person_id(10)}&to={person_id(11)}&to={person_id(12)}"
    assert found == {person_id(10), person_id(11), person_id(12)}


def test_nebraska_has_one_chamber(client, census):
    make_legislator(
        db.session, n=14, state_abbr="ne", chamber="legislature", district="21", name="Una Cameral"
    )
    make_legislator(
        db.session, n=15, state_abbr="ne", chamber="legislature", district="22", name="Other Senator"
    )
    db.session.commit()
    census("nebraska")

    page = lookup(client, "21 Example Ave, Prairieville, NE")

    seen = text_of(page)
    assert "Your senator Senator Una Cameral Legislature, district 21" in seen
    assert "Other Senator" not in seen and "representative" not in seen.lower()
    assert "The Census" not in seen  # nothing went wrong, so nothing to report
    assert unsigned(link_with_text(page, "Write to them")) == (
        f"/letters/new?state=ne&to={person_id(14)}",
        {person_id(14)},
    )


def test_a_district_that_no_longer_exists_is_reported_not_guessed(client, census):
    make_legislator(db.session, n=16, state_abbr="nd", district="9", name="Nine Senator")
    make_legislator(db.session, n=17, state_abbr="nd", chamber="lower", district="9", name="Nine Rep")
    db.session.commit()
    census("north_dakota_redrawn")

    seen = text_of(lookup(client, "9 Example St, Plainstown, ND"))

    assert "Your senator Senator Nine Senator Senate, district 9" in seen
    assert (
        "We could not match the Census's “State House District 9A” (code 3809A) to a current House "
        "district, so we cannot name your representative for it." in seen
    )
    assert "Nine Rep" not in seen
    assert "We could not name your representative for this address." in seen


def test_a_vacant_seat_is_named_as_vacant(client, census):
    make_legislator(db.session, n=1, name="Ada Senator", district="19")
    make_legislator(db.session, n=3, chamber="lower", district="44", retired_at=datetime(2026, 1, 15))
    db.session.commit()
    census("missouri")

    seen = text_of(lookup(client))

    assert "House district 44 has no sitting representative right now." in seen
    assert "Ada Senator" in seen


def test_a_chamber_with_no_lawmakers_on_file_says_so(client, census):
    census("missouri")

    seen = text_of(lookup(client))

    assert "We have no Missouri Senate members on file yet, so we cannot name your senator." in seen
    assert "We have no Missouri House members on file yet, so we cannot name your representative." in seen


def test_a_lookup_runs_a_fixed_number_of_queries(client, census, count_queries):
    for n in range(1, 40):
        make_legislator(
            db.session, n=n, district="19" if n < 3 else str(n), chamber="upper" if n % 2 else "lower"
        )
    db.session.commit()
    census("missouri")

    with count_queries() as first:
        assert client.get("/api/v1/lookup", query_string={"address": ADDRESS}).status_code == 200
    with count_queries() as then:
        assert lookup(client).status_code == 200
        assert client.get("/api/v1/lookup", query_string={"address": ADDRESS}).status_code == 200

    # The first lookup reads the states and the state's seats and sitting members; later ones only
    # wait for the Census, until a sync changes the lawmakers.
    assert len(first) == 4, first
    assert then == []


def test_a_change_to_the_lawmakers_shows_at_the_next_lookup(client, census):
    ada = make_legislator(db.session, n=1, name="Ada Senator", district="19")
    db.session.commit()
    census("missouri")
    assert "Ada Senator" in text_of(lookup(client))

    ada.name = "Ada Renamed"
    make_legislator(db.session, n=2, name="Bo Newcomer", chamber="lower", district="44")
    db.session.commit()

    seen = text_of(lookup(client))
    assert "Ada Renamed" in seen
    assert "Ada Senator" not in seen
    assert "Bo Newcomer" in seen
    assert "House district 44 has no sitting representative" not in seen


def test_a_census_server_error_is_retried_then_explained(client, census, httpserver):
    httpserver.expect_request(GEOCODER).respond_with_data("Service Unavailable", status=503)

    page = lookup(client)

    seen = text_of(page)
    assert page.status_code == 503
    assert "We cannot look up addresses right now" in seen
    assert "The US Census address service is not answering. Try again in a few minutes" in seen
    assert link_with_text(page, "Missouri") == "/states/mo/legislators"
    assert len(httpserver.log) == 3  # the first try and two retries


def test_one_failed_try_is_retried_and_the_page_works(client, census, httpserver):
    missouri_lawmakers()
    httpserver.expect_oneshot_request(GEOCODER).respond_with_data("Bad Gateway", status=502)
    census("missouri")

    page = lookup(client)

    assert page.status_code == 200
    assert "Ada Senator" in text_of(page)
    assert [response.status_code for _, response in httpserver.log] == [502, 200]


def test_a_census_that_does_not_answer_in_time_is_explained_without_waiting_for_it(
    app, client, census, httpserver
):
    def slow(request: Request) -> Response:
        time.sleep(0.6)
        return Response(json.dumps(answer("missouri")), content_type="application/json")

    httpserver.expect_request(GEOCODER).respond_with_handler(slow)
    app.config["HTTP_TIMEOUT"] = 0.2

    started = time.monotonic()
    page = lookup(client)
    waited = time.monotonic() - started

    assert page.status_code == 503
    assert "We cannot look up addresses right now" in text_of(page)
    assert waited < 0.6  # a read timeout is not retried: a person is waiting
    # The stand-in answers late: wait for it, so the next test does not meet that answer.
    deadline = time.monotonic() + 5
    while not httpserver.log and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(httpserver.log) == 1


def test_an_answer_that_is_not_json_is_explained(client, census, httpserver):
    httpserver.expect_request(GEOCODER).respond_with_data(
        "<html>Maintenance</html>", content_type="text/html"
    )

    page = lookup(client)

    assert page.status_code == 503
    assert "We cannot look up addresses right now" in text_of(page)


@pytest.mark.parametrize(
    ("address", "message"),
    [
        ("   ", "Type your street address with the city and state, or the ZIP code."),
        ("x" * 201, "An address can be at most 200 characters long."),
    ],
)
def test_an_empty_or_overlong_address_is_refused_before_asking_the_census(
    client, census, httpserver, address, message
):
    page = lookup(client, address)

    assert page.status_code == 400
    assert message in text_of(page)
    assert httpserver.log == []


def test_the_empty_form_asks_for_an_address(client, census, httpserver):
    page = client.get("/lookup")

    seen = text_of(page)
    assert page.status_code == 200
    assert "Find my lawmakers" in seen and "Your home address" in seen
    assert "Type your street address" not in seen  # no error before anything was typed
    assert httpserver.log == []


def test_the_api_answers_districts_lawmakers_and_problems(client, census):
    missouri_lawmakers()
    census("missouri")

    response = client.get("/api/v1/lookup", query_string={"address": ADDRESS})

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_json()
    assert body == {
        "address": "100 EXAMPLE ST, SPRINGTOWN, MO, 65000",
        "state": "mo",
        "upper": {
            "chamber": "upper",
            "name": "Senate",
            "districts": ["19"],
            "legislators": [
                {
                    "id": person_id(1),
                    "name": "Ada Senator",
                    "title": "Senator",
                    "chamber": "upper",
                    "district": "19",
                    "party": "Republican",
                    "email": "jordan1@senate.example.gov",
                    "email_status": "ok",
                    "phone": "573-555-0100",
                    "capitol_address": "201 W. Capitol Ave., Jefferson City, MO 65101",
                    "district_address": "",
                    "links": ["https://senate.example.gov/ada"],
                }
            ],
        },
        "lower": {
            "chamber": "lower",
            "name": "House of Representatives",
            "districts": ["44"],
            "legislators": [
                {
                    "id": person_id(2),
                    "name": "Bo Representative",
                    "title": "Representative",
                    "chamber": "lower",
                    "district": "44",
                    "party": "Democratic",
                    "email": "bo@house.example.gov",
                    "email_status": "ok",
                    "phone": "573-555-0144",
                    "capitol_address": "201 W. Capitol Ave., Jefferson City, MO 65101",
                    "district_address": "",
                    "links": [],
                }
            ],
        },
        "problems": [],
        "may_also_represent": None,
        "write_url": body["write_url"],
    }
    assert unsigned(body["write_url"]) == (
        f"/letters/new?state=mo&to={person_id(1)}&to={person_id(2)}",
        {person_id(1), person_id(2)},
    )


def test_the_api_gives_nebraska_one_chamber(client, census):
    make_legislator(db.session, n=14, state_abbr="ne", chamber="legislature", district="21")
    db.session.commit()
    census("nebraska")
    nebraska = client.get("/api/v1/lookup?address=21+Example+Ave").get_json()

    assert nebraska["state"] == "ne" and nebraska["lower"] is None
    assert nebraska["upper"]["chamber"] == "legislature" and nebraska["upper"]["districts"] == ["21"]
    assert [p["id"] for p in nebraska["upper"]["legislators"]] == [person_id(14)]


def test_the_api_lists_what_it_could_not_tell(client, census):
    make_legislator(db.session, n=16, state_abbr="nd", district="9")
    make_legislator(db.session, n=17, state_abbr="nd", chamber="lower", district="9")
    db.session.commit()
    census("north_dakota_redrawn")

    body = client.get("/api/v1/lookup?address=9+Example+St").get_json()

    assert body["upper"]["districts"] == ["9"] and len(body["upper"]["legislators"]) == 1
    assert body["lower"] == {
        "chamber": "lower",
        "name": "House of Representatives",
        "districts": [],
        "legislators": [],
    }
    assert body["problems"] == [
        "We could not match the Census's “State House District 9A” (code 3809A) to a current House "
        "district, so we cannot name your representative for it. The North Dakota lawmaker table "
        "lists every member.",
    ]
    assert unsigned(body["write_url"]) == (f"/letters/new?state=nd&to={person_id(16)}", {person_id(16)})


@pytest.mark.parametrize(
    ("query", "status", "code", "message"),
    [
        ("", 400, "bad_request", "Type your street address with the city and state, or the ZIP code."),
        (
            "?address=",
            400,
            "bad_request",
            "Type your street address with the city and state, or the ZIP code.",
        ),
        ("?address=" + "x" * 201, 400, "bad_request", "An address can be at most 200 characters long."),
        ("?address=1+Nowhere+Lane", 404, "not_found", "The Census found no address like that."),
    ],
)
def test_the_api_errors_say_what_went_wrong(client, census, query, status, code, message):
    census("no_match")

    response = client.get(f"/api/v1/lookup{query}")

    assert response.status_code == status
    error = response.get_json()["error"]
    assert error["code"] == code and error["message"].startswith(message)


def test_the_api_says_when_the_census_is_down(client, census, httpserver):
    httpserver.expect_request(GEOCODER).respond_with_data("down", status=500)

    response = client.get("/api/v1/lookup", query_string={"address": ADDRESS})

    assert response.status_code == 503
    assert response.get_json()["error"] == {
        "code": "service_unavailable",
        "message": "The address service is not answering (the Census Geocoder answered HTTP 500). "
        "Try again in a few minutes.",
    }


def _row_counts() -> dict[str, int]:
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }


def test_the_address_is_neither_stored_nor_logged(app, client, census, httpserver, caplog):
    missouri_lawmakers()
    census("missouri")
    before = _row_counts()
    caplog.set_level(logging.DEBUG)

    assert lookup(client).status_code == 200
    assert client.get("/api/v1/lookup", query_string={"address": ADDRESS}).status_code == 200
    app.config["CENSUS_URL"] = "http://127.0.0.1:9/geocoder"  # nothing listens: urllib3 warns as it retries
    assert lookup(client).status_code == 503

    db.session.expire_all()
    assert _row_counts() == before
    # The stand-in Census server's own access log (logger "werkzeug") is not the app's.
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name != "werkzeug")
    assert "Retrying" in logged or "onelineaddress" in logged  # the HTTP library did log its requests
    for form in (ADDRESS, quote_plus(ADDRESS), "Springtown"):
        assert form not in logged


def test_lookups_are_rate_limited_but_the_empty_form_is_not(make_app, httpserver):
    httpserver.expect_request(GEOCODER).respond_with_json(answer("no_match"))
    limited = make_app(
        RATELIMIT_ENABLED=True, RATE_LIMIT_LOOKUP="2 per minute", CENSUS_URL=httpserver.url_for("/geocoder")
    )
    client = limited.test_client()

    statuses = [lookup(client).status_code for _ in range(3)]

    assert statuses == [404, 404, 429]
    assert client.get("/lookup").status_code == 200


def test_layer_names_carry_any_year_and_a_missing_geoid_is_built_from_the_code():
    data = {
        "result": {
            "addressMatches": [
                {
                    "matchedAddress": "1 A ST, RALEIGH, NC, 27601",
                    "geographies": {
                        "2022 State Legislative Districts - Upper": [{"GEOID": "37004", "SLDU": "004"}],
                        "2026 State Legislative Districts - Upper": [{"GEOID": "37005", "BASENAME": "5"}],
                        "2030 State Legislative Districts - Lower": [
                            {"STATE": "37", "SLDL": "012", "NAME": "State House District 12"}
                        ],
                    },
                }
            ]
        }
    }

    match = parse_answer(data).matches[0]

    assert [d.geoid for d in match.upper.districts] == ["37005"]  # the newest vintage wins
    assert match.upper.districts[0].code == "005"
    lower = match.lower.districts[0]
    assert (lower.geoid, lower.state_fips, lower.code, lower.name) == (
        "37012",
        "37",
        "012",
        "State House District 12",
    )
    assert match.state_fips == "37"


def test_a_failed_layer_is_unknown_and_a_shapeless_answer_is_refused():
    failed = parse_answer(
        {
            "result": {
                "addressMatches": [
                    {
                        "matchedAddress": "X",
                        "geographies": {
                            "2024 State Legislative Districts - Upper": [
                                {"status": "Layer query encountered an error"}
                            ],
                            "2024 State Legislative Districts - Lower": [],
                        },
                    }
                ]
            }
        }
    ).matches[0]

    assert not failed.upper.known and failed.upper.error == "Layer query encountered an error"
    assert failed.lower.known and failed.lower.districts == ()
    with pytest.raises(GeocoderUnavailable, match="without address matches"):
        parse_answer({"errors": ["Address cannot be empty"]})
