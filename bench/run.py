"""`make bench`: how long the heavy paths take, each against a baseline measured in the same run.

- Lawmaker sync over HTTP from a local server in the official layout (`<base>/<abbr>.csv`): a
  first import of every state, then a repeat run of the same files, which should cost a small
  fraction of the first (a 304 or an unchanged hash per state, nothing parsed or written).
- Pages: the state page and the legislator table against /healthz (one trivial query), so the
  ratio says what the page itself costs on this machine.
- A campaign's dashboard figures with a million letters, against the same figures for a campaign
  of a thousand: aggregation happens in the database, so the ratio stays far below a thousand.
  Set BENCH_LETTERS to try another size.

Uses ../shared/data/openstates when present, otherwise made-up files of the same size.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, select  # noqa: E402

from advocacy import create_app  # noqa: E402
from advocacy.campaigns.stats import campaign_stats  # noqa: E402
from advocacy.cli import migrate_database  # noqa: E402
from advocacy.clients.openstates import BulkSource  # noqa: E402
from advocacy.extensions import db  # noqa: E402
from advocacy.legislators.sync import run_sync  # noqa: E402
from advocacy.letters.service import load_letter_templates  # noqa: E402
from advocacy.models import (  # noqa: E402
    Campaign,
    IssueArea,
    Legislator,
    Letter,
    TemplateRevision,
    User,
)
from advocacy.reportcards.loader import load_report_cards  # noqa: E402
from advocacy.reportcards.service import all_states, featured_framework  # noqa: E402
from tests.builders import bulk_csv, bulk_row  # noqa: E402

SHARED = ROOT.parent / "shared" / "data" / "openstates"


def made_up_source(folder: Path, abbrs: list[str]) -> Path:
    for index, abbr in enumerate(abbrs):
        rows = [bulk_row(index * 1000 + n) for n in range(1, 144)]
        (folder / f"{abbr}.csv").write_bytes(bulk_csv(rows))
    return folder


def _serve(folder: Path) -> ThreadingHTTPServer:
    handler = partial(_QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def timed(action: Callable[[], object], repeat: int = 1) -> float:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {
                "SECRET_KEY": "bench",
                "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3",
                "LETTER_TEMPLATES_DIR": str(ROOT / "letter_templates"),
            }
        )
        with app.app_context():
            migrate_database()
            load_report_cards(db.session)
            load_letter_templates(db.session, ROOT / "letter_templates", featured_framework(db.session))
            db.session.commit()
            states = all_states(db.session)
            folder = SHARED if SHARED.is_dir() else made_up_source(Path(tmp), [s.abbr for s in states])
            server = _serve(folder)
            source = BulkSource(f"http://127.0.0.1:{server.server_port}")
            first = timed(lambda: run_sync(db.session, source, states))
            repeat = timed(lambda: run_sync(db.session, source, states), repeat=3)
            server.shutdown()
            files = sum(1 for _ in folder.glob("*.csv"))
            print(f"data: {folder} ({files} files)")
            print(f"sync, first import:     {first * 1000:8.0f} ms")
            print(f"sync, unchanged repeat: {repeat * 1000:8.0f} ms  ({repeat / first:.2f} x first)")

        client = app.test_client()
        client.get("/healthz")
        pages = {
            "/healthz (baseline)": "/healthz",
            "/states/mo": "/states/mo",
            "/states/mo/legislators": "/states/mo/legislators",
            "/api/v1/states/mo/report-card": "/api/v1/states/mo/report-card",
        }
        baseline = timed(lambda: client.get("/healthz"), repeat=50)
        for label, url in pages.items():
            took = timed(lambda url=url: client.get(url), repeat=50)
            print(f"GET {label:32} {took * 1000:7.2f} ms  ({took / baseline:5.1f} x baseline)")

        with app.app_context():
            big = int(os.environ.get("BENCH_LETTERS", "1000000"))
            small_campaign = _campaign_with_letters("small", 1000)
            big_campaign = _campaign_with_letters("big", big)
            small = timed(lambda: campaign_stats(db.session, small_campaign), repeat=3)
            large = timed(lambda: campaign_stats(db.session, big_campaign), repeat=3)
            stats = campaign_stats(db.session, big_campaign)
            print(f"campaign figures, 1,000 letters:   {small * 1000:8.0f} ms (baseline)")
            ratio = large / small
            print(f"campaign figures, {big:,} letters: {large * 1000:8.0f} ms  ({ratio:5.1f} x baseline)")
            print(
                f"  {stats.letters:,} letters, {stats.sent:,} sent, {len(stats.lawmakers)} lawmakers "
                f"reached, {len(stats.not_reached)} not reached, {len(stats.per_day)} days, "
                f"reply rate {stats.reply_rate}%"
            )


def _campaign_with_letters(slug: str, count: int) -> Campaign:
    """A Missouri campaign with `count` letters spread over its lawmakers, days, channels and replies."""
    owner = User(
        email=f"{slug}@example.org", password_hash="-", role="organizer", created_at=datetime(2026, 1, 1)
    )
    campaign = Campaign(
        slug=slug,
        title=slug,
        state_abbr="mo",
        target="legislature",
        owner=owner,
        created_at=datetime(2026, 1, 1),
        goal=count,
    )
    db.session.add(campaign)
    db.session.flush()
    people = db.session.scalars(select(Legislator.id).where(Legislator.state_abbr == "mo")).all()
    revision = db.session.scalar(select(TemplateRevision.id))
    area = db.session.scalar(select(IssueArea.id).where(IssueArea.number == 2))
    replies = ("", "", "yes", "no", "not-yet")
    chunk = 20_000
    for start in range(0, count, chunk):
        db.session.execute(
            insert(Letter),
            [
                {
                    "token": f"{slug}-{n}",
                    "batch": f"{slug}-{n}",
                    "revision_id": revision,
                    "state_abbr": "mo",
                    "issue_area_id": area,
                    "legislator_id": people[n % len(people)],
                    "campaign_id": campaign.id,
                    "subject": "s",
                    "body": "b",
                    "status": "sent" if n % 3 else "draft",
                    "channel": ("email", "print", "phone")[n % 3] if n % 3 else None,
                    "reply_status": replies[n % 5] if n % 3 else "",
                    "reply_outcome": "supportive" if n % 15 == 2 else "",
                    "created_at": datetime(2026, 1, 1) + timedelta(minutes=n % 100_000),
                }
                for n in range(start, min(start + chunk, count))
            ],
        )
    db.session.commit()
    return campaign


if __name__ == "__main__":
    main()
