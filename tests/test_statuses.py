"""Statuses and channels are StrEnums: the API documents, forms and stored rows show their plain values."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import select, text

from advocacy.campaigns.service import TARGETS
from advocacy.campaigns.stats import CHANNEL_NAMES, REPLY_NAMES
from advocacy.extensions import db
from advocacy.letters.forms import CHANNEL_LABELS, CHANNEL_PHRASES, MarkSentForm
from advocacy.letters.outbox import retry_after_soft_bounce
from advocacy.letters.replies import OUTCOMES, REPLIES, STATUS_FOR_REPLY
from advocacy.models import Letter, OutboxMessage, TemplateRevision
from advocacy.models.bills import BillStatus
from advocacy.models.campaigns import CampaignTarget
from advocacy.models.legislators import EmailStatus
from advocacy.models.letters import Channel, LetterStatus, OutboxStatus, ReplyOutcome, ReplyStatus
from tests.builders import make_legislator


def test_the_api_document_lists_exactly_the_values_the_enums_hold(client):
    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]

    assert schemas["Bill"]["properties"]["status"]["enum"] == [s.value for s in BillStatus]
    assert schemas["Legislator"]["properties"]["email_status"]["enum"] == [s.value for s in EmailStatus]


def test_every_value_has_the_words_people_read():
    assert set(CHANNEL_LABELS) == set(CHANNEL_PHRASES) == set(CHANNEL_NAMES) == set(Channel)
    assert set(REPLIES) == set(REPLY_NAMES) == set(STATUS_FOR_REPLY) == set(ReplyStatus)
    assert set(OUTCOMES) == set(ReplyOutcome)
    assert set(TARGETS) == set(CampaignTarget)


def test_the_mark_sent_form_offers_the_plain_channel_values(app):
    with app.test_request_context():
        html = str(MarkSentForm().channel)

    assert [f'value="{c}"' in html for c in Channel] == [True, True, True, False]  # not the outbox
    assert "Channel." not in html


def test_statuses_are_stored_and_shown_as_their_plain_values(app):
    person = make_legislator(db.session, n=1)
    letter = Letter(
        token="t" * 20,
        batch="b" * 20,
        revision_id=db.session.scalar(select(TemplateRevision.id).limit(1)),
        state_abbr="mo",
        legislator_id=person.id,
        subject="Subject",
        body="Body",
        status=LetterStatus.SENT,
        channel=Channel.OUTBOX,
        created_at=datetime(2026, 1, 1),
    )
    db.session.add(letter)
    db.session.flush()
    message = OutboxMessage(
        letter_id=letter.id,
        idempotency_key="k" * 32,
        to_address="a@b.org",
        status=OutboxStatus.SENT,
        attempts=1,
        created_at=datetime(2026, 1, 1),
    )
    db.session.add(message)
    db.session.flush()
    # A soft bounce puts the letter back as a draft and the message in the queue.
    assert retry_after_soft_bounce(letter, "mailbox full", datetime(2026, 1, 2))
    # What the JSON API and the pages would show of the values just set, before any reload.
    shown = json.dumps({"status": letter.status, "message": message.status})
    words = f"{letter.status} {message.status}"
    db.session.commit()

    stored = db.session.execute(
        text(
            "SELECT letters.status, outbox_messages.status FROM letters "
            "JOIN outbox_messages ON outbox_messages.letter_id = letters.id"
        )
    ).one()
    assert tuple(stored) == ("draft", "queued")
    assert shown == '{"status": "draft", "message": "queued"}'
    assert words == "draft queued"
