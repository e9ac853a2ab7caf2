"""Bills from Open States API v3: the refresh, its failures, and the bills on pages and in the API."""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
import threading
import time
from datetime import date

import pytest
from pytest_httpserver import HTTPServer
from rq.registry import ScheduledJobRegistry
from sqlalchemy import func, select
from werkzeug.wrappers import Request, Response

from advocacy.bills.topics import rubric
from advocacy.clients.openstates_api import OpenStatesAPI, Session, current_session
from advocacy.extensions import db
from advocacy.jobs import queue
from advocacy.letters.editing import TemplateProblem, check_text
from advocacy.models import AuditEvent, Bill, BillRefresh, Campaign, Letter
from advocacy.reportcards.service import all_states
from advocacy.tasks import bills_day_job
from tests.builders import make_legislator, person_id
from tests.conftest import shared_data
from tests.openstates_api import HB_1946, HB_2273, KEY, StandIn, bill, made_up_bills, serve_open_states
from tests.pages import csrf_token, save_letter, text_of


@pytest.fixture
def stand_in(app, httpserver: HTTPServer) -> StandIn:
    """The app asks a local stand-in for Open States API v3, with a key it accepts."""
    serving = StandIn()
    serve_open_states(app, httpserver, serving.handle)
    return serving


@pytest.fixture
def sponsors(app) -> None:
    make_legislator(db.session, n=11, name="Ed Lewis", chamber="lower", district="6")
    make_legislator(db.session, n=12, name="Jeff Myers", chamber="lower", district="42")
    db.session.commit()


def refresh(runner, *args: str):
    return runner.invoke(args=["sync-bills", "--state", "mo", *args])


def bills_asked(stand_in: StandIn) -> list[Request]:
    return [r for r in stand_in.asked if r.path == "/bills"]


def under(seen: str, weak_area: str) -> str:
    """What the state page shows under one weak area, up to its button."""
    return seen.split(weak_area, 1)[1].split("Write to your lawmakers about this", 1)[0]


def stored() -> dict[str, Bill]:
    db.session.expire_all()
    return {b.identifier: b for b in db.session.scalars(select(Bill))}


def test_a_refresh_keeps_the_current_sessions_bills_with_sponsors_and_areas(runner, stand_in, sponsors):
    result = refresh(runner)

    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "mo: 2 added, 0 updated, 0 unchanged; 1 committee, 0 hearings (4 requests)",
        "total: 2 added, 0 updated, 0 unchanged",
    ]
    bills = stored()
    assert set(bills) == {"HB 2273", "HB 1946"}  # HB 224 is of the 2025 session
    lewis = bills["HB 2273"]
    assert (lewis.session, lewis.session_name) == ("2026", "2026 Regular Session")
    assert lewis.latest_action == "Perfected (H)" and lewis.latest_action_date == date(2026, 2, 5)
    assert lewis.url == "https://www.house.mo.gov/bill.aspx?bill=HB2273&year=2026"
    assert [(s.name, s.legislator_id, s.primary) for s in lewis.sponsors] == [
        ("Ed Lewis", person_id(11), True)
    ]
    # A sponsor this site does not list is kept by name.
    assert [(s.name, s.legislator_id) for s in bills["HB 1946"].sponsors] == [
        ("Jeff Myers", person_id(12)),
        ("Unknown Cosponsor", None),
    ]
    # Civil actions and expungement (area 4), penalties for patronizing (area 1); training (area 6).
    assert [a.code for a in lewis.areas] == ["1", "4"]
    assert [a.code for a in bills["HB 1946"].areas] == ["6"]


def test_the_refresh_asks_for_the_regular_session_and_sends_the_key_only_in_its_header(
    runner, stand_in, caplog
):
    refresh(runner)

    sessions, search = stand_in.asked[:2]
    assert sessions.path == "/jurisdictions/mo" and sessions.args.getlist("include") == [
        "legislative_sessions"
    ]
    assert search.args["session"] == "2026"  # not 2025S2, which started later than 2025's regular session
    assert search.args["jurisdiction"] == "mo" and search.args["per_page"] == "20"
    assert search.args["q"].startswith('"human trafficking" OR "sex trafficking" OR ')
    assert {"sponsorships", "actions", "abstracts"} <= set(search.args.getlist("include"))
    assert set(stand_in.keys) == {KEY}
    assert all(KEY not in request.url for request in stand_in.asked)
    assert KEY not in caplog.text


