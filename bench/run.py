"""`make bench`: what a user gets over HTTP, each page against a plain Flask hello served the same way.

For each database (SQLite always; PostgreSQL when one is reachable) it:

- builds a temporary instance folder and database the way `advocacy init-db` and `advocacy seed`
  do, reading lawmakers over HTTP from a local server in the Open States layout
  (`<base>/<abbr>.csv`: ../shared/data/openstates when present, otherwise made-up files of the
  same size), and times the seed, a first sync and an unchanged repeat (which should cost a small
  fraction of the first), and 200 letters rendered through the letter form's own drafting code;
- adds an organizer with a campaign of 1,000,000 letters (BENCH_LETTERS to change), a saved letter,
  and a local stand-in for the US Census Geocoder answering every address with a Missouri match;
- serves the app under gunicorn with gunicorn.conf.py (production settings, rate limits off) and,
  with identical settings, bench/hello.py, each on a free port, and drives every page with
  `wrk -t2 -c16 --latency`; then 64 connections for 30 s on the home and state pages.
- then writes (bench/writes.py): 16 and 64 writers through the letter form, Preview, Save and the
  letter's page: letters/s, p50/p99 per step, the workers' CPU per letter, errors, exact counts;
- then a slow geocoder (bench/slow_outside.py): the state page alone and beside 32 address lookups
  waiting on a stand-in that answers in 1 s, for the shipped server setting and two others.

The table gives each page's share of hello's requests per second in the same run, and the target
for it (ok or MISS). Misses are reported, not failures: the exit status is non-zero
only when something broke (a server did not start, wrk is missing).

PostgreSQL: ADVOCACY_BENCH_DATABASE_URL (the bench empties that database first), or else the local
server at 127.0.0.1:5432 (user postgres) in a database of its own, `advocacy_bench`, made afresh
on each run. With Redis at 127.0.0.1:6379 the PostgreSQL run uses its database 14 (flushed first),
as production would. QUICK=1: short runs and 100,000 letters, under two minutes in all.
BENCH_GUNICORN_ARGS: extra gunicorn arguments for both servers (to compare worker settings);
BENCH_POSTGRES=0: SQLite only.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shlex
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import partial
from http.server import BaseHTTPRequestHandler, SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402
from sqlalchemy import create_engine, func, insert, make_url, select, text  # noqa: E402

from advocacy import create_app  # noqa: E402
from advocacy.auth.service import create_user  # noqa: E402
from advocacy.cli import migrate_database  # noqa: E402
from advocacy.extensions import db  # noqa: E402
from advocacy.legislators.constituency import FoundLawmakers  # noqa: E402
from advocacy.legislators.sync import BULK_COLUMNS  # noqa: E402
from advocacy.letters.drafting import compose_letters, letter_setup, state_offer  # noqa: E402
from advocacy.letters.service import Sender, load_letter_templates  # noqa: E402
from advocacy.models import Campaign, IssueArea, Legislator, Letter, TemplateRevision  # noqa: E402
from advocacy.reportcards.loader import load_report_cards  # noqa: E402
from advocacy.reportcards.service import all_states, featured_framework  # noqa: E402
from advocacy.tasks import sync_job  # noqa: E402
from bench.inbound import bench_inbound  # noqa: E402
from bench.slow_outside import DELAY as SLOW_DELAY  # noqa: E402
from bench.slow_outside import SETTINGS as SLOW_SETTINGS  # noqa: E402
from bench.slow_outside import SlowRun, looking_up, report_slow  # noqa: E402
from bench.writes import WriteRun, bench_writes, report_writes  # noqa: E402

SHARED = ROOT.parent / "shared" / "data" / "openstates"
CENSUS_ANSWER = ROOT / "tests" / "fixtures" / "census" / "missouri.json"
GUNICORN = Path(sys.executable).with_name("gunicorn")
QUICK = os.environ.get("QUICK", "") not in ("", "0")
PAGE_SECONDS = 2 if QUICK else 6
BURST_SECONDS = 3 if QUICK else 30
WARM_SECONDS = 1  # per URL, before it is measured
WARM_REQUESTS = 12  # the same, in QUICK runs: enough for each worker thread to meet the URL
LETTERS = int(os.environ.get("BENCH_LETTERS", "100000" if QUICK else "1000000"))
ORGANIZER = ("organizer@bench.example.org", "a long bench password 1")
CAMPAIGN = "campaign-day"
AREA = "prevention-and-training"
ADDRESS = "100 Example St, Springtown, MO 65000"  # the address the Missouri answer matched


class BenchBroken(RuntimeError):
    """Something the bench needs did not work: the run cannot say anything about the app."""


# ---------------------------------------------------------------- what is measured, and the targets


@dataclass(frozen=True)
class Page:
    label: str
    path: str
    share: float | None = None  # the least share of hello's req/s, None: no target
    p99_ms: float = 50.0
    logged_in: bool = False


# The least shares of hello: pages kept for anonymous visitors, the letter form (kept, with a token
# for each visitor), a letter's private page (made for its writer, then kept per version).
KEPT, FORM, PRIVATE = 0.70, 0.50, 0.15


def pages(token: str) -> list[Page]:
    return [
        Page("/", "/", KEPT),
        Page("/national", "/national", KEPT),
        Page("/states/mo", "/states/mo", KEPT),
        Page("/states/mo/legislators", "/states/mo/legislators", KEPT),
        Page("lawmaker API", "/api/v1/states/mo/legislators?per_page=50", KEPT),
        Page("report-card API", "/api/v1/states/mo/report-card", KEPT),
        Page("/lookup?address=…", f"/lookup?address={quote(ADDRESS)}"),
        Page("/letters/new", f"/letters/new?state=mo&area={AREA}", FORM),
        Page("/letters/<token>", f"/letters/{token}", PRIVATE),
        Page(f"/campaigns/{CAMPAIGN}", f"/campaigns/{CAMPAIGN}", KEPT),
        Page("dashboard (logged in)", f"/campaigns/{CAMPAIGN}/dashboard", None, 100.0, logged_in=True),
    ]


BURST_PAGES = ("/states/mo", "/")


@dataclass(frozen=True)
class Load:
    """What wrk reported for one URL."""

    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    bad_status: int  # answers other than 2xx or 3xx
    socket_errors: int  # connect, read, write and timeout (wrk gives up after 2 s)

    @property
    def errors(self) -> int:
        return self.bad_status + self.socket_errors


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _milliseconds(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)([a-z]+)", value).groups()
    return float(number) * _UNITS[unit]


def parse_wrk(output: str) -> Load:
    def find(pattern: str) -> re.Match | None:
        return re.search(pattern, output, re.MULTILINE)

    rate, p50, p99 = find(r"^Requests/sec:\s+([\d.]+)"), find(r"^\s+50%\s+(\S+)"), find(r"^\s+99%\s+(\S+)")
    total = find(r"^\s+(\d+) requests in")
    if not (rate and p50 and p99 and total):
        raise BenchBroken(f"could not read wrk's output:\n{output}")
    sockets = find(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")
    bad = find(r"Non-2xx or 3xx responses: (\d+)")
    return Load(
        float(rate[1]),
        _milliseconds(p50[1]),
        _milliseconds(p99[1]),
        int(total[1]),
        int(bad[1]) if bad else 0,
        sum(int(n) for n in sockets.groups()) if sockets else 0,
    )


def run_wrk(url: str, connections: int, seconds: int, cookie: str = "") -> Load:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    if done.returncode != 0:
        raise BenchBroken(f"wrk failed on {url}: {done.stderr or done.stdout}")
    return parse_wrk(done.stdout)


# ---------------------------------------------------------------- local stand-ins for outside services


class _QuietFiles(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def geocoder_process(delay: float = 0.0) -> Iterator[str]:
    """bench/geocoder.py in a process of its own, answering after `delay` seconds; its base URL."""
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "bench" / "geocoder.py"), str(CENSUS_ANSWER), str(delay)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        port = process.stdout.readline().strip()
        if not port.isdigit():
            raise BenchBroken("the Census Geocoder stand-in did not start")
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)


@contextmanager
def serving(handler: Callable[..., BaseHTTPRequestHandler]) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


def made_up_source(folder: Path, abbrs: list[str]) -> Path:
    """One file per state of about the real size (7,451 lawmakers over 52 files)."""
    folder.mkdir(parents=True, exist_ok=True)
    for index, abbr in enumerate(abbrs):
        out = io.StringIO()
        writer = csv.DictWriter(out, BULK_COLUMNS)
        writer.writeheader()
        writer.writerows(_bulk_row(index * 1000 + n) for n in range(1, 144))
        (folder / f"{abbr}.csv").write_bytes(out.getvalue().encode("utf-8"))
    return folder


def _bulk_row(n: int) -> dict[str, str]:
    row = dict.fromkeys(BULK_COLUMNS, "")
    row.update(
        id=f"ocd-person/{uuid.UUID(int=n)}",
        name=f"Casey Sample{n}",
        given_name="Casey",
        family_name=f"Sample{n}",
        current_party="Democratic" if n % 2 else "Republican",
        current_district=str(n),
        current_chamber="upper" if n % 1000 <= 34 else "lower",
        email=f"casey{n}@house.example.gov",
        capitol_address=f"Room {n}, 201 W. Capitol Ave., Jefferson City, MO 65101",
        capitol_voice=f"573-555-{n % 10000:04d}",
    )
    return row


# ---------------------------------------------------------------- databases


@dataclass(frozen=True)
class Setup:
    label: str  # says which database and cache the run used
    database_url: str
    redis_url: str = ""
    emptied_first: bool = False  # a database the bench was given, which may hold an earlier run


def postgres_setup() -> Setup | None:
    """ADVOCACY_BENCH_DATABASE_URL, or the local server's `advocacy_bench`; None when none answers."""
    import psycopg

    given = os.environ.get("ADVOCACY_BENCH_DATABASE_URL", "")
    if given:
        url = make_url(given)
        if url.database in ("test", "postgres", None):
            raise BenchBroken(
                f"ADVOCACY_BENCH_DATABASE_URL names {url.database!r}: use a database of its own"
            )
        url = url.set(drivername="postgresql+psycopg")
    else:
        try:
            with psycopg.connect(
                "host=127.0.0.1 port=5432 user=postgres dbname=postgres", connect_timeout=3, autocommit=True
            ) as server:
                # Made afresh each run; the test suite's database `test` is never touched.
                server.execute("DROP DATABASE IF EXISTS advocacy_bench WITH (FORCE)")
                server.execute("CREATE DATABASE advocacy_bench")
        except psycopg.OperationalError:
            return None
        url = make_url("postgresql+psycopg://postgres@127.0.0.1:5432/advocacy_bench")
    redis_url = _bench_redis()
    label = "PostgreSQL" + (" + Redis (db 14) for cache and limits" if redis_url else ", in-process cache")
    shown = url.render_as_string(hide_password=True)
    return Setup(f"{label} ({shown})", url.render_as_string(False), redis_url, emptied_first=bool(given))


