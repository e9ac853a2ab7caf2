"""`advocacy doctor`: one line per check of the settings and of the services the site uses."""

from __future__ import annotations

import ipaddress
import os
import shutil
import smtplib
import ssl
import sys
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

import click
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.script.revision import RevisionError
from flask import Flask, current_app
from redis import Redis, RedisError
from sqlalchemy import URL, create_engine, inspect, text
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from advocacy import folders, links
from advocacy.clients.imap import MailboxSettings, MailboxUnavailable, count_waiting
from advocacy.clients.openstates_api import KEY_HELP
from advocacy.clients.reachability import (
    ServiceAnswer,
    ServiceUnreachable,
    census_answers,
    openstates_api_answers,
    openstates_file_answers,
)
from advocacy.clock import utcnow
from advocacy.config import DEBUG_BASE_URL, OFFICIAL_CENSUS_URL, ConfigurationProblem, secret_key_problem
from advocacy.extensions import db
from advocacy.inbound.health import RECENT_FAILURES, inbound_health
from advocacy.mail import SmtpSettings

# Each service gets this long (or HTTP_TIMEOUT, when shorter) to answer.
TIMEOUT = 5.0
# The clock may be this far from a service's before links and sessions expire noticeably off time.
CLOCK_SKEW = timedelta(minutes=1)
# Any state's bulk file shows the server and the folder are right: every state has one.
PROBE_STATE = "ak"
DATABASE_URL_FORMS = (
    "postgresql+psycopg://user:password@host/name or sqlite:////absolute/path/advocacy.sqlite3"
)
MB = 1024 * 1024
GB = 1024 * MB


class Status(StrEnum):
    OK = "ok"
    SKIP = "skip"  # an optional service that is not set up
    WARN = "warn"  # an optional service that does not work: the site runs without it
    FAIL = "FAIL"  # something required (settings, database, schema, disk): exit status 1


@dataclass(frozen=True)
class ClockReading:
    """What time a service said it was, and what time this machine said when the answer came."""

    source: str
    theirs: datetime
    ours: datetime


@dataclass(frozen=True)
class Check:
    name: str
    status: Status
    detail: str
    clock: ClockReading | None = None

    def line(self) -> str:
        return f"{self.status:<6}{self.name}: {self.detail}"


@dataclass(frozen=True)
class DiskThresholds:
    warn_below: int = 1 * GB
    fail_below: int = 100 * MB


DISK_THRESHOLDS = DiskThresholds()


# --- settings ------------------------------------------------------------------------------------


def check_secret_key(key: str | bytes, *, serving: bool) -> Check:
    problem = secret_key_problem(key)
    if problem is None:
        return Check("secret key", Status.OK, f"set ({len(key)} characters)")
    if serving:
        return Check("secret key", Status.FAIL, problem)
    return Check(
        "secret key", Status.WARN, f"fine for the debug server and tests, refused when serving: {problem}"
    )


def check_base_url(value: object, *, serving: bool) -> Check:
    try:
        url = links.check_base_url(value)
    except links.SiteAddressProblem as problem:
        said = str(problem)
        if isinstance(value, str):
            said = said.replace(repr(value), repr(hidden(value)))
        return Check("base url", Status.FAIL, said)
    parts = urlsplit(url)
    if not serving and url == DEBUG_BASE_URL:
        return Check(
            "base url", Status.OK, f"{url} (the debug server's; set ADVOCACY_BASE_URL before serving)"
        )
    if parts.scheme == "http" and not _loopback(parts.hostname or ""):
        return Check(
            "base url",
            Status.WARN,
            f"{url}: links in mail, sessions and passwords travel unencrypted: serve over HTTPS "
            "and set ADVOCACY_BASE_URL to the https:// address",
        )
    return Check("base url", Status.OK, url)


def check_proxy_count(value: object) -> Check:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return Check(
            "proxy count",
            Status.FAIL,
            f"PROXY_COUNT must be a whole number of 0 or more (the reverse proxies in front of the app "
            f"that set X-Forwarded-For), not {value!r}: set ADVOCACY_PROXY_COUNT",
        )
    if value == 0:
        return Check("proxy count", Status.OK, "0: no reverse proxy, X-Forwarded-* headers are ignored")
    return Check("proxy count", Status.OK, f"{value}: X-Forwarded-* headers from {value} proxy(ies) trusted")