def test_every_page_of_the_search_is_followed(runner, stand_in):
    stand_in.bills += made_up_bills(41)  # 43 bills in 2026: three pages of at most 20

    result = refresh(runner)

    assert (
        result.output.splitlines()[0]
        == "mo: 43 added, 0 updated, 0 unchanged; 1 committee, 0 hearings (6 requests)"
    )
    assert [r.args["page"] for r in bills_asked(stand_in)] == ["1", "2", "3"]
    assert len(stored()) == 43


def test_a_later_refresh_asks_only_for_bills_updated_since_the_last_good_one(runner, stand_in):
    refresh(runner)
    first = db.session.scalar(select(BillRefresh))
    moved = dict(HB_1946, latest_action_description="Reported Do Pass (H)", latest_action_date="2026-02-10")
    moved["updated_at"] = "2099-01-01T00:00:00+00:00"
    stand_in.bills = [moved if b["id"] == HB_1946["id"] else b for b in stand_in.bills]

    result = refresh(runner)

    assert (
        result.output.splitlines()[0]
        == "mo: 0 added, 1 updated, 1 unchanged; 1 committee, 0 hearings (2 requests)"
    )
    since = bills_asked(stand_in)[-1].args["updated_since"]
    assert since == first.started_at.replace(microsecond=0).isoformat()
    assert stored()["HB 1946"].latest_action == "Reported Do Pass (H)"
    # The session list and the committees are not asked for again within a week: the second
    # refresh asks for the changed bills and the hearings.
    assert [r.path for r in stand_in.asked] == [
        "/jurisdictions/mo", "/bills", "/committees", "/events", "/bills", "/events"
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("failures", "key", "message", "requests"),
    [
        ([], "a-wrong-key", "Open States refused the API key (Invalid API Key.", 1),
        ([(403, "Must provide API Key as ?apikey or X-API-KEY.")], KEY, "Open States wants an API key", 1),
        ([(429, "exceeded limit of 10/min: 11")] * 4, KEY, "Open States' rate limit was reached", 4),
        ([(500, "Internal Server Error")] * 4, KEY, "Open States had trouble answering (HTTP 500)", 4),
    ],
)
def test_a_refused_or_failing_refresh_says_why_and_changes_nothing(
    app, runner, stand_in, failures, key, message, requests
):
    refresh(runner)  # two bills kept
    app.config["OPENSTATES_API_KEY"] = key
    stand_in.failures = list(failures)
    asked_before = len(stand_in.asked)

    result = refresh(runner)

    assert result.exit_code == 1
    line = result.output.splitlines()[0]
    assert line.startswith("mo: failed: ") and message in line, line
    assert result.output.splitlines()[-1] == "total: 0 added, 0 updated, 0 unchanged (1 failed)"
    assert len(stand_in.asked) - asked_before == requests  # 429 and 5xx are asked again, three times
    assert set(stored()) == {"HB 2273", "HB 1946"}
    failed = db.session.scalar(select(BillRefresh).order_by(BillRefresh.id.desc()))
    assert message in failed.error and failed.requests == requests


def test_a_rate_limit_or_server_error_is_asked_again_and_then_answered(runner, stand_in):
    stand_in.failures = [(429, "exceeded limit of 10/min: 11"), (502, "Bad Gateway")]

    result = refresh(runner)

    assert (
        result.output.splitlines()[0]
        == "mo: 2 added, 0 updated, 0 unchanged; 1 committee, 0 hearings (6 requests)"
    )
    assert len(stand_in.asked) == 6  # the two refused, then sessions, bills, committees, events


def test_an_api_that_does_not_answer_in_time_is_explained(app, runner, httpserver):
    def slow(request: Request) -> Response:
        time.sleep(0.6)
        return Response("{}", content_type="application/json")

    httpserver.expect_request(re.compile("^/jurisdictions")).respond_with_handler(slow)
    app.config.update(
        OPENSTATES_API_URL=httpserver.url_for("/").rstrip("/"),
        OPENSTATES_API_KEY=KEY,
        OPENSTATES_API_PER_MINUTE=0,
        HTTP_TIMEOUT=0.2,
    )

    result = refresh(runner)

    assert (
        result.output.splitlines()[0]
        == "mo: failed: Open States did not answer within 0.2 seconds; try again later."
    )
    deadline = time.monotonic() + 5  # let the late answer land before the next test
    while not httpserver.log and time.monotonic() < deadline:
        time.sleep(0.01)


