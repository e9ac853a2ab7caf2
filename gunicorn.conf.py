"""Gunicorn settings for Advocacy in production (`make run` and `make bench` use them too).

Anything here can be overridden on the command line (`--bind`, `--workers`, …), which wins over
this file, or through GUNICORN_CMD_ARGS.
"""

import gc
import os
import runpy
import shutil
import socket
import sys
import tempfile
from pathlib import Path

# Where to listen. Behind a reverse proxy keep 127.0.0.1; `make run` passes --bind HOST:PORT.
bind = os.environ.get("ADVOCACY_BIND", "127.0.0.1:8000")

# Chosen by measurement on the 2-core machine (2026-11-30; wrk -t2, 4 s per URL, the state page and
# the letter form at 16 and 64 connections, hello beside them, no errors in any setting; the machine
# was busy with test runs, load average 5 to 12, so single figures moved by ±30 %):
#   sync, 2 workers       hello 4,800/4,300 req/s   state page 2,800/3,000   (letter form uncached then)
#   sync, 3 workers       hello 4,300-4,500         state page 2,000-2,300/1,100-2,600   form 1,800-2,000
#   sync, 4 workers       hello 2,300/3,600         state page 1,800/2,700   form 1,500/2,600
#   gthread 2 x 4 threads hello 6,900-7,000/6,600   state page 3,300-4,300/3,300-4,200   form 1,500-3,200
#   gthread 3 x 2 threads hello 5,600-7,700/6,200-6,600   state page 3,500-3,900/3,800-4,100
#                         form 2,600-3,400/1,800-3,200, p99 at 64 connections 33-141 ms
#   gthread 3 x 4, 2 x 8  no better than 3 x 2, and worse p99 at 64 connections (100-500 ms)
# Threaded workers keep connections alive (sync workers close each one), which is most of their lead.
# 3 workers it is. WEB_CONCURRENCY overrides.
#
# Threads: a lookup waits on the Census Geocoder (a second is common), and a thread that waits
# serves no page. GEOCODER_CONCURRENCY lets at most that many of a worker's threads wait on it; more
# lookups are told "busy, try again". Measured 2026-12-07 (`make bench QUICK=1`, stand-in answering
# in 1 s, 32 visitors looking up addresses while wrk reads the state page at 16 connections):
#   3 x 2 threads, 1 lookup in flight    state page keeps 91-101 %, p99 12-14 ms; 2.9-3.0 lookups/s
#   3 x 2 threads, 2 in flight (no limit below the threads)    state page 0-3 req/s: starved
#   3 x 4 threads, 2 in flight           88-90 %, p99 11-14 ms;  5.8-5.9 lookups/s
#   3 x 6 threads, 4 in flight           84-96 %, p99 13-16 ms; 11.6-11.7 lookups/s
#   3 x 12 threads, 10 in flight         85-101 %, p99 13-22 ms; 22.0-25.1 lookups/s
# and without lookups, against hello under the same settings (wrk -c16 / -c64, two runs each):
#   3 x 2   state page 104-114 % / 108-112 %, p99 8-11 / 25-29 ms; letter form 78-80 % / 74-76 %
#   3 x 12  state page 103-107 % / 115-117 %, p99 12-16 / 44-49 ms; letter form 76-81 % / 73-74 %
# 3 x 2 with 1 in flight ships: it met every page and write target on both databases; with 12
# threads the letters written through PostgreSQL cost about a tenth more CPU each. A site that
# expects many lookups at once on a slow Geocoder answers eight times as many with
# `--threads 12` and ADVOCACY_GEOCODER_CONCURRENCY=10 (always 2 threads fewer than the workers').
# Async workers (gevent) were not tried: they would patch the database drivers' sockets, for a wait
# the threads already absorb.
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
worker_class = "gthread"
threads = 2

# Each worker listens on a socket of its own (SO_REUSEPORT), and the kernel spreads new connections
# evenly over them. On one shared socket, whichever worker woke first took the kept-alive
# connections: measured 2026-11-30, 16 connections landed 16/0/0, 14/1/1 or 7/9/0 on the three
# workers from one run to the next, and the state page served 1,045 to 2,850 req/s accordingly;
# with a socket per worker they landed 4-9 per worker and it served 2,520-2,615 req/s, p99 15-18 ms.
# The cost: any process of the same user may bind the same port too, so a second server started on
# a busy port would quietly share it; `on_starting` refuses to start when something already answers.
reuse_port = True

# No preload_app: measured no gain in req/s (3 x 2 with --preload: state page 3,000/2,100 req/s,
# without: 3,500-3,900/3,800-4,100), and each worker then builds its own database engine and Redis
# connections after the fork, so none is ever shared between processes.
preload_app = False

