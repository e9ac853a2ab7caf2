"""Issue 13's findings, each probed as an attacker or an outage would: forged Host headers, the
shipped secret key, telling accounts apart, stolen session cookies."""

from __future__ import annotations

import asyncio
import logging
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests
from aiosmtpd.controller import Controller
from flask import Flask
from sqlalchemy import func, select

from advocacy import create_app
from advocacy.auth import service
from advocacy.config import ConfigurationProblem
from advocacy.extensions import db, limiter
from advocacy.jobs import wait_for_jobs_in_threads
from advocacy.models import AuditEvent, Letter
from tests.builders import bulk_csv, bulk_row, make_legislator, person_id
from tests.conftest import (
    PASSWORD,
    SERVER_PATIENCE,
    AuthActions,
    MailCollector,
    free_port,
    stop,
    wait_until_answering,
)
from tests.pages import csrf_token, save_letter, text_of

CHECKOUT = Path(__file__).resolve().parents[1]  # where gunicorn.conf.py is


def form_post(client, url: str, headers: dict | None = None, **fields):
    page = client.get(url, headers=headers or {})
    return client.post(url, data={"csrf_token": csrf_token(page), **fields}, headers=headers or {})


# --- 1. Host-header poisoning ----------------------------------------------------------------


@pytest.mark.parametrize("host", ["evil.example", "127.0.0.1:1"])
def test_a_reset_asked_for_under_a_forged_host_mails_a_link_to_the_real_site(app, client, smtp, auth, host):
    app.config["BASE_URL"] = "https://advocacy.example.org"
    auth.create()

    form_post(client, "/auth/reset", headers={"Host": host}, email="pat@example.org")

    links = re.findall(r"https?://\S+", smtp[0].body)
    assert links and all(link.startswith("https://advocacy.example.org/auth/reset/") for link in links)
    assert host not in smtp[0].body


def test_confirmation_mails_and_share_boxes_name_the_real_site_whatever_the_host(app, client, smtp):
    app.config["BASE_URL"] = "https://advocacy.example.org"

    form_post(
        client,
        "/auth/register",
        headers={"Host": "evil.example"},
        email="new@example.org",
        password=PASSWORD,
        password_again=PASSWORD,
    )

    assert re.findall(r"https?://[^/\s]+", smtp[0].body) == ["https://advocacy.example.org"]


# --- 10. The shipped secret key, and no BASE_URL ------------------------------------------------