def test_without_a_key_the_command_says_how_to_get_one_and_pages_work_without_a_word_in_the_log(
    app, runner, client, caplog
):
    app.config["OPENSTATES_API_KEY"] = ""

    result = refresh(runner)
    page = client.get("/states/mo")

    assert result.exit_code != 0
    assert "no Open States API key is set" in result.output and "ADVOCACY_OPENSTATES_API_KEY" in result.output
    assert page.status_code == 200
    assert "No bill on this issue in the current session is known to this site." in text_of(page)
    assert [r for r in caplog.records if r.levelname in ("WARNING", "ERROR")] == []


def test_the_state_page_names_the_bills_under_the_weak_areas_they_address(runner, client, stand_in, sponsors):
    refresh(runner)

    seen = text_of(client.get("/states/mo"))

    justice = under(seen, "Access to Justice for Trafficking Survivors")
    assert "Bills in the 2026 regular session" in justice
    assert (
        "HB 2273 : Modifies provisions relating to the protection of children and vulnerable persons"
        in justice
    )
    assert "Sponsored by Representative Ed Lewis ." in justice
    assert "Latest action, February 5, 2026: Perfected (H)" in justice
    training = under(seen, "Prevention and Training")
    assert "HB 1946 : Relating to anti-trafficking efforts" in training
    assert "Sponsored by Representative Jeff Myers and 1 co-sponsor." in training
    response = under(seen, "Identification of and Response to Victims")
    assert "No bill on this issue in the 2026 regular session." in response
    # The day the refresh finished (UTC), which may not be the day this module was read.
    day = db.session.scalar(select(func.max(BillRefresh.finished_at))).date()
    assert f"Bills last refreshed from Open States on {day:%B} {day.day}, {day.year}." in seen


def test_the_state_page_links_each_bill_and_its_known_sponsors(runner, client, stand_in, sponsors):
    refresh(runner)

    body = client.get("/states/mo").get_data(as_text=True)

    assert '<a href="https://www.house.mo.gov/bill.aspx?bill=HB2273&amp;year=2026">HB 2273</a>' in body
    assert f'<a href="/legislators/{person_id(11)}">Representative Ed Lewis</a>' in body


def test_the_api_lists_a_states_bills_by_area(runner, client, stand_in, sponsors):
    refresh(runner)

    every = client.get("/api/v1/states/mo/bills").get_json()
    justice = client.get("/api/v1/states/mo/bills?area=access-to-justice").get_json()
    by_number = client.get("/api/v1/states/mo/bills?area=4").get_json()
    none = client.get("/api/v1/states/mo/bills?area=identification-and-response").get_json()
    wrong = client.get("/api/v1/states/mo/bills?area=shoes")

    assert every["total"] == 2 and every["page"] == 1
    assert (
        [b["identifier"] for b in justice["items"]]
        == ["HB 2273"]
        == [b["identifier"] for b in by_number["items"]]
    )
    first = justice["items"][0]
    assert first["areas"] == ["criminal-provisions", "access-to-justice"]
    assert first["sponsors"] == [{"name": "Ed Lewis", "legislator_id": person_id(11), "primary": True}]
    assert (first["latest_action"], first["latest_action_date"]) == ("Perfected (H)", "2026-02-05")
    assert none["items"] == [] and none["total"] == 0
    assert wrong.status_code == 400
    assert (
        "area must be an issue area's number (1 to 6) or slug, not 'shoes'."
        in wrong.get_json()["error"]["message"]
    )


def test_the_report_card_answer_carries_the_bills(runner, client, stand_in):
    refresh(runner)

    card = client.get("/api/v1/states/mo/report-card").get_json()

    assert {b["identifier"] for b in card["bills"]} == {"HB 2273", "HB 1946"}


def test_a_lawmakers_page_lists_the_bills_they_sponsor(runner, client, stand_in, sponsors):
    refresh(runner)

    seen = text_of(client.get(f"/legislators/{person_id(12)}"))

    assert "Bills they sponsor" in seen and "HB 1946 : Relating to anti-trafficking efforts" in seen
    assert "HB 2273" not in seen


# --- admins ---------------------------------------------------------------------------------


@pytest.fixture
def admin(client, auth):
    auth.create("admin@example.org", role="admin")
    auth.login("admin@example.org")
    return client


