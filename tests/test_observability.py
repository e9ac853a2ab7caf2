"""Request ids, log lines (plain or JSON, never an address), and /metrics for Prometheus."""

from __future__ import annotations

import io
import json
import logging
import os
import re
import subprocess
import sys
from datetime import UTC, timedelta
from pathlib import Path
from urllib.parse import quote_plus

import pytest
import requests
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import select

from advocacy import logs
from advocacy.caching import move_generation_on
from advocacy.clients.census import CensusGeocoder
from advocacy.clock import utcnow
from advocacy.extensions import db
from advocacy.models import BillRefresh, InboundMessage, Letter, OutboxMessage, SyncRun
from advocacy.models.inbound import MailPath, MailResult
from tests.builders import make_legislator
from tests.conftest import free_port, stop, wait_until_answering
from tests.pages import save_letter, text_of

CHECKOUT = Path(__file__).resolve().parents[1]
ADDRESS = "100 Example St, Springtown, MO 65000"
GEOCODER = "/geocoder/geographies/onelineaddress"
TOKEN = "a-metrics-token-for-tests"
GENERATED_ID = re.compile(r"[0-9a-f]{16}")


@pytest.fixture
def log_output(monkeypatch) -> io.StringIO:
    """What the app's log handler writes, as a server's error stream would receive it."""
    written = io.StringIO()
    monkeypatch.setattr(logs.HANDLER, "stream", written)
    return written


@pytest.fixture
def failing_route(app):
    """A page that fails as a bug would: unhandled, so the app answers 500 and logs the traceback."""
    app.config["PROPAGATE_EXCEPTIONS"] = False  # tests otherwise see the exception, not the page

    def fail():
        raise RuntimeError("something broke")

    app.add_url_rule("/test-failure", "test_failure", fail)
    app.add_url_rule("/api/v1/test-failure", "api_test_failure", fail)
    return "/test-failure"


# --- request ids ----------------------------------------------------------------------------------


def test_every_answer_carries_a_request_id(client, failing_route):
    answers = [
        client.get("/"),
        client.get("/states/mo"),
        client.get("/no-such-page"),
        client.post("/auth/login", data={}),  # refused: no form token
        client.get("/api/v1/states"),
        client.get(failing_route),
        client.get("/metrics"),
    ]

    ids = [answer.headers.get("X-Request-ID", "") for answer in answers]
    assert [a.status_code for a in answers] == [200, 200, 404, 400, 200, 500, 404]
    assert all(GENERATED_ID.fullmatch(i) for i in ids), ids
    assert len(set(ids)) == len(ids)  # one per request


def test_a_sane_incoming_request_id_is_kept_and_any_other_replaced(client):
    def sent_back(given: str) -> str:
        return client.get("/", headers={"X-Request-ID": given}).headers["X-Request-ID"]

    assert sent_back("nginx-5f2b9c0d1e") == "nginx-5f2b9c0d1e"
    for odd in ("x" * 65, "has space", "<script>", "a_b", "id\u00e9"):
        assert GENERATED_ID.fullmatch(sent_back(odd)), odd


def test_the_500_page_quotes_the_reference_its_log_line_carries(client, failing_route, log_output):
    answer = client.get(failing_route, headers={"X-Request-ID": "ref-12345"})

    assert answer.status_code == 500
    assert answer.headers["X-Request-ID"] == "ref-12345"
    assert "If you report this, quote reference ref-12345" in text_of(answer)
    logged = log_output.getvalue()
    assert "ERROR advocacy [ref-12345]: Exception on /test-failure [GET]" in logged
    assert "RuntimeError: something broke" in logged  # the traceback is in the log, not on the page
    assert "something broke" not in text_of(answer)


def test_the_api_answers_a_failure_in_json_with_the_reference_in_its_header(client, failing_route):
    answer = client.get("/api/v1/test-failure")

    assert answer.status_code == 500
    assert answer.get_json()["error"]["code"] == "internal_server_error"
    assert GENERATED_ID.fullmatch(answer.headers["X-Request-ID"])


