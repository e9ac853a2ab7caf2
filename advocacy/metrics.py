"""GET /metrics: what Prometheus scrapes, for those holding ADVOCACY_METRICS_TOKEN.

Two kinds of figure. Counted ones (requests, their latency, page-cache hits and misses) are
counted by each process as it serves; under gunicorn each worker writes its counts to files in
PROMETHEUS_MULTIPROC_DIR (set up in gunicorn.conf.py) and a scrape adds them up. Stored ones
(the outbox, inbound mail, syncs, the job queue) are read from the database and Redis at
scrape time, so every worker reports the same.
"""

from __future__ import annotations

import hmac
import logging
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from time import perf_counter

from flask import Blueprint, Flask, Response, abort, current_app, request
from prometheus_client import CollectorRegistry, Counter, Histogram, disable_created_metrics
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.exposition import choose_encoder
from prometheus_client.multiprocess import MultiProcessCollector
from redis import RedisError
from sqlalchemy import case, func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from werkzeug.datastructures import WWWAuthenticate
from werkzeug.exceptions import Unauthorized

from advocacy.clock import utcnow
from advocacy.extensions import db
from advocacy.jobs import QUEUE_NAME
from advocacy.models import BillRefresh, InboundMessage, OutboxMessage, SyncRun
from advocacy.models.inbound import MailResult
from advocacy.models.letters import OutboxStatus
from advocacy.redis_client import quick_redis

log = logging.getLogger(__name__)
bp = Blueprint("metrics", __name__)

# `_created` series would double the counters' lines, and multiprocess mode has none anyway.
disable_created_metrics()
if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    # Made by gunicorn as it starts; but with --preload the app is imported before that.
    os.makedirs(os.environ["PROMETHEUS_MULTIPROC_DIR"], exist_ok=True)
COUNTED = CollectorRegistry()
HTTP_REQUESTS = Counter(
    "advocacy_http_requests",
    "Requests answered, by route (the URL rule, never the path asked for), method and status.",
    ["route", "method", "status"],
    registry=COUNTED,
)
HTTP_LATENCY = Histogram(
    "advocacy_http_request_duration_seconds",
    "Time from the first of the app's request hooks to its last, by route and method.",
    ["route", "method"],
    registry=COUNTED,
)
PAGE_CACHE_HITS = Counter(
    "advocacy_page_cache_hits", "Pages served from the page cache to anonymous visitors.", registry=COUNTED
)
PAGE_CACHE_MISSES = Counter(
    "advocacy_page_cache_misses",
    "Cacheable pages that had to be made because no process had kept them.",
    registry=COUNTED,
)
# Any other method (a scanner's made-up one) is counted as OTHER, so labels stay few.
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
NO_ROUTE = "unmatched"  # 404s and 405s: no URL rule matched
STARTED = "advocacy.metrics.started"  # in the request's WSGI environ
OUTBOX_BACKLOG = (OutboxStatus.QUEUED, OutboxStatus.SENDING)


# --- counting requests -----------------------------------------------------------------------


def _start_clock() -> None:
    request.environ[STARTED] = perf_counter()


# (route, method, status) → its counter and histogram: labels() takes a lock and checks its
# arguments every call, a third of the hooks' cost. Bounded: URL rules x methods x statuses.
_labelled: dict[tuple[str, str, int], tuple[Counter, Histogram]] = {}


def count_answer(route: str, method: str, status: int, seconds: float | None) -> None:
    """Count one answer of `route` (a URL rule), and how long it took when that is known."""
    method = method if method in METHODS else "OTHER"
    key = (route, method, status)
    found = _labelled.get(key)
    if found is None:
        found = (HTTP_REQUESTS.labels(route, method, str(status)), HTTP_LATENCY.labels(route, method))
        _labelled[key] = found
    answered, latency = found
    answered.inc()
    if seconds is not None:
        latency.observe(seconds)


def _count(response: Response) -> Response:
    asked = request._get_current_object()  # one context lookup, not one per attribute
    rule = asked.url_rule
    started = asked.environ.get(STARTED)
    count_answer(
        rule.rule if rule is not None else NO_ROUTE,
        asked.method,
        response.status_code,
        None if started is None else perf_counter() - started,
    )
    return response


# --- figures read at scrape time -------------------------------------------------------------


def _timestamp(moment: datetime) -> float:
    return moment.replace(tzinfo=UTC).timestamp()