def hand_bill(admin, **overrides: object):
    page = admin.get("/admin/bills?state=mo")
    found = re.findall(r'value="(\d+)"[^>]*>\s*<label for="[^"]+">\s*(\d)\.', page.get_data(as_text=True))
    ids = {number: value for value, number in found}
    data = {
        "csrf_token": csrf_token(page),
        "identifier": "hb2273",
        "title": "Protects children and vulnerable persons from trafficking",
        "url": "https://house.mo.gov/Bill.aspx?bill=HB2273&year=2026",
        "session": "2026",
        "latest_action": "Perfected",
        "latest_action_date": "2026-02-05",
        "areas": [ids["4"]],
    }
    data.update(overrides)
    return admin.post("/admin/bills/mo/new", data=data)


def test_without_a_key_an_admin_adds_a_bill_by_hand_and_it_shows_under_its_area(app, admin, auth):
    app.config["OPENSTATES_API_KEY"] = ""
    page = admin.get("/admin/bills?state=mo")
    assert "No Open States API key is set" in text_of(page) and "ADVOCACY_OPENSTATES_API_KEY" in text_of(page)

    saved = hand_bill(admin)

    assert saved.status_code == 302
    assert "HB 2273 is added to Missouri's bills." in text_of(admin.get(saved.headers["Location"]))
    auth.logout()  # the state page as everyone sees it
    justice = under(text_of(admin.get("/states/mo")), "Access to Justice for Trafficking Survivors")
    assert "HB 2273 : Protects children and vulnerable persons from trafficking" in justice
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "bill.add"))
    after = json.loads(event.after)
    assert after["identifier"] == "HB 2273" and after["areas"] == ["access-to-justice"]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"identifier": "the big one"}, "give the bill's number as the legislature writes it"),
        ({"title": ""}, "Give the bill's title."),
        ({"url": "http://house.mo.gov/x"}, "as a web address starting with https://"),
        ({"areas": []}, "choose at least one issue area the bill addresses"),
        ({"latest_action_date": "soon"}, "Not a valid date value."),
    ],
)
def test_a_hand_entered_bill_with_a_mistake_is_refused_saying_what_to_fix(admin, overrides, message):
    refused = hand_bill(admin, **overrides)

    assert refused.status_code == 400
    assert message in text_of(refused)
    assert db.session.scalar(select(func.count()).select_from(Bill)) == 0


def test_the_same_bill_cannot_be_added_twice(admin):
    hand_bill(admin)

    again = hand_bill(admin, identifier="HB 2273")

    assert again.status_code == 400
    assert "Missouri already has HB 2273 in the 2026 session" in text_of(again)
    assert db.session.scalar(select(func.count()).select_from(Bill)) == 1


def test_an_admins_areas_and_hiding_hold_over_later_refreshes(runner, admin, stand_in):
    refresh(runner)
    bill_ = stored()["HB 1946"]
    page = admin.get("/admin/bills?state=mo")
    body = page.get_data(as_text=True)
    option = re.search(rf'id="bill-{bill_.id}-areas-\d+"[^>]*value="(\d+)"[^>]*>\s*<label[^>]*>\s*2\.', body)
    corrected = admin.post(
        f"/admin/bills/{bill_.id}/areas",
        data={"csrf_token": csrf_token(page), f"bill-{bill_.id}-areas": [option.group(1)]},
    )
    hidden = admin.post(f"/admin/bills/{stored()['HB 2273'].id}/hide", data={"csrf_token": csrf_token(page)})
    stand_in.bills = [dict(b, updated_at="2099-01-01T00:00:00+00:00") for b in stand_in.bills]
    refresh(runner)

    assert corrected.status_code == hidden.status_code == 302
    bills = stored()
    assert [a.code for a in bills["HB 1946"].areas] == ["2"] and bills["HB 1946"].areas_confirmed
    assert bills["HB 2273"].hidden
    assert [b["identifier"] for b in admin.get("/api/v1/states/mo/bills").get_json()["items"]] == ["HB 1946"]
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"bill.areas", "bill.hide"} <= actions


def background_refreshes_finish() -> None:
    """Wait for the refreshes "Refresh now" started in threads (without Redis) to end."""
    for thread in threading.enumerate():
        if thread.name == "job-bills_job":
            thread.join(timeout=60)


