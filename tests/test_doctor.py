"""`advocacy doctor`: one line per check with what to fix; exit status 1 only when something
required (settings, database, schema, disk) is broken."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import click
import pytest
from alembic.config import Config as AlembicConfig
from alembic.script import ScriptDirectory
from click.testing import Result
from flask import Flask
from pytest_httpserver import HTTPServer

from advocacy import create_app, doctor
from advocacy.clock import utcnow
from advocacy.extensions import db
from advocacy.folders import MIGRATIONS
from advocacy.models import InboundMessage
from advocacy.models.inbound import MailPath, MailResult
from tests.imap_server import ImapMailbox

API_KEY = "api-key-0123456789"
CHECKS = [
    "secret key",
    "base url",
    "proxy count",
    "instance folder",
    "disk space",
    "database",
    "redis",
    "smtp",
    "inbound mail",
    "imap mailbox",
    "census",
    "openstates files",
    "openstates api",
    "clock",
]


def checks(result: Result) -> dict[str, tuple[str, str]]:
    """Each line as name → (status, what it says)."""
    found = {}
    for line in result.stdout.splitlines():
        status, rest = line[:6].strip(), line[6:]
        name, _, detail = rest.partition(": ")
        found[name] = (status, detail)
    return found


def run_doctor(app: Flask) -> Result:
    with app.app_context():
        return app.test_cli_runner().invoke(args=["doctor"])


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A loopback port that refuses connections: bound and never listening, so nothing takes it."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


@pytest.fixture
def healthy(app: Flask, smtp, httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> Flask:
    """Every required part sound and the optional services the tests can serve: SMTP (aiosmtpd), and
    the Census and Open States on a local HTTP server."""
    app.config["SECRET_KEY"] = "a-long-random-secret-key-" + "0" * 40
    app.config["CENSUS_URL"] = httpserver.url_for("/geocoder")
    httpserver.expect_request("/geocoder/benchmarks").respond_with_json(
        {"benchmarks": [{"id": "4", "benchmarkName": "Public_AR_Current", "isDefault": True}]}
    )
    app.config["OPENSTATES_URL"] = httpserver.url_for("/people/current")
    httpserver.expect_request("/people/current/ak.csv", method="HEAD").respond_with_data(
        "", content_type="text/csv"
    )
    app.config["OPENSTATES_API_URL"] = httpserver.url_for("/api")
    app.config["OPENSTATES_API_KEY"] = API_KEY
    alaska = {"id": "ocd-jurisdiction/country:us/state:ak/government", "name": "Alaska"}
    httpserver.expect_request("/api/jurisdictions", headers={"X-API-KEY": API_KEY}).respond_with_json(
        {"results": [alaska], "pagination": {"per_page": 1, "page": 1, "max_page": 52, "total_items": 52}}
    )
    # Whatever room this machine has left is not the test's business (test_disk_space… is).
    monkeypatch.setattr(doctor, "DISK_THRESHOLDS", doctor.DiskThresholds(warn_below=0, fail_below=0))
    return app


def head_revision() -> tuple[str, str]:
    """The scripts' head and the revision before it."""
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    script = ScriptDirectory.from_config(config)
    head = script.get_current_head()
    return head, script.get_revision(head).down_revision


def test_a_healthy_setup_prints_only_ok_and_skip_lines_and_exits_0(healthy, runner):
    result = runner.invoke(args=["doctor"])

    assert result.exit_code == 0, result.output
    found = checks(result)
    assert list(found) == CHECKS
    assert {status for status, _ in found.values()} <= {"ok", "skip"}, result.output
    head, _ = head_revision()
    assert found["database"][1].endswith(f", schema at {head}")
    assert found["smtp"][1].endswith(": EHLO answered")
    assert found["census"] == ("ok", f"{healthy.config['CENSUS_URL']}: answers")
    assert found["openstates api"][0] == "ok"
    assert found["clock"][0] == "ok"
    assert found["redis"] == ("skip", "not set: jobs run inline and rate limits are counted in the database")
    assert API_KEY not in result.output


def test_redis_that_answers_a_ping_is_ok(healthy, runner, redis_url):
    healthy.config["REDIS_URL"] = redis_url

    result = runner.invoke(args=["doctor"])

    assert checks(result)["redis"] == ("ok", f"{redis_url}: answers PING")
    assert result.exit_code == 0