def _bench_redis() -> str:
    import redis

    url = "redis://127.0.0.1:6379/14"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).flushdb()
    except redis.RedisError:
        return ""
    return url


def _empty_database() -> None:
    """A database named by ADVOCACY_BENCH_DATABASE_URL may hold an earlier run: start from nothing."""
    db.metadata.drop_all(db.engine)
    with db.engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


# ---------------------------------------------------------------- building the instance


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


@dataclass
class Built:
    """What one instance holds for the pages, and how long building it took."""

    letter_token: str = ""
    timings: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def build_instance(env: dict[str, str], source: str, emptied_first: bool) -> Built:
    built = Built()
    saved_environ = dict(os.environ)
    os.environ.update(env)  # the same settings gunicorn will read
    try:
        app = create_app()
        with app.app_context(), app.test_request_context():
            if emptied_first:
                _empty_database()
            migrate_database()
            built.timings["seed: report cards and letter templates"] = timed(_seed)
            states = [s.abbr for s in all_states(db.session)]
            outcomes: list = []
            built.timings["sync, first import"] = timed(lambda: outcomes.extend(sync_job(states, source)))
            failed = [o for o in outcomes if o.counts is None]
            if failed:
                raise BenchBroken(f"the first sync failed: {failed[0].describe()}")
            built.timings["sync, unchanged repeat"] = timed(lambda: sync_job(states, source))
            built.notes.append(
                f"{db.session.scalar(select(func.count()).select_from(Legislator)):,} lawmakers"
            )
            built.timings["200 letters rendered"] = timed(partial(_render_letters, 200))
            built.letter_token = _saved_letter()
            organizer = create_user(db.session, *ORGANIZER, role="organizer", confirmed=True)
            db.session.commit()
            built.timings[f"campaign of {LETTERS:,} letters built"] = timed(
                lambda: _campaign_with_letters(CAMPAIGN, LETTERS, organizer.id)
            )
            db.session.remove()
        with app.app_context():
            db.engine.dispose()  # the servers open their own connections
    finally:
        os.environ.clear()
        os.environ.update(saved_environ)
    return built


