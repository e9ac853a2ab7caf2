"""Fixtures: one migrated, seeded database per run (SQLite, or PostgreSQL when configured).

Each test gets one app. Its writes happen inside one transaction on one connection, rolled back
when the test ends, so no test sees another's rows whatever the order. Tests whose app is reached
from another thread or process (a live server, a worker, a second app) cannot share that
connection: they commit for real and the tables they write are emptied afterwards. They are the
browser tests and those marked `committed` or using a live server, `make_app` or `run_worker`.
"""

from __future__ import annotations

import contextvars
import gc
import logging
import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import default as default_policy
from pathlib import Path
from urllib.parse import urlsplit

import jinja2
import pytest
import redis
import requests
from aiosmtpd.controller import Controller
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from flask_sqlalchemy.session import Session as AppSession
from sqlalchemy import Connection, Engine, create_engine, delete, event, select, text
from werkzeug.routing import Rule
from werkzeug.serving import make_server

from advocacy import create_app
from advocacy.auth.service import create_user
from advocacy.caching import local_pages
from advocacy.cli import migrate_database
from advocacy.extensions import db
from advocacy.letters.service import load_letter_templates
from advocacy.models import (
    AreaFinding,
    AreaScore,
    AuditEvent,
    Bill,
    BillEvent,
    BillRefresh,
    BillSession,
    BillSponsor,
    Campaign,
    CampaignTally,
    Committee,
    CommitteeMember,
    ContactCorrection,
    ContactOverride,
    EmailBounce,
    Hearing,
    InboundMessage,
    Legislator,
    Letter,
    LetterTemplate,
    OutboxMessage,
    ReportCard,
    SyncRun,
    TemplateRevision,
    User,
)
from advocacy.models.bills import bill_areas
from advocacy.models.campaigns import campaign_focus_areas
from advocacy.models.committees import hearing_bills
from advocacy.reportcards.loader import load_report_cards
from advocacy.reportcards.service import featured_framework
from tests.builders import make_legislator
from tests.pages import csrf_token, csrf_token_or_blank

pytest_plugins = ["tests.imap_server"]  # a real Dovecot for `advocacy read-mailbox`

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
LETTER_TEMPLATES = Path(__file__).resolve().parents[1] / "letter_templates"

# Tables tests write to; report-card facts and templates are loaded once and only read.
VOLATILE = (
    InboundMessage,
    EmailBounce,
    OutboxMessage,
    Letter,
    campaign_focus_areas,
    CampaignTally,
    Campaign,
    BillEvent,
    hearing_bills,
    Hearing,
    bill_areas,
    BillSponsor,
    Bill,
    CommitteeMember,
    Committee,
    BillRefresh,
    BillSession,
    AuditEvent,
    SyncRun,
    ContactCorrection,
    ContactOverride,
    Legislator,
    User,
)


# Each test's app is a web of reference cycles that only the cyclic garbage collector frees, and
# the suite keeps a large heap: at Python's default thresholds (700, 10, 10) the collector ran
# some 8,000 times a run and took a fifth of the suite's time. A collection every 50,000 new
# objects frees the same garbage, a few hundred times fewer times.
gc.set_threshold(50_000, 20, 20)

# The stand-ins' request lines (pytest-httpserver, live servers) would otherwise reach the app's
# log handler, which writes to the process's own stderr.
logging.getLogger("werkzeug").setLevel(logging.WARNING)

# Werkzeug's cheapest sound method: scrypt (production's) costs 0.1 s per hash, and the suite
# registers and logs in hundreds of times. tests/test_config.py checks production's default.
TEST_PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"


def shared_data(name: str) -> Path:
    """A folder of ../shared/data; a clone without it skips the test, CI (which has it) fails."""
    folder = SHARED_DATA / name
    if not folder.is_dir():
        reason = f"../shared/data/{name} is not present next to this checkout"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}: CI runs the tests on the real data and must have it")
        pytest.skip(reason)
    return folder