def test_the_mailbox_is_logged_into_and_its_messages_left_alone(healthy, runner, imap_mailbox: ImapMailbox):
    imap_mailbox.append(b"Subject: a copy\r\n\r\nHello.\r\n")
    healthy.config.update(INBOUND_DOMAIN="inbound.example.org", INBOUND_IMAP_URL=imap_mailbox.url)

    result = runner.invoke(args=["doctor"])

    found = checks(result)
    assert found["imap mailbox"] == (
        "ok",
        f"imap://inbound:***@127.0.0.1:{imap_mailbox.port}/INBOX: logged in, 1 message(s) waiting",
    )
    assert found["inbound mail"] == (
        "ok",
        "inbound.example.org: no message received yet; no failure in the last day",
    )
    assert imap_mailbox.count() == 1
    assert imap_mailbox.password not in result.output
    assert result.exit_code == 0


def test_a_mailbox_that_refuses_the_login_is_a_warning(healthy, runner, imap_mailbox: ImapMailbox):
    healthy.config.update(
        INBOUND_DOMAIN="inbound.example.org", INBOUND_IMAP_URL=imap_mailbox.url_for(password="wrong-password")
    )

    result = runner.invoke(args=["doctor"])

    status, detail = checks(result)["imap mailbox"]
    assert status == "warn"
    assert "check the user name and password in ADVOCACY_INBOUND_IMAP_URL" in detail
    assert "wrong-password" not in result.output
    assert result.exit_code == 0


def test_inbound_messages_that_failed_in_the_last_day_are_a_warning(healthy, runner):
    healthy.config["INBOUND_DOMAIN"] = "inbound.example.org"
    db.session.add(
        InboundMessage(
            received_at=utcnow(), path=MailPath.HTTP, result=MailResult.UNREADABLE, fingerprint="f"
        )
    )
    db.session.commit()

    result = runner.invoke(args=["doctor"])

    status, detail = checks(result)["inbound mail"]
    assert status == "warn"
    assert detail.startswith("inbound.example.org: last message by http ")
    assert detail.endswith("; 1 in the last day could not be matched to a letter or read: see /admin/mail")
    assert result.exit_code == 0


def test_optional_services_that_are_down_are_warnings_and_exit_0(
    healthy, runner, httpserver: HTTPServer, closed_port
):
    healthy.config["REDIS_URL"] = f"redis://127.0.0.1:{closed_port}/0"
    healthy.config["SMTP_URL"] = f"smtp://127.0.0.1:{closed_port}"
    healthy.config["CENSUS_URL"] = httpserver.url_for("/down")
    httpserver.expect_request("/down/benchmarks").respond_with_data("down for maintenance", status=500)

    result = runner.invoke(args=["doctor"])

    assert result.exit_code == 0, result.output
    found = checks(result)
    assert found["redis"][0] == "warn"
    assert found["redis"][1].startswith(f"redis://127.0.0.1:{closed_port}/0: ")
    assert found["redis"][1].endswith(
        ": start Redis, or unset ADVOCACY_REDIS_URL to run jobs inline (meanwhile "
        "each process counts rate limits on its own)"
    )
    assert found["smtp"] == (
        "warn",
        f"smtp://127.0.0.1:{closed_port}: connection refused: check the host and port in "
        "ADVOCACY_SMTP_URL and that the mail server is up",
    )
    assert found["census"][0] == "warn"
    assert found["census"][1].startswith(f"{httpserver.url_for('/down')}: answered HTTP 500: address lookup")
    assert "FAIL" not in result.output


def test_an_api_key_open_states_refuses_is_a_warning(healthy, runner, httpserver: HTTPServer):
    healthy.config["OPENSTATES_API_KEY"] = "a-revoked-key"
    httpserver.expect_request("/api/jurisdictions", headers={"X-API-KEY": "a-revoked-key"}).respond_with_json(
        {"detail": "Invalid API Key."}, status=401
    )

    result = runner.invoke(args=["doctor"])

    assert checks(result)["openstates api"] == (
        "warn",
        f"{healthy.config['OPENSTATES_API_URL']}: the key is refused: `advocacy sync-bills` fails. "
        "Get a free key at https://openstates.org/accounts/profile/ and set ADVOCACY_OPENSTATES_API_KEY.",
    )
    assert "a-revoked-key" not in result.output
    assert result.exit_code == 0


def test_smtp_left_unset_is_a_warning_that_says_what_to_set(healthy, runner):
    healthy.config["SMTP_URL"] = ""

    result = runner.invoke(args=["doctor"])

    status, detail = checks(result)["smtp"]
    assert status == "warn"
    assert detail.startswith("not set: account mail (confirmations, password resets) goes to the log")
    assert "set ADVOCACY_SMTP_URL" in detail
    assert result.exit_code == 0


