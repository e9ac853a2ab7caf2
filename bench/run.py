"""`make bench`: how long the heavy paths take, each against a baseline measured in the same run.

- Lawmaker sync over HTTP from a local server in the official layout (`<base>/<abbr>.csv`): a
  first import of every state, then a repeat run of the same files, which should cost a small
  fraction of the first (a 304 or an unchanged hash per state, nothing parsed or written).
- Pages: the state page and the legislator table against /healthz (one trivial query), so the
  ratio says what the page itself costs on this machine.

Uses ../shared/data/openstates when present, otherwise made-up files of the same size.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from advocacy import create_app  # noqa: E402
from advocacy.cli import migrate_database  # noqa: E402
from advocacy.clients.openstates import BulkSource  # noqa: E402
from advocacy.extensions import db  # noqa: E402
from advocacy.legislators.sync import run_sync  # noqa: E402
from advocacy.letters.service import load_letter_templates  # noqa: E402
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


if __name__ == "__main__":
    main()