def _database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("ADVOCACY_TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    engine = create_engine(url)
    with engine.begin() as connection:  # start from an empty schema every run
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = _database_url(tmp_path_factory)
    app = create_app(_config(url, tmp_path_factory.mktemp("instance")))
    with app.app_context():
        migrate_database()
        load_report_cards(db.session)
        load_letter_templates(db.session, LETTER_TEMPLATES, featured_framework(db.session))
        db.session.commit()
        db.engine.dispose()
    return url


def _config(url: str, instance: Path) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "BASE_URL": "http://localhost",
        "DATABASE_URL": url,
        "OPENSTATES_URL": str(instance / "no-such-openstates-folder"),
        "LETTER_TEMPLATES_DIR": str(LETTER_TEMPLATES),
        "RATELIMIT_ENABLED": False,  # the rate-limit tests turn it on
        "PHOTO_CACHE_DIR": str(instance / "photos"),
        "CACHE_GENERATION_FILE": str(instance / "cache-generation"),
        "SMTP_URL": "",
        "MAIL_AFTER_ANSWER": False,  # the tests of mail sent after the answer turn it on
        "PASSWORD_HASH_METHOD": TEST_PASSWORD_HASH_METHOD,
    }


class _CompiledOnce(jinja2.BytecodeCache):
    """Page templates compiled once per run, not once per test's app (a fifth of the suite's time).
    Jinja checks each template's source against the checksum kept with its code."""

    def __init__(self) -> None:
        self.code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self.code:
            bucket.bytecode_from_string(self.code[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.code[bucket.key] = bucket.bytecode_to_string()


COMPILED_TEMPLATES = _CompiledOnce()


# Werkzeug compiles two URL builders per route for every app, a third of what making a test's app
# costs. A builder depends only on its rule's parts and defaults (the rule it serves is passed in
# when it is called), so each is compiled once per run and shared by every app.
_compile_builder = Rule._compile_builder
_BUILDERS: dict[tuple[object, ...], Callable[..., tuple[str, str]]] = {}


def _builder_compiled_once(rule: Rule, append_unknown: bool = True) -> Callable[..., tuple[str, str]]:
    converters = tuple((name, type(converter)) for name, converter in rule._converters.items())
    key = (tuple(rule._trace), repr(sorted((rule.defaults or {}).items())), converters, append_unknown)
    if key not in _BUILDERS:
        _BUILDERS[key] = _compile_builder(rule, append_unknown)
    return _BUILDERS[key]


Rule._compile_builder = _builder_compiled_once

# Parsing a route into its parts and converters is most of what is left of making an app: it too
# depends only on the rule's own text and settings and its map's converters, so each route is
# parsed once per run. Converters keep nothing of their map but a reference to it.
_compile_rule = Rule.compile
_PARSED: dict[tuple[object, ...], tuple[list[object], list[tuple[bool, str]], dict[str, object]]] = {}


def _rule_parsed_once(rule: Rule) -> None:
    url_map = rule.map
    key = (
        rule.rule,
        rule.host if url_map.host_matching else rule.subdomain,
        rule.merge_slashes,
        url_map.host_matching,
        tuple(url_map.converters.items()),
    )
    if key not in _PARSED:
        _compile_rule(rule)
        _PARSED[key] = (list(rule._parts), list(rule._trace), dict(rule._converters))
        return
    parts, trace, converters = _PARSED[key]
    rule._parts, rule._trace, rule._converters = list(parts), list(trace), dict(converters)
    rule.arguments.update(converters)
    rule._build = rule._compile_builder(False).__get__(rule, None)
    rule._build_unknown = rule._compile_builder(True).__get__(rule, None)


Rule.compile = _rule_parsed_once


class RequestContextClient(FlaskClient):
    """Runs each request in a context of its own, as a server would: its own application context,
    `g` and database session, although the test body keeps the same app's context open."""

    def open(self, *args: object, **kwargs: object):
        return contextvars.Context().run(super().open, *args, **kwargs)


class _JoinedSession(AppSession):
    """Every session of the test's app works on the test's one connection, in savepoints."""

    def get_bind(self, *args: object, **kwargs: object) -> Connection:
        return self.bind


def _savepoints_on_sqlite(engine: Engine) -> None:
    """pysqlite starts transactions late and would let a savepoint's release commit: begin them
    ourselves (SQLAlchemy's documented recipe) so the test's outer transaction really holds."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _no_implicit_transactions(connection: object, _record: object) -> None:
        connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN")


# Fixtures that reach the app from another thread or process: their tests commit for real.
OTHER_THREADS_OR_PROCESSES = {"make_app", "run_worker", "live_server", "live_api"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark such tests `committed` (browser tests too), so `-m "not committed"` leaves them out."""
    for item in items:
        if item.get_closest_marker("browser") or OTHER_THREADS_OR_PROCESSES & set(
            getattr(item, "fixturenames", ())
        ):
            item.add_marker(pytest.mark.committed)


def _commits_for_real(request: pytest.FixtureRequest) -> bool:
    return request.node.get_closest_marker("committed") is not None


# What a test that commits for real (or a module's fixture) must not leave behind.
LEFT_BEHIND = " + ".join(
    f"(SELECT count(*) FROM {table})" for table in ("users", "legislators", "letters", "campaigns", "bills")
).join(("SELECT ", ""))


@contextmanager
def _rolled_back(app: Flask) -> Iterator[None]:
    """Every session of `app` inside one transaction, rolled back at the end."""
    connection = db.engine.connect()
    outer = connection.begin()
    left = connection.execute(text(LEFT_BEHIND)).scalar()
    assert not left, f"{left} rows were left committed by an earlier test or fixture: it must empty them"
    factory = db.session.session_factory
    kept = factory.class_, dict(factory.kw)
    factory.class_ = _JoinedSession
    factory.kw.update(bind=connection, join_transaction_mode="create_savepoint")
    try:
        yield
    finally:
        db.session.remove()
        factory.class_, factory.kw = kept
        outer.rollback()
        connection.close()


def _empty_the_written_tables() -> None:
    db.session.remove()
    for model in VOLATILE:
        db.session.execute(delete(model))
    db.session.commit()
    db.session.remove()


@contextmanager
def _emptied_afterwards(app: Flask) -> Iterator[None]:
    """Real commits, seen by other threads and processes; the written tables are emptied before
    and after (a live server's last request may still be writing when its test ends)."""
    _empty_the_written_tables()
    try:
        yield
    finally:
        _empty_the_written_tables()


@pytest.fixture(scope="session")
def rolled_back_engine(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """The one engine (made as every test's app makes its own) of the tests whose writes are rolled
    back. SQLAlchemy keeps compiled SQL per engine: a new engine per test compiled every statement
    again, a fifth of what a request costs in the suite. Such a test holds its one connection
    only while it runs, so the pool hands the next test a connection with nothing pending."""
    app = create_app(_config(database_url, tmp_path_factory.mktemp("engine")))
    with app.app_context():
        engine = db.engine
    _savepoints_on_sqlite(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def app(database_url: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Flask]:
    """The test's app: the test body runs in its context and its test client serves requests."""
    app = create_app(_config(database_url, tmp_path))
    # Pages and kept values live per process; tests whose generation never moves would share them.
    local_pages.clear()
    app.test_client_class = RequestContextClient
    app.jinja_env.bytecode_cache = COMPILED_TEMPLATES
    committed = _commits_for_real(request)
    if not committed:  # the app's own engine has not connected yet: it is swapped, never used
        db._app_engines[app][None] = request.getfixturevalue("rolled_back_engine")
    with app.app_context():
        with (_emptied_afterwards if committed else _rolled_back)(app):
            yield app
        if committed:
            db.engine.dispose()


@contextmanager
def serve(app: Flask) -> Iterator[str]:
    """Serve `app` on a free loopback port in a thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()


SAVEPOINT_STATEMENTS = ("SAVEPOINT ", "RELEASE SAVEPOINT ", "ROLLBACK TO SAVEPOINT ", "BEGIN")


@pytest.fixture
def count_queries(app: Flask) -> Callable[[], AbstractContextManager[list[str]]]:
    """The SQL the served app runs during a block: `with count_queries() as statements: client.get(...)`.

    It listens on the engine of `app`, the app that serves the requests; the test body's own
    `db.engine` belongs to another app and would count nothing.
    """
    with app.app_context():
        engine = db.engine

    @contextmanager
    def count() -> Iterator[list[str]]:
        statements: list[str] = []

        def record(connection, cursor, statement, parameters, context, executemany) -> None:
            # The test's savepoints stand in for a request's BEGIN and COMMIT, which the driver
            # sends without a statement of their own: they are not the app's queries.
            if not statement.startswith(SAVEPOINT_STATEMENTS):
                statements.append(statement)

        event.listen(engine, "before_cursor_execute", record)
        try:
            yield statements
        finally:
            event.remove(engine, "before_cursor_execute", record)

    return count


@pytest.fixture
def report_cards_restored(app: Flask) -> Iterator[None]:
    """For tests that change report-card figures: the shipped figures are back afterwards."""
    yield
    db.session.rollback()
    for model in (AreaScore, AreaFinding, ReportCard):
        db.session.execute(delete(model))
    load_report_cards(db.session)
    db.session.commit()


@pytest.fixture
def restore_templates(app: Flask) -> Iterator[None]:
    """Put the shipped revisions back: these tests add revisions and retire templates."""
    yield
    db.session.rollback()
    db.session.execute(delete(Letter))  # letters point at the revisions about to go
    db.session.execute(delete(TemplateRevision).where(TemplateRevision.author_id.is_not(None)))
    for template in db.session.scalars(select(LetterTemplate)):
        template.retired_at = None
        if not template.revisions:  # made by a test
            db.session.delete(template)
    db.session.commit()


@pytest.fixture
def make_app(app: Flask) -> Iterator[Callable[..., Flask]]:
    """More apps on the same database (other settings, other processes); closed after the test."""
    made: list[Flask] = []

    def make(**overrides: object) -> Flask:
        config = {k: v for k, v in app.config.items() if not k.startswith("RATELIMIT_STORAGE_")}
        config.update(overrides)
        made.append(create_app(config))
        return made[-1]

    yield make
    for other in made:
        with other.app_context():
            db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


class AppCliRunner(FlaskCliRunner):
    """Runs commands in the served app's own context, with its settings (the test body has another)."""

    def invoke(self, *args: object, **kwargs: object):
        with self.app.app_context():
            return super().invoke(*args, **kwargs)


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return AppCliRunner(app)


@pytest.fixture
def no_csrf(app: Flask) -> Flask:
    """Forms posted by the test client without scraping a token first."""
    app.config["WTF_CSRF_ENABLED"] = False
    return app


@dataclass
class ReceivedMail:
    sender: str
    recipients: list[str]
    message: EmailMessage

    @property
    def body(self) -> str:
        return self.message.get_content()

    def link(self) -> str:
        """The first link in the message, as a path the test client can open."""
        url = re.search(r"https?://\S+", self.body).group(0)
        parts = urlsplit(url)
        return parts.path + (f"?{parts.query}" if parts.query else "")


class MailCollector:
    def __init__(self) -> None:
        self.messages: list[ReceivedMail] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        message = BytesParser(policy=default_policy).parsebytes(envelope.original_content)
        self.messages.append(ReceivedMail(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp(app: Flask) -> Iterator[list[ReceivedMail]]:
    """A real SMTP server on loopback; the app sends to it, and the test reads what arrived."""
    collector = MailCollector()
    controller = Controller(collector, hostname="127.0.0.1", port=free_port())
    controller.start()
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{controller.port}"
    try:
        yield collector.messages
    finally:
        controller.stop()


# How long a server this suite starts may take to answer; generous, for a busy machine. Nothing
# is timed against it.
SERVER_PATIENCE = 60


def wait_until_answering(url: str, process: subprocess.Popen, log: Path) -> None:
    """Ask `url` until the server `process` answers: any request error (refused, reset, a read
    timeout while it starts) is tried again until the deadline; the test fails with its log then,
    or as soon as the process ends."""
    deadline = time.monotonic() + SERVER_PATIENCE
    while process.poll() is None and time.monotonic() < deadline:
        try:
            requests.get(url, timeout=max(1.0, deadline - time.monotonic()))
            return
        except requests.RequestException:
            time.sleep(0.1)
    pytest.fail(f"the server did not answer at {url}:\n{log.read_text(errors='replace')[-3000:]}")


def stop(*processes: subprocess.Popen) -> None:
    """Stop servers a test started: each is asked to end, killed if it lingers, and waited for."""
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


PASSWORD = "correct horse battery staple"


class AuthActions:
    def __init__(self, client: FlaskClient) -> None:
        self._client = client

    def create(self, email: str = "pat@example.org", role: str = "citizen", confirmed: bool = True) -> User:
        user = create_user(db.session, email, PASSWORD, role, confirmed=confirmed)
        db.session.commit()
        return user

    def login(self, email: str = "pat@example.org", password: str = PASSWORD):
        token = csrf_token_or_blank(self._client.get("/auth/login"))
        return self._client.post(
            "/auth/login", data={"csrf_token": token, "email": email, "password": password}
        )

    def logout(self):
        return self._client.post("/auth/logout", data={"csrf_token": csrf_token(self._client.get("/"))})


@pytest.fixture
def auth(client: FlaskClient) -> AuthActions:
    return AuthActions(client)


@pytest.fixture
def lawmakers(app: Flask) -> list[Legislator]:
    """Two Missouri senators and two representatives: a campaign to the Senate writes to the first two."""
    people = [
        make_legislator(db.session, n=1, name="Ada Senator", district="1"),
        make_legislator(db.session, n=2, name="Bo Senator", district="2"),
        make_legislator(db.session, n=3, name="Cy Member", chamber="lower", district="3"),
        make_legislator(db.session, n=4, name="Di Member", chamber="lower", district="4"),
    ]
    db.session.commit()
    return people


@pytest.fixture
def organizer(client: FlaskClient, auth: AuthActions) -> FlaskClient:
    """The test client, logged in as an organizer."""
    auth.create("org@example.org", role="organizer")
    auth.login("org@example.org")
    return client


@pytest.fixture
def redis_url() -> str:
    """The Redis database ADVOCACY_TEST_REDIS_URL names, emptied for the test; without that setting
    the test is skipped, so no database nobody named is ever flushed. CI must provide it."""
    url = os.environ.get("ADVOCACY_TEST_REDIS_URL")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("CI must set ADVOCACY_TEST_REDIS_URL to a Redis database the tests may empty")
        pytest.skip("ADVOCACY_TEST_REDIS_URL is not set: name a Redis database the tests may empty")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError:
        if os.environ.get("CI"):
            pytest.fail(f"CI must provide Redis at {url}")
        pytest.skip(f"no Redis at {url}")
    redis.Redis.from_url(url).flushdb()
    return url


@pytest.fixture
def run_worker(app: Flask, database_url: str, redis_url: str, tmp_path: Path) -> Callable[..., object]:
    """`advocacy worker --burst` in its own process, as deployed, against this test's services."""
    app.config["REDIS_URL"] = redis_url

    def run(**settings: str) -> subprocess.CompletedProcess:
        environment = {
            **os.environ,
            "ADVOCACY_INSTANCE_PATH": str(tmp_path),
            "ADVOCACY_DATABASE_URL": database_url,
            "ADVOCACY_REDIS_URL": redis_url,
            "ADVOCACY_SMTP_URL": app.config["SMTP_URL"],
            "ADVOCACY_SECRET_KEY": "a long and random secret for the worker",
            "ADVOCACY_BASE_URL": "http://localhost",
            **settings,
        }
        worker = subprocess.run(
            [sys.executable, "-m", "flask", "--app", "advocacy", "worker", "--burst"],
            cwd=Path(__file__).resolve().parents[1],
            env=environment,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert worker.returncode == 0, worker.stderr
        return worker

    return run


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    """The order is new each run (pytest-randomly): say how to repeat this one."""
    seed = getattr(config.option, "randomly_seed", None)
    if isinstance(seed, int):
        terminalreporter.write_line(f"random test order: repeat it with -p randomly --randomly-seed={seed}")
