"""Where a bill is and who decides its next step, in the words pages, letters and alerts share."""

from __future__ import annotations

from datetime import date, datetime

from advocacy.bills.whereabouts import (
    hearing_time,
    next_hearing,
    place_words,
    seat_words,
    seats_of,
    upcoming_hearings,
    who_decides,
)
from advocacy.extensions import db
from advocacy.models import State
from tests.builders import make_bill, make_committee, make_hearing, make_legislator

TODAY = date(2026, 2, 12)


def test_a_bill_in_committee_says_which_and_since_when(app):
    committee = make_committee(db.session)
    bill = make_bill(db.session, place="committee", place_chamber="lower", place_since=date(2026, 2, 10))
    bill.committee = committee

    assert place_words(bill) == "In the House Committee on Children and Families since February 10, 2026"


def test_a_bill_on_the_floor_law_or_failed_says_so_and_an_unknown_place_says_nothing(app):
    floor = make_bill(db.session, "SB 60", place="floor", place_chamber="upper", place_since=date(2026, 3, 3))
    law = make_bill(db.session, "SB 775", status="enacted")
    failed = make_bill(db.session, "HB 2", status="failed")
    unknown = make_bill(db.session, "HB 3")

    assert place_words(floor) == "On the Senate floor since March 3, 2026"
    assert (place_words(law), place_words(failed), place_words(unknown)) == ("Became law", "Did not pass", "")


def test_a_committee_named_with_its_chamber_is_not_named_twice(app):
    committee = make_committee(db.session, "Senate Judiciary Committee", chamber="upper")
    assert committee.title == "Senate Judiciary Committee"


def test_the_next_hearing_skips_past_and_cancelled_ones(app):
    committee = make_committee(db.session)
    bill = make_bill(db.session)
    make_hearing(db.session, committee, datetime(2026, 2, 3, 12, 0), bills=[bill])
    make_hearing(db.session, committee, datetime(2026, 2, 17, 9, 30), bills=[bill], status="cancelled")
    coming = make_hearing(db.session, committee, datetime(2026, 2, 24, 9, 30), bills=[bill])
    db.session.expire(bill)

    assert next_hearing(bill, TODAY) is coming
    assert hearing_time(coming) == "February 24, 2026 at 9:30 AM"
    assert [h.id for h in upcoming_hearings(db.session, db.session.get(State, "mo"), TODAY)] == [coming.id]


def test_who_decides_follows_the_bill_from_committee_to_floor_and_stops_at_law(app):
    chair = make_legislator(db.session, n=1, chamber="lower", name="Alex Chair")
    member = make_legislator(db.session, n=2, chamber="lower", name="Blair Member")
    make_legislator(db.session, n=3, chamber="lower", name="Casey Other")
    make_legislator(db.session, n=4, chamber="upper", name="Dana Senator")
    committee = make_committee(db.session, members=[(chair, "Chair"), (member, "member")])
    bill = make_bill(db.session, place="committee", place_chamber="lower", committee_id=committee.id)

    assert [p.name for p in who_decides(db.session, bill)] == ["Alex Chair", "Blair Member"]
    bill.place, bill.committee_id = "floor", None
    assert [p.name for p in who_decides(db.session, bill)] == ["Alex Chair", "Blair Member", "Casey Other"]
    bill.status = "enacted"
    assert who_decides(db.session, bill) == []


def test_a_lawmakers_seats_are_named_as_a_letter_names_them(app):
    chair = make_legislator(db.session, n=1, chamber="lower")
    make_committee(db.session, members=[(chair, "Chair")])
    make_committee(db.session, "Judiciary", chamber="upper", members=[(chair, "member")])

    assert [seat_words(seat) for seat in seats_of(db.session, chair.id)] == [
        "a member of the Senate Committee on Judiciary",
        "the chair of the House Committee on Children and Families",
    ]
