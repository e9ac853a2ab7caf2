"""The send step on a phone: two letters walked through one at a time, each asked "Did it send?".

A `mailto:` link leaves the browser for the phone's mail app. Headless Chromium has no mail app:
it hands the link to an "external handler" (the console says "Launched external handler for
'mailto:…'"), aborts that navigation and stays on the page, firing neither blur nor focus. So a
tap on "Open in your email app" keeps the page where it was, its script's report (a beacon to
`/letters/<token>/opened`) is the request to wait for, and the test brings the writer back from
the mail app by firing the blur and focus that a phone would.
"""

from __future__ import annotations

import re
from email.message import EmailMessage
from email.utils import make_msgid
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from playwright.sync_api import Locator, Page, expect
from sqlalchemy import select

from advocacy.extensions import db
from advocacy.inbound.service import receive_mail
from advocacy.letters.addresses import Purpose, inbound_address
from advocacy.models import Letter
from advocacy.models.inbound import MailPath, MailResult
from tests.browser.harness import Taps, audit

pytestmark = [pytest.mark.browser, pytest.mark.parametrize("viewport", ["phone"])]  # 375 by 812 px

DOMAIN = "in.example.org"
SCREEN_HEIGHT = 812


def stored(letter_id: int) -> Letter:
    """The letter as the served app last committed it (the test's own session may hold an old copy)."""
    db.session.rollback()
    return db.session.get(Letter, letter_id)


def save_letters(citizen: Taps, live_server: str, address: str) -> list[Letter]:
    """From the state page, by address, to letters saved to both of the writer's lawmakers."""
    page = citizen.page
    page.goto(f"{live_server}/states/mo")
    citizen.tap(
        page.locator("ol.weakest > li").first.get_by_role("link", name=re.compile("Write about this")),
        navigates=False,
    )
    citizen.fill(page.get_by_label("Your home address"), address)
    citizen.tap(page.get_by_role("button", name="Find my lawmakers"))
    citizen.tap(page.get_by_role("link", name="Write to them"))
    citizen.fill(page.get_by_label("Your full name"), "Pat Doe")
    citizen.tap(page.get_by_role("button", name="Preview the letter"))
    citizen.tap(page.get_by_role("button", name="Save and choose how to send"))
    db.session.rollback()
    return list(db.session.scalars(select(Letter).order_by(Letter.id)))


def open_in_mail_app(citizen: Taps, link: Locator, letter: Letter) -> None:
    """Tap the link (the page stays: see the module's note) and wait until the site has heard of it."""
    with citizen.page.expect_request(lambda r: r.url.endswith(f"/letters/{letter.token}/opened")) as beacon:
        citizen.tap(link, navigates=False)
    assert beacon.value.method == "POST"
    assert beacon.value.response().status == 204  # answered: the server has committed it
    assert citizen.page.url.startswith("http")  # still on the site's page


def come_back_from_mail_app(page: Page) -> None:
    """The phone switches to the mail app and back: the page loses focus, regains it, and reloads."""
    with page.expect_navigation():
        page.evaluate(
            "() => { window.dispatchEvent(new Event('blur')); window.dispatchEvent(new Event('focus')); }"
        )


def mail_app_sends(mailto: str) -> bytes:
    """What arrives at the Bcc copy address when the mail app sends what the link filled in."""
    parts = urlsplit(mailto)
    fields = parse_qs(parts.query)
    message = EmailMessage()
    message["Delivered-To"] = fields["bcc"][0]
    message["From"] = "Pat Doe <pat@example.org>"
    message["To"] = unquote(parts.path)
    message["Subject"] = fields["subject"][0]
    message["Message-ID"] = make_msgid(domain="phone.example")
    message.set_content(fields["body"][0].replace("\r\n", "\n") + "\n\nSent from my phone\n")
    return bytes(message)


