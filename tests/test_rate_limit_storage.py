"""Rate limits cost the storage a fixed, small amount whatever a visitor sends, keep counting
whatever their key, are forgotten once over, and say so in the log when their storage fails."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Iterator

import pytest
import redis
from flask import Flask
from limits import parse
from limits.strategies import FixedWindowRateLimiter
from sqlalchemy import create_engine, text

from advocacy.extensions import db, limiter
from advocacy.rate_limits import DatabaseStorage
from advocacy.tasks import reminders_job
from tests.conftest import free_port
from tests.pages import text_of

HUGE_EMAIL = "a" * 1_500_000 + "@example.org"
TOO_LONG = "An email address is at most 254 characters long."
# A stored count: its key (hashed, 64 characters), its hits and its window's end.
ROW_BYTES = 64 + 8 + 8


def _stored_bytes(app: Flask) -> int:
    with app.app_context(), db.engine.connect() as connection:
        return connection.execute(
            text(f"SELECT coalesce(sum(length(name)), 0) + {8 + 8} * count(*) FROM rate_limits")
        ).scalar_one()


def _limited(make_app, **settings: object) -> Flask:
    limited = make_app(RATELIMIT_ENABLED=True, **settings)
    limited.config["WTF_CSRF_ENABLED"] = False
    return limited


@pytest.mark.parametrize("url", ["/auth/login", "/auth/register", "/auth/reset"])
def test_a_huge_email_is_refused_before_anything_reads_it(no_csrf, client, count_queries, url):
    fields = {"email": HUGE_EMAIL, "password": "a long enough password", "password_again": "x"}

    with count_queries() as statements:
        answer = client.post(url, data=fields)

    assert answer.status_code == 200
    assert TOO_LONG in text_of(answer)
    assert statements == []  # no account looked up, no row written


def test_a_huge_email_at_log_in_adds_a_few_bytes_to_the_database_limits(make_app):
    limited = _limited(make_app)
    visitor = limited.test_client()
    before = _stored_bytes(limited)

    answers = [visitor.post("/auth/login", data={"email": HUGE_EMAIL, "password": "x"}) for _ in range(5)]

    # At most the visitor's address, counted per minute and per day; nothing of the email.
    assert _stored_bytes(limited) - before <= 2 * ROW_BYTES
    assert all(TOO_LONG in text_of(answer) for answer in answers)


def test_a_huge_email_at_log_in_adds_a_few_bytes_to_redis(make_app, redis_url):
    limited = _limited(make_app, REDIS_URL=redis_url)
    visitor = limited.test_client()

    answers = [visitor.post("/auth/login", data={"email": HUGE_EMAIL, "password": "x"}) for _ in range(3)]

    stored = redis.Redis.from_url(redis_url)
    keys = stored.keys("*")
    assert sum(stored.memory_usage(key) for key in keys) <= 2 * 200  # bytes, keys and counts
    assert 0 < len(keys) <= 2  # the visitor's address, per minute and per day
    assert all(TOO_LONG in text_of(answer) for answer in answers)


def test_a_limit_whose_key_is_longer_than_the_column_still_holds(make_app):
    key = uuid.uuid4().hex.ljust(300, "x")  # the column holds 255 characters
    with make_app().app_context():
        window = FixedWindowRateLimiter(DatabaseStorage())

        hits = [window.hit(parse("2 per minute"), key) for _ in range(3)]

    assert hits == [True, True, False]


def _add_count(name: str, expires_at: float) -> None:
    db.session.execute(
        text("INSERT INTO rate_limits (name, hits, expires_at) VALUES (:name, 1, :expires)"),
        {"name": name, "expires": expires_at},
    )
    db.session.commit()


def _names() -> set[str]:
    return set(db.session.scalars(text("SELECT name FROM rate_limits")))


def _by_the_daily_job(runner) -> None:
    reminders_job()


def _by_purge(runner) -> None:
    result = runner.invoke(args=["purge"])
    assert result.exit_code == 0, result.output
    assert "rate-limit count(s) whose window is over" in result.output


@pytest.mark.parametrize("sweep", [_by_the_daily_job, _by_purge], ids=["daily job", "purge"])
def test_counts_whose_window_is_over_are_forgotten_on_schedule(app, runner, sweep):
    over, current = f"over-{uuid.uuid4().hex}", f"current-{uuid.uuid4().hex}"
    _add_count(over, time.time() - 1)
    _add_count(current, time.time() + 60)

    sweep(runner)

    assert over not in _names()
    assert current in _names()


@pytest.fixture
def storage_fails(make_app, monkeypatch, tmp_path, request) -> Iterator[Flask]:
    """An app whose limit storage does not answer: the database one, or Redis as configured."""
    if request.param == "database":
        unreachable = create_engine(f"sqlite:///{tmp_path / 'no-such-folder' / 'limits.sqlite3'}")
        monkeypatch.setattr(DatabaseStorage, "engine", property(lambda self: unreachable))
        yield _limited(make_app)
        unreachable.dispose()
    else:
        yield _limited(make_app, REDIS_URL=f"redis://127.0.0.1:{free_port()}/0")
    # Flask-Limiter is one object for every app in this process and remembers a dead storage.
    limiter._storage_dead = False


@pytest.mark.parametrize("storage_fails", ["database", "redis"], indirect=True)
def test_a_failing_limit_storage_is_logged_and_the_request_goes_on(storage_fails, caplog):
    with caplog.at_level(logging.WARNING):
        answer = storage_fails.test_client().post(
            "/auth/login", data={"email": "pat@example.org", "password": "wrong password"}
        )

    assert answer.status_code == 200
    assert "The email or the password is not right." in text_of(answer)
    # Under the app's logger, which its log shows however logging is set up; Flask-Limiter's own
    # logger has only a NullHandler.
    warnings = [r for r in caplog.records if r.name.startswith("advocacy") and r.levelno >= logging.WARNING]
    assert warnings, [(r.name, r.getMessage()) for r in caplog.records]