@pytest.mark.parametrize(
    ("ours", "status", "said"),
    [
        (
            datetime(2026, 3, 4, 12, 0, 0),
            "warn",
            "this machine's clock is 3 days ahead of census.gov's: links",
        ),
        (datetime(2026, 3, 1, 11, 58, 30), "warn", "this machine's clock is 90 s behind census.gov's: links"),
        (datetime(2026, 3, 1, 12, 0, 10), "ok", "within 10 s of census.gov's clock"),
    ],
)
def test_a_clock_more_than_a_minute_off_a_service_is_a_warning(ours, status, said):
    theirs = datetime(2026, 3, 1, 12, 0, 0)

    check = doctor.check_clock([doctor.ClockReading("census.gov", theirs, ours)])

    assert check.status == status
    assert check.detail.startswith(said)


def test_an_empty_database_fails_with_the_commands_that_fill_it(make_app, tmp_path: Path):
    empty = tmp_path / "empty.sqlite3"
    empty.touch()

    result = run_doctor(make_app(DATABASE_URL=f"sqlite:///{empty}"))

    assert result.exit_code == 1
    status, detail = checks(result)["database"]
    assert status == "FAIL"
    assert detail.startswith(f"sqlite:///{empty}: empty (")
    assert detail.endswith(" migrations to run): run `advocacy init-db`, then `advocacy seed`")


def test_a_pending_migration_fails_saying_how_many(make_app, tmp_path: Path):
    head, previous = head_revision()
    behind = tmp_path / "behind.sqlite3"
    with sqlite3.connect(behind) as connection:
        connection.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
        connection.execute("INSERT INTO alembic_version VALUES (?)", (previous,))
    connection.close()

    result = run_doctor(make_app(DATABASE_URL=f"sqlite:///{behind}"))

    assert result.exit_code == 1
    assert checks(result)["database"] == (
        "FAIL",
        f"sqlite:///{behind}: schema at {previous}, 1 migration(s) pending (to {head}): "
        "run `advocacy init-db`",
    )


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("sqlite://", "sqlite://: an in-memory database: each process gets its own, empty, and loses it"),
        ("sqlite:///{tmp}/missing.sqlite3", "sqlite:///{tmp}/missing.sqlite3: no database file there: run "),
        (
            "postgresql+psycopg://advocacy:db-secret@127.0.0.1:{port}/advocacy",
            "postgresql+psycopg://advocacy:***@127.0.0.1:{port}/advocacy: connection failed: ",
        ),
    ],
)
def test_database_urls_the_app_takes_but_cannot_use_fail(make_app, tmp_path: Path, closed_port, url, said):
    url = url.format(tmp=tmp_path, port=closed_port)

    result = run_doctor(make_app(DATABASE_URL=url))

    assert result.exit_code == 1
    status, detail = checks(result)["database"]
    assert status == "FAIL"
    assert detail.startswith(said.format(tmp=tmp_path, port=closed_port))
    assert "db-secret" not in result.output
    assert not (tmp_path / "missing.sqlite3").exists()  # the doctor makes no database


SERVING = {
    "ADVOCACY_SECRET_KEY": "a-long-random-secret-key-" + "0" * 40,
    "ADVOCACY_BASE_URL": "https://advocacy.example.org",
}


