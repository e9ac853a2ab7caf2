"""The browser harness: Debian's Chromium at a phone's and a laptop's size, the app served on loopback,
a stand-in for the Census Geocoder, and a report of taps and page audits at the end of the run.

A journey asks for `live_server`, `page` (the test runs once per viewport), `open_page` for a
second person, and as needed `census` (an address the stand-in geocoder knows), `home_lawmakers`
(the two lawmakers it leads to) and `smtp` (tests/conftest.py). It acts through `Taps(page)` and
calls `audit(page)` on every page it sees (both in tests/browser/harness.py). Chromium resolves
no name but localhost, so nothing a page asks for leaves the machine.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from pytest_httpserver import HTTPServer

from advocacy.extensions import db
from advocacy.models import Legislator
from tests.browser.harness import CHROMIUM, CHROMIUM_ARGS, REPORT, VIEWPORTS, watch
from tests.builders import make_legislator
from tests.conftest import serve

CENSUS_ANSWER = Path(__file__).parents[1] / "fixtures" / "census" / "missouri.json"
# The address the stand-in geocoder places in Missouri's Senate district 19 and House district 44.
ADDRESS = "100 Example St, Springtown, MO 65000"


@pytest.fixture(scope="module")
def browser():
    """One Chromium per test module; each test gets a fresh context (cookies, storage) of its own."""
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("CI must install Debian's chromium (apt-get install -y chromium)")
        pytest.skip("Debian's /usr/bin/chromium is not installed (apt-get install -y chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def new_context(browser, viewport: str):
    """A fresh browser profile at the viewport's size."""
    context = browser.new_context(**VIEWPORTS[viewport])
    # A step that waits this long will not succeed: fail soon and say which element never came.
    context.set_default_timeout(5_000)
    context.set_default_navigation_timeout(15_000)
    return context


@pytest.fixture(params=list(VIEWPORTS))
def viewport(request: pytest.FixtureRequest) -> str:
    """Phone (375 by 812 px, touch) or desktop (1280 by 800 px): tests that use `page` run at both."""
    return request.param


@pytest.fixture
def page(browser, viewport: str, request: pytest.FixtureRequest):
    """A new tab in a new context at the viewport's size, watched for console errors and outside requests."""
    context = new_context(browser, viewport)
    yield watch(context.new_page(), viewport, request.node.originalname)
    context.close()


@pytest.fixture
def open_page(browser, viewport: str, request: pytest.FixtureRequest) -> Iterator[Callable[[], object]]:
    """More people at the same viewport, each in a browser of their own: `visitor = open_page()`."""
    contexts = []

    def open_one():
        context = new_context(browser, viewport)
        contexts.append(context)
        return watch(context.new_page(), viewport, request.node.originalname)

    yield open_one
    for context in contexts:
        context.close()


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    with serve(app) as url:
        yield url


@pytest.fixture(scope="session")
def census_server() -> Iterator[HTTPServer]:
    """A stand-in for the US Census Geocoder that places every address at the recorded Missouri answer."""
    server = HTTPServer(host="127.0.0.1", port=0)
    server.expect_request("/geocoder/geographies/onelineaddress").respond_with_json(
        json.loads(CENSUS_ANSWER.read_text(encoding="utf-8"))
    )
    server.start()
    yield server
    server.clear()
    server.stop()


def census_url(server: HTTPServer) -> str:
    """The CENSUS_URL setting that points the app at the stand-in."""
    return server.url_for("/geocoder")


@pytest.fixture
def census(app: Flask, census_server: HTTPServer) -> str:
    """The app looks addresses up offline; returns an address to type (any address gives the same answer)."""
    app.config["CENSUS_URL"] = census_url(census_server)
    return ADDRESS


def make_home_lawmakers() -> tuple[Legislator, Legislator]:
    """The senator and representative the stand-in geocoder's answer leads to, and a third to leave out."""
    senator = make_legislator(
        db.session, n=1, name="Jane Roe", given_name="Jane", family_name="Roe", district="19"
    )
    representative = make_legislator(
        db.session,
        n=2,
        name="Sam Poe",
        given_name="Sam",
        family_name="Poe",
        chamber="lower",
        district="44",
        party="Democratic",
        email="sam.poe@house.example.gov",
        capitol_voice="573-555-0144",
    )
    make_legislator(
        db.session, n=3, name="Cy Elsewhere", given_name="Cy", family_name="Elsewhere", district="20"
    )
    db.session.commit()
    return senator, representative


@pytest.fixture
def home_lawmakers(app: Flask) -> tuple[Legislator, Legislator]:
    return make_home_lawmakers()


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    """Print the taps per journey and every page audit, and keep them as JSON for a closing note."""
    lines = REPORT.lines()
    if not lines:
        return
    terminalreporter.section("browser: taps and page audits")
    for line in lines:
        terminalreporter.write_line(line)
    target = os.environ.get("ADVOCACY_BROWSER_REPORT")
    if target:
        Path(target).parent.mkdir(parents=True, exist_ok=True)
        Path(target).write_text(REPORT.to_json(), encoding="utf-8")
        terminalreporter.write_line(f"(also written to {target})")
