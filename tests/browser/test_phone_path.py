"""The citizen's path on a phone (and a desktop): nothing lost to a key press, the quick exit over
nothing, one address box per state page, a short letter form, plain words and sources, a failed
lookup that says what to try, grades as text, and the lawmaker list as compact cards."""

from __future__ import annotations

import json
import re
from datetime import date, datetime

import pytest
from playwright.sync_api import expect
from pytest_httpserver import HTTPServer
from sqlalchemy import select

from advocacy.auth.service import create_user
from advocacy.extensions import db
from advocacy.models import Bill, Campaign, IssueArea
from advocacy.reportcards.service import featured_framework
from tests.browser.conftest import CENSUS_ANSWER
from tests.browser.harness import VIEWPORTS, Taps, audit, watch
from tests.builders import make_legislator
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

EXIT = "https://www.weather.gov/"
PHONE_HEIGHT = VIEWPORTS["phone"]["viewport"]["height"]
NO_MATCH = CENSUS_ANSWER.parent / "no_match.json"


def stay_or_leave(page) -> None:
    """Answer the quick exit's destination locally, so leaving is seen without the internet."""
    page.route(f"{EXIT}**", lambda route: route.fulfill(body="<h1>Weather</h1>", content_type="text/html"))


def area(slug: str) -> IssueArea:
    framework = featured_framework(db.session)
    return db.session.scalar(
        select(IssueArea).where(IssueArea.framework_id == framework.id, IssueArea.slug == slug)
    )


# 1. Quick exit never fires from inside a field; Esc keeps its meaning there.


def test_esc_in_a_field_keeps_its_meaning_and_quick_exit_stays_one_key_away(live_server, page):
    stay_or_leave(page)
    make_legislator(db.session, n=1)
    db.session.commit()

    page.goto(f"{live_server}/states/mo")
    address = page.get_by_label("Your home address")
    address.fill("100 Example St")
    address.press("Escape")  # a search box clears on Esc; the visitor stays
    expect(address).to_have_value("")
    expect(page.get_by_role("heading", level=1)).to_have_text("Missouri")

    page.goto(f"{live_server}/letters/new?state=mo")
    own_words = page.get_by_label("In your own words (optional)")
    own_words.fill("I coach a youth soccer team.")
    own_words.press("Escape")
    expect(own_words).to_have_value("I coach a youth soccer team.")  # the draft is kept
    expect(page.get_by_role("heading", level=1)).to_have_text("Write to your Missouri lawmakers")

    # Anywhere else, Esc is still the one key that leaves.
    page.get_by_role("heading", level=1).click()
    page.keyboard.press("Escape")
    page.wait_for_url(EXIT)
    expect(page.locator("h1")).to_have_text("Weather")


def test_shift_three_times_leaves_even_from_a_field(live_server, page):
    stay_or_leave(page)
    make_legislator(db.session, n=1)
    db.session.commit()
    page.goto(f"{live_server}/letters/new?state=mo")
    name = page.get_by_label("Your full name")
    name.fill("Pat")
    name.press("Shift+A")  # a capital letter is typing, not the gesture
    name.press("Shift")
    name.press("Shift")
    expect(page.get_by_role("heading", level=1)).to_have_text("Write to your Missouri lawmakers")

    name.press("Shift")  # the third press in a row
    page.wait_for_url(EXIT)
    expect(page.locator("h1")).to_have_text("Weather")


@pytest.mark.parametrize("how", ["tap or click", "Enter"])
def test_quick_exit_answers_a_tap_a_click_and_enter(live_server, page, how):
    stay_or_leave(page)
    page.goto(f"{live_server}/states/mo")
    control = page.get_by_role("button", name="Quick exit")
    if how == "Enter":
        control.press("Enter")
    elif page.viewport_name == "phone":
        control.tap()
    else:
        control.click()
    page.wait_for_url(EXIT)


# 2. Quick exit never covers content or focus, at 320, 375 and 1280 px.

_UNDER_EXIT = """(element) => {
  const exit = document.querySelector('[data-quick-exit]').getBoundingClientRect();
  const box = element.getBoundingClientRect();
  return box.width > 0 && box.height > 0 && box.left < exit.right && box.right > exit.left
    && box.top < exit.bottom && box.bottom > exit.top;
}"""

_HEADINGS_UNDER_EXIT = """(under) => {
  const found = [];
  for (const heading of document.querySelectorAll('main h1, main h2, main h3, main h4')) {
    if (!heading.getClientRects().length) continue;  // folded away
    heading.scrollIntoView({block: 'start'});
    if (under(heading)) found.push(heading.textContent.trim().slice(0, 60));
  }
  return found;
}"""


