"""Committees and hearings on the pages: where each bill is and its next hearing on the state page,
a hearing's own page, a state's upcoming hearings, a lawmaker's committees, the API's bill items
and hearings, and an admin's corrections."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from advocacy.bills.whereabouts import hearing_time
from advocacy.dates import long_date
from advocacy.extensions import db
from advocacy.models import AuditEvent, Bill, BillEvent, BillRefresh, Framework, Hearing, IssueArea
from tests.builders import make_bill, make_committee, make_hearing, make_legislator
from tests.pages import csrf_token, link_with_text, text_of

JUSTICE = "Access to Justice for Trafficking Survivors"


def featured_area(slug: str) -> IssueArea:
    return db.session.scalar(
        select(IssueArea).join(Framework).where(Framework.featured, IssueArea.slug == slug)
    )


def under_weak_area(seen: str, area: str) -> str:
    """What the state page shows under one weak area: from its name to its "Write about this"."""
    weakest = seen.split("Where the law is weakest", 1)[1].split("Every issue area", 1)[0]
    return weakest.split(area, 1)[1].split("Write about this", 1)[0]


def soon(days: int, hour: int = 9, minute: int = 30) -> datetime:
    """A moment `days` from today, in the legislature's own time."""
    return datetime.combine(date.today() + timedelta(days=days), time(hour, minute))


@pytest.fixture
def held_bill(app):
    """HB 2273 in the House Committee on Children and Families since February 10, 2026, with a
    chair and a member, and a hearing in a week."""
    chair = make_legislator(db.session, n=1, chamber="lower", name="Alex Chair")
    member = make_legislator(db.session, n=2, chamber="lower", name="Sam Member")
    committee = make_committee(db.session, members=[(chair, "Chair"), (member, "member")])
    bill = make_bill(
        db.session,
        "HB 2273",
        areas=[featured_area("access-to-justice")],
        place="committee",
        place_chamber="lower",
        place_since=date(2026, 2, 10),
        committee_id=committee.id,
    )
    hearing = make_hearing(db.session, committee, soon(7), bills=[bill])
    db.session.commit()
    return bill, committee, hearing


def test_a_bill_line_says_where_the_bill_is_and_links_its_next_hearing_with_the_source(client, held_bill):
    _bill, _committee, hearing = held_bill

    page = client.get("/states/mo")
    justice = under_weak_area(text_of(page), JUSTICE)

    assert "In the House Committee on Children and Families since February 10, 2026." in justice
    assert (
        f"Next hearing: {hearing_time(hearing)} , House Hearing Room 4, State Capitol, before the House "
        "Committee on Children and Families. Source: house.mo.gov ." in justice
    )
    assert link_with_text(page, hearing_time(hearing)) == f"/hearings/{hearing.id}"
    assert link_with_text(page, "house.mo.gov") == "https://house.mo.gov/HearingsSchedule.aspx"
    assert "no upcoming hearings" not in justice


def test_a_past_or_cancelled_hearing_is_not_the_next_one_and_the_page_says_none_is_listed(client, app):
    app.config["OPENSTATES_API_KEY"] = "a-key"
    committee = make_committee(db.session)
    bill = make_bill(db.session, "HB 2273", areas=[featured_area("access-to-justice")])
    make_hearing(db.session, committee, soon(-3), bills=[bill])
    make_hearing(db.session, committee, soon(3), bills=[bill], status="cancelled")
    db.session.commit()
    before_any_refresh = under_weak_area(text_of(client.get("/states/mo")), JUSTICE)
    db.session.add(
        BillRefresh(state_abbr="mo", session="2026", started_at=soon(-1), finished_at=soon(-1), hearings=0)
    )
    db.session.commit()

    justice = under_weak_area(text_of(client.get("/states/mo")), JUSTICE)

    assert "Next hearing" not in justice
    assert (
        "Open States lists no upcoming hearings for Missouri; the legislature's own calendar may." in justice
    )
    assert "Hearings are read from Open States with the next refresh of the bills" in before_any_refresh


def test_without_a_key_the_page_says_hearings_come_from_open_states(client, app):
    app.config["OPENSTATES_API_KEY"] = ""
    make_bill(db.session, "HB 2273", areas=[featured_area("access-to-justice")])
    db.session.commit()

    justice = under_weak_area(text_of(client.get("/states/mo")), JUSTICE)

    assert "Hearings come from Open States, and this site has no Open States key to ask it" in justice
    assert "Open States lists no upcoming hearings" not in justice


def test_the_state_page_says_once_that_no_hearing_is_listed_however_many_areas_have_bills(client, app):
    app.config["OPENSTATES_API_KEY"] = ""
    make_bill(db.session, "HB 2273", areas=[featured_area("access-to-justice")])
    make_bill(db.session, "HB 1946", areas=[featured_area("prevention-and-training")])
    db.session.commit()

    seen = text_of(client.get("/states/mo"))

    assert "HB 2273" in seen and "HB 1946" in seen
    assert seen.count("Hearings come from Open States, and this site has no Open States key to ask it") == 1


