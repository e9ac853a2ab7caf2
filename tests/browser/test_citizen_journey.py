"""A citizen on a phone and a desktop: from a state's grade, by address, to letters sent to both lawmakers."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from advocacy.extensions import db
from advocacy.models import Letter
from tests.browser.harness import Taps, audit

pytestmark = pytest.mark.browser


def test_a_citizen_writes_to_both_lawmakers_by_address_sends_every_way_and_notes_a_reply(
    live_server, page, census, home_lawmakers, smtp
):
    senator, representative = home_lawmakers
    citizen = Taps(page)

    page.goto(f"{live_server}/states/mo")
    audit(page)
    weakest = page.locator("ol.weakest > li").first
    # "Write about this" stays on the page: the one address box, with the area chosen.
    citizen.tap(weakest.get_by_role("link", name=re.compile("Write about this")), navigates=False)
    expect(page.get_by_label("Your home address")).to_be_focused()
    expect(page.get_by_label("Write about")).to_have_value("identification-and-response")
    audit(page)

    citizen.fill(page.get_by_label("Your home address"), census)
    citizen.tap(page.get_by_role("button", name="Find my lawmakers"))
    expect(page.locator("main")).to_contain_text("then write to them about identification of and response")
    expect(page.get_by_role("heading", name="Your lawmakers in Missouri")).to_be_focused()
    expect(page.locator("main")).not_to_contain_text("Cy Elsewhere")
    audit(page)
    citizen.tap(page.get_by_role("link", name="Write to them"))

    recipients = page.locator("#recipients")
    expect(recipients).to_contain_text("Senator Jane Roe")
    expect(recipients).to_contain_text("Representative Sam Poe")
    expect(recipients.get_by_text("Yours: found for your address")).to_have_count(2)
    expect(page.get_by_label("Your town or city")).to_have_value("Springtown")  # from the lookup
    audit(page)

    # A submit with a field left out: focus goes to a summary that links to the field.
    citizen.tap(page.get_by_role("button", name="Preview the letter"))
    summary = page.get_by_role("alert").filter(has_text="There is a problem")
    expect(summary).to_be_focused()
    audit(page)
    citizen.tap(summary.get_by_role("link", name=re.compile("Enter your name")), navigates=False)
    expect(page.get_by_label("Your full name")).to_be_focused()
    citizen.fill(page.get_by_label("Your full name"), "Nguyễn Thị Lan")
    citizen.fill(
        page.get_by_label("In your own words (optional)"), "I coach a youth soccer team — it matters."
    )
    citizen.tap(page.get_by_text("Add your postal address or email (optional)"), navigates=False)
    citizen.fill(page.get_by_label("Your email (optional)"), "lan@example.org")
    citizen.tap(page.get_by_role("button", name="Preview the letter"))

    # Preview where you are: focus on its heading, Save right under it.
    heading = page.get_by_role("heading", name="Preview", exact=True)
    expect(heading).to_be_focused()
    save = page.get_by_role("button", name="Save and choose how to send")
    assert 0 < save.bounding_box()["y"] - heading.bounding_box()["y"] < 120
    preview = page.get_by_role("region", name="Preview")
    expect(preview).to_contain_text("I am your constituent: I live in Springtown, in your district (19).")
    expect(preview).to_contain_text("I am your constituent: I live in Springtown, in your district (44).")
    audit(page)
    citizen.tap(save)

    expect(page.get_by_role("heading", level=1)).to_have_text("Send your 2 letters")
    letters = db.session.scalars(select(Letter).order_by(Letter.id)).all()
    assert [(le.legislator_id, le.is_constituent) for le in letters] == [
        (senator.id, True),
        (representative.id, True),
    ]
    listed = page.get_by_role("region", name="Your 2 letters").locator("li.batch-letter")
    expect(listed).to_have_text(["Senator Jane Roe: not sent yet", "Representative Sam Poe: not sent yet"])
    audit(page)

    # The senator's letter comes first in the walk-through: every way to send it works.
    expect(page.get_by_role("heading", name="Letter 1 of 2: Senator Jane Roe")).to_be_visible()
    first = page.locator(f"#letter-{letters[0].id}")
    mailto = first.get_by_role("link", name="Open in your email app").get_attribute("href")
    parts = urlsplit(mailto)
    assert unquote(parts.path) == senator.email
    assert parse_qs(parts.query)["body"][0].replace("\r\n", "\n") == letters[0].body
    for name in ("Open in Gmail", "Open in Outlook.com"):
        assert letters[0].subject in unquote(
            first.get_by_role("link", name=re.compile(name)).get_attribute("href")
        )
    with page.expect_download() as download:
        first.get_by_role("link", name="Download as PDF").click()
    assert download.value.suggested_filename == "letter.pdf"
    batch = page.url
    citizen.tap(first.get_by_role("link", name="Printable letter"))
    expect(page.locator("main")).to_contain_text("Nguyễn Thị Lan")
    audit(page)
    page.goto(batch)
    citizen.tap(
        page.locator(f"#letter-{letters[0].id}").get_by_role("link", name="Call instead: phone script")
    )
    expect(page.locator("main")).to_contain_text("I am a constituent of Senator Roe")
    audit(page)
    page.goto(batch)

    # The representative's letter went by post: marked on its own page, reached from the list.
    citizen.tap(listed.get_by_role("link", name="Representative Sam Poe"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your letter to Representative Sam Poe")
    citizen.select(page.get_by_label("Sent it? Tell us how"), "print")
    citizen.tap(page.get_by_role("button", name="Mark as sent"))
    expect(page.locator(".standing")).to_contain_text("Posted (you said so) on")
    audit(page)
    citizen.tap(page.get_by_role("link", name="see and send all 2 on one page"))
    expect(listed).to_have_text(
        ["Senator Jane Roe: not sent yet", "Representative Sam Poe: sent (you said so)"]
    )
    expect(page.get_by_role("heading", name="Letter 1 of 2: Senator Jane Roe")).to_be_visible()
    audit(page)
    citizen.milestone("landing on the state page to a letter marked sent")

    # The senator's letter goes from this site, once the writer confirms their address.
    citizen.tap(
        page.locator(f"#letter-{letters[0].id}").get_by_role("link", name=re.compile("Read this letter"))
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Your letter to Senator Jane Roe")
    expect(page.get_by_label("Link to this page")).to_have_value(re.compile(f"/letters/{letters[0].token}$"))
    audit(page)
    citizen.fill(page.get_by_label("Your email address"), "lan@example.org")
    citizen.tap(page.get_by_role("button", name="Email me this link"))
    expect(page.locator("main")).to_contain_text("We emailed the link to lan@example.org.")
    db.session.execute(
        db.update(Letter).where(Letter.id == letters[0].id).values(sender_email="lan@example.org")
    )
    db.session.commit()
    page.reload()
    citizen.tap(page.get_by_role("button", name="Send it from this site"))
    expect(page.locator(".standing")).to_have_text(
        "Waiting for you to confirm your email address, then it goes from this site"
    )
    expect(page.get_by_role("button", name="Mark as sent")).to_have_count(0)
    audit(page)
    confirm = next(
        mail.link() for mail in smtp if mail.message["Subject"] == "Confirm your letter before it is sent"
    )
    page.goto(f"{live_server}{confirm}")
    expect(page.locator(".standing")).to_contain_text("Sent from this site (confirmed) on")
    expect(page.get_by_text("Send again another way")).to_be_visible()
    audit(page)
    citizen.milestone("landing on the state page to a letter sent from this site")

    # Later: did the senator answer?
    citizen.tap(page.get_by_label("Yes, they answered"), navigates=False)
    citizen.tap(page.get_by_label("Supportive"), navigates=False)
    citizen.tap(page.get_by_role("button", name="Save my answer"))
    expect(page.locator("main")).to_contain_text("You told us: they answered (supportive)")
    expect(page.locator(".standing")).to_contain_text("Answered on")
    audit(page)
    sent_to_senator = [mail for mail in smtp if mail.recipients == [senator.email]]
    assert len(sent_to_senator) == 1 and "Nguyễn Thị Lan" in sent_to_senator[0].body

    # The page of both letters: nothing left to send, each letter's state in words.
    page.goto(batch)
    expect(
        page.get_by_role("status").filter(has_text="All 2 letters are sent or on their way.")
    ).to_be_visible()
    expect(listed).to_have_text(["Senator Jane Roe: answered", "Representative Sam Poe: sent (you said so)"])
    audit(page)


def test_the_shortest_way_from_a_state_page_to_a_sent_letter(live_server, page, census, home_lawmakers):
    citizen = Taps(page)

    page.goto(f"{live_server}/states/mo")
    citizen.tap(
        page.locator("ol.weakest > li").first.get_by_role("link", name=re.compile("Write about this")),
        navigates=False,
    )
    citizen.fill(page.get_by_label("Your home address"), census)
    citizen.tap(page.get_by_role("button", name="Find my lawmakers"))
    citizen.tap(page.get_by_role("link", name="Write to them"))
    citizen.fill(page.get_by_label("Your full name"), "Pat Doe")
    citizen.tap(page.get_by_role("button", name="Preview the letter"))
    citizen.tap(page.get_by_role("button", name="Save and choose how to send"))
    # The mail app is outside the browser, which hands it the link: the test checks the link, and
    # the page (still there) asks whether the letter went.
    mail_app = page.get_by_role("link", name="Open in your email app")
    assert mail_app.get_attribute("href").startswith("mailto:jordan1@senate.example.gov?subject=")
    citizen.tap(mail_app, navigates=False)
    citizen.milestone("shortest: landing on the state page to the first hand-off (email app)")
    assert citizen.taps == 6
    citizen.tap(page.get_by_role("button", name="Yes, it is sent"))

    expect(page.locator("li.batch-letter").first).to_have_text("Senator Jane Roe: sent (you said so)")
    expect(page.get_by_role("heading", name="Letter 2 of 2: Representative Sam Poe")).to_be_visible()
    citizen.milestone("shortest: landing on the state page to a letter sent by email")
    assert (citizen.taps, citizen.fields) == (7, 2)
    audit(page)
    citizen.tap(page.locator("li.batch-letter").first.get_by_role("link", name="Senator Jane Roe"))
    expect(page.locator(".standing")).to_contain_text("Sent by email (you said so) on")