def test_pages_other_than_failures_quote_no_reference(client):
    assert "quote reference" not in text_of(client.get("/no-such-page"))


# --- log lines ------------------------------------------------------------------------------------


def test_json_log_lines_parse_and_carry_the_request_id(make_app, log_output):
    app = make_app(LOG_FORMAT="json", PROPAGATE_EXCEPTIONS=False)

    def fail():
        logging.getLogger("advocacy.test").warning("about to fail for %s", "a reason")
        raise RuntimeError("something broke")

    app.add_url_rule("/test-failure", "test_failure", fail)
    answer = app.test_client().get("/test-failure")
    logging.getLogger("advocacy.test").warning("outside any request")

    lines = [json.loads(line) for line in log_output.getvalue().splitlines()]
    reference = answer.headers["X-Request-ID"]
    warning, error, outside = lines
    assert {k: warning[k] for k in ("level", "logger", "message", "request_id")} == {
        "level": "WARNING",
        "logger": "advocacy.test",
        "message": "about to fail for a reason",
        "request_id": reference,
    }
    assert (error["level"], error["logger"], error["request_id"]) == ("ERROR", app.name, reference)
    assert error["message"] == "Exception on /test-failure [GET]"
    assert error["exception"].endswith("RuntimeError: something broke")
    assert outside["message"] == "outside any request" and "request_id" not in outside
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", line["time"]) for line in lines)


def test_plain_log_lines_carry_the_request_id(client, log_output):
    client.get("/", headers={"X-Forwarded-For": "203.0.113.9", "X-Request-ID": "plain-1"})

    assert "WARNING advocacy [plain-1]: Requests arrive with X-Forwarded-For" in log_output.getvalue()


def test_an_unknown_log_format_is_refused(make_app):
    with pytest.raises(RuntimeError, match="LOG_FORMAT must be plain or json, not 'xml'"):
        make_app(LOG_FORMAT="xml")


def test_no_part_of_a_looked_up_address_reaches_the_log(
    app, client, httpserver, log_output, monkeypatch, caplog
):
    """The Census stand-in fails, a careless line logs the address at every level, and a bug fails
    the page with the address in its message: the log has none of it, however it was written."""
    app.config["CENSUS_URL"] = httpserver.url_for("/geocoder")
    app.config["PROPAGATE_EXCEPTIONS"] = False
    httpserver.expect_request(GEOCODER).respond_with_data("down", status=500)
    caplog.set_level(logging.DEBUG)  # every level, the HTTP library's requests too
    ask_census = CensusGeocoder.locate

    def careless(geocoder: CensusGeocoder, address: str):
        talker = logging.getLogger("advocacy.careless")
        for level in (logging.DEBUG, logging.INFO, logging.WARNING, logging.ERROR, logging.CRITICAL):
            talker.log(level, "looking up %r (%s)", address, quote_plus(address))
        talker.warning("asked for %s", address.upper(), stack_info=True)
        return ask_census(geocoder, address)

    def broken(geocoder: CensusGeocoder, address: str):
        raise ValueError(f"cannot read {address!r}, that is {quote_plus(address)}")

    monkeypatch.setattr(CensusGeocoder, "locate", careless)
    failed = [
        client.get("/lookup", query_string={"address": ADDRESS}),
        client.get("/api/v1/lookup", query_string={"address": ADDRESS}),
    ]
    monkeypatch.setattr(CensusGeocoder, "locate", broken)
    failed += [
        client.get("/lookup", query_string={"address": ADDRESS}),
        client.get("/api/v1/lookup", query_string={"address": ADDRESS}),
    ]

    assert [answer.status_code for answer in failed] == [503, 503, 500, 500]
    logged = log_output.getvalue()
    for level in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
        assert f"{level} advocacy.careless" in logged
    assert logged.count("ValueError: cannot read") == 2  # both tracebacks were written
    assert "onelineaddress" in logged  # the HTTP library logged its requests too
    for part in (ADDRESS, quote_plus(ADDRESS), "Example", "Springtown", "65000"):
        assert part.lower() not in logged.lower(), part