def check_instance_folder(folder: Path) -> Check:
    fix = (
        "give the user running the site write access, or set ADVOCACY_INSTANCE_PATH to an absolute "
        "path it may write"
    )
    if not folder.is_absolute():
        return Check("instance folder", Status.FAIL, f"{folder} is a relative path: {fix}")
    if not folder.is_dir():
        return Check("instance folder", Status.FAIL, f"{folder} is not a folder: {fix}")
    if not os.access(folder, os.W_OK | os.X_OK):
        return Check("instance folder", Status.FAIL, f"{folder} cannot be written to: {fix}")
    return Check("instance folder", Status.OK, str(folder))


def check_disk_space(folder: Path, thresholds: DiskThresholds) -> Check:
    try:
        free = shutil.disk_usage(folder).free
    except OSError as error:
        return Check("disk space", Status.FAIL, f"{folder}: cannot tell ({error.strerror})")
    said = f"{_size(free)} free for {folder}"
    fix = "the SQLite database, photos and logs need room: free some space or grow the disk"
    if free < thresholds.fail_below:
        return Check("disk space", Status.FAIL, f"only {said}: {fix}")
    if free < thresholds.warn_below:
        return Check("disk space", Status.WARN, f"only {said}: {fix}")
    return Check("disk space", Status.OK, said)


# --- the database --------------------------------------------------------------------------------


def database_url_problem(url: URL) -> str | None:
    """What is wrong with a database URL the factory took, or None."""
    backend = url.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        return f"Advocacy runs on PostgreSQL or SQLite, not {backend}: write {DATABASE_URL_FORMS}"
    if backend == "postgresql":
        return None
    path = url.database or ""
    # (A relative path is fine: Flask-SQLAlchemy finds it in the instance folder, whoever runs.)
    if path in ("", ":memory:") or url.query.get("mode") == "memory":
        return (
            "an in-memory database: each process gets its own, empty, and loses it on exit: "
            f"write {DATABASE_URL_FORMS}"
        )
    return None


def check_database(url: URL, migrations: Path, timeout: float) -> Check:
    """The URL's form, whether the database answers, and whether its schema is the scripts' head."""
    shown = url.render_as_string(hide_password=True)
    problem = database_url_problem(url)
    if problem:
        return Check("database", Status.FAIL, f"{shown}: {problem}")
    postgresql = url.get_backend_name() == "postgresql"
    if not postgresql and not url.database.startswith("file:") and not Path(url.database).exists():
        # Connecting would make an empty file; the doctor changes nothing.
        return Check(
            "database",
            Status.FAIL,
            f"{shown}: no database file there: run `advocacy init-db`, then `advocacy seed`",
        )
    # An engine of its own: the app's has no connect timeout, and an unreachable host could hang.
    engine = create_engine(
        url,
        poolclass=NullPool,
        connect_args={"connect_timeout": max(1, round(timeout))} if postgresql else {},
    )
    clock = None
    try:
        with engine.connect() as connection:
            current = set(MigrationContext.configure(connection).get_current_heads())
            tables = inspect(connection).get_table_names() if not current else []
            if postgresql:
                theirs = connection.execute(text("SELECT now()")).scalar_one()
                clock = ClockReading(
                    "the database server", theirs.astimezone(UTC).replace(tzinfo=None), utcnow()
                )
    except SQLAlchemyError as error:
        check = (
            "check the host, port, user, password and database name in ADVOCACY_DATABASE_URL, and that "
            "PostgreSQL is running (createdb makes a missing database)"
            if postgresql
            else "check the path in ADVOCACY_DATABASE_URL and that the file is an Advocacy database"
        )
        return Check("database", Status.FAIL, f"{shown}: {_database_error(error, url)}: {check}")
    finally:
        engine.dispose()
    status, detail = _schema_state(current, tables, migrations)
    return Check("database", status, f"{shown}{', ' if status is Status.OK else ': '}{detail}", clock=clock)


def _schema_state(current: set[str], tables: list[str], migrations: Path) -> tuple[Status, str]:
    config = AlembicConfig()
    config.set_main_option("script_location", str(migrations))
    script = ScriptDirectory.from_config(config)
    heads = set(script.get_heads())
    at = ", ".join(sorted(current))
    if current == heads:
        return Status.OK, f"schema at {at}"
    if not current and tables:
        return Status.FAIL, (
            "tables but no Alembic revision: this database was not made by `advocacy init-db`; "
            "point ADVOCACY_DATABASE_URL at an empty database and run `advocacy init-db`"
        )
    if not current:
        count = sum(1 for _ in script.walk_revisions())
        return Status.FAIL, f"empty ({count} migrations to run): run `advocacy init-db`, then `advocacy seed`"
    try:
        pending = sum(1 for _ in script.iterate_revisions("heads", tuple(current)))
    except RevisionError:
        return Status.FAIL, (
            f"schema at {at}, which this version of Advocacy does not know (a newer one migrated it?): "
            "run the version that migrated it, or a newer one"
        )
    return Status.FAIL, (
        f"schema at {at}, {pending} migration(s) pending (to {', '.join(sorted(heads))}): "
        "run `advocacy init-db`"
    )


