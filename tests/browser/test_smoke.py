"""A real Chromium, driven by Playwright: the state page and the letter preview as a person sees them.

The browser, the viewports (each test runs on a phone and a desktop) and the served app are the
harness's, in conftest.py.
"""

from __future__ import annotations

import re

import pytest

from advocacy.extensions import db
from tests.builders import make_legislator
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_state_page_to_letter_preview(live_server, page, census, home_lawmakers, tmp_path):
    page.goto(f"{live_server}/states/mo")
    assert page.get_by_role("heading", level=1).inner_text() == "Missouri"
    assert page.get_by_role("button", name="Quick exit").is_visible()
    weakest = page.locator("ol.weakest > li")
    assert weakest.count() == 3
    assert "Identification of and Response to Victims" in weakest.first.inner_text()
    page.screenshot(path=str(tmp_path / "state.png"), full_page=True)

    weakest.first.get_by_role("link", name=re.compile("^Write about this")).click()
    page.get_by_label("Your home address").fill(census)
    page.get_by_role("button", name="Find my lawmakers").click()
    page.get_by_role("link", name="Write to them").click()
    page.get_by_label("Your full name").fill("Pat Doe")
    page.get_by_label("Your town or city").fill("Columbia")
    page.get_by_label("In your own words (optional)").fill("I coach a youth soccer team.")
    page.get_by_role("button", name="Preview the letter").click()

    preview = page.get_by_role("region", name="Preview")
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

    page.get_by_role("button", name="Quick exit").press(" ")  # a button answers Space, not just Enter
    page.wait_for_url("https://www.weather.gov/")

    assert page.locator("h1").inner_text() == "Weather"
    assert page.evaluate("history.length") == length  # replaced, not added
    page.go_back()  # the state page is gone from history, and the page before it leaves again at once
    page.wait_for_url("https://www.weather.gov/")
    assert page.locator("h1").inner_text() == "Weather"


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
    page.get_by_role("button", name="Quick exit").click()
    page.wait_for_url("https://www.weather.gov/")
    page.goto(f"{live_server}/letters/new?state=mo")
    assert page.get_by_label("Your full name").input_value() == ""
