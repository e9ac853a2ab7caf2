"""Other sites' answers as an attacker would write them: Open States answering with wrong types,
oversized values, too many bills, pages without end or a byte at a time; photo servers that
trickle; and addresses (javascript:, data:) that must never become links."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from flask import render_template_string
from pytest_httpserver import HTTPServer
from sqlalchemy import func, select
from werkzeug.wrappers import Request, Response

from advocacy.clients.photos import PhotoStore
from advocacy.extensions import db
from advocacy.models import Bill, BillRefresh, Legislator
from advocacy.reportcards.service import featured_framework
from advocacy.tasks import bills_job
from tests.builders import bulk_csv, bulk_row, make_legislator, person_id
from tests.openstates_api import HB_2273, StandIn, bill, made_up_bills, serve_open_states
from tests.pages import csrf_token, text_of

JAVASCRIPT = "javascript:alert(document.domain)"
DATA = "data:text/html;base64,PHNjcmlwdD5hbGVydChkb2N1bWVudC5kb21haW4pPC9zY3JpcHQ+"


@dataclass
class Upstream:
    """The Open States stand-in, whose answers to GET /bills a test may replace with its own."""

    stand_in: StandIn
    bills: Callable[[Request], Response] | None = None

    def handle(self, request: Request) -> Response:
        if request.path == "/bills" and self.bills is not None:
            self.stand_in.asked.append(request)
            return self.bills(request)
        return self.stand_in.handle(request)


@pytest.fixture
def upstream(app, httpserver: HTTPServer) -> Upstream:
    serving = Upstream(StandIn())
    serve_open_states(app, httpserver, serving.handle)
    return serving


def answer(body: object) -> Response:
    return Response(json.dumps(body), content_type="application/json")


def page_of(bills: list[object], max_page: object = 1) -> Response:
    pagination = {"per_page": 20, "page": 1, "max_page": max_page, "total_items": len(bills)}
    return answer({"results": bills, "pagination": pagination})


def trickle(body: bytes, content_type: str, pause: float = 0.05) -> Response:
    """An answer sent one byte at a time: each byte well within any read timeout."""

    def drip() -> Iterator[bytes]:
        for n in range(len(body)):
            time.sleep(pause)
            yield body[n : n + 1]

    return Response(drip(), content_type=content_type)


def refresh(runner, *states: str):
    return runner.invoke(
        args=["sync-bills", *(arg for abbr in states or ("mo",) for arg in ("--state", abbr))]
    )


def stored() -> dict[str, Bill]:
    db.session.expire_all()
    return {b.identifier: b for b in db.session.scalars(select(Bill))}


def bills_asked(upstream: Upstream) -> list[Request]:
    return [r for r in upstream.stand_in.asked if r.path == "/bills"]


# --- wrong types, seen from the admin's "Refresh now" ------------------------------------------


@pytest.fixture
def admin(client, auth):
    auth.create("admin@example.org", role="admin")
    auth.login("admin@example.org")
    return client


def background_refreshes_finish() -> None:
    """Wait for the refreshes "Refresh now" started in threads (without Redis) to end."""
    for thread in threading.enumerate():
        if thread.name == "job-bills_job":
            thread.join(timeout=60)


def sponsored_by_strings() -> dict:
    return dict(HB_2273, sponsorships=["Ed Lewis", "Jeff Myers"])


@pytest.mark.committed  # the refresh runs on a thread with its own connection
@pytest.mark.parametrize(
    ("hostile", "reason"),
    [
        (lambda: answer([HB_2273]), "it is a list, not an object"),
        (lambda: answer({"results": {"0": HB_2273}, "pagination": {}}), "results is an object, not a list"),
        (lambda: page_of([sponsored_by_strings()]), "sponsorships is a text, not an object"),
        (lambda: page_of([HB_2273], max_page="lots"), "pagination.max_page is a text, not a whole number"),
    ],
    ids=["array-at-the-root", "results-as-an-object", "sponsorships-as-strings", "max-page-lots"],
)
def test_an_answer_of_the_wrong_types_is_a_failure_the_admin_reads_not_a_500(
    admin, upstream, hostile, reason
):
    upstream.bills = lambda request: hostile()
    page = admin.get("/admin/bills?state=mo")

    refreshed = admin.post("/admin/bills/mo/refresh", data={"csrf_token": csrf_token(page)})
    background_refreshes_finish()
    after = text_of(admin.get("/admin/bills?state=mo"))

    assert refreshed.status_code == 302
    assert "failed: Open States' answer is not as the API documents it:" in after and reason in after
    failed = db.session.scalar(select(BillRefresh))
    assert reason in failed.error and failed.state_abbr == "mo"
    assert stored() == {}


@pytest.mark.committed
def test_refresh_now_answers_at_once_without_redis_and_the_result_shows_on_reload(admin, upstream):
    released, answered = threading.Event(), threading.Event()

    def slow(request: Request) -> Response:
        released.wait(timeout=10)  # Open States takes its time (bounded, so no run can hang here)
        answered.set()
        return upstream.stand_in.handle(request)

    upstream.bills = slow
    page = admin.get("/admin/bills?state=mo")

    refreshed = admin.post("/admin/bills/mo/refresh", data={"csrf_token": csrf_token(page)})
    answered_before_the_admin = answered.is_set()
    started = text_of(admin.get(refreshed.headers["Location"]))
    released.set()
    background_refreshes_finish()
    done = text_of(admin.get("/admin/bills?state=mo"))

    assert refreshed.status_code == 302 and not answered_before_the_admin
    assert "Missouri's refresh has started: it ends within 5 minutes." in started
    assert "Reload this page to see its result below." in started
    assert "session 2026: 2 added, 0 updated, 0 unchanged" in done
    assert set(stored()) == {"HB 2273", "HB 1946"}


# --- one state's failure, and the others ---------------------------------------------------------


LONG_IDENTIFIER = "HB " + "9" * 60  # 63 characters; the column keeps 40


def test_a_bill_number_longer_than_its_column_fails_that_state_and_the_next_goes_on(runner, upstream):
    upstream.stand_in.bills = [HB_2273, bill(60, LONG_IDENTIFIER, "Relating to human trafficking")]

    result = refresh(runner, "mo", "ks")

    lines = result.stdout.splitlines()
    assert result.exit_code == 1
    assert lines[0].startswith("mo: failed: the identifier of Open States' bill ocd-bill/")
    assert lines[0].endswith("is 63 characters long, more than the 40 this site keeps; nothing was changed")
    assert lines[1] == "ks: 0 added, 0 updated, 0 unchanged; 0 committees, 0 hearings (2 requests)"
    assert lines[-1] == "total: 0 added, 0 updated, 0 unchanged (1 failed)"
    assert "/jurisdictions/ks" in [r.path for r in upstream.stand_in.asked]
    assert stored() == {}
    refreshes = {r.state_abbr: r for r in db.session.scalars(select(BillRefresh))}
    assert "63 characters long" in refreshes["mo"].error and refreshes["ks"].error == ""


def test_what_the_database_refuses_fails_that_state_alone(runner, upstream):
    refresh(runner)  # HB 2273 and HB 1946 kept
    # Open States now sends another bill under HB 2273's number: the table's unique number refuses it.
    upstream.stand_in.bills = [
        dict(bill(70, "HB 2273", "Another bill"), updated_at="2099-01-01T00:00:00+00:00")
    ]

    result = refresh(runner, "mo", "ks")

    lines = result.stdout.splitlines()
    assert lines[0] == "mo: failed: the bills could not be kept (IntegrityError); nothing was changed"
    assert lines[1] == "ks: 0 added, 0 updated, 0 unchanged; 0 committees, 0 hearings (2 requests)"
    assert stored()["HB 2273"].title == HB_2273["title"]


def test_the_worker_records_each_states_failure_and_goes_on(upstream):
    upstream.stand_in.bills = [bill(60, LONG_IDENTIFIER, "Relating to human trafficking")]

    outcomes = bills_job(["mo", "ks"])

    assert [o.describe().split(": ")[:2] for o in outcomes] == [
        ["mo", "failed"],
        ["ks", "0 added, 0 updated, 0 unchanged; 0 committees, 0 hearings (2 requests)"],
    ]
    assert db.session.scalar(select(func.count()).select_from(BillRefresh)) == 2


# --- sizes and counts ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("max_bytes", "reason"),
    [
        (None, "Open States' answer is larger than 8,388,608 bytes (OPENSTATES_API_MAX_BYTES)"),
        (32 * 1024 * 1024, "is 10,000,000 characters long, more than the 5,000 this site keeps"),
    ],
    ids=["by-the-size-cap", "by-the-title-column"],
)
def test_a_ten_megabyte_title_is_refused(app, runner, upstream, max_bytes, reason):
    if max_bytes is not None:
        app.config["OPENSTATES_API_MAX_BYTES"] = max_bytes
    upstream.stand_in.bills = [bill(61, "HB 4000", "Relating to human trafficking " + "x" * (10**7 - 30))]

    result = refresh(runner)

    assert result.stdout.splitlines()[0].startswith("mo: failed: ") and reason in result.stdout
    assert stored() == {}


def test_a_large_answer_is_refused_by_a_configured_cap(app, runner, upstream):
    app.config["OPENSTATES_API_MAX_BYTES"] = 2000  # the list of sessions fits; a page of bills does not

    result = refresh(runner)

    assert result.stdout.splitlines()[0] == (
        "mo: failed: Open States' answer is larger than 2,000 bytes (OPENSTATES_API_MAX_BYTES), "
        "so it was not read; nothing was changed."
    )
    assert stored() == {}


def test_three_thousand_bills_in_a_page_of_twenty_are_refused(app, runner, upstream):
    app.config["OPENSTATES_API_MAX_BYTES"] = 64 * 1024 * 1024  # so the count, not the size, refuses it
    many = [
        {"id": f"ocd-bill/{n}", "identifier": f"HB {n}", "title": "Human trafficking"} for n in range(3000)
    ]
    upstream.bills = lambda request: page_of(many)

    result = refresh(runner)

    assert result.stdout.splitlines()[0] == (
        "mo: failed: Open States' answer is not as the API documents it: it sent 3000 bills in a page of 20."
    )
    assert stored() == {}


def test_the_letter_form_stays_small_after_a_refused_giant(app, runner, client, upstream):
    app.config["OPENSTATES_API_MAX_BYTES"] = 32 * 1024 * 1024
    upstream.stand_in.sessions[-1] = dict(upstream.stand_in.sessions[-1], end_date="2099-05-15")
    giant = bill(62, "HB 4001", "Allows vacatur and expungement for trafficking victims " + "x" * 10**7)
    upstream.stand_in.bills = [giant]
    make_legislator(db.session, n=13, name="Cy Member", chamber="lower", district="7")
    db.session.commit()

    refresh(runner)
    form = client.get(f"/letters/new?state=mo&area=access-to-justice&to={person_id(13)}")

    assert form.status_code == 200 and len(form.get_data()) < 200_000


# --- pages without end, answers without end -----------------------------------------------------


def endless(request: Request) -> Response:
    """Every page full, and always one more."""
    page = int(request.args["page"])
    return page_of(made_up_bills(20, start=100 + 20 * page), max_page=page + 1)


def test_endless_pagination_stops_at_the_page_cap(app, runner, upstream):
    app.config["OPENSTATES_API_MAX_PAGES"] = 3
    upstream.bills = endless

    result = refresh(runner)

    assert result.stdout.splitlines()[0] == (
        "mo: failed: Open States lists 4 pages of bills, more than the 3 a refresh may ask for "
        "(OPENSTATES_API_MAX_PAGES); nothing was changed."
    )
    assert [r.args["page"] for r in bills_asked(upstream)] == ["1", "2", "3"]
    assert stored() == {}


TIME_CAP = (
    "mo: failed: the refresh took longer than 0.5 seconds (OPENSTATES_API_MAX_SECONDS), so it was "
    "stopped and nothing was changed; the next refresh will try again."
)


def test_endless_pagination_stops_at_the_time_cap(app, runner, upstream):
    app.config.update(OPENSTATES_API_MAX_PAGES=10**6, OPENSTATES_API_MAX_SECONDS=0.5)

    def slow_and_endless(request: Request) -> Response:
        time.sleep(0.05)
        return endless(request)

    upstream.bills = slow_and_endless

    result = refresh(runner)

    assert result.stdout.splitlines()[0] == TIME_CAP
    assert stored() == {}


def test_an_answer_that_trickles_in_stops_at_the_time_cap(app, runner, upstream):
    app.config.update(OPENSTATES_API_MAX_SECONDS=0.5, HTTP_TIMEOUT=5.0)  # each byte well within 5 s
    body = b" " * 100 + json.dumps({"results": [], "pagination": {"max_page": 1}}).encode()
    upstream.bills = lambda request: trickle(body, "application/json")

    result = refresh(runner)

    assert result.stdout.splitlines()[0] == TIME_CAP
    refreshed = db.session.scalar(select(BillRefresh))
    assert refreshed.error == TIME_CAP.removeprefix("mo: failed: ")


# --- photos --------------------------------------------------------------------------------------

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


@pytest.fixture
def photo_server(app, httpserver: HTTPServer) -> HTTPServer:
    app.config.update(PHOTO_ALLOWED_NETWORKS=["127.0.0.1/32", "::1/128"], HTTP_TIMEOUT=5.0)
    return httpserver


def failure_of(app, url: str) -> str:
    return PhotoStore(Path(app.config["PHOTO_CACHE_DIR"])).failure(url)


def test_a_photo_that_trickles_in_is_given_up_at_its_deadline(app, runner, photo_server):
    app.config["PHOTO_FETCH_SECONDS"] = 0.3
    photo_server.expect_request("/photos/1.png").respond_with_handler(lambda r: trickle(PNG, "image/png"))
    senator = make_legislator(db.session, n=1, image=photo_server.url_for("/photos/1.png"))
    db.session.commit()

    result = runner.invoke(args=["fetch-photos"])

    assert result.stdout == "photos: 0 fetched, 1 failed, 0 already kept or tried today\n"
    assert failure_of(app, senator.image) == "the photo took longer than 0.3 seconds (PHOTO_FETCH_SECONDS)"


def test_a_run_of_photo_fetches_ends_at_its_deadline_and_leaves_the_rest(app, runner, photo_server):
    app.config.update(PHOTO_FETCH_SECONDS=30.0, PHOTO_RUN_SECONDS=0.3)
    photo_server.expect_request(re.compile("^/photos/")).respond_with_handler(
        lambda r: trickle(PNG, "image/png")
    )
    first = make_legislator(db.session, n=1, image=photo_server.url_for("/photos/1.png"))
    second = make_legislator(db.session, n=2, image=photo_server.url_for("/photos/2.png"))
    db.session.commit()

    result = runner.invoke(args=["fetch-photos"])

    assert result.stdout == (
        "photos: 0 fetched, 1 failed, 0 already kept or tried today, "
        "1 left for the next run (its time ran out)\n"
    )
    assert (
        failure_of(app, first.image) == "the run's time ran out before the photo arrived (PHOTO_RUN_SECONDS)"
    )
    assert failure_of(app, second.image) == ""  # not tried: the next run asks for it


# --- addresses that must not become links ------------------------------------------------------


@pytest.mark.parametrize("address", [JAVASCRIPT, DATA], ids=["javascript", "data"])
def test_a_bill_address_that_is_not_a_web_address_is_never_kept(runner, client, upstream, address):
    task_force = bill(63, "SB 779", "Creates a human trafficking task force")
    task_force.update(openstates_url=address, sources=[{"url": address, "note": ""}])
    upstream.stand_in.bills = [task_force]

    refresh(runner)
    body = client.get("/states/mo").get_data(as_text=True)
    api = client.get("/api/v1/states/mo/bills").get_json()

    assert stored()["SB 779"].url == ""
    assert "SB 779" in body and address.split(",")[0] not in body
    assert [(b["identifier"], b["url"]) for b in api["items"]] == [("SB 779", None)]


def kept_bill(url: str) -> Bill:
    """A bill kept before addresses were checked, as an older database may hold it."""
    framework = featured_framework(db.session)
    training = next(a for a in framework.issue_areas if a.code == "6")
    kept = Bill(
        state_abbr="mo",
        session="2026",
        identifier="SB 779",
        title="Creates a human trafficking task force",
        url=url,
        first_seen_at=datetime(2026, 3, 1),
        areas=[training],
    )
    db.session.add(kept)
    db.session.commit()
    return kept


@pytest.mark.parametrize("address", [JAVASCRIPT, DATA, "  JavaScript:alert(1)", "java\tscript:alert(1)"])
def test_a_kept_bill_address_that_is_not_a_web_address_is_not_linked_nor_returned(client, address):
    kept_bill(address)

    body = client.get("/states/mo").get_data(as_text=True)
    api = client.get("/api/v1/states/mo/bills").get_json()

    assert "SB 779" in body
    assert not re.search(r'href="\s*(javascript|data|java\tscript):', body, re.I)
    assert api["items"][0]["url"] is None


def test_a_web_address_is_still_linked_and_returned(client):
    kept_bill("https://www.senate.mo.gov/26info/BTS_Web/Bill.aspx?SessionType=R&BillID=779")

    body = client.get("/states/mo").get_data(as_text=True)
    api = client.get("/api/v1/states/mo/bills").get_json()

    assert (
        'href="https://www.senate.mo.gov/26info/BTS_Web/Bill.aspx?SessionType=R&amp;BillID=779">SB 779</a>'
        in body
    )
    assert api["items"][0]["url"].startswith("https://www.senate.mo.gov/")


def test_a_lawmakers_links_are_linked_and_returned_only_when_they_are_web_addresses(client):
    good = "https://www.house.mo.gov/MemberDetails.aspx?district=7"
    member = make_legislator(db.session, n=7, links=f"{JAVASCRIPT};{good};{DATA}")
    db.session.commit()

    body = client.get(f"/legislators/{member.id}").get_data(as_text=True)
    api = client.get("/api/v1/states/mo/legislators").get_json()

    hrefs = re.findall(r'href="([^"]*)"', body)
    assert good in [h.replace("&amp;", "&") for h in hrefs]
    assert not [h for h in hrefs if h.lower().startswith(("javascript:", "data:"))]
    assert next(p for p in api["items"] if p["id"] == member.id)["links"] == [good]


def test_a_lawmakers_import_keeps_only_web_addresses(runner, tmp_path: Path):
    good = "https://www.house.mo.gov/MemberDetails.aspx?district=1"
    row = bulk_row(1, links=f"{JAVASCRIPT};{good}", image=DATA)
    (tmp_path / "mo.csv").write_bytes(bulk_csv([row]))

    result = runner.invoke(args=["sync-legislators", "--source", str(tmp_path), "--state", "mo"])

    assert result.exit_code == 0, result.stdout
    db.session.expire_all()
    person = db.session.get(Legislator, person_id(1))
    assert (person.links, person.image) == (good, "")


@pytest.mark.parametrize("source", [JAVASCRIPT, DATA, "https://example.org/card.pdf"])
def test_a_report_card_source_is_linked_only_when_it_is_a_web_address(app, source):
    with app.test_request_context():
        shown = render_template_string(
            '{% from "_macros.html" import cite %}{{ cite(url, "2023 Report Cards") }}', url=source
        )

    if source.startswith("https://"):
        assert shown == (
            "Shared Hope International, 2023 Report Cards, as reported by "
            '<a class="source" href="https://example.org/card.pdf" rel="noreferrer">example.org</a>'
        )
    else:
        assert shown == "Shared Hope International, 2023 Report Cards"