def _database_error(error: SQLAlchemyError, url: URL) -> str:
    cause = error.orig if isinstance(error, DBAPIError) and error.orig is not None else error
    lines = [line.strip() for line in str(cause).splitlines() if line.strip()]
    said = lines[0] if lines else type(cause).__name__
    return _without(said, url.password)


# --- optional services ---------------------------------------------------------------------------


def check_redis(url: str, timeout: float) -> Check:
    if not url:
        return Check(
            "redis", Status.SKIP, "not set: jobs run inline and rate limits are counted in the database"
        )
    shown = hidden(url)
    try:
        client = Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)
    except ValueError as error:
        return Check("redis", Status.FAIL, f"{shown}: {error}: set ADVOCACY_REDIS_URL to redis://host:6379/0")
    try:
        client.ping()
    except RedisError as error:
        said = _without(str(error).rstrip(". ") or type(error).__name__, _password(url))
        return Check(
            "redis",
            Status.WARN,
            f"{shown}: {said}: start Redis, or unset ADVOCACY_REDIS_URL to run jobs inline "
            "(meanwhile each process counts rate limits on its own)",
        )
    finally:
        client.close()
    return Check("redis", Status.OK, f"{shown}: answers PING")


def check_smtp(url: str, timeout: float) -> Check:
    if not url:
        return Check(
            "smtp",
            Status.WARN,
            "not set: account mail (confirmations, password resets) goes to the log and the outbox "
            "cannot send; set ADVOCACY_SMTP_URL, such as smtp://user:password@host:587?starttls=1",
        )
    shown = hidden(url)
    try:
        settings = SmtpSettings.from_url(url, timeout)
    except ValueError as error:
        return Check("smtp", Status.FAIL, f"{shown}: {_without(str(error), _password(url))}")
    try:
        done = _greet_smtp(settings)
    except smtplib.SMTPAuthenticationError as error:
        said = f"refused the login as {settings.username!r} ({error.smtp_code})"
        return Check(
            "smtp", Status.WARN, f"{shown}: {said}: check the user name and password in ADVOCACY_SMTP_URL"
        )
    except ssl.SSLError as error:
        said = f"TLS failed ({_without(str(error.reason or error), settings.password)})"
        fix = "use smtps:// for a port that speaks TLS from the start (465), ?starttls=1 for 587"
        return Check("smtp", Status.WARN, f"{shown}: {said}: {fix}")
    except TimeoutError:
        return Check(
            "smtp", Status.WARN, f"{shown}: did not answer within {timeout:g} s: check the host and port"
        )
    except (OSError, smtplib.SMTPException) as error:
        said = _without(_smtp_reason(error), settings.password)
        fix = "check the host and port in ADVOCACY_SMTP_URL and that the mail server is up"
        return Check("smtp", Status.WARN, f"{shown}: {said}: {fix}")
    return Check("smtp", Status.OK, f"{shown}: {done}")


def _greet_smtp(settings: SmtpSettings) -> str:
    """EHLO, STARTTLS and login as configured; no mail is sent. Says what was done."""
    done = ["EHLO answered"]
    if settings.tls == "ssl":
        context = ssl.create_default_context()
        smtp = smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout, context=context)
        done.append("TLS")
    else:
        smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    try:
        code, said = smtp.ehlo()
        if code != 250:
            raise smtplib.SMTPResponseException(code, said)
        if settings.tls == "starttls":
            smtp.starttls(context=ssl.create_default_context())
            smtp.ehlo()
            done.append("STARTTLS")
        if settings.username:
            smtp.login(settings.username, settings.password)
            done.append(f"logged in as {settings.username!r}")
    finally:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()
    return ", ".join(done)