@pytest.fixture
def production_environment(monkeypatch, tmp_path):
    """create_app() as gunicorn calls it: settings from the environment, not debug, not testing."""
    for name in ("ADVOCACY_SECRET_KEY", "ADVOCACY_BASE_URL", "FLASK_DEBUG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ADVOCACY_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("ADVOCACY_DATABASE_URL", f"sqlite:///{tmp_path / 'x.sqlite3'}")
    return monkeypatch


def test_the_app_refuses_to_serve_with_the_shipped_secret_key(production_environment):
    production_environment.setenv("ADVOCACY_BASE_URL", "https://advocacy.example.org")

    with pytest.raises(ConfigurationProblem) as refused:
        create_app()

    assert "SECRET_KEY is the development default" in str(refused.value)
    assert "ADVOCACY_SECRET_KEY" in str(refused.value)


def test_the_app_refuses_to_serve_without_base_url_and_says_what_to_set(production_environment):
    production_environment.setenv("ADVOCACY_SECRET_KEY", "a long and random production secret")

    with pytest.raises(ConfigurationProblem) as refused:
        create_app()

    assert "BASE_URL is not set: set ADVOCACY_BASE_URL" in str(refused.value)


@pytest.mark.parametrize(
    "base_url", ["advocacy.example.org", "ftp://advocacy.example.org", "https://advocacy.example.org/app?x=1"]
)
def test_a_base_url_that_is_not_a_site_address_is_refused(production_environment, base_url):
    production_environment.setenv("ADVOCACY_SECRET_KEY", "a long and random production secret")
    production_environment.setenv("ADVOCACY_BASE_URL", base_url)

    with pytest.raises(ConfigurationProblem, match="BASE_URL"):
        create_app()


def test_with_a_secret_key_and_base_url_the_app_serves(production_environment):
    production_environment.setenv("ADVOCACY_SECRET_KEY", "a long and random production secret")
    production_environment.setenv("ADVOCACY_BASE_URL", "https://advocacy.example.org/")

    app = create_app()

    assert app.config["BASE_URL"] == "https://advocacy.example.org"


# --- 4. Telling accounts apart ---------------------------------------------------------------


class _SlowCollector(MailCollector):
    """A mail server that takes its time, as a busy one does."""

    async def handle_DATA(self, server, session, envelope) -> str:
        await asyncio.sleep(0.3)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def slow_smtp(app: Flask):
    collector = _SlowCollector()
    controller = Controller(collector, hostname="127.0.0.1", port=free_port())
    controller.start()
    app.config.update(SMTP_URL=f"smtp://127.0.0.1:{controller.port}", MAIL_AFTER_ANSWER=True)
    try:
        yield collector.messages
    finally:
        wait_for_jobs_in_threads()
        controller.stop()


def _flash_after(client, response) -> str:
    return text_of(client.get(response.headers["Location"]))


def test_reset_answers_before_any_mail_leaves_and_alike_for_every_address(client, auth, slow_smtp):
    auth.create()

    known = form_post(client, "/auth/reset", email="pat@example.org")
    assert slow_smtp == []  # answered while the mail server was still busy
    known_words = _flash_after(client, known).replace("pat@example.org", "ADDRESS")
    unknown = form_post(client, "/auth/reset", email="nobody@example.org")
    unknown_words = _flash_after(client, unknown).replace("nobody@example.org", "ADDRESS")

    assert (known.status_code, known.headers["Location"]) == (
        unknown.status_code,
        unknown.headers["Location"],
    )
    assert known_words == unknown_words
    wait_for_jobs_in_threads()
    assert [mail.recipients for mail in slow_smtp] == [["pat@example.org"]]


def test_reset_says_the_same_when_the_mail_server_is_down(app, client, auth):
    auth.create()
    app.config.update(SMTP_URL=f"smtp://127.0.0.1:{free_port()}", MAIL_AFTER_ANSWER=True)  # nothing listens

    known = _flash_after(client, form_post(client, "/auth/reset", email="pat@example.org"))
    unknown = _flash_after(client, form_post(client, "/auth/reset", email="nobody@example.org"))
    wait_for_jobs_in_threads()

    assert known.replace("pat@example.org", "X") == unknown.replace("nobody@example.org", "X")
    assert "could not send" not in known


def test_registering_a_taken_address_does_the_same_work_and_says_the_same(
    client, auth, slow_smtp, monkeypatch
):
    auth.create()
    hashed = []
    real_hash = service.hash_password
    monkeypatch.setattr(service, "hash_password", lambda password: hashed.append(1) or real_hash(password))

    def register(email: str):
        return form_post(client, "/auth/register", email=email, password=PASSWORD, password_again=PASSWORD)

    taken = _flash_after(client, register("pat@example.org"))
    fresh = _flash_after(client, register("new@example.org"))

    assert hashed == [1, 1]  # the taken address is hashed for as long as the new one
    assert taken.replace("pat@example.org", "X") == fresh.replace("new@example.org", "X")
    assert "We sent a message to pat@example.org" in taken
    wait_for_jobs_in_threads()
    subjects = sorted(mail.message["Subject"] for mail in slow_smtp)
    assert subjects == ["Confirm your email for Advocacy", "You already have an Advocacy account"]


# --- 6. Log-out ends every copy of the session ---------------------------------------------------


def test_a_session_cookie_copied_before_log_out_no_longer_works_after_it(app, client, auth):
    auth.create()
    auth.login()
    stolen = app.test_client()
    stolen.set_cookie("session", client.get_cookie("session").value)
    assert stolen.get("/account/").status_code == 200

    auth.logout()

    assert stolen.get("/account/").status_code == 302
    assert "/auth/login" in stolen.get("/account/").headers["Location"]
    assert auth.login().status_code == 302  # logging in again works, with a session of its own
    assert client.get("/account/").status_code == 200


# --- 7. One letter, many lawmakers ----------------------------------------------------------------


def test_one_submission_writes_to_at_most_ten_lawmakers(client):
    people = [make_legislator(db.session, n=n, district=str(n)) for n in range(1, 12)]
    db.session.commit()
    url = "/letters/new?state=mo&area=prevention-and-training"
    token = csrf_token(client.get(url))
    fields = {
        "csrf_token": token,
        "area": "prevention-and-training",
        "sender_name": "Pat Doe",
        "sender_town": "Columbia",
        "action": "save",
    }

    refused = client.post(url, data={**fields, "to": [p.id for p in people]})

    assert "Choose at most 10 lawmakers for one letter (you chose 11)." in text_of(refused)
    assert db.session.scalar(select(func.count()).select_from(Letter)) == 0

    saved = client.post(url, data={**fields, "to": [p.id for p in people[:10]]})

    assert saved.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Letter)) == 10


# --- 3. Redis down ---------------------------------------------------------------------------