def test_a_database_url_the_app_cannot_take_is_one_line_without_a_traceback(tmp_path: Path):
    """As the newcomer meets it: `advocacy doctor` in a shell, and the factory refusing to start."""
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith(("ADVOCACY_", "FLASK_"))
    }
    environment.update(SERVING, ADVOCACY_INSTANCE_PATH=str(tmp_path), ADVOCACY_DATABASE_URL="notadb://")
    doctor_run = subprocess.run(
        [sys.executable, "-c", "from advocacy.__main__ import main; main()", "doctor"],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert (doctor_run.returncode, doctor_run.stdout) == (1, "")
    assert doctor_run.stderr == (
        "Error: Advocacy will not start: DATABASE_URL names a database SQLAlchemy does not know (notadb): "
        f"write {doctor.DATABASE_URL_FORMS} (ADVOCACY_DATABASE_URL, or DATABASE_URL in instance/config.py).\n"
    )


@pytest.mark.parametrize(
    ("settings", "said"),
    [
        (
            {"ADVOCACY_DATABASE_URL": "postgres://advocacy:db-secret@127.0.0.1/advocacy"},
            "DATABASE_URL starts with postgres://, which SQLAlchemy does not take: write postgresql+psycopg://",
        ),
        ({"ADVOCACY_DATABASE_URL": "not a url"}, "DATABASE_URL is not a database URL"),
        ({"ADVOCACY_SECRET_KEY": ""}, "SECRET_KEY is the development default, which anyone can read"),
        ({"ADVOCACY_INSTANCE_PATH": "instance"}, "ADVOCACY_INSTANCE_PATH must be an absolute path"),
    ],
)
def test_settings_the_app_refuses_are_said_in_one_line_with_the_fix(
    monkeypatch, tmp_path: Path, settings, said
):
    for name in [name for name in os.environ if name.startswith(("ADVOCACY_", "FLASK_"))]:
        monkeypatch.delenv(name)
    for name, value in {**SERVING, "ADVOCACY_INSTANCE_PATH": str(tmp_path), **settings}.items():
        monkeypatch.setenv(name, value)

    with pytest.raises(click.ClickException) as refused:
        doctor.explain_refusals(create_app)()

    assert refused.value.message.startswith(f"Advocacy will not start: {said}")
    assert "\n" not in refused.value.message
    assert "db-secret" not in refused.value.message


@pytest.mark.parametrize(
    ("thresholds", "status", "exit_code"),
    [
        (doctor.DiskThresholds(warn_below=2**62, fail_below=2**62), "FAIL", 1),
        (doctor.DiskThresholds(warn_below=2**62, fail_below=0), "warn", 0),
    ],
)
def test_disk_space_below_the_thresholds(healthy, runner, monkeypatch, thresholds, status, exit_code):
    monkeypatch.setattr(doctor, "DISK_THRESHOLDS", thresholds)

    result = runner.invoke(args=["doctor"])

    found, detail = checks(result)["disk space"]
    assert (found, result.exit_code) == (status, exit_code)
    assert detail.startswith("only ")
    fix = "the SQLite database, photos and logs need room: free some space or grow the disk"
    assert detail.endswith(f" free for {healthy.instance_path}: {fix}")


@pytest.mark.parametrize(
    ("settings", "name", "said"),
    [
        (
            {"INBOUND_SECRET": "forwarder-secret"},
            "inbound mail",
            "ADVOCACY_INBOUND_SECRET set without ADVOCACY_INBOUND_DOMAIN, so no mail is read",
        ),
        (
            {"SMTP_URL": "mailto:office@example.org"},
            "smtp",
            "mailto:office@example.org: ADVOCACY_SMTP_URL must look like",
        ),
        (
            {"REDIS_URL": "localhost:6379"},
            "redis",
            "localhost:6379: Redis URL must specify one of the following",
        ),
        ({"PROXY_COUNT": -1}, "proxy count", "PROXY_COUNT must be a whole number of 0 or more"),
        (
            {"OPENSTATES_URL": "ftp://example.org/people"},
            "openstates files",
            "ADVOCACY_OPENSTATES_URL must be",
        ),
    ],
)
def test_a_setting_in_the_wrong_form_fails(healthy, runner, settings, name, said):
    healthy.config.update(settings)

    result = runner.invoke(args=["doctor"])

    status, detail = checks(result)[name]
    assert (status, result.exit_code) == ("FAIL", 1)
    assert detail.startswith(said)
    assert "forwarder-secret" not in result.output


def test_no_password_or_key_is_ever_printed(make_app, closed_port):
    app = make_app(
        DATABASE_URL=f"postgresql+psycopg://advocacy:db-secret-1@127.0.0.1:{closed_port}/advocacy",
        REDIS_URL=f"redis://:redis-secret-2@127.0.0.1:{closed_port}/0",
        SMTP_URL=f"smtp://mailer:smtp-secret-3@127.0.0.1:{closed_port}?starttls=1",
        INBOUND_DOMAIN="inbound.example.org",
        INBOUND_IMAP_URL=f"imap://inbound:imap-secret-4@127.0.0.1:{closed_port}/INBOX",
        OPENSTATES_API_URL=f"http://127.0.0.1:{closed_port}",
        OPENSTATES_API_KEY="api-secret-5",
        SECRET_KEY="session-secret-6-" + "0" * 40,
    )

    result = run_doctor(app)

    assert result.exit_code == 1  # the database
    for secret in (
        "db-secret-1",
        "redis-secret-2",
        "smtp-secret-3",
        "imap-secret-4",
        "api-secret-5",
        "session-secret-6",
    ):
        assert secret not in result.output
    found = checks(result)
    for name in ("database", "redis", "smtp", "imap mailbox"):
        assert ":***@127.0.0.1:" in found[name][1], found[name]
    assert found["imap mailbox"][0] == "warn"
    assert found["inbound mail"] == (
        "warn",
        "inbound.example.org: not looked at: the database does not answer",
    )
