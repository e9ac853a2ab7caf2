"""Each bill's committee, its members and hearings, and the bill's moves, from Open States API v3
(a local stand-in in the API's documented shapes, with Missouri's real bills and committees)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from pytest_httpserver import HTTPServer
from sqlalchemy import func, select

from advocacy.auth.service import create_user
from advocacy.bills.committees import committee_day
from advocacy.bills.service import api_from_config
from advocacy.bills.sync import RefreshOutcome, refresh_state
from advocacy.clients.openstates_api import Session, current_session
from advocacy.clock import utcnow
from advocacy.extensions import db
from advocacy.legislators.targets import targets_of
from advocacy.models import Bill, BillEvent, BillRefresh, BillSession, Campaign, Committee, Hearing, State
from advocacy.models.accounts import Role
from advocacy.models.campaigns import CampaignTarget
from tests.builders import make_legislator, person_id
from tests.openstates_api import (
    CHILDREN_AND_FAMILIES,
    GENERAL_LAWS,
    HB_1946,
    HB_2273,
    MISSOURI_2027,
    MISSOURI_SESSIONS,
    StandIn,
    action,
    bill,
    event,
    moved,
    serve_open_states,
)

TODAY = date(2026, 12, 8)


@pytest.fixture
def stand_in(app, httpserver: HTTPServer) -> StandIn:
    serving = StandIn()
    serve_open_states(app, httpserver, serving.handle)
    return serving


def refresh(app, today: date = TODAY) -> RefreshOutcome:
    with api_from_config(app.config) as api:
        outcome = refresh_state(db.session, api, db.session.get(State, "mo"), today)
    db.session.expire_all()
    return outcome


def bills() -> dict[str, Bill]:
    return {b.identifier: b for b in db.session.scalars(select(Bill))}


def moves(identifier: str) -> list[tuple[str, str]]:
    return [(e.kind, e.description) for e in bills()[identifier].events]


def changed(record: dict, **fields: object) -> dict:
    """The bill as Open States returns it after it moved: updated now, so the next refresh gets it."""
    return dict(record, updated_at="2099-01-01T00:00:00+00:00", **fields)


def serve(stand_in: StandIn, *records: dict) -> None:
    by_id = {r["id"]: r for r in records}
    stand_in.bills = [by_id.get(b["id"], b) for b in stand_in.bills]


def hearing_of_hb_1946(starts: str = "2026-12-15T12:00:00-06:00", **overrides: object) -> dict:
    return event(1, starts, CHILDREN_AND_FAMILIES, [HB_1946], **overrides)


def test_a_referral_puts_the_bill_in_its_committee_whose_members_are_kept(app, stand_in):
    make_legislator(db.session, n=21, name="Alex Chair", chamber="lower", district="1")
    db.session.commit()

    outcome = refresh(app)

    assert outcome.counts is not None, outcome.error
    hb_1946 = bills()["HB 1946"]
    assert (hb_1946.place, hb_1946.place_chamber, hb_1946.place_since) == (
        "committee",
        "lower",
        date(2026, 1, 8),
    )
    assert hb_1946.committee.title == "House Committee on Children and Families"
    assert [(m.name, m.role, m.legislator_id) for m in hb_1946.committee.members] == [
        ("Alex Chair", "Chair", person_id(21)),
        ("Sam Vice", "Vice Chair", None),  # not a lawmaker this site lists: kept by name
        ("Ed Lewis", "member", None),
        ("Unlisted Member", "member", None),
    ]
    assert moves("HB 1946") == [("referred", "Referred to the House Committee on Children and Families")]
    assert hb_1946.events[0].happened_on == date(2026, 1, 8)
    assert hb_1946.events[0].source == "https://www.house.mo.gov/bill.aspx?bill=HB1946&year=2026"


def test_a_bill_its_committee_reported_out_is_on_the_floor(app, stand_in):
    refresh(app)

    hb_2273 = bills()["HB 2273"]
    assert (hb_2273.place, hb_2273.place_chamber, hb_2273.place_since) == (
        "floor",
        "lower",
        date(2026, 1, 27),
    )
    assert hb_2273.committee is None
    assert [kind for kind, _ in moves("HB 2273")] == ["referred", "committee-vote"]


def test_a_bill_that_moves_from_committee_to_floor_is_noted_once(app, stand_in):
    refresh(app)
    serve(
        stand_in, moved(HB_1946, action("2026-12-07", "Voted Do Pass (H)", ["committee-passage-favorable"]))
    )

    refresh(app)
    refresh(app)

    hb_1946 = bills()["HB 1946"]
    assert (hb_1946.place, hb_1946.place_since, hb_1946.committee) == ("floor", date(2026, 12, 7), None)
    assert moves("HB 1946") == [
        ("referred", "Referred to the House Committee on Children and Families"),
        ("committee-vote", "Voted Do Pass (H)"),
    ]


def test_a_campaign_to_the_committee_follows_its_bill_from_committee_to_floor(app, stand_in):
    make_legislator(db.session, n=21, name="Alex Chair", chamber="lower", district="1")
    make_legislator(db.session, n=40, name="Blair Floor", chamber="lower", district="40")
    make_legislator(db.session, n=41, name="Casey Senate", chamber="upper", district="41")
    owner = create_user(db.session, "organizer@example.org", "a long and careful passphrase", Role.ORGANIZER)
    db.session.commit()
    refresh(app)
    campaign = Campaign(
        slug="pass-hb-1946",
        title="Pass HB 1946",
        state_abbr="mo",
        target=CampaignTarget.COMMITTEE.value,
        bill=bills()["HB 1946"],
        owner=owner,
        created_at=utcnow(),
    )
    db.session.add(campaign)
    db.session.commit()
    assert [p.name for p in targets_of(db.session, campaign)] == ["Alex Chair"]

    serve(
        stand_in, moved(HB_1946, action("2026-12-07", "Voted Do Pass (H)", ["committee-passage-favorable"]))
    )
    refresh(app)

    campaign = db.session.get(Campaign, campaign.id)
    assert [p.name for p in targets_of(db.session, campaign)] == ["Alex Chair", "Blair Floor"]


def test_a_second_refresh_with_nothing_new_notes_no_move(app, stand_in):
    stand_in.events = [hearing_of_hb_1946()]
    refresh(app)
    noted = db.session.scalar(select(func.count()).select_from(BillEvent))
    serve(stand_in, changed(HB_1946), changed(HB_2273))  # returned again, unchanged

    outcome = refresh(app)

    assert outcome.counts is not None, outcome.error
    assert db.session.scalar(select(func.count()).select_from(BillEvent)) == noted == 4


def test_a_hearing_added_between_two_refreshes_is_noted_once_per_bill(app, stand_in):
    refresh(app)
    assert [kind for kind, _ in moves("HB 1946")] == ["referred"]
    stand_in.events = [event(1, "2026-12-15T12:00:00-06:00", CHILDREN_AND_FAMILIES, [HB_1946, HB_2273])]

    second = refresh(app)
    refresh(app)

    assert second.where.hearings == 1
    for identifier in ("HB 1946", "HB 2273"):
        hearings = [e for e in bills()[identifier].events if e.kind == "hearing"]
        assert [(e.description, e.happened_on, e.source) for e in hearings] == [
            (
                "Hearing of the House Committee on Children and Families on December 15, 2026 at 12:00 PM, "
                "House Hearing Room 4",
                date(2026, 12, 15),
                "https://www.house.mo.gov/HearingsTimeOrder.aspx?n=1",
            )
        ]
    hearing = db.session.scalar(select(Hearing))
    assert (hearing.starts_at, hearing.status) == (datetime(2026, 12, 15, 12, 0), "confirmed")
    assert sorted(b.identifier for b in hearing.bills) == ["HB 1946", "HB 2273"]
    assert hearing.committee.name == "Children and Families"


def test_a_hearing_first_seen_cancelled_keeps_its_row_and_tells_no_one(app, stand_in):
    stand_in.events = [hearing_of_hb_1946(status="cancelled")]

    outcome = refresh(app)

    assert db.session.scalar(select(Hearing)).status == "cancelled"
    assert outcome.where.hearings == 0
    assert [kind for kind, _ in moves("HB 1946")] == ["referred"]


def test_a_hearing_called_off_or_moved_after_it_was_noted_is_noted_once_each(app, stand_in):
    stand_in.events = [hearing_of_hb_1946()]
    refresh(app)
    stand_in.events = [hearing_of_hb_1946("2026-12-17T09:30:00-06:00")]
    refresh(app)
    refresh(app)
    stand_in.events = [hearing_of_hb_1946("2026-12-17T09:30:00-06:00", status="cancelled")]

    outcome = refresh(app)
    refresh(app)

    assert db.session.scalar(select(Hearing)).status == "cancelled"
    assert outcome.where.hearings == 0
    assert moves("HB 1946")[1:] == [
        (
            "hearing",
            "Hearing of the House Committee on Children and Families on December 15, 2026 at 12:00 PM, "
            "House Hearing Room 4",
        ),
        (
            "hearing",
            "Moved to a new time: hearing of the House Committee on Children and Families on "
            "December 17, 2026 at 9:30 AM, House Hearing Room 4",
        ),
        (
            "hearing",
            "Called off: hearing of the House Committee on Children and Families on December 17, 2026 "
            "at 9:30 AM, House Hearing Room 4",
        ),
    ]


def test_an_admins_place_holds_over_later_refreshes(app, stand_in):
    refresh(app)
    by_hand = Committee(
        state_abbr="mo", chamber="lower", name="Crime Prevention and Public Safety", added_by_hand=True
    )
    hb_1946 = bills()["HB 1946"]
    hb_1946.place_by_admin, hb_1946.committee, hb_1946.place_since = True, by_hand, date(2026, 2, 10)
    db.session.commit()
    serve(
        stand_in, moved(HB_1946, action("2026-12-07", "Voted Do Pass (H)", ["committee-passage-favorable"]))
    )
    for committee in db.session.scalars(select(Committee).where(Committee.members_refreshed_at.is_not(None))):
        committee.members_refreshed_at -= timedelta(days=8)  # the committees are asked for again
    db.session.commit()

    refresh(app, TODAY + timedelta(days=8))

    hb_1946 = bills()["HB 1946"]
    assert (hb_1946.place, hb_1946.committee.name, hb_1946.place_since) == (
        "committee",
        "Crime Prevention and Public Safety",
        date(2026, 2, 10),
    )
    assert hb_1946.committee.added_by_hand and hb_1946.committee.members == []
    assert "/committees" in [r.path for r in stand_in.asked[-4:]]


def test_a_hearing_added_by_hand_is_never_touched_by_a_refresh(app, stand_in):
    refresh(app)
    by_hand = Hearing(
        state_abbr="mo",
        starts_at=datetime(2026, 12, 20, 9, 0),
        location="Room 313",
        added_by_hand=True,
        first_seen_at=utcnow(),
        bills=[bills()["HB 1946"]],
    )
    db.session.add(by_hand)
    db.session.commit()
    stand_in.events = [hearing_of_hb_1946()]

    refresh(app)

    hearings = {h.added_by_hand: h for h in db.session.scalars(select(Hearing))}
    assert (hearings[True].location, hearings[True].starts_at) == ("Room 313", datetime(2026, 12, 20, 9, 0))
    assert [b.identifier for b in hearings[True].bills] == ["HB 1946"]
    assert hearings[False].location == "House Hearing Room 4"


@pytest.mark.parametrize(
    ("hostile", "reason"),
    [
        ({"agenda": "HB 1946"}, "agenda is a text, not a list"),
        ({"start_date": "2026-12-15T25:00:00"}, "start_date is not a date"),
        ({"participants": [{"entity_type": "organization", "name": 7}]}, "participant name is a number"),
    ],
)
def test_an_event_of_the_wrong_shape_fails_the_refresh_and_changes_nothing(app, stand_in, hostile, reason):
    refresh(app)
    before = [(b.identifier, b.place, b.committee_id, len(b.events)) for b in bills().values()]
    serve(stand_in, changed(HB_1946, title="Relating to anti-trafficking efforts, amended"))
    stand_in.events = [dict(hearing_of_hb_1946(), **hostile)]

    outcome = refresh(app)

    assert outcome.counts is None and reason in outcome.error
    assert "not as the API documents it" in outcome.error
    assert bills()["HB 1946"].title == "Relating to anti-trafficking efforts"
    assert [(b.identifier, b.place, b.committee_id, len(b.events)) for b in bills().values()] == before
    assert db.session.scalar(select(func.count()).select_from(Hearing)) == 0


def test_an_action_of_the_wrong_shape_fails_the_refresh_and_keeps_no_bill(app, stand_in):
    hostile = moved(HB_1946, action("2026-12-07", "Referred: General Laws (H)", ["referral-committee"]))
    hostile["actions"][-1]["related_entities"] = {"name": "General Laws", "entity_type": "organization"}
    stand_in.bills = [hostile]

    outcome = refresh(app)

    assert outcome.counts is None and "action related_entities is an object, not a list" in outcome.error
    assert bills() == {} and db.session.scalar(select(func.count()).select_from(BillEvent)) == 0


def test_a_referral_without_a_related_committee_is_read_from_its_words(app, stand_in):
    stand_in.bills = [
        moved(HB_1946, action("2026-12-07", "Referred: General Laws (H)", ["referral-committee"]))
    ]

    refresh(app)

    hb_1946 = bills()["HB 1946"]
    assert (hb_1946.committee.name, hb_1946.committee.ocd_id, hb_1946.place_since) == (
        "General Laws",
        GENERAL_LAWS["id"],  # the week's list of the House's committees names it too
        date(2026, 12, 7),
    )
    assert moves("HB 1946")[-1] == ("referred", "Referred to the House Committee on General Laws")


def test_a_committee_of_the_wrong_shape_fails_the_refresh_and_keeps_no_bill(app, stand_in):
    stand_in.committees = [dict(CHILDREN_AND_FAMILIES, memberships={"person_name": "Alex Chair"})]

    outcome = refresh(app)

    assert outcome.counts is None and "memberships is an object, not a list" in outcome.error
    assert bills() == {} and db.session.scalar(select(func.count()).select_from(Committee)) == 0


def test_requests_a_day_fit_the_free_key(app, stand_in):
    """The figures in docs/data.md: a first refresh, a daily one, a weekly one."""
    stand_in.events = [hearing_of_hb_1946()]

    first = refresh(app)
    daily = refresh(app, TODAY + timedelta(days=1))
    session_checked = db.session.get(BillSession, "mo")
    session_checked.checked_at -= timedelta(days=8)
    for committee in db.session.scalars(select(Committee)):
        committee.members_refreshed_at -= timedelta(days=8)
    db.session.commit()
    weekly = refresh(app, TODAY + timedelta(days=8))

    assert (first.requests, daily.requests, weekly.requests) == (4, 2, 4)
    kept = [r.requests for r in db.session.scalars(select(BillRefresh).order_by(BillRefresh.id))]
    assert kept == [4, 2, 4]
    asked = [r.path for r in stand_in.asked]
    assert asked[:4] == ["/jurisdictions/mo", "/bills", "/committees", "/events"]
    # Only the chamber whose committee holds a bill: the House's.
    assert {r.args["chamber"] for r in stand_in.asked if r.path == "/committees"} == {"lower"}
    events = [r for r in stand_in.asked if r.path == "/events"]
    assert (events[0].args["after"], events[0].args["before"]) == ("2026-12-08", "2027-02-06")
    assert events[0].args["require_bills"] == "true"


def test_a_states_committees_are_asked_for_once_a_week_on_its_own_day(app, stand_in):
    refresh(app)
    asked_on = []
    for day in range(1, 15):
        for committee in db.session.scalars(
            select(Committee).where(Committee.members_refreshed_at.is_not(None))
        ):
            committee.members_refreshed_at -= timedelta(days=1)  # a day passes
        db.session.commit()
        before = len(stand_in.asked)
        refresh(app, TODAY + timedelta(days=day))
        if "/committees" in [r.path for r in stand_in.asked[before:]]:
            asked_on.append(TODAY + timedelta(days=day))

    assert len(asked_on) == 2 and asked_on[1] - asked_on[0] == timedelta(days=7)
    assert {day.toordinal() % 7 for day in asked_on} == {committee_day("mo")}


def test_committees_wait_for_another_day_when_the_days_allowance_is_spoken_for(app, stand_in):
    # Refreshes earlier today spent 150 of the key's 250: what is left is every other state's daily
    # refresh, so Missouri's committees wait, though its bills, places and hearings do not.
    db.session.add(
        BillRefresh(state_abbr="ks", session="2026", started_at=utcnow(), finished_at=utcnow(), requests=150)
    )
    db.session.commit()

    outcome = refresh(app)

    assert outcome.counts is not None, outcome.error
    assert "/committees" not in [r.path for r in stand_in.asked]
    hb_1946 = bills()["HB 1946"]
    assert hb_1946.committee.title == "House Committee on Children and Families"  # from its referral
    assert hb_1946.committee.members == []


def test_a_state_without_a_bill_before_a_committee_asks_for_no_committees(app, stand_in):
    stand_in.bills = [moved(HB_1946, action("2026-05-15", "Signed by Governor", ["executive-signature"]))]

    outcome = refresh(app)

    assert "/committees" not in [r.path for r in stand_in.asked]
    assert bills()["HB 1946"].status == "enacted" and bills()["HB 1946"].place == ""
    assert [kind for kind, _ in moves("HB 1946")] == ["referred", "enacted"]
    assert outcome.where.committees == 0


# --- the session: pre-filed bills of the next one ---------------------------------------------


def missouri_sessions() -> list[Session]:
    return [
        Session(s["identifier"], s["name"], s["classification"], s["start_date"], s["end_date"])
        for s in [*MISSOURI_SESSIONS, MISSOURI_2027]
    ]


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 12, 8), "2027"),  # pre-filing opened on 1 December for the session of 6 January
        (date(2026, 10, 1), "2026"),  # too early: the 2026 session, which ended in May, is shown
        (date(2027, 2, 1), "2027"),
    ],
)
def test_the_next_session_is_chosen_once_pre_filing_opens(today, expected):
    assert current_session(missouri_sessions(), today).identifier == expected


def test_pre_filed_bills_of_the_next_session_are_kept_as_pending(app, stand_in):
    stand_in.sessions.append(MISSOURI_2027)
    pre_filed = bill(
        40,
        "SB 12",
        "Modifies provisions relating to human trafficking victims' access to justice",
        session="2027",
        actions=[("2026-12-01", "Prefiled (S)")],
        updated_at="2026-12-01T10:00:00+00:00",
    )
    stand_in.bills = [*stand_in.bills, pre_filed]

    outcome = refresh(app)

    assert outcome.session == "2027" and db.session.get(BillSession, "mo").identifier == "2027"
    assert set(bills()) == {"SB 12"} and bills()["SB 12"].status == "pending"
    assert not bills()["SB 12"].session_over


def test_sync_bills_reports_committees_hearings_and_requests(runner, stand_in):
    soon = (date.today() + timedelta(days=7)).isoformat() + "T09:00:00-06:00"
    stand_in.events = [event(1, soon, CHILDREN_AND_FAMILIES, [HB_1946])]

    result = runner.invoke(args=["sync-bills", "--state", "mo"])

    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "mo: 2 added, 0 updated, 0 unchanged; 1 committee, 1 hearing (4 requests)",
        "total: 2 added, 0 updated, 0 unchanged",
    ]
    kept = db.session.scalar(select(BillRefresh))
    assert (kept.committees, kept.hearings, kept.requests) == (1, 1, 4)