@pytest.fixture
def redis_down(make_app) -> Iterator[Flask]:
    """The app as configured for Redis, with no Redis answering there; limits on."""
    yield make_app(REDIS_URL=f"redis://127.0.0.1:{free_port()}/0", RATELIMIT_ENABLED=True)
    # Flask-Limiter is one object for every app in this process, and remembers that its storage
    # died: the next test's app must start from a storage thought alive, as a new process does.
    limiter._storage_dead = False


def test_with_redis_down_pages_the_api_log_in_and_letters_keep_working(redis_down, auth):
    make_legislator(db.session, n=1)
    auth.create()
    visitor = redis_down.test_client()

    assert visitor.get("/api/v1/states/mo/legislators").status_code == 200
    assert visitor.get("/states/mo").status_code == 200
    assert visitor.get("/api/v1/states/mo/report-card").status_code == 200
    page = visitor.get("/auth/login")
    logged_in = visitor.post(
        "/auth/login", data={"csrf_token": csrf_token(page), "email": "pat@example.org", "password": PASSWORD}
    )
    assert logged_in.status_code == 302
    saved = save_letter(visitor, person_id(1))
    assert visitor.get(saved).status_code == 200
    health = visitor.get("/healthz")
    assert health.status_code == 200
    assert health.get_json()["status"] == "degraded"
    assert health.get_json()["redis"].startswith("down")
    assert health.get_json()["database"] == "ok"


def test_with_redis_down_rate_limits_still_hold_in_memory(redis_down):
    visitor = redis_down.test_client()
    redis_down.config["RATE_LIMIT_LOOKUP"] = "2 per minute"

    answers = [visitor.get("/api/v1/lookup?address=x").status_code for _ in range(3)]

    assert answers[-1] == 429


def test_with_redis_down_an_admin_sync_runs_at_once_and_is_audited_once(redis_down, auth, tmp_path):
    auth.create("admin@example.org", role="admin")
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "ri.csv").write_bytes(bulk_csv([bulk_row(1)]))
    redis_down.config["OPENSTATES_URL"] = str(tmp_path / "sources")
    admin = redis_down.test_client()
    AuthActions(admin).login("admin@example.org")
    page = admin.get("/admin/legislators")

    answer = admin.post("/admin/legislators/sync", data={"csrf_token": csrf_token(page), "state": "ri"})

    assert answer.status_code == 302
    assert "ri: 1 added" in text_of(admin.get(answer.headers["Location"]))
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "legislators.sync")).all()
    assert len(events) == 1 and '"ran": "at once"' in events[0].after


def test_healthz_reports_each_dependency(client):
    report = client.get("/healthz").get_json()

    assert report == {
        "status": "ok",
        "database": "ok",
        "legislators": 0,
        "redis": "not configured",
        "smtp": "not configured",
        "inbound_mail": "not configured",
    }


# --- 5. Input that used to answer 500 -----------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("page=%C2%B2", "page must be a whole number of at least 1, not '²'"),
        ("page=%D9%A1", "page must be a whole number of at least 1"),
        ("page=9223372036854775807", "page can be at most 100,000"),
        ("page=" + "9" * 5000, "page can be at most 100,000"),
        ("per_page=0", "per_page must be a whole number of at least 1"),
    ],
)
def test_page_numbers_are_ascii_decimals_within_bounds(client, query, message):
    api = client.get(f"/api/v1/states/mo/legislators?{query}")
    page = client.get(f"/states/mo/legislators?{query}")

    assert api.status_code == 400
    assert message in api.get_json()["error"]["message"]
    assert page.status_code == 400
    assert message in text_of(page)


def test_a_leading_zero_is_still_a_page_number(client):
    assert client.get("/api/v1/states/mo/legislators?page=0001").get_json()["page"] == 1


@pytest.mark.parametrize("field", ["q", "district", "party", "chamber"])
def test_a_nul_byte_in_a_query_parameter_is_refused_naming_it(client, field):
    api = client.get(f"/api/v1/states/mo/legislators?{field}=a%00b")
    page = client.get(f"/states/mo/legislators?{field}=a%00b")

    assert api.status_code == page.status_code == 400
    assert f"The query parameter '{field}' holds a control character" in api.get_json()["error"]["message"]
    assert f"The query parameter '{field}' holds a control character" in text_of(page)


@pytest.mark.parametrize("field", ["sender_name", "sender_town", "personal_paragraph", "sender_email"])
def test_a_control_character_in_a_letter_field_is_refused_and_nothing_is_saved(client, field):
    make_legislator(db.session, n=1)
    db.session.commit()
    url = f"/letters/new?state=mo&to={person_id(1)}"
    form = {
        "csrf_token": csrf_token(client.get(url)),
        "area": "prevention-and-training",
        "to": [person_id(1)],
        "sender_name": "Pat Doe",
        "sender_town": "Columbia",
        "action": "save",
        field: "Pat\x00\x1b Doe",
    }

    answer = client.post(url, data=form)

    assert answer.status_code == 400
    assert f"The form field '{field}' holds a control character" in text_of(answer)
    assert db.session.scalar(select(func.count()).select_from(Letter)) == 0