class StoredFacts:
    """The outbox, inbound mail, syncs and the job queue, as the database and Redis hold them now."""

    def __init__(self, session: Session, redis_url: str, now: datetime) -> None:
        self.session = session
        self.redis_url = redis_url
        self.now = now

    def collect(self) -> Iterator[Metric]:
        try:
            yield from self._outbox()
            yield from self._inbound()
            yield from self._syncs()
        except SQLAlchemyError as error:
            # The counted figures are still worth a scrape when the database is down.
            self.session.rollback()
            log.warning("metrics: the database did not answer (%s)", type(error).__name__)
        yield from self._job_queue()

    def _outbox(self) -> Iterator[Metric]:
        waiting, oldest_due = self.session.execute(
            select(func.count(), func.min(OutboxMessage.next_attempt_at)).where(
                OutboxMessage.status.in_(OUTBOX_BACKLOG)
            )
        ).one()
        yield GaugeMetricFamily(
            "advocacy_outbox_backlog", "Outbox messages queued or being sent.", value=waiting
        )
        age = max(0.0, (self.now - oldest_due).total_seconds()) if oldest_due else 0.0
        yield GaugeMetricFamily(
            "advocacy_outbox_oldest_age_seconds",
            "How long the longest-waiting outbox message has been due to be sent (0: none is).",
            value=age,
        )

    def _inbound(self) -> Iterator[Metric]:
        counts = dict.fromkeys((str(result) for result in MailResult), 0)
        rows = self.session.execute(
            select(InboundMessage.result, func.count()).group_by(InboundMessage.result)
        )
        counts.update({result: count for result, count in rows})
        family = GaugeMetricFamily(
            "advocacy_inbound_messages",
            "Inbound messages by result, over the INBOUND_LOG_DAYS the site keeps their outcomes.",
            labels=["result"],
        )
        for result, count in sorted(counts.items()):
            family.add_metric([result], count)
        yield family

    def _syncs(self) -> Iterator[Metric]:
        runs = CounterMetricFamily(
            "advocacy_syncs",
            "Syncs by source (legislators: Open States people; bills: Open States API) and result.",
            labels=["source", "result"],
        )
        last = GaugeMetricFamily(
            "advocacy_sync_last_success_timestamp_seconds",
            "When each state's last successful sync from each source finished (Unix time).",
            labels=["source", "state"],
        )
        for source, model in (("legislators", SyncRun), ("bills", BillRefresh)):
            result = case((model.error == "", "ok"), else_="failed")
            counts = {"ok": 0, "failed": 0}
            counts.update(dict(self.session.execute(select(result, func.count()).group_by(result)).all()))
            for name, count in sorted(counts.items()):
                runs.add_metric([source, name], count)
            finished = self.session.execute(
                select(model.state_abbr, func.max(model.finished_at))
                .where(model.error == "")
                .group_by(model.state_abbr)
                .order_by(model.state_abbr)
            )
            for state, moment in finished:
                last.add_metric([source, state], _timestamp(moment))
        yield runs
        yield last

    def _job_queue(self) -> Iterator[Metric]:
        if not self.redis_url:
            return
        from rq import Queue  # only where a queue is configured

        try:
            depth = Queue(QUEUE_NAME, connection=quick_redis(self.redis_url)).count
        except RedisError as error:
            # Left out rather than reported as 0: an empty queue and an unreachable one differ.
            log.warning("metrics: Redis did not answer (%s)", type(error).__name__)
            return
        family = GaugeMetricFamily(
            "advocacy_job_queue_depth", "Jobs waiting on the RQ queue.", labels=["queue"]
        )
        family.add_metric([QUEUE_NAME], depth)
        yield family


# --- the scrape -------------------------------------------------------------------------------


def _allowed(token: str) -> bool:
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    # compare_digest: how long the comparison takes says nothing about how much of a guess was right.
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())


@bp.get("/metrics")
def metrics() -> Response:
    token = str(current_app.config["METRICS_TOKEN"])
    if not token:
        abort(404)  # not set up: the page does not exist
    if not _allowed(token):
        raise Unauthorized(
            "Send the metrics token as 'Authorization: Bearer <token>'.",
            www_authenticate=WWWAuthenticate("bearer", {"realm": "metrics"}),
        )
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)  # every worker's counts, added up
    else:
        registry.register(COUNTED)
    registry.register(StoredFacts(db.session, current_app.config["REDIS_URL"], utcnow()))
    # Prometheus's text format, or OpenMetrics when the scraper asks for it.
    encode, content_type = choose_encoder(request.headers.get("Accept", ""))
    response = Response(encode(registry), content_type=content_type)
    response.headers["Cache-Control"] = "no-store"
    return response


def register(app: Flask) -> None:
    """Count every request, a page served from the cache too (the factory registers `bp`, /metrics)."""
    # First of the hooks before a request and last after it (Flask runs those in reverse order),
    # whichever extension registered its own earlier: the clock covers them all.
    app.before_request_funcs.setdefault(None, []).insert(0, _start_clock)
    app.after_request_funcs.setdefault(None, []).insert(0, _count)