# A page that takes longer than this is a bug or a stuck database: the worker is replaced.
# Long jobs (syncs, mail) run on `advocacy worker`, never in a request.
timeout = 30
graceful_timeout = 20
keepalive = 5


def _proxy_count() -> int:
    """PROXY_COUNT as the app reads it: ADVOCACY_PROXY_COUNT, else the instance's config.py; 0 when
    neither sets it, or when it is no whole number (the app then refuses to start, saying why)."""
    value = os.environ.get("ADVOCACY_PROXY_COUNT")
    if value is None:
        instance = os.environ.get("ADVOCACY_INSTANCE_PATH") or Path(__file__).resolve().parent / "instance"
        settings = Path(instance) / "config.py"
        try:
            value = runpy.run_path(str(settings)).get("PROXY_COUNT", 0) if settings.is_file() else 0
        except Exception:  # a broken config.py: the app says what is wrong with it as it starts
            value = 0
    text = str(value).strip()
    return int(text) if text.isascii() and text.isdigit() else 0


# Headers that say what a proxy saw (X-Forwarded-Proto, SCRIPT_NAME) are taken only from a proxy
# that PROXY_COUNT says is there; the app's ProxyFix then reads X-Forwarded-For and -Proto too.
# Left to itself gunicorn trusts them from 127.0.0.1 (FORWARDED_ALLOW_IPS' default), and from any
# UNIX-socket peer: with no proxy, anything on the machine could make a plain request count as HTTPS.
if _proxy_count() == 0:
    forwarded_allow_ips = ""
    secure_scheme_headers: dict[str, str] = {}
    forwarder_headers = ""

# Access log on stdout without query strings (%(U)s is the path only): an address typed into
# /lookup?address=… must never be written down. Last, the answer's X-Request-ID (advocacy/logs.py).
accesslog = "-"
access_log_format = '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(b)s %({x-request-id}o)s'
errorlog = "-"

# Gunicorn 27's control socket sits at one path per user ($HOME/.gunicorn/gunicorn.ctl), so two
# servers on one machine (the app and another app server, or `make bench`'s hello) would take it
# from each other; nothing here uses it. Older gunicorns ignore the setting.
control_socket_disable = True


def post_worker_init(worker: object) -> None:
    """Move everything the app made at start-up out of the garbage collector's sight.

    A loaded worker holds some 170,000 long-lived objects (the ORM's mappings, compiled templates);
    a full collection walked them all, 65 ms measured, and stalled every request in that worker:
    the rare 50-170 ms p99 spikes of `make bench`. Frozen, they are never scanned again.
    """
    gc.freeze()


# /metrics adds up every worker's counts (prometheus_client's multiprocess mode): each worker
# writes its own to files in PROMETHEUS_MULTIPROC_DIR, read as prometheus_client is imported.
# Unless that names a folder, each server has one of its own in the temporary folder (two servers
# on a machine never mix their counts), made as it starts and removed as it stops.
METRICS_FOLDER_PREFIX = "advocacy-metrics-"
os.environ.setdefault(
    "PROMETHEUS_MULTIPROC_DIR", str(Path(tempfile.gettempdir()) / f"{METRICS_FOLDER_PREFIX}{os.getpid()}")
)


def _refuse_busy_addresses(server: object) -> None:
    """Stop, saying so, when a server already answers at an address this one is to listen on.

    With SO_REUSEPORT the kernel lets a second server bind the same port and splits the connections
    between the two. A server taking over its sockets from the one it replaces (gunicorn's USR2
    upgrade, systemd's socket activation) is started on purpose beside it, so it is not checked.
    """
    if "GUNICORN_FD" in os.environ or "LISTEN_FDS" in os.environ:
        return
    binds = server.cfg.settings["bind"].get()  # type: ignore[attr-defined]
    for bind, address in zip(binds, server.cfg.address, strict=True):  # type: ignore[attr-defined]
        if not isinstance(address, tuple):  # a UNIX socket: gunicorn itself refuses one in use
            continue
        try:
            with socket.create_connection(address[:2], timeout=1):
                pass
        except OSError:
            continue
        sys.exit(
            f"Advocacy will not start: {bind} is already in use by another server. "
            "Stop it or choose another --bind."
        )


def on_starting(server: object) -> None:
    """Refuse a busy address; counts left by an earlier run of the server would be added to this one's."""
    _refuse_busy_addresses(server)
    folder = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.db"):
        stale.unlink()


def child_exit(server: object, worker: object) -> None:
    """A worker that stopped (or was replaced) keeps its counts; its live gauges are dropped."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)  # type: ignore[attr-defined]


def on_exit(server: object) -> None:
    folder = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    if folder.name.startswith(METRICS_FOLDER_PREFIX) and folder.parent == Path(tempfile.gettempdir()):
        shutil.rmtree(folder, ignore_errors=True)
