"""The writes section of `make bench`: people writing letters, the whole journey, over HTTP.

Each writer is a thread with a `requests.Session` of its own (its own session cookie, one kept-alive
connection) that repeats a person's journey until time is up: GET the letter form to a Missouri
lawmaker, POST a preview, POST save, follow the redirect to the letter's page. Reported: letters
saved per second, p50 and p99 per step and per journey, the gunicorn workers' own CPU time per
saved letter (from /proc, so the client's CPU is not counted), errors, "database is locked" in
the server's log, and whether the database holds exactly one new letter per saved journey.
"""

from __future__ import annotations

import os
import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests
from sqlalchemy import create_engine, func, select

from advocacy.models import Legislator, Letter

STEPS = ("form", "preview", "save", "letter page")
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
LOCKED = "database is locked"


@dataclass(frozen=True)
class WriteTarget:
    letters_per_second: float
    journey_p99_ms: float | None = None
    cpu_ms_per_letter: float | None = None


POSTGRES_TARGET = WriteTarget(60.0, 500.0, 20.0)
SQLITE_TARGET = WriteTarget(40.0)


@dataclass
class Tally:
    """What the writers of one run saw; each writer appends to the lists (safe under the GIL)."""

    times: dict[str, list[float]] = field(default_factory=lambda: {step: [] for step in STEPS})
    journeys: list[float] = field(default_factory=list)
    saved: int = 0
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


@dataclass
class WriteRun:
    writers: int
    seconds: float
    tally: Tally
    cpu_seconds: float
    letters_added: int
    locked_in_log: int
    client_cpu_seconds: float = 0.0  # this process's, the writers' threads: the two share the cores

    @property
    def rate(self) -> float:
        return self.tally.saved / self.seconds if self.seconds else 0.0

    @property
    def cpu_ms_per_letter(self) -> float:
        return self.cpu_seconds * 1000 / self.tally.saved if self.tally.saved else float("inf")


# ---------------------------------------------------------------- measuring