def _seed() -> None:
    load_report_cards(db.session)
    load_letter_templates(db.session, ROOT / "letter_templates", featured_framework(db.session))
    db.session.commit()


def _render_letters(count: int) -> None:
    """As the letter form's Preview does: one recipient at a time, through the drafting service."""
    setup = letter_setup(db.session, state_offer(db.session, "mo"), None, AREA, [])
    people = list(setup.legislators)
    sender = Sender("Sam Writer", "Springtown", "", "I have lived here for twenty years.")
    nobody = FoundLawmakers(frozenset(), "")
    for n in range(count):
        compose_letters(
            db.session, setup, AREA, "ask", [people[n % len(people)]], sender, nobody, date.today()
        )


def _saved_letter() -> str:
    setup = letter_setup(db.session, state_offer(db.session, "mo"), None, AREA, [])
    sender = Sender("Sam Writer", "Springtown", "", "I have lived here for twenty years.")
    first = next(iter(setup.legislators))
    written = compose_letters(
        db.session, setup, AREA, "ask", [first], sender, FoundLawmakers(frozenset(), ""), date.today(), True
    )
    db.session.commit()
    return written.saved[0].token


def _campaign_with_letters(slug: str, count: int, owner_id: int) -> None:
    """A Missouri campaign with `count` letters spread over its lawmakers, days, channels and replies."""
    campaign = Campaign(
        slug=slug,
        title="Campaign day",
        description="Ask Missouri to train teachers and police to spot trafficking.",
        state_abbr="mo",
        target="legislature",
        owner_id=owner_id,
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


# ---------------------------------------------------------------- servers


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    name: str
    base: str
    process: subprocess.Popen
    log: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def tail(self) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-25:])


