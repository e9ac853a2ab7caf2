"""The browser harness itself: an audit finds what it should and says where, and taps are counted."""

from __future__ import annotations

import pytest

from tests.browser.harness import Taps, check_page

pytestmark = pytest.mark.browser

BAD_PAGE = """<!doctype html><html lang="en"><head><title>Bad</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="/static/favicon.svg"></head><body><main>
<h1>A page with faults</h1>
<img src="/static/favicon.svg">
<div class="wide" style="width: 2000px">Too wide for any phone</div>
<a href="/privacy">Privacy</a>
</main></body></html>"""


@pytest.fixture
def bad_page(app):
    """A page served under the site's own content policy, with one fault of each kind the audit checks."""
    app.add_url_rule("/harness/bad", "harness_bad", lambda: BAD_PAGE)
    return "/harness/bad"


def test_an_audit_names_each_fault_and_where_it_is(live_server, page, bad_page):
    page.goto(live_server + bad_page)

    result = check_page(page, record=False)

    assert [v["id"] for v in result.violations] == ["image-alt"]
    assert result.violations[0]["nodes"][0]["target"] == ["img"]
    # The inline style is refused by the policy: the console says so, and the div stays narrow.
    assert any("style-src" in message for message in result.console_errors)
    assert result.overflow == 0
    explained = result.explain()
    assert "axe image-alt [critical] on 1 element(s): Images must have alternative text" in explained
    assert "console error: " in explained


def test_an_audit_names_the_element_that_makes_a_page_scroll_sideways(live_server, page, bad_page):
    page.goto(live_server + bad_page)
    page.locator("div.wide").evaluate(
        "el => { el.style.width = '2000px'; }"
    )  # the script may; markup may not

    result = check_page(page, record=False)

    assert result.overflow > 0
    assert result.offenders[0]["selector"] == "main > div.wide"
    assert "scrolls sideways: the page is" in result.explain()
    assert "main > div.wide (right edge" in result.explain()
    assert not result.passed


def test_taps_count_taps_and_typing_apart_and_wait_for_the_next_page(live_server, page, auth):
    taps = Taps(page)
    page.goto(f"{live_server}/auth/login")

    taps.fill(page.get_by_label("Email"), "pat@example.org")
    taps.tap(page.get_by_role("link", name="Privacy: what we keep and for how long"))

    assert page.url == f"{live_server}/privacy"
    assert (taps.taps, taps.fields) == (1, 1)