def workers_cpu_seconds(master: int) -> float:
    """utime + stime of the gunicorn master's children (the workers), from /proc/<pid>/stat."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # gone since the listing
        fields = stat[stat.rindex(")") + 2 :].split()  # after "pid (comm) "
        if int(fields[1]) == master:  # ppid
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def count_letters(database_url: str) -> int:
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return connection.scalar(select(func.count()).select_from(Letter))
    finally:
        engine.dispose()


def missouri_lawmaker(database_url: str) -> str:
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return connection.scalar(
                select(Legislator.id).where(Legislator.state_abbr == "mo").order_by(Legislator.id).limit(1)
            )
    finally:
        engine.dispose()


def _step(tally: Tally, step: str, answer: requests.Response, started: float) -> bool:
    tally.times[step].append((time.perf_counter() - started) * 1000)
    if answer.status_code >= 400 or LOCKED in answer.text:
        with tally.lock:
            tally.errors.append(f"{step}: HTTP {answer.status_code}")
        return False
    return True


def journey(browser: requests.Session, base: str, lawmaker: str, tally: Tally) -> None:
    """One person's letter: form, preview, save, the letter's page."""
    url = f"{base}/letters/new?state=mo&to={lawmaker}"
    began = started = time.perf_counter()
    form = browser.get(url, timeout=30)
    if not _step(tally, "form", form, started):
        return
    token = CSRF.search(form.text)
    fields = {
        "csrf_token": token[1] if token else "",
        "area": "prevention-and-training",
        "variant": "ask",
        "to": [lawmaker],
        "sender_name": "Pat Doe",
        "sender_town": "Columbia",
        "sender_email": "pat@example.org",
        "personal_paragraph": "My own words.",
        "action": "preview",
    }
    started = time.perf_counter()
    if not _step(tally, "preview", browser.post(url, data=fields, timeout=30), started):
        return
    started = time.perf_counter()
    saved = browser.post(url, data={**fields, "action": "save"}, allow_redirects=False, timeout=30)
    if not _step(tally, "save", saved, started):
        return
    if saved.status_code != 302 or "/letters/" not in saved.headers.get("Location", ""):
        with tally.lock:
            tally.errors.append(f"save: HTTP {saved.status_code}, not a redirect to the letter")
        return
    with tally.lock:
        tally.saved += 1
    started = time.perf_counter()
    page = browser.get(base + saved.headers["Location"].split("#")[0], timeout=30)
    if _step(tally, "letter page", page, started):
        tally.journeys.append((time.perf_counter() - began) * 1000)


def _writer(base: str, lawmaker: str, until: float, tally: Tally) -> None:
    with requests.Session() as browser:
        while time.monotonic() < until:
            try:
                journey(browser, base, lawmaker, tally)
            except requests.RequestException as error:
                with tally.lock:
                    tally.errors.append(f"{type(error).__name__}")


def run_writers(server, database_url: str, lawmaker: str, writers: int, seconds: float) -> WriteRun:
    """`writers` people writing for `seconds`; `server` is bench/run.py's Server."""
    tally = Tally()
    locked_before = server.log.read_text(errors="replace").count(LOCKED)
    letters_before = count_letters(database_url)
    cpu_before = workers_cpu_seconds(server.process.pid)
    client_before = time.process_time()
    started = time.monotonic()
    threads = [
        threading.Thread(target=_writer, args=(server.base, lawmaker, started + seconds, tally))
        for _ in range(writers)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started  # includes the journeys finishing after the deadline
    cpu = workers_cpu_seconds(server.process.pid) - cpu_before
    return WriteRun(
        writers,
        elapsed,
        tally,
        cpu,
        count_letters(database_url) - letters_before,
        server.log.read_text(errors="replace").count(LOCKED) - locked_before,
        time.process_time() - client_before,
    )


def bench_writes(server, database_url: str, quick: bool) -> list[WriteRun]:
    """16 writers, then 64, against a server already warmed by the page runs."""
    lawmaker = missouri_lawmaker(database_url)
    runs = []
    for writers, seconds in ((16, 5 if quick else 10), (64, 10 if quick else 30)):
        runs.append(run_writers(server, database_url, lawmaker, writers, seconds))
    return runs


# ---------------------------------------------------------------- the report


def _percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _problems(run: WriteRun, target: WriteTarget | None) -> list[str]:
    problems = []
    if run.tally.errors:
        problems.append(f"{len(run.tally.errors)} errors")
    if run.locked_in_log:
        problems.append(f"{run.locked_in_log}× {LOCKED!r}")
    if run.letters_added != run.tally.saved:
        problems.append(f"{run.letters_added} letters in the database for {run.tally.saved} saved")
    if target is None:
        return problems
    if run.rate < target.letters_per_second:
        problems.append("letters/s")
    if target.journey_p99_ms is not None and _percentile(run.tally.journeys, 0.99) > target.journey_p99_ms:
        problems.append("journey p99")
    if target.cpu_ms_per_letter is not None and run.cpu_ms_per_letter > target.cpu_ms_per_letter:
        problems.append("CPU/letter")
    return problems


def _wanted(target: WriteTarget | None) -> str:
    if target is None:
        return "0 errors, exact count"
    parts = [f"≥{target.letters_per_second:.0f}/s"]
    if target.journey_p99_ms is not None:
        parts.append(f"p99≤{target.journey_p99_ms:.0f}ms")
    if target.cpu_ms_per_letter is not None:
        parts.append(f"CPU≤{target.cpu_ms_per_letter:.0f}ms")
    return " ".join(parts) + ", 0 errors"


def report_writes(runs: list[WriteRun], postgres: bool) -> tuple[int, int]:
    """Prints the writes table; (targets missed, targets)."""
    print("\n   writes: form → preview → save → letter page, one requests.Session per writer (threads)")
    header = (
        f"   {'writers':8} {'letters/s':>9} {'saved':>6} {'CPU/letter':>10} {'errors':>6}  "
        f"{'step':12} {'p50':>8} {'p99':>8}"
    )
    print(header)
    print("   " + "-" * (len(header) - 3))
    misses = 0
    for run in runs:
        target = (POSTGRES_TARGET if postgres else SQLITE_TARGET) if run.writers == 16 else None
        head = (
            f"   {f'{run.writers} ({run.seconds:.0f}s)':8} {run.rate:9.1f} {run.tally.saved:6} "
            f"{run.cpu_ms_per_letter:8.1f}ms {len(run.tally.errors):6}  "
        )
        blank = " " * (len(head) - 2) + "  "
        rows = [(step, run.tally.times[step]) for step in STEPS] + [("journey", run.tally.journeys)]
        for index, (step, values) in enumerate(rows):
            print(
                f"{head if index == 0 else blank}{step:12} {_percentile(values, 0.5):6.1f}ms "
                f"{_percentile(values, 0.99):6.1f}ms"
            )
        problems = _problems(run, target)
        misses += bool(problems)
        verdict = "ok" if not problems else "MISS (" + ", ".join(problems) + ")"
        count = f"{run.letters_added} new letters in the database for {run.tally.saved} saved journeys"
        client = run.client_cpu_seconds * 1000 / run.tally.saved if run.tally.saved else 0.0
        print(f"   target: {_wanted(target)}; {count}; {verdict}")
        print(f"   (the client used {client:.1f} ms of CPU per letter on the same cores)")
        for error in sorted(set(run.tally.errors))[:5]:
            print(f"     error seen: {error} ({run.tally.errors.count(error)}×)")
    return misses, len(runs)
