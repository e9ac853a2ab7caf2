"""Two app servers on one PostgreSQL and one Redis: edits, rate limits and jobs are shared by both."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from tests.builders import bulk_csv, bulk_row, card_form
from tests.conftest import PASSWORD, free_port, stop, wait_until_answering
from tests.pages import csrf_token, text_of

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SECRET_KEY = "a long and random secret for both servers"
LOGIN_LIMIT = 5
# Generous: on a busy machine a cold server's first answers can be slow. Nothing here is timed.
PATIENCE = 60

# Servers are separate processes on one shared database; only the PostgreSQL pass of `make test`
# (ADVOCACY_TEST_DATABASE_URL set) runs this. Redis missing is a skip here and a failure in CI,
# as the `redis_url` fixture decides.
pytestmark = [
    pytest.mark.skipif(
        not os.environ.get("ADVOCACY_TEST_DATABASE_URL", "").startswith("postgresql"),
        reason="several app servers need PostgreSQL: set ADVOCACY_TEST_DATABASE_URL to run this",
    ),
    pytest.mark.usefixtures("report_cards_restored"),
    pytest.mark.committed,  # the servers are other processes
]


class Page:
    """A `requests` answer that the helpers in tests/pages.py can read like a test-client answer."""

    def __init__(self, response: requests.Response) -> None:
        self.response = response
        self.status_code = response.status_code
        self.headers = response.headers

    def get_data(self, as_text: bool = False) -> str | bytes:
        return self.response.text if as_text else self.response.content


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log: Path

    def get(self, browser: requests.Session, path: str) -> Page:
        return Page(browser.get(self.url + path, timeout=PATIENCE, allow_redirects=False))

    def post(self, browser: requests.Session, path: str, data: dict) -> Page:
        return Page(browser.post(self.url + path, data=data, timeout=PATIENCE, allow_redirects=False))


def _start(instance: Path, environment: dict[str, str]) -> Server:
    """One app server as deployed: gunicorn with the project's config file, its own instance folder."""
    instance.mkdir()
    # Rate limits are not environment settings; each server reads them from its instance config.
    (instance / "config.py").write_text(
        f"RATELIMIT_ENABLED = True\nRATE_LIMIT_LOGIN = '{LOGIN_LIMIT} per minute'\n", encoding="utf-8"
    )
    port = free_port()
    log = instance / "gunicorn.log"
    command = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--workers", "1"]
    # Two servers on one machine: each needs its own control socket, or none.
    command += ["--no-control-socket", "--bind", f"127.0.0.1:{port}", "advocacy:create_app()"]
    with log.open("wb") as output:  # the server keeps its own copy of the file open
        process = subprocess.Popen(
            command,
            cwd=PROJECT_ROOT,
            env={
                **environment,
                "ADVOCACY_INSTANCE_PATH": str(instance),
                "ADVOCACY_BASE_URL": f"http://127.0.0.1:{port}",
            },
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    return Server(f"http://127.0.0.1:{port}", process, log)


@pytest.fixture
def servers(app, database_url: str, redis_url: str, tmp_path: Path) -> Iterator[tuple[Server, Server]]:
    """Servers A and B: same database, same Redis, same secret key, nothing else in common.

    `app` empties the tables tests write to before the servers start.
    """
    (tmp_path / "openstates").mkdir()
    environment = {k: v for k, v in os.environ.items() if not k.startswith("ADVOCACY_")}
    environment.update(
        ADVOCACY_DATABASE_URL=database_url,
        ADVOCACY_REDIS_URL=redis_url,
        ADVOCACY_SECRET_KEY=SECRET_KEY,
        ADVOCACY_OPENSTATES_URL=str(tmp_path / "openstates"),
        ADVOCACY_CENSUS_URL="http://127.0.0.1:9/geocoder",  # nothing listens: never the internet
    )
    started: list[Server] = []
    try:
        for name in ("a", "b"):
            started.append(_start(tmp_path / name, environment))
        for server in started:
            wait_until_answering(server.url + "/healthz", server.process, server.log)
        yield started[0], started[1]
    finally:
        stop(*(server.process for server in started))


def log_in(server: Server, browser: requests.Session, email: str, password: str = PASSWORD) -> Page:
    form = server.get(browser, "/auth/login")
    return server.post(
        browser, "/auth/login", {"csrf_token": csrf_token(form), "email": email, "password": password}
    )


@pytest.fixture
def admin(auth) -> requests.Session:
    """A browser of its own for the admin (the visitor's browser stays anonymous)."""
    auth.create("admin@example.org", role="admin")
    return requests.Session()


def prevention_score(server: Server, browser: requests.Session) -> object:
    card = browser.get(server.url + "/api/v1/states/mo/report-card", timeout=PATIENCE).json()
    return next(area["score"] for area in card["areas"] if area["slug"] == "prevention-and-training")


def test_an_admin_edit_on_one_server_shows_on_the_other_at_once(servers, admin):
    a, b = servers
    visitor = requests.Session()
    figures = "Prevention and Training — 3 of 15 points (20.0%); 12 points still to gain."
    # B has the page and the API answer now, cached if it caches.
    before = b.get(visitor, "/states/mo")
    assert before.status_code == 200 and figures not in text_of(before)
    assert prevention_score(b, visitor) is None
    assert log_in(a, admin, "admin@example.org").status_code == 302

    form = a.get(admin, "/admin/report-cards/mo/2023")
    saved = a.post(admin, "/admin/report-cards/mo/2023", card_form(form))

    assert saved.status_code == 302, text_of(saved)
    assert figures in text_of(b.get(visitor, "/states/mo"))
    assert float(prevention_score(b, visitor)) == 3


def test_rate_limits_count_requests_on_every_server_together(servers):
    a, b = servers
    browser = requests.Session()

    answers = [log_in(server, browser, "nobody@example.org", "wrong") for server in (a, b) * LOGIN_LIMIT]

    # Neither server saw more than the limit, yet the limit holds for the two together.
    statuses = [answer.status_code for answer in answers]
    assert 429 not in statuses[:LOGIN_LIMIT]
    assert statuses[LOGIN_LIMIT:] == [429] * LOGIN_LIMIT
    assert "Please wait a minute before trying again." in text_of(answers[-1])


def test_a_sync_started_on_one_server_runs_on_the_worker_and_shows_on_the_other(
    servers, admin, run_worker, tmp_path
):
    a, b = servers
    visitor = requests.Session()
    (tmp_path / "openstates" / "ri.csv").write_bytes(bulk_csv([bulk_row(1), bulk_row(2)]))
    assert "Casey Sample1" not in text_of(b.get(visitor, "/states/ri/legislators"))
    assert log_in(a, admin, "admin@example.org").status_code == 302

    page = a.get(admin, "/admin/legislators")
    queued = a.post(admin, "/admin/legislators/sync", {"csrf_token": csrf_token(page), "state": "ri"})
    assert "The sync is queued (job " in text_of(a.get(admin, queued.headers["Location"]))
    assert "Casey Sample1" not in text_of(b.get(visitor, "/states/ri/legislators"))

    run_worker()

    table = text_of(b.get(visitor, "/states/ri/legislators"))
    assert "2 lawmakers." in table
    assert "Casey Sample1" in table and "Casey Sample2" in table