def test_a_writer_on_a_phone_sends_two_letters_one_at_a_time_and_says_or_shows_each_is_sent(
    app, live_server, page, census, home_lawmakers
):
    app.config["INBOUND_DOMAIN"] = DOMAIN  # the site takes copies: each email link carries one in Bcc
    senator, representative = home_lawmakers
    citizen = Taps(page)
    first, second = save_letters(citizen, live_server, census)
    assert (first.legislator_id, second.legislator_id) == (senator.id, representative.id)
    letters = page.get_by_role("region", name="Your 2 letters").locator("li.batch-letter")

    # Letter 1: its heading fits the phone's width and its main button is on the first screen below it.
    heading = page.get_by_role("heading", name="Letter 1 of 2: Senator Jane Roe")
    expect(heading).to_be_visible()
    expect(letters).to_have_text(["Senator Jane Roe: not sent yet", "Representative Sam Poe: not sent yet"])
    main_button = page.locator(f"#letter-{first.id}").get_by_role("link", name="Open in your email app")
    expect(main_button).to_have_attribute("data-send", "mailto")
    top, button = heading.bounding_box(), main_button.bounding_box()
    assert top["x"] >= 0 and top["x"] + top["width"] <= page.viewport_size["width"]
    assert 0 < button["y"] + button["height"] - top["y"] <= SCREEN_HEIGHT
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    audit(page)

    # The mail app opens; the site notes it and asks.
    question = page.get_by_role("heading", name="Did your letter to Senator Jane Roe send?")
    expect(question).to_be_hidden()
    open_in_mail_app(citizen, main_button, first)
    assert stored(first.id).opened_at is not None
    expect(question).to_be_visible()
    audit(page)

    # Back from the mail app: the page reloads with the question at the top, focused.
    come_back_from_mail_app(page)
    expect(question).to_be_focused()
    asked, next_letter = (
        question.bounding_box(),
        page.get_by_role("heading", name=re.compile("^Letter ")).bounding_box(),
    )
    assert 0 <= asked["y"] < SCREEN_HEIGHT and asked["y"] < next_letter["y"]
    expect(letters.first).to_have_text("Senator Jane Roe: opened in your email app")
    audit(page)

    citizen.tap(page.get_by_role("button", name="Yes, it is sent"))
    expect(page.get_by_role("heading", name="Letter 2 of 2: Representative Sam Poe")).to_be_visible()
    expect(question).to_have_count(0)
    expect(letters).to_have_text(
        ["Senator Jane Roe: sent (you said so)", "Representative Sam Poe: not sent yet"]
    )
    audit(page)

    # Letter 2: its email carries the letter's copy address, and the page says why.
    copy_address = inbound_address(app.config["SECRET_KEY"], DOMAIN, Purpose.COPY, second.id)
    mail_app = page.locator(f"#letter-{second.id}").get_by_role("link", name="Open in your email app")
    mailto = mail_app.get_attribute("href")
    assert unquote(urlsplit(mailto).path) == representative.email
    assert parse_qs(urlsplit(mailto).query)["bcc"] == [copy_address]
    expect(page.get_by_text(f"The email includes a copy address ({copy_address}) in Bcc.")).to_be_visible()
    open_in_mail_app(citizen, mail_app, second)
    expect(
        page.get_by_role("heading", name="Did your letter to Representative Sam Poe send?")
    ).to_be_visible()
    audit(page)

    # The mail app sends it; the copy reaches the site before the writer is back.
    assert receive_mail(mail_app_sends(mailto), MailPath.PIPE).result is MailResult.CONFIRMED
    come_back_from_mail_app(page)
    expect(page.get_by_role("heading", name=re.compile("^Did your letter"))).to_have_count(0)
    expect(
        page.get_by_role("status").filter(has_text="All 2 letters are sent or on their way.")
    ).to_be_visible()
    expect(letters).to_have_text(
        ["Senator Jane Roe: sent (you said so)", "Representative Sam Poe: sent (confirmed)"]
    )
    assert stored(second.id).confirmed_at is not None
    audit(page)
    citizen.milestone("send step: landing on the state page to two letters sent from a phone")


def test_not_yet_puts_an_opened_letter_back_to_not_sent_and_stops_asking(live_server, page, home_lawmakers):
    senator, _ = home_lawmakers
    citizen = Taps(page)
    page.goto(f"{live_server}/letters/new?state=mo&to={senator.id}")
    citizen.fill(page.get_by_label("Your full name"), "Pat Doe")
    citizen.fill(page.get_by_label("Your town or city"), "Springtown")
    citizen.tap(page.get_by_role("button", name="Preview the letter"))
    citizen.tap(page.get_by_role("button", name=re.compile("^Save")).first)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your letter to Senator Jane Roe")
    letter = db.session.scalar(select(Letter))
    standing = page.locator("p.standing")
    expect(standing).to_have_text("Not sent yet")

    open_in_mail_app(citizen, page.get_by_role("link", name="Open in your email app"), letter)
    come_back_from_mail_app(page)
    question = page.get_by_role("heading", name="Did your letter to Senator Jane Roe send?")
    expect(question).to_be_focused()
    expect(standing).to_have_text("Opened in your email app: not known to be sent yet")
    audit(page)

    citizen.tap(page.get_by_role("button", name="Not yet"))
    expect(page.get_by_text("Fine: it is not sent yet.")).to_be_visible()
    expect(standing).to_have_text("Not sent yet")
    expect(question).to_be_hidden()
    expect(page.get_by_role("button", name="Yes, it is sent")).to_be_hidden()
    assert stored(letter.id).opened_at is None
    audit(page)