@pytest.mark.committed  # the refresh runs on a thread of its own, with its own connection
def test_an_admin_refreshes_one_state_now_and_chooses_its_session(admin, stand_in):
    page = admin.get("/admin/bills?state=mo")
    chosen = admin.post(
        "/admin/bills/mo/session",
        data={"csrf_token": csrf_token(page), "session-identifier": "2025", "session-name": "2025 Regular"},
    )
    refreshed = admin.post("/admin/bills/mo/refresh", data={"csrf_token": csrf_token(page)})

    assert chosen.status_code == refreshed.status_code == 302
    assert "Missouri's refresh has started" in text_of(admin.get(refreshed.headers["Location"]))
    background_refreshes_finish()
    assert "session 2025: 1 added, 0 updated, 0 unchanged" in text_of(admin.get("/admin/bills?state=mo"))
    # The admin's session: no need to ask for the sessions; its pending bill's hearings are asked for.
    assert [r.path for r in stand_in.asked] == ["/bills", "/events"]
    assert set(stored()) == {"HB 224"}


# --- choosing the session ---------------------------------------------------------------------


def session_(identifier: str, start: str, end: str, classification: str = "primary") -> Session:
    return Session(identifier, identifier, classification, start, end)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 3, 1), "2026"),  # the regular session running today
        (date(2025, 6, 10), "2025"),  # during a special session: the regular one stays
        (date(2025, 10, 1), "2025"),  # between sessions: the last regular session
        (date(2025, 12, 1), "2026"),  # pre-filing for the next regular session has opened
        (date(2026, 11, 30), "2026"),
        (date(2024, 1, 1), "2025"),  # nothing started yet: the earliest listed
    ],
)
def test_the_current_session_is_chosen_by_date_preferring_regular_sessions(today, expected):
    sessions = [
        session_("2025", "2025-01-08", "2025-05-30"),
        session_("2025S1", "2025-06-02", "2025-06-16"),
        session_("2025S2", "2025-09-03", "2025-09-17"),
        session_("2026", "2026-01-07", "2026-05-15"),
    ]

    assert current_session(sessions, today).identifier == expected


def test_biennial_sessions_are_regular_sessions_too():
    sessions = [session_("2023-2024", "2023-01-09", "2024-12-31"), session_("2025-2026", "2025-01-13", "")]

    assert current_session(sessions, date(2026, 6, 1)).identifier == "2025-2026"


def test_the_rubric_searches_with_quoted_phrases_and_finds_areas_by_word_starts():
    topics = rubric()

    assert topics.query().count(" OR ") == len(topics.search) - 1
    assert all(part.startswith('"') and part.endswith('"') for part in topics.query().split(" OR "))
    assert topics.area_codes("Requires TRAINING for officers") == ["6"]
    assert topics.area_codes("Modifies the date of a constraining order") == []  # "training" inside a word
    assert topics.area_codes("Allows vacatur and expungement of convictions") == ["4"]


def test_a_bill_without_sponsors_or_actions_is_kept(runner, stand_in):
    stand_in.bills = [bill(50, "SB 779", "Creates a human trafficking task force")]

    result = refresh(runner)

    assert (
        result.output.splitlines()[0]
        == "mo: 1 added, 0 updated, 0 unchanged; 0 committees, 0 hearings (3 requests)"
    )
    kept = stored()["SB 779"]
    assert kept.sponsors == [] and kept.latest_action == "" and kept.latest_action_date is None
    assert [a.code for a in kept.areas] == ["6"]


# --- letters and campaigns ----------------------------------------------------------------------


def letter_form(client, to: int, area: str = "access-to-justice", campaign: str = ""):
    url = f"/letters/new?state=mo&area={area}&to={person_id(to)}" + (
        f"&campaign={campaign}" if campaign else ""
    )
    return url, client.get(url)


def preview(client, to: int, bill_id: str, area: str = "access-to-justice", action: str = "preview"):
    url, page = letter_form(client, to, area)
    form = {
        "csrf_token": csrf_token(page),
        "area": area,
        "variant": "ask",
        "bill": bill_id,
        "to": [person_id(to)],
        "sender_name": "Pat Doe",
        "sender_town": "Columbia",
        "action": action,
    }
    return client.post(url, data=form)


@pytest.fixture
def bills_and_members(runner, stand_in, sponsors) -> dict[str, Bill]:
    """The 2026 session still sitting (the real one ended on May 15, 2026), and a third member."""
    stand_in.sessions[-1] = dict(stand_in.sessions[-1], end_date="2099-05-15")
    make_legislator(db.session, n=13, name="Cy Member", chamber="lower", district="7")
    db.session.commit()
    refresh(runner)
    return stored()


