"""The inbound mail parser's throughput, against the standard library's parser alone on the same messages.

It reads the made-up samples in tests/fixtures/mail (copies, bounces of each provider's shape,
auto-replies, answers, broken ones) and runs every one through what `advocacy take-mail` does
before the database: parse, find the failure report, tell an auto-reply, read the text. Then it
takes copies end to end into a throwaway SQLite database: match the letter, confirm it, record the
outcome, commit.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from datetime import datetime
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from pathlib import Path

from advocacy import create_app
from advocacy.cli import migrate_database
from advocacy.extensions import db
from advocacy.inbound.reading import (
    UnreadableMessage,
    delivery_failure,
    is_auto_reply,
    message_text,
    parse_message,
)
from advocacy.inbound.service import receive_mail
from advocacy.letters.addresses import Purpose, inbound_address
from advocacy.models import Legislator, Letter, LetterTemplate, TemplateRevision
from advocacy.models.inbound import MailPath
from advocacy.reportcards.loader import load_report_cards

SAMPLES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "mail"
SECONDS = 1.0 if os.environ.get("QUICK", "") not in ("", "0") else 3.0


def _rate(work: list[bytes], handle: Callable[[bytes], object]) -> float:
    """Messages a second, going round the list until SECONDS have passed."""
    done, started = 0, time.perf_counter()
    while time.perf_counter() - started < SECONDS:
        for raw in work:
            handle(raw)
        done += len(work)
    return done / (time.perf_counter() - started)


def _read(raw: bytes) -> None:
    try:
        message = parse_message(raw)
    except UnreadableMessage:
        return
    if delivery_failure(message) is None:
        is_auto_reply(message)
    message_text(message)


def _copies(count: int, tmp: Path) -> float:
    """End to end: `count` copies confirm `count` letters in a fresh SQLite database."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "bench-secret",
            "DATABASE_URL": f"sqlite:///{tmp / 'inbound.sqlite3'}",
            "INBOUND_DOMAIN": "in.example.org",
        }
    )
    with app.app_context():
        migrate_database()
        ids = _letters(count)
        raws = [_copy(app.config["SECRET_KEY"], letter_id) for letter_id in ids]
        started = time.perf_counter()
        for raw in raws:
            receive_mail(raw, MailPath.PIPE)
        elapsed = time.perf_counter() - started
        confirmed = db.session.query(Letter).filter(Letter.confirmed_at.is_not(None)).count()
        if confirmed != count:
            raise RuntimeError(f"{confirmed} of {count} letters confirmed")
    return count / elapsed


def _letters(count: int) -> list[int]:
    load_report_cards(db.session)  # the states
    db.session.add(
        Legislator(
            id="ocd-person/bench",
            state_abbr="mo",
            name="Bench Person",
            chamber="upper",
            district="1",
            last_seen_at=datetime(2026, 1, 1),
        )
    )
    template = LetterTemplate(slug="bench", purpose="ask")
    template.revisions.append(
        TemplateRevision(title="t", subject="s", body="b", created_at=datetime(2026, 1, 1))
    )
    db.session.add(template)
    db.session.flush()
    letters = [
        Letter(
            token=f"bench-{n}",
            batch="bench",
            revision_id=template.revisions[0].id,
            state_abbr="mo",
            legislator_id="ocd-person/bench",
            subject="Please act",
            body="Dear Senator,\n\nPlease act.\n",
            created_at=datetime(2026, 1, 1),
        )
        for n in range(count)
    ]
    db.session.add_all(letters)
    db.session.commit()
    return [letter.id for letter in letters]


def _copy(secret: str, letter_id: int) -> bytes:
    message = EmailMessage()
    message["Delivered-To"] = inbound_address(secret, "in.example.org", Purpose.COPY, letter_id)
    message["From"] = "Pat <pat@example.org>"
    message["To"] = "office@house.example.gov"
    message["Subject"] = "Please act"
    message["Message-ID"] = f"<bench-{letter_id}@phone.example>"
    message.set_content("Dear Senator,\n\nPlease act.\n\nSent from my phone\n")
    return bytes(message)


def bench_inbound(tmp: Path) -> None:
    samples = [path.read_bytes() for path in sorted(SAMPLES.glob("*.eml"))]
    baseline = _rate(samples, lambda raw: message_from_bytes(raw, policy=default))
    ours = _rate(samples, _read)
    end_to_end = _copies(500, tmp)
    print(f"\n== inbound mail ({len(samples)} sample messages of every kind, {SECONDS:.0f} s each)")
    print(f"   the standard library's parser alone: {baseline:,.0f} messages/s")
    print(
        f"   the inbound parser (parse, bounce, auto-reply, text): {ours:,.0f} messages/s "
        f"({100 * ours / baseline:.0f}% of the standard library's rate)"
    )
    print(
        f"   copies taken end to end on SQLite (match, confirm, record, commit): {end_to_end:,.0f} messages/s"
    )