def start_server(
    name: str, app_spec: str, env: dict[str, str], logs: Path, arguments: tuple[str, ...] = ()
) -> Server:
    port = free_port()
    log = logs / f"{name}.log"
    extra = [*shlex.split(os.environ.get("BENCH_GUNICORN_ARGS", "")), *arguments]
    command = [str(GUNICORN), "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}", *extra, app_spec]
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env}, stdout=out, stderr=out)
    return Server(name, f"http://127.0.0.1:{port}", process, log)


def wait_until_answering(server: Server, path: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise BenchBroken(f"{server.name} stopped (status {server.process.returncode}):\n{server.tail()}")
        try:
            if requests.get(server.base + path, timeout=5).status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise BenchBroken(f"{server.name} did not answer within {seconds:.0f} s:\n{server.tail()}")


def log_in(base: str) -> str:
    """Log the organizer in through the form, as a person would; the session cookie, for wrk."""
    browser = requests.Session()
    form = browser.get(f"{base}/auth/login", timeout=10)
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form.text)
    if found is None:
        raise BenchBroken("the log-in form has no CSRF token")
    email, password = ORGANIZER
    answer = browser.post(
        f"{base}/auth/login",
        data={"csrf_token": found[1], "email": email, "password": password},
        allow_redirects=False,
        timeout=10,
    )
    cookie = answer.cookies.get("session") or browser.cookies.get("session")
    if answer.status_code != 302 or not cookie:
        raise BenchBroken(f"logging in as the organizer failed (HTTP {answer.status_code})")
    return f"session={cookie}"