def test_the_letter_form_offers_the_chosen_areas_bills(client, bills_and_members):
    _, page = letter_form(client, 13)
    body = page.get_data(as_text=True)
    select = body.split('name="bill"')[1].split("</select>")[0]
    options = re.findall(r"<option[^>]*>([^<]*)</option>", select)

    assert options == [
        "No particular bill",
        "HB 2273: Modifies provisions relating to the protection of children and vulnerable persons",
    ]
    assert "A letter that names a bill gets a more specific answer" in text_of(page)


def test_a_letter_naming_a_bill_asks_a_lawmaker_to_support_it(client, bills_and_members):
    bill_id = str(bills_and_members["HB 2273"].id)

    seen = text_of(preview(client, 13, bill_id))

    assert (
        'HB 2273, "Modifies provisions relating to the protection of children and vulnerable persons", '
        "sponsored by Ed Lewis, is before the legislature now: will you co-sponsor it, or vote yes when it "
        "comes before you?"
    ) in seen
    assert "whether you will support HB 2273?" in seen


def test_a_letter_to_a_sponsor_thanks_them_instead_of_asking(client, bills_and_members):
    bill_id = str(bills_and_members["HB 2273"].id)

    seen = text_of(preview(client, 11, bill_id))

    assert 'Thank you for sponsoring HB 2273, "Modifies provisions' in seen
    assert 'its latest step was "Perfected (H)" on February 5, 2026' in seen
    assert "will you file or co-sponsor a bill" not in seen and "will you co-sponsor it" not in seen
    assert "Would you let me know how people in Missouri can help it pass?" in seen
    assert "whether you will support" not in seen


def test_a_saved_letter_remembers_its_bill(client, bills_and_members):
    bill_ = bills_and_members["HB 2273"]

    saved = preview(client, 13, str(bill_.id), action="save")

    assert saved.status_code == 302
    letter = db.session.scalar(select(Letter))
    assert letter.bill_id == bill_.id and "HB 2273" in letter.body


def test_a_bill_on_another_issue_is_refused_and_nothing_is_saved(client, bills_and_members):
    other = str(bills_and_members["HB 1946"].id)

    refused = preview(client, 13, other, action="save")

    assert refused.status_code == 200
    assert "HB 1946 is not about Access to Justice for Trafficking Survivors" in text_of(refused)
    assert db.session.scalar(select(func.count()).select_from(Letter)) == 0


def test_a_template_may_use_the_bill_and_nothing_the_bill_lacks(app):
    check_text(
        "About {% if bill %}{{ bill.identifier }}{% endif %}",
        "{% if bill %}{{ bill.sponsors | join(', ') }}{% endif %}",
    )
    with pytest.raises(TemplateProblem) as refused:
        check_text("About {{ bill.shoe_size }}", "Hello")
    assert "shoe_size" in str(refused.value)
    with pytest.raises(TemplateProblem) as unguarded:
        check_text("About {{ bill.identifier }}", "Hello")  # a letter without a bill cannot render it
    assert "For a constituent writing about an area without scores" in str(unguarded.value)


def campaign_with_bill(organizer, bill_: Bill, areas: list[str]):
    page = organizer.get("/campaigns/new")
    return organizer.post(
        "/campaigns/new",
        data={
            "csrf_token": csrf_token(page),
            "title": "Pass HB 2273",
            "slug": "pass-hb-2273",
            "description": "Ask the House to pass HB 2273.",
            "state": "mo",
            "focus_areas": areas,
            "template": "",
            "bill": str(bill_.id),
            "target": "lower",
            "target_districts": "",
            "goal": "10",
        },
    )


