"""A real Chromium, driven by Playwright: the state page and the letter preview as a person sees them."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

from advocacy.extensions import db
from tests.builders import make_legislator
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
# Flags for a machine with no outside network (see the README's testing notes).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()


@pytest.fixture
def page(tmp_path: Path):
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("CI must install Debian's chromium (apt-get install -y chromium)")
        pytest.skip("Debian's /usr/bin/chromium is not installed (apt-get install -y chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1100, "height": 900})
        page = context.new_page()
        page.console_errors = []
        page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
        yield page
        context.close()
        browser.close()
    shutil.rmtree(tmp_path, ignore_errors=True)


def test_state_page_to_letter_preview(live_server, page, tmp_path):
    senator = make_legislator(db.session, n=19, name="Jane Roe", family_name="Roe", district="19")
    db.session.commit()

    page.goto(f"{live_server}/states/mo")
    assert page.locator("h1").inner_text() == "Missouri"
    assert page.get_by_role("link", name="Quick exit").is_visible()
    weakest = page.locator("ol.weakest > li")
    assert weakest.count() == 3
    assert "Identification of and Response to Victims" in weakest.first.inner_text()
    page.screenshot(path=str(tmp_path / "state.png"), full_page=True)

    weakest.first.get_by_role("link", name="Write to your lawmakers about this").click()
    page.wait_for_url("**/letters/new?state=mo&area=identification-and-response")
    page.get_by_label("Lawmakers").select_option(senator.id)
    page.get_by_label("Your full name").fill("Pat Doe")
    page.get_by_label("Your town or city").fill("Columbia")
    page.get_by_label("In your own words (optional)").fill("I coach a youth soccer team.")
    page.get_by_role("button", name="Preview the letter").click()

    preview = page.locator("article.letter-preview")
    preview.wait_for()
    text = preview.inner_text()
    assert "Dear Senator Roe," in text
    assert "Missouri received a grade of F" in text
    assert "I coach a youth soccer team." in text
    page.screenshot(path=str(tmp_path / "preview.png"), full_page=True)
    assert page.console_errors == []  # no script errors, no content-policy violations


def test_quick_exit_leaves_at_once_and_replaces_the_page_in_history(live_server, page):
    page.route("https://www.weather.gov/**", lambda route: route.fulfill(body="<h1>Weather</h1>"))
    page.goto(f"{live_server}/")
    page.goto(f"{live_server}/states/mo")
    length = page.evaluate("history.length")

    page.get_by_role("link", name="Quick exit").click()
    page.wait_for_url("https://www.weather.gov/")

    assert page.locator("h1").inner_text() == "Weather"
    assert page.evaluate("history.length") == length  # replaced, not added
    page.go_back()
    assert page.url == f"{live_server}/"  # the state page is gone from history


def test_log_in_and_out_in_the_browser(live_server, page, auth):
    auth.create()

    page.goto(f"{live_server}/auth/login?next=/states/mo")
    page.get_by_label("Email").fill("pat@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server}/states/mo")
    page.get_by_role("button", name="Log out").click()

    assert page.get_by_text("You are logged out.").is_visible()
    assert page.get_by_role("link", name="Log in").is_visible()
    assert page.console_errors == []


def test_a_draft_survives_a_reload_in_the_same_tab_and_quick_exit_forgets_it(live_server, page):
    page.route("https://www.weather.gov/**", lambda route: route.fulfill(body="<h1>Weather</h1>"))
    make_legislator(db.session, n=1)
    db.session.commit()
    page.goto(f"{live_server}/letters/new?state=mo")
    page.get_by_label("Your full name").fill("Pat Doe")
    page.get_by_label("In your own words (optional)").fill("I teach middle school.")

    page.reload()

    assert page.get_by_label("Your full name").input_value() == "Pat Doe"
    assert page.get_by_label("In your own words (optional)").input_value() == "I teach middle school."
    page.get_by_role("link", name="Quick exit").click()
    page.wait_for_url("https://www.weather.gov/")
    page.goto(f"{live_server}/letters/new?state=mo")
    assert page.get_by_label("Your full name").input_value() == ""
