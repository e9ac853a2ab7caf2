"""Journeys in a real browser, on a phone and a desktop: an organizer's campaign, an admin's template."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from advocacy.extensions import db
from advocacy.models import LetterTemplate
from tests.browser.harness import Taps, audit
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

TEMPLATE = "ask-prevention-and-training"


def test_an_organizer_creates_a_campaign_a_visitor_writes_through_it_and_the_dashboard_counts_it(
    live_server, page, open_page, census, home_lawmakers, auth
):
    auth.create("org@example.org", role="organizer")
    organizer = Taps(page)

    page.goto(f"{live_server}/auth/login")
    audit(page)
    organizer.fill(page.get_by_label("Email"), "org@example.org")
    organizer.fill(page.get_by_label("Password"), PASSWORD)
    organizer.tap(page.get_by_role("button", name="Log in"))
    audit(page)
    organizer.tap(page.get_by_role("link", name="Campaigns"))
    audit(page)
    organizer.tap(page.get_by_role("link", name="New campaign"))
    audit(page)
    organizer.fill(page.get_by_label("Title"), "Safe Harbor for Missouri")
    organizer.fill(page.get_by_label("Short name for the link"), "mo-safe-harbor")
    organizer.fill(
        page.get_by_label("What you ask people to do"),
        "Ask your senator to end the arrest of trafficked children.",
    )
    organizer.fill(page.get_by_label("Goal: number of letters"), "10")
    organizer.select(page.get_by_label("State", exact=True), label="Missouri")
    organizer.check(
        page.get_by_role("checkbox", name=re.compile("Identification of and Response to Victims"))
    )
    organizer.select(page.get_by_label("Who should receive letters"), label="The upper chamber (Senate)")
    organizer.tap(page.get_by_role("button", name="Save campaign"))

    expect(page.get_by_role("heading", level=1)).to_have_text("Safe Harbor for Missouri")
    expect(page.locator("main")).to_contain_text("0 of 10 letters sent")
    audit(page)
    dashboard = page.url
    organizer.tap(page.get_by_role("link", name="Public page"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Safe Harbor for Missouri")
    audit(page)
    organizer.milestone("landing on the log-in page to a new campaign's public page")
    public = page.url

    # A visitor who was sent the link, on a device of their own.
    visitor_page = open_page()
    visitor = Taps(visitor_page)
    visitor_page.goto(public)
    audit(visitor_page)
    visitor.fill(visitor_page.get_by_label("Your home address in Missouri"), census)
    visitor.tap(visitor_page.get_by_role("button", name="Find my lawmakers"))
    expect(visitor_page.get_by_role("heading", name="Your lawmakers in Missouri")).to_be_visible()
    found = visitor_page.locator("main")
    expect(found).to_contain_text("Safe Harbor for Missouri")  # the campaign is carried to the lookup
    expect(found.get_by_role("listitem").filter(has_text="Senator Jane Roe")).to_contain_text(
        "Campaign target"
    )
    expect(found.get_by_role("listitem").filter(has_text="Representative Sam Poe")).not_to_contain_text(
        "Campaign target"
    )
    audit(visitor_page)
    visitor.tap(visitor_page.get_by_role("link", name="Write to them for this campaign"))
    expect(visitor_page.locator("main")).to_contain_text("Safe Harbor for Missouri")
    audit(visitor_page)
    visitor.fill(visitor_page.get_by_label("Your full name"), "Pat Doe")
    visitor.fill(visitor_page.get_by_label("Your town or city"), "Springtown")
    visitor.tap(visitor_page.get_by_role("button", name="Preview the letter"))
    preview = visitor_page.get_by_role("region", name="Preview")
    expect(preview).to_contain_text("Dear Senator Roe,")
    audit(visitor_page)
    visitor.tap(visitor_page.get_by_role("button", name=re.compile("^Save")).first)
    expect(visitor_page.get_by_role("heading", level=1)).to_have_text("Your letter to Senator Jane Roe")
    audit(visitor_page)
    visitor.select(visitor_page.get_by_label("Sent it? Tell us how"), "email")
    visitor.tap(visitor_page.get_by_role("button", name="Mark as sent"))
    expect(visitor_page.get_by_role("heading", name="Sent", exact=True)).to_be_visible()
    audit(visitor_page)
    visitor.milestone("landing on the campaign page to a sent letter")

    page.goto(dashboard)
    main = page.locator("main")
    expect(main).to_contain_text("1 of 10 letters sent")
    expect(main).to_contain_text("Senator Jane Roe")
    audit(page)
    page.goto(public)
    expect(page.locator("main")).to_contain_text("1 of 10 letters sent")
    audit(page)


@pytest.mark.usefixtures("restore_templates")
def test_an_admin_edits_a_template_previews_it_on_a_real_lawmaker_and_restores_the_earlier_revision(
    live_server, page, home_lawmakers, auth
):
    auth.create("admin@example.org", role="admin")
    shipped = db.session.scalar(select(LetterTemplate).where(LetterTemplate.slug == TEMPLATE)).current
    admin = Taps(page)

    page.goto(f"{live_server}/auth/login")
    audit(page)
    admin.fill(page.get_by_label("Email"), "admin@example.org")
    admin.fill(page.get_by_label("Password"), PASSWORD)
    admin.tap(page.get_by_role("button", name="Log in"))
    audit(page)
    admin.tap(page.get_by_role("link", name="Admin", exact=True))
    audit(page)
    admin.tap(page.get_by_role("link", name="Letter templates"))
    audit(page)
    admin.tap(page.get_by_role("link", name=shipped.title, exact=True))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Edit {shipped.title}")
    audit(page)

    admin.fill(page.get_by_label("Subject"), "Training that protects children in {{ state.name }}")
    admin.fill(page.get_by_label("What changed, and why"), "a plainer subject")
    admin.select(page.get_by_label("Preview for a lawmaker in"), label="Missouri")
    admin.select(page.get_by_label("Lawmaker", exact=True), label="Senator Jane Roe (district 19)")
    admin.tap(page.get_by_role("button", name="Preview", exact=True))
    preview = page.get_by_role("region", name="Preview")
    expect(preview).to_contain_text("Training that protects children in Missouri")
    expect(preview).to_contain_text("Senator Roe")
    audit(page)
    admin.tap(page.get_by_role("button", name="Save as a new revision"))
    expect(page.get_by_role("status").or_(page.locator(".flash"))).to_contain_text("Saved revision")
    expect(page.get_by_label("Subject")).to_have_value("Training that protects children in {{ state.name }}")
    audit(page)

    admin.tap(page.get_by_role("link", name="all revisions and differences"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Revisions of")
    expect(page.locator(".diff")).to_contain_text("Training that protects children")
    audit(page)
    admin.tap(
        page.get_by_role("row", name=re.compile(rf"^{shipped.id}\b")).get_by_role("button", name="Restore")
    )
    expect(page.locator("main")).to_contain_text(f"Revision {shipped.id} is restored")
    audit(page)
    admin.milestone("landing on the log-in page to an earlier revision restored")

    page.get_by_role("link", name=TEMPLATE).click()
    expect(page.get_by_label("Subject")).to_have_value(shipped.subject)
    audit(page)