def test_a_campaign_backs_a_bill_thanks_its_sponsors_and_shows_each_lawmakers_stance(
    organizer, bills_and_members
):
    bill_ = bills_and_members["HB 2273"]
    created = campaign_with_bill(organizer, bill_, ["access-to-justice"])
    assert created.status_code == 302, text_of(created)
    campaign = db.session.scalar(select(Campaign))
    assert campaign.bill_id == bill_.id

    save_letter(organizer, person_id(13), campaign="pass-hb-2273", area="access-to-justice")
    save_letter(organizer, person_id(11), campaign="pass-hb-2273", area="access-to-justice")
    letters = {letter.legislator_id: letter for letter in db.session.scalars(select(Letter))}
    dashboard = text_of(organizer.get("/campaigns/pass-hb-2273/dashboard"))

    assert "will you co-sponsor it, or vote yes" in letters[person_id(13)].body
    assert "Thank you for sponsoring HB 2273" in letters[person_id(11)].body
    assert {letter.bill_id for letter in letters.values()} == {bill_.id}
    assert "On HB 2273" in dashboard
    assert "Representative Ed Lewis 6 1 0 0 0 0 0 Sponsor (thanked)" in dashboard
    assert "Representative Cy Member 7 1 0 0 0 0 0 Letter drafted" in dashboard


def test_a_campaigns_bill_must_address_one_of_its_focus_areas(organizer, bills_and_members):
    refused = campaign_with_bill(organizer, bills_and_members["HB 1946"], ["access-to-justice"])

    assert refused.status_code == 200
    assert "HB 1946 addresses none of the campaign's focus areas" in text_of(refused)
    assert db.session.scalar(select(func.count()).select_from(Campaign)) == 0


def test_the_worker_spreads_a_days_refreshes_over_the_day(app, stand_in, redis_url):
    app.config["REDIS_URL"] = redis_url
    states = all_states(db.session)

    said = bills_day_job()

    registry = ScheduledJobRegistry(queue=queue())
    jobs = [queue().fetch_job(job_id) for job_id in registry.get_job_ids()]
    refreshes = sorted(
        (registry.get_scheduled_time(job), job.args[0][0])
        for job in jobs
        if job.func_name.endswith("bills_job")
    )
    minutes = round(24 * 60 / len(states))
    assert said == f"{len(states)} states booked, {minutes} minutes apart"
    assert sorted(abbr for _, abbr in refreshes) == sorted(s.abbr for s in states)
    gaps = {round((b[0] - a[0]).total_seconds() / 60) for a, b in itertools.pairwise(refreshes)}
    assert gaps == {minutes}
    assert sum(1 for job in jobs if job.func_name.endswith("bills_day_job")) == 1  # and tomorrow's booking


def test_without_a_key_the_worker_books_only_tomorrows_check(app, redis_url):
    app.config.update(REDIS_URL=redis_url, OPENSTATES_API_KEY="")

    said = bills_day_job()

    assert said == "no Open States API key: bills are added by hand"
    assert len(ScheduledJobRegistry(queue=queue()).get_job_ids()) == 1


# What each topic in ../shared/data/openstates-bills/missouri-bills.csv is, as an issue area.
TOPIC_AREAS = {
    "safe harbor": "2",
    "buyer penalties": "1",
    "trafficker penalties": "1",
    "facilitator": "1",
    "enticement": "1",
    "child sexual abuse material": "1",
    "anti-trafficking fund": "3",
    "vacatur": "4",
    "civil statute": "4",
    "hearsay": "5",
    "training": "6",
    "statewide council": "6",
    "task force": "6",
}


def test_on_nineteen_real_bills_the_rubric_names_no_area_a_bill_does_not_address():
    rows = list(
        csv.DictReader(io.StringIO((shared_data("openstates-bills") / "missouri-bills.csv").read_text()))
    )
    found = {}
    for row in rows:
        expected = {area for topic, area in TOPIC_AREAS.items() if topic in row["topic"].lower()}
        got = set(rubric().area_codes(row["title"]))
        assert got <= expected, (row["identifier"], row["title"], got, expected)
        found[row["identifier"]] = got

    # Titles that say what the bill does are placed; omnibus titles wait for an admin.
    assert found["SB 779"] == {"6"} and found["HB 385"] == {"4"} and found["SB 71"] == {"1"}
    assert found["SB 775"] == {"2", "6"} and found["SJR 92"] == {"1"}


def test_the_client_keeps_to_the_free_keys_rate_between_requests(stand_in, httpserver):
    waits: list[float] = []
    api = OpenStatesAPI(httpserver.url_for("/").rstrip("/"), KEY, per_minute=10, sleep=waits.append)

    with api:
        api.sessions("mo")
        api.sessions("mo")

    assert len(waits) == 1 and 5.5 < waits[0] <= 6.0  # 60 s / 10 requests, less the first's time
    assert api.requests == 2