# ---------------------------------------------------------------- one run


@dataclass
class Measured:
    page: Page
    load: Load
    warm_status: int


@dataclass
class Run:
    setup: Setup
    built: Built
    hello: list[Load]
    measured: list[Measured]
    bursts: list[tuple[str, Load]]  # a page at 64 connections
    hello_burst: Load | None  # hello at 64 connections (not in QUICK runs)
    figures: str
    load_average: tuple[float, float]
    writes: list[WriteRun] = field(default_factory=list)  # bench/writes.py: 16, then 64 writers
    slow: list[SlowRun] = field(default_factory=list)  # bench/slow_outside.py: one per server setting


def warm_up(url: str, cookie: str = "") -> None:
    """Requests not measured, each on a new connection, so that every worker meets the page."""
    if not QUICK:
        run_wrk(url, 16, WARM_SECONDS, cookie)
        return
    for _ in range(WARM_REQUESTS):
        requests.get(url, headers={"Cookie": cookie} if cookie else {}, timeout=60)


def settle(database_url: str, longest: float = 0.0 if QUICK else 60.0) -> None:
    """Let the database finish with the million letters just written before anything is measured.

    A site on a campaign day is not in the middle of a bulk load: PostgreSQL's autovacuum and
    checkpoint after one would otherwise run during the measurements, on the same two cores.
    """
    if database_url.startswith("postgresql"):
        engine = create_engine(database_url, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text("VACUUM (ANALYZE) letters"))
            connection.execute(text("VACUUM (ANALYZE) campaign_tallies"))
            connection.execute(text("CHECKPOINT"))
        engine.dispose()
    started = time.monotonic()
    while os.getloadavg()[0] > 1.5 and time.monotonic() - started < longest:
        time.sleep(2)


def bench_one(setup: Setup, source: str, geocoder: str, work: Path) -> Run:
    instance = work / re.sub(r"\W+", "-", setup.label.split(" (")[0]).strip("-").lower()
    instance.mkdir(parents=True)
    # Production settings, but no rate limits: wrk is one visitor asking thousands of times.
    (instance / "config.py").write_text(
        f"SECRET_KEY = {uuid.uuid4().hex!r}\nBASE_URL = 'http://127.0.0.1'\nRATELIMIT_ENABLED = False\n",
        encoding="utf-8",
    )
    env = {
        "ADVOCACY_INSTANCE_PATH": str(instance),
        "ADVOCACY_DATABASE_URL": setup.database_url,
        "ADVOCACY_CENSUS_URL": geocoder,
        "ADVOCACY_OPENSTATES_URL": source,
        "ADVOCACY_REDIS_URL": setup.redis_url,
    }
    print(f"\n== {setup.label}", flush=True)
    load_before = os.getloadavg()[0]
    built = build_instance(env, source, setup.emptied_first)
    for label, seconds in built.timings.items():
        print(f"   {label:44} {seconds * 1000:9,.0f} ms", flush=True)
    settle(setup.database_url)

    app = start_server("app", "advocacy:create_app()", env, work)
    hello = start_server("hello", "bench.hello:app", {}, work)
    try:
        wait_until_answering(app, "/healthz")
        wait_until_answering(hello, "/")
        cookie = log_in(app.base)
        figures = _campaign_figures(app.base, cookie)
        warm_up(hello.base + "/")
        hello_loads = [run_wrk(hello.base + "/", 16, PAGE_SECONDS)]
        measured = []
        for page in pages(built.letter_token):
            page_cookie = cookie if page.logged_in else ""
            warm = requests.get(
                app.base + page.path, headers={"Cookie": page_cookie} if page_cookie else {}, timeout=60
            )
            # Every worker process keeps its own copy of a cached page: a short run, not counted,
            # lets each of them meet the page once, as a site that has been up a minute has.
            warm_up(app.base + page.path, page_cookie)
            measured.append(
                Measured(page, run_wrk(app.base + page.path, 16, PAGE_SECONDS, page_cookie), warm.status_code)
            )
        hello_loads.append(run_wrk(hello.base + "/", 16, PAGE_SECONDS))
        bursts = [(path, run_wrk(app.base + path, 64, BURST_SECONDS)) for path in BURST_PAGES]
        # QUICK leaves out hello's own 64-connection run: it only gives the rates above a scale.
        hello_burst = None if QUICK else run_wrk(hello.base + "/", 64, BURST_SECONDS)
        writes = bench_writes(app, setup.database_url, QUICK)
    finally:
        app.stop()
        hello.stop()
    slow = bench_slow_geocoder(env, work)
    return Run(
        setup,
        built,
        hello_loads,
        measured,
        bursts,
        hello_burst,
        figures,
        (load_before, os.getloadavg()[0]),
        writes,
        slow,
    )