def test_the_state_page_costs_the_same_queries_for_one_bill_or_many(client, held_bill, count_queries):
    _bill, committee, _hearing = held_bill
    with count_queries() as one:
        assert client.get("/states/mo?area=4").status_code == 200
    for n in range(8):
        more = make_bill(
            db.session,
            f"SB {100 + n}",
            areas=[featured_area("access-to-justice")],
            place="committee",
            place_chamber="lower",
            committee_id=make_committee(db.session, f"Committee {n}").id,
        )
        make_hearing(db.session, committee, soon(n + 1), bills=[more])
    db.session.commit()

    with count_queries() as many:
        assert client.get("/states/mo?area=4").status_code == 200

    assert len(many) == len(one), "\n".join(many)


def test_a_hearing_page_lists_its_bills_and_the_committees_members(client, held_bill):
    bill, committee, hearing = held_bill
    chair, member = (seat.legislator_id for seat in committee.members)

    page = client.get(f"/hearings/{hearing.id}")
    seen = text_of(page)

    assert page.status_code == 200
    assert f"House Committee on Children and Families: hearing on {hearing_time(hearing)}" in seen
    assert "Where House Hearing Room 4, State Capitol" in seen and "Status Confirmed" in seen
    assert "HB 2273 : Relating to the protection of children (HB 2273)" in seen
    assert "In the House Committee on Children and Families since February 10, 2026." in seen
    assert "Representative Alex Chair , chair" in seen and "Representative Sam Member" in seen
    assert link_with_text(page, "Alex Chair") == f"/legislators/{chair}"
    write = urlsplit(link_with_text(page, "Write to the committee"))
    assert write.path == "/letters/new"
    assert parse_qs(write.query) == {"state": ["mo"], "to": [chair, member], "bill": [str(bill.id)]}


def test_an_unknown_hearing_is_a_clear_404(client):
    page = client.get("/hearings/999999")

    assert page.status_code == 404
    assert "There is no hearing number 999999 on this site" in text_of(page)


def test_a_states_hearings_page_lists_upcoming_hearings_or_says_none_are_listed(client, held_bill, app):
    _bill, _committee, hearing = held_bill
    app.config["OPENSTATES_API_KEY"] = "a-key"

    listed = client.get("/states/mo/hearings")
    none = client.get("/states/ks/hearings")

    assert f"{hearing_time(hearing)} : House Committee on Children and Families" in text_of(listed)
    assert "On the agenda: HB 2273" in text_of(listed)
    assert (
        "Open States lists no upcoming hearings for Kansas; the legislature's own calendar may."
        in text_of(none)
    )
    assert client.get("/states/zz/hearings").status_code == 404


def test_a_lawmakers_page_lists_their_committees_with_the_next_hearing(client, held_bill):
    _bill, committee, hearing = held_bill
    chair = committee.members[0].legislator_id

    page = client.get(f"/legislators/{chair}")
    seen = text_of(page)

    assert (
        f"Chair of the House Committee on Children and Families: next hearing {hearing_time(hearing)}" in seen
    )
    assert link_with_text(page, hearing_time(hearing)) == f"/hearings/{hearing.id}"


def test_a_lawmaker_on_no_committee_is_told_so(client, app):
    person = make_legislator(db.session, n=5)
    db.session.commit()

    assert "This site knows of no committee seat for Senator Jordan Example5." in text_of(
        client.get(f"/legislators/{person.id}")
    )


def test_a_write_to_a_hearing_shows_at_the_next_visit(client, held_bill):
    _bill, _committee, hearing = held_bill
    before = text_of(client.get(f"/hearings/{hearing.id}"))
    db.session.get(Hearing, hearing.id).location = "Senate Lounge"
    db.session.commit()

    after = text_of(client.get(f"/hearings/{hearing.id}"))

    assert "House Hearing Room 4" in before and "Where Senate Lounge" in after
    assert long_date(hearing.starts_at.date()) in after


def test_api_bill_items_carry_the_committee_and_the_next_hearing(client, held_bill):
    _bill, _committee, hearing = held_bill

    items = client.get("/api/v1/states/mo/bills").get_json()["items"]
    card = client.get("/api/v1/states/mo/report-card").get_json()

    assert items[0]["committee"] == {
        "name": "House Committee on Children and Families",
        "chamber": "lower",
        "since": "2026-02-10",
    }
    assert items[0]["next_hearing"] == {
        "starts_at": hearing.starts_at.strftime("%Y-%m-%dT%H:%M"),
        "all_day": False,
        "location": "House Hearing Room 4, State Capitol",
        "committee": "House Committee on Children and Families",
    }
    assert card["bills"] == items


