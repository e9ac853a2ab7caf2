"""The slow-outside-service section of `make bench`: pages while the geocoder takes a second.

A local stand-in for the Census Geocoder answers every address after DELAY seconds. VISITORS
people look up addresses at once, each a thread with a `requests.Session` of its own, each
address new (so the app's short cache of answers never helps). A visitor told "busy" waits what
Retry-After says, at most a second, and tries again, as an impatient person would. Meanwhile
wrk reads the state page (a cached page) as in the pages table. Reported per server setting:
the page's requests per second with and without the lookups, its p99 under them, and how the
lookups ended: lawmakers found, "busy, try again", or an error (anything else, a timeout).
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import requests

if TYPE_CHECKING:
    from bench.run import Load

DELAY = 1.0  # seconds the stand-in takes to answer
VISITORS = 32
LEAST_SHARE = 0.5  # of the page's own throughput, kept while the lookups wait
MOST_P99_MS = 100.0


@dataclass(frozen=True)
class Setting:
    """A way to run the app server: gunicorn threads per worker, lookups in flight per worker."""

    label: str
    threads: int
    geocoder_concurrency: int
    shipped: bool = False  # the setting gunicorn.conf.py and the defaults give: the targets are its


SETTINGS = (
    Setting("3 workers x 2 threads, 1 lookup in flight per worker", 2, 1, shipped=True),
    Setting("3 workers x 2 threads, 2 in flight (no limit below the threads)", 2, 2),
    Setting("3 workers x 4 threads, 2 in flight", 4, 2),
    Setting("3 workers x 6 threads, 4 in flight", 6, 4),
    Setting("3 workers x 12 threads, 10 in flight (threads for waiting)", 12, 10),
)


@dataclass
class Lookups:
    """How the visitors' lookups ended; each visitor appends (safe under the GIL)."""

    found: list[float] = field(default_factory=list)  # seconds each successful lookup took
    busy: int = 0
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


@dataclass
class SlowRun:
    setting: Setting
    unloaded: Load
    loaded: Load
    lookups: Lookups
    seconds: float  # how long the visitors looked up addresses

    @property
    def share(self) -> float:
        unloaded = self.unloaded.requests_per_second
        return self.loaded.requests_per_second / unloaded if unloaded else 0.0


def _visitor(base: str, numbers: Iterator[int], stop: threading.Event, lookups: Lookups) -> None:
    with requests.Session() as browser:
        while not stop.is_set():
            address = f"{next(numbers)} Example St, Springtown, MO 65000"
            started = time.perf_counter()
            try:
                answer = browser.get(f"{base}/lookup", params={"address": address}, timeout=30)
            except requests.RequestException as error:
                with lookups.lock:
                    lookups.errors.append(type(error).__name__)
                continue
            if answer.status_code == 200:
                lookups.found.append(time.perf_counter() - started)
            elif answer.status_code == 503 and answer.headers.get("Retry-After", "").isdigit():
                with lookups.lock:
                    lookups.busy += 1
                stop.wait(min(float(answer.headers["Retry-After"]), 1.0))
            else:
                with lookups.lock:
                    lookups.errors.append(f"HTTP {answer.status_code}")


@contextmanager
def looking_up(base: str, visitors: int = VISITORS) -> Iterator[Lookups]:
    """`visitors` people looking up addresses until the block ends (their last lookups finish)."""
    lookups = Lookups()
    stop = threading.Event()
    numbers = itertools.count(1)
    threads = [
        threading.Thread(target=_visitor, args=(base, numbers, stop, lookups), daemon=True)
        for _ in range(visitors)
    ]
    for thread in threads:
        thread.start()
    try:
        yield lookups
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)


def report_slow(runs: list[SlowRun]) -> tuple[int, int]:
    """Prints the table; (targets missed, targets): the shipped setting's."""
    print(
        f"\n   a slow geocoder: it answers in {DELAY:.0f} s; {VISITORS} visitors look up new addresses "
        "while wrk reads /states/mo (-c16)"
    )
    header = (
        f"   {'server setting':62} {'alone':>7} {'with lookups':>12} {'share':>6} {'p99':>8}  "
        f"{'found/s':>7} {'busy':>5} {'errors':>6}"
    )
    print(header)
    print("   " + "-" * (len(header) - 3))
    misses = targets = 0
    for run in runs:
        found_rate = len(run.lookups.found) / run.seconds if run.seconds else 0.0
        errors = len(run.lookups.errors) + run.loaded.errors
        print(
            f"   {run.setting.label:62} {run.unloaded.requests_per_second:7,.0f} "
            f"{run.loaded.requests_per_second:12,.0f} {run.share:6.0%} {run.loaded.p99_ms:6.1f}ms  "
            f"{found_rate:7.1f} {run.lookups.busy:5} {errors:6}"
        )
        for error in sorted(set(run.lookups.errors))[:3]:
            print(f"     error seen: {error} ({run.lookups.errors.count(error)}×)")
    for run in runs:
        if not run.setting.shipped:
            continue
        targets += 1
        problems = []
        if run.share < LEAST_SHARE:
            problems.append("share")
        if run.loaded.p99_ms > MOST_P99_MS:
            problems.append("p99")
        if run.lookups.errors or run.loaded.errors:
            problems.append("errors")
        misses += bool(problems)
        verdict = "ok" if not problems else "MISS (" + ", ".join(problems) + ")"
        print(
            f"   target, for the shipped setting ({run.setting.label}): the page keeps "
            f"≥{LEAST_SHARE:.0%} of its throughput with p99≤{MOST_P99_MS:.0f}ms, and no lookup fails; "
            f"{verdict}"
        )
    return misses, targets