def focus_stops_under_exit(page, key: str) -> tuple[int, list[str]]:
    """Walk every Tab (or Shift+Tab) stop once; return how many and those lying under the exit."""
    under, seen = [], set()
    for _ in range(400):
        page.keyboard.press(key)
        element = page.evaluate_handle("document.activeElement")
        marker = page.evaluate(
            "(e) => e === document.body ? 'body' : (e.dataset.stop ||= String(Math.random()))", element
        )
        if marker in seen or marker == "body":
            break
        seen.add(marker)
        if page.evaluate("(e) => e.hasAttribute('data-quick-exit')", element):
            continue
        if page.evaluate(_UNDER_EXIT, element):
            under.append(page.evaluate("(e) => e.outerHTML.slice(0, 80)", element))
    return len(seen), under


def add_a_pending_bill() -> None:
    """A Missouri bill of the 2026 session on identification and response, so the state page lists one."""
    db.session.add(
        Bill(
            state_abbr="mo",
            session="2026",
            session_name="2026 Regular Session",
            identifier="SB 1",
            title="Modifies provisions relating to the protection of children",
            url="https://www.senate.mo.gov/26info/BTS_Web/Bill.aspx?SessionType=R&BillID=1",
            first_seen_at=datetime(2026, 11, 1),
            areas=[area("identification-and-response")],
        )
    )
    db.session.commit()


@pytest.mark.parametrize("width", [320, 375, 1280])
def test_no_heading_and_no_focus_stop_lies_under_the_quick_exit(live_server, browser, width):
    add_a_pending_bill()
    phone = width < 1000
    context = browser.new_context(
        viewport={"width": width, "height": 640 if phone else 800}, is_mobile=phone, has_touch=phone
    )
    page = watch(context.new_page(), f"{width}px", "quick exit covers nothing")
    try:
        page.goto(f"{live_server}/states/mo")
        exit_box = page.get_by_role("button", name="Quick exit").bounding_box()
        assert exit_box["height"] >= 44

        under = page.evaluate(f"() => ({_HEADINGS_UNDER_EXIT})({_UNDER_EXIT})")
        assert under == [], f"headings under the quick exit at {width} px: {under}"

        page.evaluate("window.scrollTo(0, 0)")
        stops, under = focus_stops_under_exit(page, "Tab")
        assert stops > 30 and under == [], f"{width} px, Tab: {under}"
        page.locator("footer a").last.focus()
        stops, under = focus_stops_under_exit(page, "Shift+Tab")
        assert stops > 30 and under == [], f"{width} px, Shift+Tab: {under}"

        # A link to a part of the page lands below the quick exit too.
        page.goto(f"{live_server}/states/mo?area=prevention-and-training#lookup")
        heading = page.get_by_role("heading", name="Find your lawmakers")
        assert not heading.evaluate(_UNDER_EXIT)
        audit(page)
    finally:
        context.close()


# 3. One address box per state page; "Write about this" fills it and carries the area.


def test_one_address_box_serves_every_weak_area_and_the_lookup_keeps_the_area(
    live_server, page, census, home_lawmakers
):
    citizen = Taps(page)
    page.goto(f"{live_server}/states/mo")
    expect(page.locator("input[name=address]")).to_have_count(1)
    weakest = page.locator("ol.weakest > li")

    citizen.tap(weakest.nth(0).get_by_role("link", name=re.compile("Write about this")), navigates=False)
    address = page.get_by_label("Your home address")
    expect(address).to_be_focused()
    citizen.fill(address, census)
    # Another area after all: the address typed once stays, the area changes.
    citizen.tap(weakest.nth(1).get_by_role("link", name=re.compile("Write about this")), navigates=False)
    expect(page.get_by_label("Write about")).to_have_value("access-to-justice")
    expect(address).to_have_value(census)
    expect(address).to_be_focused()
    audit(page)

    citizen.tap(page.get_by_role("button", name="Find my lawmakers"))
    expect(page.locator("main")).to_contain_text("then write to them about access to justice")
    citizen.tap(page.get_by_role("link", name="Write to them"))
    expect(page.get_by_label("Issue to write about")).to_have_value("access-to-justice")
    audit(page)


