"""A campaign day's write path: preview and save read what the form keeps, and write the same letter."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import inspect, select

from advocacy.auth.service import create_user
from advocacy.extensions import db
from advocacy.legislators.constituency import NOBODY
from advocacy.letters.drafting import state_offer
from advocacy.letters.service import Sender, draft_letters, template_for
from advocacy.models import Campaign, Legislator, Letter
from advocacy.reportcards.service import choose_report_card, find_issue_area, get_state, summarize
from tests.pages import csrf_token

PERSONAL = "I coach a girls' soccer team in Columbia."
AREA = "identification-and-response"


def letter_form(token: str, recipient_id: str, action: str) -> dict:
    return {
        "csrf_token": token,
        "area": AREA,
        "to": [recipient_id],
        "variant": "ask",
        "sender_name": "Pat Doe",
        "sender_town": "Columbia",
        "sender_email": "pat@example.org",
        "personal_paragraph": PERSONAL,
        "action": action,
    }


def rendered_the_long_way(legislator: Legislator) -> tuple[str, str, str]:
    """The letter as the public functions draft it, every fact read from the database afresh."""
    state = get_state(db.session, "mo")
    card = choose_report_card(db.session, state)
    area = find_issue_area(card.edition.framework, AREA)
    sender = Sender("Pat Doe", "Columbia", "pat@example.org", PERSONAL)
    (draft,) = draft_letters(
        template_for(db.session, area),
        summarize(db.session, card),
        state,
        area,
        [legislator],
        sender,
        date.today(),
        NOBODY,
    )
    return draft.letter.subject, draft.letter.body, str(draft.letter.html)


@pytest.fixture
def campaign(app, lawmakers) -> Campaign:
    """A campaign to the Missouri Senate, as on a campaign day: its letters move the tallies."""
    owner = create_user(
        db.session, "org@example.org", "correct horse battery staple", "organizer", confirmed=True
    )
    campaign = Campaign(
        slug="mo-safe-harbor",
        title="Safe Harbor for Missouri",
        state_abbr="mo",
        target="upper",
        owner=owner,
        created_at=datetime(2026, 12, 1),
    )
    db.session.add(campaign)
    db.session.commit()
    return campaign


def test_a_campaign_letter_is_saved_in_a_few_queries_and_reads_as_before(
    client, campaign, lawmakers, count_queries
):
    senator = lawmakers[0]
    url = f"/letters/new?state=mo&campaign={campaign.slug}&to={senator.id}"
    token = csrf_token(client.get(url))
    client.post(url, data=letter_form(token, senator.id, "preview"))  # warm-up: the page's data is kept

    with count_queries() as statements:
        saved = client.post(url, data=letter_form(token, senator.id, "save"))

    assert saved.status_code == 302
    # The campaign and its focus areas; the one recipient with their state; the letter's INSERT;
    # the campaign tallies' one upsert (every figure the letter counts in, in one statement). The
    # state, the report card, the issue areas, the bills, the templates and the roster are kept.
    assert len(statements) <= 5, "\n".join(statements)
    letter = db.session.scalar(select(Letter))
    assert (letter.subject, letter.body) == rendered_the_long_way(senator)[:2]
    assert letter.campaign_id == campaign.id

    # The tallies' upsert leaves the page cache's generation alone: the next writer's save is as cheap.
    with count_queries() as statements:
        client.post(url, data=letter_form(token, senator.id, "save"))
    assert len(statements) <= 5, "\n".join(statements)


def test_a_preview_reads_only_the_recipients_and_shows_the_letter_as_before(client, lawmakers, count_queries):
    senator = lawmakers[0]
    url = f"/letters/new?state=mo&to={senator.id}"
    token = csrf_token(client.get(url))
    client.post(url, data=letter_form(token, senator.id, "preview"))  # warm-up

    with count_queries() as statements:
        preview = client.post(url, data=letter_form(token, senator.id, "preview"))

    # The one recipient with their state: the state, the lawmakers offered, the report card, the
    # bills and the letter templates are kept.
    assert len(statements) <= 1, "\n".join(statements)
    subject, _, html = rendered_the_long_way(senator)
    page = preview.get_data(as_text=True)
    assert f"<strong>Subject:</strong> {subject}</p>".replace("'", "&#39;") in page
    assert html in page
    assert db.session.scalar(select(Letter)) is None  # a preview stores nothing


def test_the_kept_offer_stays_out_of_every_session(client, lawmakers):
    senator = lawmakers[0]
    url = f"/letters/new?state=mo&to={senator.id}"
    token = csrf_token(client.get(url))
    for action in ("preview", "save", "preview"):
        client.post(url, data=letter_form(token, senator.id, action))

    offer = state_offer(db.session, "mo")
    kept_objects = [
        offer.state,
        offer.framework,
        *offer.framework.issue_areas,
        *offer.bills,
        *offer.templates,
    ]
    assert all(inspect(thing).detached for thing in kept_objects)
    assert offer is state_offer(db.session, "mo")  # the same objects, not a copy per request


def test_a_save_without_a_campaign_writes_the_letter_as_before(client, lawmakers, count_queries):
    representative = lawmakers[2]
    url = f"/letters/new?state=mo&to={representative.id}"
    token = csrf_token(client.get(url))
    client.post(url, data=letter_form(token, representative.id, "preview"))

    with count_queries() as statements:
        saved = client.post(url, data=letter_form(token, representative.id, "save"))

    assert saved.status_code == 302
    # The recipient and the letter's INSERT: no campaign, so no tallies to move.
    assert len(statements) <= 2, "\n".join(statements)
    letter = db.session.scalar(select(Letter))
    assert (letter.subject, letter.body) == rendered_the_long_way(representative)[:2]