# --- /metrics -------------------------------------------------------------------------------------


def scrape(client) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample on /metrics, by name and labels."""
    answer = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert answer.status_code == 200
    return samples_of(answer.get_data(as_text=True))


def samples_of(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(samples: dict, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_metrics_are_not_there_without_a_token_configured(client):
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer anything"}).status_code == 404


def test_metrics_ask_for_the_token_and_refuse_a_wrong_one(app, client):
    app.config["METRICS_TOKEN"] = TOKEN

    missing = client.get("/metrics")
    wrong = client.get("/metrics", headers={"Authorization": "Bearer not-the-token"})
    other_scheme = client.get("/metrics", headers={"Authorization": f"Basic {TOKEN}"})
    right = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})

    assert [missing.status_code, wrong.status_code, other_scheme.status_code] == [401, 401, 401]
    assert missing.headers["WWW-Authenticate"].lower().startswith("bearer")
    assert right.status_code == 200
    assert right.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    assert right.headers["Cache-Control"] == "no-store"
    assert client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200


def test_metrics_count_requests_by_route_and_status_and_the_page_cache(app, client):
    app.config["METRICS_TOKEN"] = TOKEN
    move_generation_on(app)  # no page kept by another test
    before = scrape(client)

    for _ in range(3):
        client.get("/states/mo")
    client.get("/states/zz")
    client.get("/no/such/page")

    after = scrape(client)

    def grew(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    route = {"route": "/states/<abbr>", "method": "GET"}
    assert grew("advocacy_http_requests_total", **route, status="200") == 3
    assert grew("advocacy_http_requests_total", **route, status="404") == 1
    assert grew("advocacy_http_requests_total", route="unmatched", method="GET", status="404") == 1
    assert not any("/states/mo" in dict(labels).get("route", "") for _, labels in after)  # never a path
    assert grew("advocacy_http_request_duration_seconds_count", **route) == 4
    assert grew("advocacy_http_request_duration_seconds_bucket", **route, le="+Inf") == 4
    assert grew("advocacy_page_cache_misses_total") == 2  # mo once, zz (a 404, not kept) once
    assert grew("advocacy_page_cache_hits_total") == 2


def test_metrics_report_the_outbox_inbound_mail_and_syncs(app, client):
    app.config["METRICS_TOKEN"] = TOKEN
    senator = make_legislator(db.session, n=1)
    db.session.commit()
    save_letter(client, senator.id)
    save_letter(client, senator.id)
    now = utcnow()
    first, second = db.session.scalars(select(Letter.id).order_by(Letter.id)).all()
    for letter_id, status, due in ((first, "queued", now - timedelta(minutes=5)), (second, "sent", now)):
        db.session.add(
            OutboxMessage(
                letter_id=letter_id,
                idempotency_key=f"key-{letter_id}",
                to_address=senator.email,
                status=status,
                next_attempt_at=due,
                created_at=now - timedelta(days=2),
            )
        )
    for result in (MailResult.CONFIRMED, MailResult.CONFIRMED, MailResult.BOUNCED):
        db.session.add(InboundMessage(received_at=now, path=MailPath.PIPE, result=result, fingerprint="f"))
    for error in ("", "", "the file could not be read"):
        db.session.add(
            SyncRun(state_abbr="mo", source="https://example.org/mo.csv", finished_at=now, error=error)
        )
    db.session.add(BillRefresh(state_abbr="ks", started_at=now, finished_at=now, error="HTTP 500"))
    db.session.commit()

    samples = scrape(client)

    assert value(samples, "advocacy_outbox_backlog") == 1
    assert value(samples, "advocacy_outbox_oldest_age_seconds") >= 300
    assert value(samples, "advocacy_inbound_messages", result="confirmed") == 2
    assert value(samples, "advocacy_inbound_messages", result="bounced") == 1
    assert ("advocacy_inbound_messages", (("result", "answered"),)) in samples  # 0, but there
    assert value(samples, "advocacy_syncs_total", source="legislators", result="ok") == 2
    assert value(samples, "advocacy_syncs_total", source="legislators", result="failed") == 1
    assert value(samples, "advocacy_syncs_total", source="bills", result="failed") == 1
    assert value(samples, "advocacy_syncs_total", source="bills", result="ok") == 0
    last = value(samples, "advocacy_sync_last_success_timestamp_seconds", source="legislators", state="mo")
    assert last == pytest.approx(now.replace(tzinfo=UTC).timestamp())
    assert (
        "advocacy_sync_last_success_timestamp_seconds",
        (("source", "bills"), ("state", "ks")),
    ) not in samples
    assert not any(name == "advocacy_job_queue_depth" for name, _ in samples)  # no Redis configured


def test_metrics_report_the_job_queue_depth(app, client, redis_url):
    app.config.update(METRICS_TOKEN=TOKEN, REDIS_URL=redis_url)

    samples = scrape(client)

    assert value(samples, "advocacy_job_queue_depth", queue="advocacy") == 0
    assert ("advocacy_job_queue_depth", (("queue", "advocacy"),)) in samples


# --- several gunicorn workers ----------------------------------------------------------------------


@pytest.mark.committed  # the server is another process
def test_two_gunicorn_workers_counts_add_up(app, database_url, tmp_path):
    instance, folder = tmp_path / "instance", tmp_path / "prometheus"
    instance.mkdir()
    folder.mkdir()
    (folder / "counter_1.db").write_bytes(b"left by an earlier run")  # emptied as the server starts
    port = free_port()
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("ADVOCACY_", "PROMETHEUS_"))}
    environment.update(
        ADVOCACY_INSTANCE_PATH=str(instance),
        ADVOCACY_DATABASE_URL=database_url,
        ADVOCACY_SECRET_KEY="a long and random secret for this test",
        ADVOCACY_BASE_URL=f"http://127.0.0.1:{port}",
        ADVOCACY_METRICS_TOKEN=TOKEN,
        ADVOCACY_CENSUS_URL="http://127.0.0.1:9/geocoder",  # nothing listens: never the internet
        PROMETHEUS_MULTIPROC_DIR=str(folder),
    )
    command = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--workers", "2"]
    command += ["--bind", f"127.0.0.1:{port}", "advocacy:create_app()"]
    base = f"http://127.0.0.1:{port}"
    with (tmp_path / "server.log").open("wb") as log:  # the server keeps its own copy open
        server = subprocess.Popen(
            command, cwd=CHECKOUT, env=environment, stdout=log, stderr=subprocess.STDOUT
        )
    requests_sent = 40
    try:
        wait_until_answering(f"{base}/healthz", server, tmp_path / "server.log")
        # A new connection each (no session): the kernel spreads them over both workers' sockets.
        statuses = {requests.get(f"{base}/privacy", timeout=30).status_code for _ in range(requests_sent)}
        scraped = requests.get(f"{base}/metrics", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30)
    finally:
        stop(server)

    assert statuses == {200}
    privacy = {"route": "/privacy", "method": "GET", "status": "200"}
    assert value(samples_of(scraped.text), "advocacy_http_requests_total", **privacy) == requests_sent
    per_worker = [
        value(_samples_in(path), "advocacy_http_requests_total", **privacy)
        for path in sorted(folder.glob("counter_*.db"))
    ]
    assert not (folder / "counter_1.db").exists()
    assert len([count for count in per_worker if count]) == 2, per_worker  # both workers served
    assert sum(per_worker) == requests_sent


def _samples_in(path: Path) -> dict:
    """One worker's own counts, from its file."""
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in MultiProcessCollector.merge([str(path)])
        for sample in family.samples
    }
