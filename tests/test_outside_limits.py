"""A slow outside service never starves the site: the Geocoder's concurrency limit and kept answers."""

from __future__ import annotations

import hashlib
import re
import threading
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from advocacy.clients.census import normalised_address
from advocacy.config import ConfigurationProblem, apply_types, defaults
from advocacy.extensions import db
from tests.builders import make_legislator
from tests.pages import text_of

CENSUS_ANSWERS = Path(__file__).parent / "fixtures" / "census"
GEOCODER = "/geocoder/geographies/onelineaddress"
ADDRESS = "100 Example St, Springtown, MO 65000"
BUSY = "This site is busy looking up other addresses; try again in a moment."


def missouri_answer() -> str:
    return (CENSUS_ANSWERS / "missouri.json").read_text(encoding="utf-8")


@pytest.fixture
def missouri(app):
    make_legislator(db.session, n=1, name="Ada Senator", district="19")
    make_legislator(db.session, n=2, name="Bo Representative", chamber="lower", district="44")
    db.session.commit()


@pytest.fixture
def census(app, httpserver: HTTPServer):
    """A stand-in Geocoder answering Missouri at once, one lookup at a time allowed."""
    app.config["CENSUS_URL"] = httpserver.url_for("/geocoder")
    app.config["GEOCODER_CONCURRENCY"] = 1
    httpserver.expect_request(GEOCODER).respond_with_data(missouri_answer(), content_type="application/json")
    return httpserver


@pytest.fixture
def stuck_census(app, httpserver: HTTPServer):
    """A stand-in Geocoder that holds each request until the test releases it."""
    app.config["CENSUS_URL"] = httpserver.url_for("/geocoder")
    app.config["GEOCODER_CONCURRENCY"] = 1
    asked, release = threading.Event(), threading.Event()

    def stuck(request: Request) -> Response:
        asked.set()
        release.wait(timeout=30)  # only so a failing test cannot hang the stand-in for ever
        return Response(missouri_answer(), content_type="application/json")

    httpserver.expect_request(GEOCODER).respond_with_handler(stuck)
    yield asked, release
    release.set()


def lookup(client, address: str = ADDRESS):
    return client.get("/lookup", query_string={"address": address})


def test_a_lookup_beyond_the_limit_is_told_the_site_is_busy_and_pages_still_answer(
    app, missouri, stuck_census
):
    asked, release = stuck_census
    answers = {}
    first = threading.Thread(target=lambda: answers.setdefault("first", lookup(app.test_client())))
    first.start()
    try:
        assert asked.wait(timeout=10), "the first lookup never reached the Geocoder"

        busy = lookup(app.test_client(), "200 Other Ave, Springtown, MO 65000")
        assert busy.status_code == 503
        assert busy.headers["Retry-After"].isdigit()
        assert busy.headers["Cache-Control"] == "no-store"
        assert BUSY in text_of(busy)
        # The form is kept, with what the visitor typed, to try again.
        assert re.search(r'<input[^>]*name="address"[^>]*value="200 Other Ave', busy.text)

        api = app.test_client().get("/api/v1/lookup", query_string={"address": ADDRESS})
        assert api.status_code == 503
        assert api.headers["Retry-After"].isdigit()
        assert api.json["error"] == {"code": "busy", "message": BUSY}

        assert app.test_client().get("/states/mo").status_code == 200
        assert "first" not in answers  # all of this while the first lookup still waited
    finally:
        release.set()
        first.join(timeout=30)

    assert answers["first"].status_code == 200
    assert "Ada Senator" in text_of(answers["first"])
    # The slot is given back: the next lookup is answered.
    assert lookup(app.test_client(), "300 Third St, Springtown, MO 65000").status_code == 200


def test_the_same_address_typed_differently_asks_the_geocoder_once(app, client, missouri, census):
    first = lookup(client, ADDRESS)
    again = lookup(client, "  100 example ST   springtown mo, 65000. ")
    api = client.get("/api/v1/lookup", query_string={"address": "100 EXAMPLE St Springtown MO 65000"})

    assert first.status_code == again.status_code == api.status_code == 200
    assert "Ada Senator" in text_of(again)
    assert api.json["state"] == "mo"
    assert len(census.log) == 1


def test_another_address_is_asked_for(client, missouri, census):
    assert lookup(client, ADDRESS).status_code == 200
    assert lookup(client, "101 Example St, Springtown, MO 65000").status_code == 200
    assert len(census.log) == 2


def test_kept_answers_are_keyed_by_a_salted_hash_never_the_address(app, client, missouri, census):
    assert lookup(client, ADDRESS).status_code == 200

    (geocoder,) = app.extensions["geocoders"].values()
    keys = geocoder.answers.keys()
    assert len(keys) == 1
    (key,) = keys
    # A digest and nothing else: no word of the address can be in it. (Its digits could be, by
    # chance, so they are not looked for.)
    assert re.fullmatch(r"[0-9a-f]{64}", key)
    folded = normalised_address(ADDRESS)
    # Salted: hashing the address elsewhere does not find it.
    assert key != hashlib.sha256(folded.encode()).hexdigest()
    assert key != hashlib.sha256(ADDRESS.encode()).hexdigest()


def test_addresses_fold_case_spaces_and_punctuation():
    assert (
        normalised_address("  100 Example St.,  Springtown,MO 65000 ") == "100 example st springtown mo 65000"
    )
    assert normalised_address("100 EXAMPLE ST SPRINGTOWN MO 65000") == "100 example st springtown mo 65000"


def test_a_limit_of_no_lookups_at_all_stops_the_app_at_start(tmp_path):
    settings = {**defaults(str(tmp_path)), "GEOCODER_CONCURRENCY": "0"}
    with pytest.raises(ConfigurationProblem, match="GEOCODER_CONCURRENCY must be 1 or more"):
        apply_types(settings, defaults(str(tmp_path)))