def _smtp_reason(error: BaseException) -> str:
    if isinstance(error, ConnectionRefusedError):
        return "connection refused"
    if isinstance(error, smtplib.SMTPResponseException):
        said = error.smtp_error.decode(errors="replace") if isinstance(error.smtp_error, bytes) else ""
        return f"answered {error.smtp_code} {said}".rstrip()
    if isinstance(error, smtplib.SMTPNotSupportedError):
        return f"{error} (the server does not offer it)"
    return str(error) or type(error).__name__


def check_inbound_mail(config: Mapping[str, object], session: Session | None, now: datetime) -> Check:
    """The INBOUND_* settings agree, and what arrived lately (read from the database)."""
    domain = str(config["INBOUND_DOMAIN"] or "").strip()
    stray = [f"ADVOCACY_{name}" for name in ("INBOUND_IMAP_URL", "INBOUND_SECRET") if config[name]]
    if not domain:
        if stray:
            return Check(
                "inbound mail",
                Status.FAIL,
                f"{' and '.join(stray)} set without ADVOCACY_INBOUND_DOMAIN, so no mail is read: set the "
                "domain the copy, bounce and answer addresses live at, or unset them",
            )
        return Check(
            "inbound mail",
            Status.SKIP,
            "not set: email links carry no copy address, so sends are confirmed only by their writers",
        )
    if any(c in domain for c in "@/: ") or "." not in domain:
        return Check(
            "inbound mail",
            Status.FAIL,
            f"ADVOCACY_INBOUND_DOMAIN {domain!r} must be a bare domain, such as inbound.example.org",
        )
    if session is None:
        return Check("inbound mail", Status.WARN, f"{domain}: not looked at: the database does not answer")
    try:
        health = inbound_health(session, now)
    except SQLAlchemyError as error:
        session.rollback()
        return Check(
            "inbound mail", Status.WARN, f"{domain}: its log could not be read ({type(error).__name__})"
        )
    seen = [f"{p.path} {_ago(now - p.last_received)}" for p in health.paths if p.last_received]
    last = f"last message by {', '.join(seen)}" if seen else "no message received yet"
    failed = health.failures_today
    if failed:
        many = f"at least {failed}" if failed >= RECENT_FAILURES else str(failed)
        return Check(
            "inbound mail",
            Status.WARN,
            f"{domain}: {last}; {many} in the last day could not be matched to a letter or read: "
            "see /admin/mail",
        )
    return Check("inbound mail", Status.OK, f"{domain}: {last}; no failure in the last day")


def check_imap_mailbox(config: Mapping[str, object], timeout: float) -> Check:
    url = str(config["INBOUND_IMAP_URL"] or "")
    if not config["INBOUND_DOMAIN"]:
        return Check("imap mailbox", Status.SKIP, "no inbound domain")
    if not url:
        return Check(
            "imap mailbox",
            Status.SKIP,
            "not set: inbound mail comes by `advocacy take-mail`, `advocacy inbound-smtp` or "
            "POST /inbound/mail",
        )
    shown = hidden(url)
    try:
        settings = MailboxSettings.from_url(url, timeout)
    except ValueError as error:
        return Check("imap mailbox", Status.FAIL, f"{shown}: {error}")
    try:
        waiting = count_waiting(settings)
    except MailboxUnavailable as error:
        return Check("imap mailbox", Status.WARN, f"{shown}: {error}")
    return Check("imap mailbox", Status.OK, f"{shown}: logged in, {waiting} message(s) waiting")


def check_census(base: str, timeout: float) -> Check:
    if not _web_address(base):
        return Check(
            "census",
            Status.FAIL,
            f"ADVOCACY_CENSUS_URL must be the Geocoder's base address, such as {OFFICIAL_CENSUS_URL}",
        )
    fix = (
        "address lookup does not work (people can still pick lawmakers from the table); "
        "check ADVOCACY_CENSUS_URL"
    )
    return _answer_check("census", base, lambda: census_answers(base, timeout), fix)