def test_without_javascript_write_about_this_goes_to_the_pages_own_address_box(
    live_server, browser, viewport, census, home_lawmakers
):
    context = browser.new_context(**VIEWPORTS[viewport], java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{live_server}/states/mo")
        page.locator("ol.weakest > li").nth(2).get_by_role(
            "link", name=re.compile("Write about this")
        ).click()
        page.wait_for_url(re.compile(r"/states/mo\?area=prevention-and-training#lookup$"))
        expect(page.get_by_label("Write about")).to_have_value("prevention-and-training")
        expect(page.locator("input[name=address]")).to_have_count(1)

        page.get_by_label("Your home address").fill(census)
        page.get_by_role("button", name="Find my lawmakers").click()
        expect(page.locator("main")).to_contain_text("then write to them about prevention and training")
    finally:
        context.close()


# 4. A shorter letter form on a phone.


def test_the_letter_form_is_short_on_a_phone(live_server, page, census, home_lawmakers):
    page.goto(f"{live_server}/lookup?state=mo&address=100+Example+St")
    page.get_by_role("link", name="Write to them").click()

    name = page.get_by_label("Your full name")
    own_words = page.get_by_label("In your own words (optional)")
    town = page.get_by_label("Your town or city")  # the last required field
    preview = page.get_by_role("button", name="Preview the letter")
    expect(name).to_be_visible()  # the letter form has loaded: a busy machine may take a while
    # The writer's own words come right after their name.
    after_name = page.evaluate(
        "() => [...document.querySelectorAll('form.letter-form input, form.letter-form textarea')]"
        ".filter(f => f.type !== 'hidden' && f.type !== 'checkbox').map(f => f.id)"
    )
    assert after_name.index("personal_paragraph") == after_name.index("sender_name") + 1
    # Optional details fold away, and what the letter is about is one line.
    for optional in ("Your postal address (optional)", "Your email (optional)", "Kind of letter"):
        expect(page.get_by_label(optional)).to_be_hidden()
    expect(page.locator(".letter-about > summary")).to_contain_text(
        "About: 2. Identification of and Response to Victims"
    )
    form_height = page.locator("form.letter-form").bounding_box()["height"]
    gap = preview.bounding_box()["y"] - (town.bounding_box()["y"] + town.bounding_box()["height"])
    print(f"[{page.viewport_name}] letter form {form_height:.0f} px; town to Preview {gap:.0f} px")
    assert 0 < gap < PHONE_HEIGHT / 2
    assert name.bounding_box()["y"] < own_words.bounding_box()["y"] < town.bounding_box()["y"]
    if page.viewport_name == "phone":
        assert form_height < 1600
    audit(page)

    # The preview says what to do, in words, rather than showing a percentage.
    name.fill("Pat Doe")
    preview.click()
    nudge = page.locator(".nudge")
    expect(nudge).to_contain_text("add a sentence or two in your own words, then preview again")
    expect(page.locator("meter")).to_have_count(0)
    nudge.get_by_role("link", name="in your own words").click()
    expect(own_words).to_be_focused()
    audit(page)


# 5 and 6. Plain sentences, and sources that name the publisher first.


def test_weak_areas_read_as_sentences_with_sources_that_name_shared_hope_first(live_server, page):
    add_a_pending_bill()
    page.goto(f"{live_server}/states/mo")

    first = page.locator("ol.weakest > li").first
    expect(first).to_contain_text(
        "Identification of and Response to Victims — Shared Hope's 2022 report card named this "
        "among Missouri's three lowest-scoring areas."
    )
    expect(first.get_by_role("heading", name="Bills in the 2026 regular session")).to_be_visible()
    weakest = page.locator("ol.weakest").inner_text()
    assert "“" not in weakest and "'the areas" not in weakest  # no quotes inside quotes
    first.get_by_text("How we know").click()
    expect(first).to_contain_text(
        "Source: Shared Hope International, 2022 Report Cards on Child & Youth Sex Trafficking, "
        "as reported by ReHope."
    )
    page.get_by_text("How we know: the grade").click()
    expect(page.locator(".card-head")).to_contain_text(
        "Source of the grade: Shared Hope International, 2023 Report Cards on Child & Youth Sex "
        "Trafficking, as reported by Breitbart News (February 2024)."
    )
    expect(page.get_by_role("link", name="Breitbart News")).to_have_attribute(
        "href", re.compile(r"^https://www\.breitbart\.com/")
    )
    assert "breitbart.com" not in page.locator("main").inner_text()
    audit(page)


def test_the_letter_form_and_the_campaign_page_name_shared_hope_as_the_grades_source(live_server, page):
    make_legislator(db.session, n=1)
    organizer = create_user(db.session, "org@example.org", PASSWORD, "organizer", confirmed=True)
    db.session.add(
        Campaign(
            slug="mo-safe-harbor",
            title="Safe Harbor for Missouri",
            state_abbr="mo",
            focus_areas=[area("identification-and-response")],
            target="upper",
            starts_on=date(2026, 12, 1),
            owner=organizer,
            created_at=datetime(2026, 11, 1),
        )
    )
    db.session.commit()
    line = (
        "Missouri received a grade of F. Source: Shared Hope International, 2023 Report Cards on "
        "Child & Youth Sex Trafficking, as reported by Breitbart News (February 2024)."
    )

    for path in ("/letters/new?state=mo", "/campaigns/mo-safe-harbor"):
        page.goto(f"{live_server}{path}")
        expect(page.locator(".grade-line")).to_have_text(re.compile(re.escape(line)))
        assert "(source: breitbart.com)" not in page.locator("main").inner_text()
        audit(page)


# 7. A failed lookup says so above the field, takes focus, and says what to try next.


def test_a_failed_lookup_says_what_to_try_above_the_field_and_takes_focus(
    live_server, page, app, httpserver: HTTPServer
):
    httpserver.expect_request("/geocoder/geographies/onelineaddress").respond_with_json(
        json.loads(NO_MATCH.read_text(encoding="utf-8"))
    )
    app.config["CENSUS_URL"] = httpserver.url_for("/geocoder")
    page.goto(f"{live_server}/states/mo?area=access-to-justice")
    page.get_by_label("Your home address").fill("1 Nowhere Lane")
    page.get_by_role("button", name="Find my lawmakers").click()

    problem = page.get_by_role("alert").filter(has_text="We could not find that address")
    expect(problem).to_be_focused()
    expect(problem).to_contain_text("Try your street address with its ZIP code")
    box = problem.bounding_box()
    assert 0 <= box["y"] < PHONE_HEIGHT / 2  # in view on arrival, not at the bottom of the screen
    assert box["y"] < page.get_by_label("Your home address").bounding_box()["y"]
    expect(page.get_by_label("Your home address")).to_have_value("1 Nowhere Lane")
    audit(page)

    problem.get_by_role("link", name="choose from the list of Missouri lawmakers").click()
    expect(page.get_by_label("Issue to write about")).to_have_value("access-to-justice")


# 8. Grades as text.


@pytest.mark.parametrize("path", ["/", "/states/mo", "/national"])
def test_grades_are_text_not_a_label_on_a_span(live_server, page, path):
    page.goto(f"{live_server}{path}")

    badges = page.locator(".grade")
    assert badges.count() > 0
    expect(page.locator("span.grade[aria-label]")).to_have_count(0)
    assert re.fullmatch(r"Grade: [A-F][+-]?|Grade not known\??", badges.first.text_content().strip())
    audit(page)


# 9. The lawmaker list as compact cards on a phone.


def test_fifty_lawmakers_fit_in_six_thousand_pixels_on_a_phone(live_server, page):
    for n in range(1, 51):
        make_legislator(
            db.session, n=n, chamber="upper" if n <= 17 else "lower", district=str(n), party="Republican"
        )
    db.session.commit()

    page.goto(f"{live_server}/states/mo/legislators?sort=name")
    table = page.locator("table.legislators")
    expect(table.locator("tbody tr")).to_have_count(50)
    height = table.bounding_box()["height"]
    print(f"[{page.viewport_name}] 50 lawmakers: {height:.0f} px")
    if page.viewport_name == "phone":
        assert height <= 6000
    # Search and filters come first; each card keeps its name, its district and a way to write.
    assert page.get_by_label("Name or district").bounding_box()["y"] < table.bounding_box()["y"]
    first = table.locator("tbody tr").first
    expect(first).to_contain_text(re.compile(r"district \d+"))
    expect(first.get_by_role("link", name=re.compile("^Write"))).to_be_visible()
    audit(page)


# Taps from the home page to the first hand-off (the letter opened in the email app).


def test_the_shortest_way_from_the_home_page_to_the_email_app(live_server, page, census, home_lawmakers):
    citizen = Taps(page)
    page.goto(f"{live_server}/")
    citizen.fill(page.get_by_label("Or find your own lawmakers by home address"), census)
    citizen.tap(page.get_by_role("button", name="Find my lawmakers"))
    citizen.tap(page.get_by_role("link", name="Write to them"))
    citizen.fill(page.get_by_label("Your full name"), "Pat Doe")
    citizen.tap(page.get_by_role("button", name="Preview the letter"))
    citizen.tap(page.get_by_role("button", name="Save and choose how to send"))
    mail_app = page.get_by_role("link", name="Open in your email app")
    assert mail_app.get_attribute("href").startswith("mailto:jordan1@senate.example.gov?subject=")
    citizen.tap(mail_app, navigates=False)

    citizen.milestone("shortest: landing on the home page to the first hand-off (email app)")
    assert (citizen.taps, citizen.fields) == (5, 2)