def bench_slow_geocoder(env: dict[str, str], work: Path) -> list[SlowRun]:
    """The state page alone, then beside VISITORS lookups waiting on a geocoder that takes DELAY,
    for each server setting compared (bench/slow_outside.py)."""
    runs = []
    with geocoder_process(SLOW_DELAY) as slow_geocoder:
        for number, setting in enumerate(SLOW_SETTINGS):
            server = start_server(
                f"app-slow-{number}",
                "advocacy:create_app()",
                {
                    **env,
                    "ADVOCACY_CENSUS_URL": slow_geocoder,
                    "ADVOCACY_GEOCODER_CONCURRENCY": str(setting.geocoder_concurrency),
                },
                work,
                ("--threads", str(setting.threads)),
            )
            try:
                wait_until_answering(server, "/healthz")
                url = server.base + "/states/mo"
                warm_up(url)
                alone = run_wrk(url, 16, PAGE_SECONDS)
                started = time.monotonic()
                with looking_up(server.base) as lookups:
                    time.sleep(SLOW_DELAY * 1.5)  # every visitor now waits on the geocoder or was told busy
                    beside = run_wrk(url, 16, PAGE_SECONDS)
                runs.append(SlowRun(setting, alone, beside, lookups, time.monotonic() - started))
            finally:
                server.stop()
    return runs


def _campaign_figures(base: str, cookie: str) -> str:
    """What the dashboard counts, checked against the letters built: fast and wrong would not do."""
    answer = requests.get(f"{base}/api/v1/campaigns/{CAMPAIGN}/stats", headers={"Cookie": cookie}, timeout=60)
    if answer.status_code != 200:
        return f"campaign figures: HTTP {answer.status_code} from the stats API"
    letters = answer.json().get("letters")
    verdict = "ok" if letters == LETTERS else f"WRONG, expected {LETTERS:,}"
    return f"campaign figures: {letters:,} letters counted ({verdict})"


# ---------------------------------------------------------------- the report