def check_openstates_files(base: str, timeout: float) -> Check:
    name, setting = "openstates files", "ADVOCACY_OPENSTATES_URL"
    scheme = urlsplit(base).scheme
    if scheme in ("http", "https"):
        if not _web_address(base):
            return Check(name, Status.FAIL, f"{setting} {hidden(base)!r} names no host")
        fix = f"`advocacy sync-legislators` cannot download; check {setting} (the folder of <abbr>.csv files)"
        return _answer_check(name, base, lambda: openstates_file_answers(base, PROBE_STATE, timeout), fix)
    if scheme not in ("", "file"):
        return Check(
            name, Status.FAIL, f"{setting} must be an http(s):// address or a folder, not {hidden(base)!r}"
        )
    folder = Path(base.removeprefix("file://"))
    if not folder.is_absolute():
        return Check(
            name, Status.FAIL, f"{folder} is a relative path: write it in full, such as {folder.resolve()}"
        )
    files = sum(1 for _ in folder.glob("*.csv")) if folder.is_dir() else 0
    if not files:
        return Check(
            name,
            Status.WARN,
            f"{folder} holds no <abbr>.csv file: `advocacy sync-legislators` has nothing to read; "
            f"set {setting} to a folder of them or to https://data.openstates.org/people/current",
        )
    return Check(name, Status.OK, f"{folder}: {files} state file(s)")


def check_openstates_api(base: str, key: str, timeout: float) -> Check:
    name = "openstates api"
    if not _web_address(base):
        return Check(
            name,
            Status.FAIL,
            "ADVOCACY_OPENSTATES_API_URL must be a web address, such as https://v3.openstates.org",
        )
    if not key:
        return Check(
            name,
            Status.SKIP,
            "no key set: bills come only from /admin/bills; set ADVOCACY_OPENSTATES_API_KEY "
            "for `advocacy sync-bills`",
        )
    refused = f"the key is refused: `advocacy sync-bills` fails. {KEY_HELP}"
    explained = {
        401: refused,
        403: refused,
        429: "the key's rate limit is reached for now (10 a minute, 250 a day on the free tier)",
    }
    return _answer_check(
        name,
        base,
        lambda: openstates_api_answers(base, key, timeout),
        "`advocacy sync-bills` fails",
        explained,
    )


def _answer_check(
    name: str,
    url: str,
    ask: Callable[[], ServiceAnswer],
    fix: str,
    explained: Mapping[int, str] | None = None,
) -> Check:
    shown = hidden(url)
    try:
        answer = ask()
    except ServiceUnreachable as error:
        return Check(name, Status.WARN, f"{shown}: {error}: {fix}")
    clock = None
    if answer.server_time is not None:
        clock = ClockReading(urlsplit(url).hostname or name, answer.server_time, answer.received_at)
    if answer.status in (explained or {}):
        return Check(name, Status.WARN, f"{shown}: {explained[answer.status]}", clock=clock)
    if answer.status != 200:
        return Check(name, Status.WARN, f"{shown}: answered HTTP {answer.status}: {fix}", clock=clock)
    return Check(name, Status.OK, f"{shown}: answers", clock=clock)


def check_clock(readings: list[ClockReading]) -> Check:
    if not readings:
        return Check("clock", Status.SKIP, "no service answered with its time to compare with")
    reading = readings[0]
    skew = reading.ours - reading.theirs
    apart = _duration(abs(skew))
    if abs(skew) > CLOCK_SKEW:
        ahead = "ahead of" if skew > timedelta(0) else "behind"
        return Check(
            "clock",
            Status.WARN,
            f"this machine's clock is {apart} {ahead} {reading.source}'s: links and sessions expire "
            "early or late; keep it in time (timedatectl set-ntp true)",
        )
    return Check("clock", Status.OK, f"within {apart} of {reading.source}'s clock")


# --- the command ---------------------------------------------------------------------------------


def run_checks(app: Flask) -> list[Check]:
    """Every check, in the order a person would fix them. Call inside the app's context."""
    config = app.config
    serving = not (app.debug or app.testing)
    timeout = min(TIMEOUT, float(config["HTTP_TIMEOUT"]))
    instance = Path(app.instance_path)
    checks = [
        check_secret_key(config["SECRET_KEY"], serving=serving),
        check_base_url(config["BASE_URL"], serving=serving),
        check_proxy_count(config["PROXY_COUNT"]),
        check_instance_folder(instance),
        check_disk_space(instance, DISK_THRESHOLDS),
    ]
    database = check_database(db.engine.url, folders.MIGRATIONS, timeout)
    checks += [
        database,
        check_redis(config["REDIS_URL"], timeout),
        check_smtp(config["SMTP_URL"], timeout),
        check_inbound_mail(config, db.session if database.status is Status.OK else None, utcnow()),
        check_imap_mailbox(config, timeout),
        check_census(config["CENSUS_URL"], timeout),
        check_openstates_files(config["OPENSTATES_URL"], timeout),
        check_openstates_api(config["OPENSTATES_API_URL"], config["OPENSTATES_API_KEY"], timeout),
    ]
    return [*checks, check_clock([check.clock for check in checks if check.clock])]