def test_a_nul_byte_in_a_page_address_is_refused(client):
    assert client.get("/letters/abc%00def").status_code == 400
    assert client.get("/legislators/ocd-person%2F1%00/photo").status_code == 400


def test_line_breaks_and_tabs_stay_welcome(client):
    make_legislator(db.session, n=1)
    db.session.commit()
    tracking = save_letter(client, person_id(1), personal_paragraph="First line.\r\n\tSecond line.")

    assert "Second line." in text_of(client.get(tracking))


# --- 8. Rate limits -------------------------------------------------------------------------------


@pytest.fixture
def serve_without_redis(database_url: str, tmp_path: Path) -> Iterator[Callable[[str], str]]:
    """Starts app servers as deployed (gunicorn, the project's settings) without Redis; yields a
    function that starts one more and returns its URL. All are stopped afterwards, pass or fail."""
    started: list[subprocess.Popen] = []

    def start(name: str) -> str:
        instance = tmp_path / name
        instance.mkdir()
        (instance / "config.py").write_text(
            "RATELIMIT_ENABLED = True\nRATE_LIMIT_LOOKUP = '3 per minute'\n", encoding="utf-8"
        )
        port = free_port()
        environment = {k: v for k, v in os.environ.items() if not k.startswith("ADVOCACY_")}
        environment.update(
            ADVOCACY_INSTANCE_PATH=str(instance),
            ADVOCACY_DATABASE_URL=database_url,
            ADVOCACY_SECRET_KEY="a long and random secret for this test",
            ADVOCACY_BASE_URL=f"http://127.0.0.1:{port}",
        )
        command = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--workers", "1"]
        command += ["--bind", f"127.0.0.1:{port}", "advocacy:create_app()"]
        log = instance / "server.log"
        with log.open("wb") as output:  # the server keeps its own copy open
            server = subprocess.Popen(
                command, cwd=CHECKOUT, env=environment, stdout=output, stderr=subprocess.STDOUT
            )
        started.append(server)
        url = f"http://127.0.0.1:{port}"
        wait_until_answering(f"{url}/healthz", server, log)
        return url

    try:
        yield start
    finally:
        stop(*started)


@pytest.mark.committed  # the servers are other processes
def test_without_redis_two_app_servers_count_against_one_limit(app, serve_without_redis):
    servers = [serve_without_redis(name) for name in ("a", "b")]

    answers = [
        requests.get(f"{servers[n % 2]}/api/v1/lookup?address=", timeout=SERVER_PATIENCE).status_code
        for n in range(4)
    ]

    assert answers[:3] == [400, 400, 400]  # an empty address, refused, still counts
    assert answers[3] == 429  # the fourth, on either server


def test_log_in_limits_count_per_account_not_per_shared_address(make_app, auth):
    auth.create()
    school = make_app(RATELIMIT_ENABLED=True, RATE_LIMIT_LOGIN="2 per minute").test_client()  # one address

    def log_in(email: str, password: str = "wrong password here"):
        page = school.get("/auth/login")
        return school.post(
            "/auth/login", data={"csrf_token": csrf_token(page), "email": email, "password": password}
        )

    guesses = [log_in("pat@example.org").status_code for _ in range(3)]
    someone_else = log_in("other@example.org")

    assert guesses == [200, 200, 429]  # the guessed account is protected
    assert someone_else.status_code == 200  # and the next person at the same address may still log in


def test_a_proxy_left_out_of_proxy_count_is_reported_once(client, caplog):
    with caplog.at_level(logging.WARNING):
        for _ in range(3):
            client.get("/", headers={"X-Forwarded-For": "203.0.113.7"})

    warnings = [r.getMessage() for r in caplog.records if "X-Forwarded-For" in r.getMessage()]
    assert len(warnings) == 1
    assert "Set ADVOCACY_PROXY_COUNT" in warnings[0]


def test_with_redis_mail_after_the_answer_is_sent_by_the_worker(app, client, auth, smtp, run_worker):
    auth.create()
    app.config["MAIL_AFTER_ANSWER"] = True  # run_worker has set REDIS_URL: the mail is queued

    form_post(client, "/auth/reset", email="pat@example.org")
    assert smtp == []  # queued, not sent by the request
    run_worker()

    assert [mail.recipients for mail in smtp] == [["pat@example.org"]]
    assert "choose a new password" in smtp[0].body.lower()