def test_api_a_bill_on_the_floor_has_no_committee_and_no_hearing(client, app):
    make_bill(
        db.session, "SB 60", areas=[featured_area("access-to-justice")], place="floor", place_chamber="upper"
    )
    db.session.commit()

    (item,) = client.get("/api/v1/states/mo/bills").get_json()["items"]

    assert (item["committee"], item["next_hearing"]) == (None, None)


def test_api_lists_a_states_upcoming_hearings_with_their_weak_area_bills(client, held_bill):
    bill, _committee, hearing = held_bill
    off_topic = make_bill(db.session, "HB 9")  # on the agenda, but addresses no issue area
    db.session.get(Hearing, hearing.id).bills.append(off_topic)
    make_hearing(db.session, None, soon(-1), bills=[bill])  # yesterday's
    db.session.commit()

    answer = client.get("/api/v1/states/mo/hearings").get_json()

    assert answer["total"] == 1 and answer["page"] == 1
    (item,) = answer["items"]
    assert item["id"] == hearing.id and item["status"] == "confirmed"
    assert item["source"] == "https://house.mo.gov/HearingsSchedule.aspx"
    assert item["committee"] == "House Committee on Children and Families"
    assert item["bills"] == [
        {"id": bill.id, "identifier": "HB 2273", "title": bill.title, "areas": ["access-to-justice"]}
    ]
    assert client.get("/api/v1/states/zz/hearings").get_json()["error"]["code"] == "not_found"


# --- admins' corrections ---------------------------------------------------------------------


@pytest.fixture
def admin(client, auth):
    auth.create("admin@example.org", role="admin")
    auth.login("admin@example.org")
    return client


def changes() -> tuple[list[str], list[tuple[str, str]]]:
    """The audit log's actions, and the bills' noted moves (kind, key), as stored now."""
    db.session.expire_all()
    actions = list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
    moves = [(e.kind, e.key) for e in db.session.scalars(select(BillEvent).order_by(BillEvent.id))]
    return actions, moves


def place(admin, bill: Bill, **fields: str):
    page = admin.get("/admin/bills/mo/places")
    data = {"csrf_token": csrf_token(page), "place-bill": str(bill.id), "place-where": "committee"}
    data.update({f"place-{name}": value for name, value in fields.items()})
    return admin.post("/admin/bills/mo/place", data=data)


def test_an_admin_moves_a_bill_to_the_floor_and_the_state_page_and_its_history_say_so(admin, held_bill):
    bill, _committee, _hearing = held_bill

    moved = place(admin, bill, where="floor", chamber="lower", since="2026-03-02")

    assert moved.status_code == 302
    stored = db.session.get(Bill, bill.id)
    db.session.refresh(stored)
    assert (stored.place, stored.place_chamber, stored.committee_id, stored.place_by_admin) == (
        "floor",
        "lower",
        None,
        True,
    )
    justice = under_weak_area(text_of(admin.get("/states/mo")), JUSTICE)
    assert "On the House floor since March 2, 2026." in justice
    actions, moves = changes()
    assert actions[-1] == "bill.place"
    assert [kind for kind, _key in moves] == ["committee-vote"] and moves[0][1].startswith("admin:place:")


def test_an_admin_names_a_new_committee_and_clears_the_correction(admin, held_bill):
    bill, _committee, _hearing = held_bill

    place(admin, bill, new_committee="  Emerging  Issues ", chamber="upper", since="2026-02-20")
    stored = db.session.get(Bill, bill.id)
    db.session.refresh(stored)
    assert stored.committee.title == "Senate Committee on Emerging Issues" and stored.committee.added_by_hand
    page = admin.get("/admin/bills/mo/places")
    cleared = admin.post(f"/admin/bills/{bill.id}/place/clear", data={"csrf_token": csrf_token(page)})

    assert cleared.status_code == 302
    db.session.refresh(stored)
    assert stored.place_by_admin is False
    assert stored.committee.title == "Senate Committee on Emerging Issues"  # until a refresh decides
    actions, moves = changes()
    assert actions[-2:] == ["bill.place", "bill.place.clear"] and [k for k, _ in moves] == ["referred"]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"committee": "999999"}, "choose one of Missouri's committees from the list"),
        (
            {"new_committee": "   ", "chamber": "lower"},
            "choose the committee from the list, or type its name",
        ),
        (
            {"new_committee": "Rules", "chamber": "moon"},
            "choose the chamber of the new committee (Senate or House)",
        ),
        ({"where": "floor", "chamber": ""}, "choose the chamber whose floor it is on"),
        (
            {"where": "floor", "chamber": "upper", "since": "10/02/2026"},
            "give the date it got there as year-month-day",
        ),
    ],
)
def test_a_bad_place_says_what_to_fix_and_changes_nothing(admin, held_bill, fields, message):
    bill, committee, _hearing = held_bill
    before = changes()

    answer = place(admin, bill, **fields)

    assert answer.status_code == 400
    assert message in text_of(answer) and "Nothing was saved" in text_of(answer)
    stored = db.session.get(Bill, bill.id)
    db.session.refresh(stored)
    assert (stored.place, stored.committee_id, stored.place_by_admin) == ("committee", committee.id, False)
    assert changes() == before