@click.command("doctor")
def doctor_command() -> None:
    """Check the settings, the database and each outside service: one line each, with what to fix.

    Exit status 1 when something required (settings, database, schema, disk) is broken; optional
    services that fail are warnings.
    """
    checks = run_checks(current_app._get_current_object())
    for check in checks:
        click.echo(check.line())
    if any(check.status is Status.FAIL for check in checks):
        sys.exit(1)


def explain_refusals(create_app: Callable[[], Flask]) -> Callable[[], Flask]:
    """The `advocacy` command's factory: settings the app refuses to start with are said in one
    line (click's "Error: …", exit status 1), not as a traceback."""

    def create() -> Flask:
        instance = os.environ.get("ADVOCACY_INSTANCE_PATH", "")
        if instance and not os.path.isabs(instance):
            # Flask's own refusal names neither the setting nor the fix.
            raise click.ClickException(
                f"Advocacy will not start: ADVOCACY_INSTANCE_PATH must be an absolute path, such as "
                f"{Path(instance).resolve()}."
            )
        try:
            return create_app()
        except ConfigurationProblem as problem:
            raise click.ClickException(str(problem)) from None
        except (ArgumentError, ImportError) as error:
            reason = database_url_refusal(error)
            if reason is None:
                raise
            raise click.ClickException(f"Advocacy will not start: {reason}") from None

    return create


def database_url_refusal(error: Exception) -> str | None:
    """Why Flask-SQLAlchemy could not make an engine from DATABASE_URL, with the fix; None for an
    error that did not come from making the engine."""
    frames = traceback.extract_tb(error.__traceback__)
    if not any(frame.name == "init_app" and "flask_sqlalchemy" in frame.filename for frame in frames):
        return None
    where = "(ADVOCACY_DATABASE_URL, or DATABASE_URL in instance/config.py)"
    if isinstance(error, NoSuchModuleError):
        name = str(error).rpartition(":")[2].strip()
        if name.partition(".")[0] == "postgres":
            return (
                "DATABASE_URL starts with postgres://, which SQLAlchemy does not take: "
                f"write postgresql+psycopg:// instead {where}."
            )
        return (
            f"DATABASE_URL names a database SQLAlchemy does not know ({name}): "
            f"write {DATABASE_URL_FORMS} {where}."
        )
    if isinstance(error, ImportError) and error.name == "psycopg":
        return (
            "DATABASE_URL names PostgreSQL, whose driver (psycopg) is not installed: install Advocacy "
            "with PostgreSQL support, pip install 'advocacy[postgres]' (in a checkout, "
            f".venv/bin/pip install -e '.[postgres]'), or write {DATABASE_URL_FORMS} {where}."
        )
    if isinstance(error, ImportError):
        return (
            f"DATABASE_URL needs the database driver {error.name}, which is not installed: write "
            f"{DATABASE_URL_FORMS} {where}."
        )
    return f"DATABASE_URL is not a database URL ({error}): write {DATABASE_URL_FORMS} {where}."


# --- small helpers -------------------------------------------------------------------------------


def hidden(url: str) -> str:
    """The URL with its password, if it has one, shown as ***."""
    try:
        parts = urlsplit(url)
        password = parts.password
    except ValueError:
        return "(an address that cannot be read)"
    if password is None:
        return url
    userinfo, _, host = parts.netloc.rpartition("@")
    return urlunsplit(parts._replace(netloc=f"{userinfo.partition(':')[0]}:***@{host}"))


def _password(url: str) -> str | None:
    try:
        password = urlsplit(url).password
    except ValueError:
        return None
    return unquote(password) if password else None


def _without(said: str, password: str | None) -> str:
    """A server's or a library's words, with the password blanked should they quote it."""
    return said.replace(password, "***") if password else said


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _web_address(url: str) -> bool:
    try:
        parts = urlsplit(url)
        return parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:
        return False


def _size(count: int) -> str:
    return f"{count / GB:.1f} GB" if count >= GB else f"{count // MB} MB"


def _duration(delta: timedelta) -> str:
    seconds = round(delta.total_seconds())
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 7200:
        return f"{seconds // 60} min"
    return f"{seconds // 3600} h" if seconds < 2 * 86400 else f"{seconds // 86400} days"


def _ago(delta: timedelta) -> str:
    return f"{_duration(max(delta, timedelta(0)))} ago"