def report(run: Run) -> None:
    # The faster of hello's two runs is the ceiling: a busy moment during one of them must not
    # flatter the pages.
    hello_rate = max(h.requests_per_second for h in run.hello)
    first, last = (h.requests_per_second for h in run.hello)
    print(f"   {', '.join(run.built.notes)}; {run.figures}")
    print(
        f"   wrk -t2 -c16 -d{PAGE_SECONDS}s after "
        + (f"{WARM_REQUESTS} warm-up requests" if QUICK else f"a {WARM_SECONDS} s warm-up run")
        + " per URL, no cookies but the "
        "dashboard's; "
        "hello = the faster of a run before and after the pages"
    )
    header = f"   {'page':26} {'req/s':>8} {'p50':>8} {'p99':>8} {'share':>7}  {'target':>17}  {'result'}"
    print(header)
    print("   " + "-" * (len(header) - 3))
    hello_p99 = max(h.p99_ms for h in run.hello)
    hello_p50 = statistics.mean(h.p50_ms for h in run.hello)
    print(
        f"   {'plain Flask hello':26} {hello_rate:8,.0f} {hello_p50:6.1f}ms {hello_p99:6.1f}ms {'100 %':>7}"
    )
    misses = 0
    for m in run.measured:
        share = m.load.requests_per_second / hello_rate if hello_rate else 0.0
        wanted = (f"≥{m.page.share:.0%} " if m.page.share else "") + f"p99≤{m.page.p99_ms:.0f}ms"
        problems = []
        if m.page.share is not None and share < m.page.share:
            problems.append("share")
        if m.load.p99_ms > m.page.p99_ms:
            problems.append("p99")
        if m.load.errors or m.warm_status >= 400:
            problems.append(f"{m.load.errors} errors" if m.load.errors else f"HTTP {m.warm_status}")
        misses += bool(problems)
        verdict = "ok" if not problems else "MISS (" + ", ".join(problems) + ")"
        print(
            f"   {m.page.label:26} {m.load.requests_per_second:8,.0f} {m.load.p50_ms:6.1f}ms "
            f"{m.load.p99_ms:6.1f}ms {share:7.1%}  {wanted:>17}  {verdict}"
        )
    print(f"\n   64 connections, {BURST_SECONDS} s (target: no errors; wrk gives up on an answer after 2 s)")
    rows = [(path, load, True) for path, load in run.bursts]
    if run.hello_burst is not None:
        rows.append(("plain Flask hello", run.hello_burst, False))
    for path, load, counted in rows:
        problems = f"{load.bad_status} non-2xx/3xx, {load.socket_errors} socket errors"
        verdict = ("ok" if not load.errors else f"MISS ({problems})") if counted else ""
        misses += counted and bool(load.errors)
        print(
            f"   {path:26} {load.requests_per_second:8,.0f} req/s  p50 {load.p50_ms:6.1f}ms  "
            f"p99 {load.p99_ms:6.1f}ms  {load.errors:5} errors  {verdict}"
        )
    write_misses, write_targets = report_writes(run.writes, run.setup.database_url.startswith("postgresql"))
    misses += write_misses
    slow_misses, slow_targets = report_slow(run.slow)
    misses += slow_misses
    write_targets += slow_targets
    noisy = abs(first - last) > 0.2 * max(first, last)
    print(
        f"\n   {misses} of {len(run.measured) + len(run.bursts) + write_targets} targets missed. "
        f"Load average "
        f"{run.load_average[0]:.1f} before, {run.load_average[1]:.1f} after; hello {first:,.0f} then "
        f"{last:,.0f} req/s" + (" (the machine was busy: the shares are noisy)" if noisy else "")
    )


def main() -> int:
    if shutil.which("wrk") is None:
        print("wrk is missing: install the Debian package `wrk` (make bench does it).", file=sys.stderr)
        return 2
    print(
        f"make bench{' QUICK=1' if QUICK else ''}: {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}, "
        f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}, gunicorn.conf.py"
        + (f" + {os.environ['BENCH_GUNICORN_ARGS']}" if os.environ.get("BENCH_GUNICORN_ARGS") else "")
    )
    runs = []
    with tempfile.TemporaryDirectory(prefix="advocacy-bench-") as tmp:
        work = Path(tmp)
        bench_inbound(work)
        if SHARED.is_dir():
            folder = SHARED
        else:
            app = create_app({"TESTING": True, "DATABASE_URL": "sqlite://"})  # only to list the states
            with app.app_context():
                migrate_database()
                load_report_cards(db.session)
                abbrs = [s.abbr for s in all_states(db.session)]
            folder = made_up_source(work / "openstates", abbrs)
        print(f"lawmakers from {folder} ({sum(1 for _ in folder.glob('*.csv'))} files, served over HTTP)")
        with (
            serving(partial(_QuietFiles, directory=str(folder))) as source,
            geocoder_process() as geocoder,
        ):
            try:
                setups = [Setup("SQLite, in-process cache", f"sqlite:///{work / 'bench.sqlite3'}")]
                postgres = None if os.environ.get("BENCH_POSTGRES") == "0" else postgres_setup()
                if postgres is None:
                    print(
                        "PostgreSQL: none reachable (127.0.0.1:5432 or ADVOCACY_BENCH_DATABASE_URL): skipped"
                    )
                else:
                    setups.append(postgres)
                for setup in setups:
                    started = time.monotonic()
                    run = bench_one(setup, source, geocoder, work)
                    report(run)
                    print(f"   ({time.monotonic() - started:.0f} s for this database)")
                    runs.append(run)
            except BenchBroken as error:
                print(f"\nbench broken: {error}", file=sys.stderr)
                return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