def test_a_bill_of_another_state_cannot_be_placed(admin, held_bill):
    kansas = make_bill(db.session, "HB 5", state_abbr="ks")
    db.session.commit()

    answer = place(admin, kansas, where="floor", chamber="lower")

    assert answer.status_code == 400
    assert "Nothing was saved: choose one of Missouri's bills from the list." in text_of(answer)


def add_hearing_form(admin, **fields: object):
    page = admin.get("/admin/bills/mo/places")
    data = {"csrf_token": csrf_token(page)}
    data.update({f"hearing-{name}": value for name, value in fields.items()})
    return admin.post("/admin/bills/mo/hearings/new", data=data)


def test_an_admin_adds_a_hearing_that_the_pages_show_and_followers_hear_of_then_removes_it(admin, held_bill):
    bill, committee, _hearing = held_bill
    day = date.today() + timedelta(days=2)

    added = add_hearing_form(
        admin,
        committee=str(committee.id),
        day=day.isoformat(),
        clock="14:00",
        location="Senate Lounge",
        source="https://house.mo.gov/hearing/42",
        bills=[str(bill.id)],
    )

    assert added.status_code == 302
    hand = db.session.scalar(select(Hearing).where(Hearing.added_by_hand))
    assert (hand.starts_at, hand.location, [b.id for b in hand.bills]) == (
        datetime.combine(day, time(14, 0)),
        "Senate Lounge",
        [bill.id],
    )
    hearings_page = text_of(admin.get("/states/mo/hearings"))
    assert f"{long_date(day)} at 2:00 PM" in hearings_page
    actions, moves = changes()
    assert actions[-1] == "hearing.add" and moves == [("hearing", f"admin:hearing:{hand.id}")]

    page = admin.get("/admin/bills/mo/places")
    removed = admin.post(f"/admin/hearings/{hand.id}/remove", data={"csrf_token": csrf_token(page)})

    assert removed.status_code == 302
    assert db.session.scalar(select(Hearing).where(Hearing.added_by_hand)) is None
    actions, moves = changes()
    assert actions[-1] == "hearing.remove" and moves == []


def test_a_hearing_from_open_states_cannot_be_removed(admin, held_bill):
    _bill, _committee, hearing = held_bill
    page = admin.get("/admin/bills/mo/places")

    admin.post(f"/admin/hearings/{hearing.id}/remove", data={"csrf_token": csrf_token(page)})

    assert "Only a hearing added by hand can be removed." in text_of(admin.get("/admin/bills/mo/places"))
    assert db.session.get(Hearing, hearing.id) is not None


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"committee": "999999"}, "choose one of Missouri's committees from the list"),
        ({"day": "", "clock": "14:00"}, "give the hearing's date as well as its time"),
        ({"day": "tomorrow"}, "give the hearing's date as year-month-day"),
        ({"clock": "2pm"}, "give the time on a 24-hour clock"),
        ({"clock": ""}, "give the hearing's time, or tick 'All day'"),
        ({"source": "javascript:alert(1)"}, "give the source as a web address"),
        ({"bills": []}, "tick at least one bill on the hearing's agenda"),
        ({"bills": ["KANSAS"]}, "the agenda may hold only Missouri's bills from the list"),
    ],
)
def test_a_bad_hearing_says_what_to_fix_and_adds_nothing(admin, held_bill, fields, message):
    bill, committee, _hearing = held_bill
    kansas = make_bill(db.session, "HB 5", state_abbr="ks")
    db.session.commit()
    entry = {
        "committee": str(committee.id),
        "day": (date.today() + timedelta(days=2)).isoformat(),
        "clock": "09:30",
        "bills": [str(bill.id)],
    }
    entry.update(fields)
    if entry["bills"] == ["KANSAS"]:
        entry["bills"] = [str(kansas.id)]
    before = changes()

    answer = add_hearing_form(admin, **entry)

    assert answer.status_code == 400
    assert message in text_of(answer) and "Nothing was saved" in text_of(answer)
    assert db.session.scalar(select(Hearing).where(Hearing.added_by_hand)) is None
    assert changes() == before


def test_the_corrections_page_is_for_admins_only(client, held_bill):
    assert client.get("/admin/bills/mo/places").status_code in (302, 403)