def test_a_campaigns_page_names_the_bill_it_backs(organizer, client, bills_and_members):
    campaign_with_bill(organizer, bills_and_members["HB 2273"], ["access-to-justice"])

    seen = text_of(client.get("/campaigns/pass-hb-2273"))

    assert "It backs HB 2273 , “Modifies provisions relating" in seen
    assert "its sponsors are thanked, and every other lawmaker is asked to co-sponsor it or vote yes." in seen


def test_a_bill_added_by_hand_is_taken_over_by_open_states_record_keeping_its_areas(
    app, admin, runner, stand_in
):
    app.config["OPENSTATES_API_KEY"] = ""
    hand_bill(admin)  # HB 2273 in 2026, on access to justice only
    app.config["OPENSTATES_API_KEY"] = KEY

    result = refresh(runner)

    assert (
        result.output.splitlines()[0]
        == "mo: 1 added, 1 updated, 0 unchanged; 1 committee, 0 hearings (4 requests)"
    )
    kept = stored()
    assert set(kept) == {"HB 2273", "HB 1946"}
    taken = kept["HB 2273"]
    assert taken.ocd_id == HB_2273["id"] and not taken.added_by_hand
    assert [a.slug for a in taken.areas] == ["access-to-justice"]  # the admin's, not the rubric's


def test_after_the_session_ends_the_page_says_so_and_letters_ask_for_the_bill_again(
    runner, client, stand_in, sponsors
):
    make_legislator(db.session, n=13, name="Cy Member", chamber="lower", district="7")
    db.session.commit()
    refresh(runner)  # Missouri's 2026 Regular Session ended on May 15, 2026
    bill_id = str(stored()["HB 2273"].id)

    page = text_of(client.get("/states/mo"))
    asking = text_of(preview(client, 13, bill_id))
    thanking = text_of(preview(client, 11, bill_id))

    assert (
        "The 2026 regular session ended on May 15, 2026; "
        "a bill that did not pass may be filed again next session."
        in under(page, "Access to Justice for Trafficking Survivors")
    )
    assert (
        "sponsored by Ed Lewis, did not pass before the last session ended: will you file it again" in asking
    )
    assert "is before the legislature now" not in asking
    assert "It did not pass before the session ended; I hope you will file it again." in thanking


def test_a_bill_that_became_law_is_marked_and_no_letter_asks_for_it(runner, client, stand_in, sponsors):
    signed = dict(HB_1946)
    signed["actions"] = [
        *HB_1946["actions"],
        {**HB_1946["actions"][-1], "id": "signed", "description": "Signed by Governor", "date": "2026-07-01",
         "classification": ["executive-signature"], "order": 9},
    ]  # fmt: skip
    signed["latest_action_description"], signed["latest_action_date"] = "Signed by Governor", "2026-07-01"
    stand_in.bills = [HB_2273, signed]
    refresh(runner)

    training = under(text_of(client.get("/states/mo")), "Prevention and Training")
    api = client.get("/api/v1/states/mo/bills?area=prevention-and-training").get_json()
    form = client.get(f"/letters/new?state=mo&area=prevention-and-training&to={person_id(12)}")

    assert "HB 1946 : Relating to anti-trafficking efforts Sponsored by" in training
    assert "Became law. Latest action, July 1, 2026: Signed by Governor" in training
    assert [(b["identifier"], b["status"]) for b in api["items"]] == [("HB 1946", "enacted")]
    assert 'name="bill"' not in form.get_data(as_text=True)  # nothing left to ask for on this issue


def test_an_unknown_state_is_refused_before_anything_is_asked(runner, stand_in):
    result = runner.invoke(args=["sync-bills", "--state", "zz"])

    assert result.exit_code == 2
    assert "unknown state code ZZ; use two-letter postal codes such as MO or DC" in result.output
    assert stand_in.asked == []


def test_a_campaign_backing_a_bill_offers_only_the_issues_the_bill_addresses(organizer, bills_and_members):
    bill_ = bills_and_members["HB 2273"]  # criminal provisions and access to justice
    campaign_with_bill(organizer, bill_, ["access-to-justice", "prevention-and-training"])

    _, page = letter_form(organizer, 13, area="", campaign="pass-hb-2273")
    body = page.get_data(as_text=True)
    areas = re.findall(r"<option[^>]*>([^<]*)</option>", body.split('name="area"')[1].split("</select>")[0])

    assert areas == ["4. Access to Justice for Trafficking Survivors"]
