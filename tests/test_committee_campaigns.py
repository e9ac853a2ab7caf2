"""Campaigns that follow a bill: they write to whoever decides its next step, count down to its
hearing, and their letters name the member's seat on the committee and the hearing."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from advocacy.campaigns import following
from advocacy.dates import long_date
from advocacy.extensions import db
from advocacy.legislators.constituency import NOBODY, FoundLawmakers
from advocacy.letters.service import Sender, draft_letters, template_for
from advocacy.models import Bill, BillEvent, Campaign, Committee, CommitteeMember, Legislator
from advocacy.models.bills import BillPlace, BillStatus
from advocacy.models.committees import BillEventKind
from advocacy.reportcards.service import (
    choose_report_card,
    featured_framework,
    find_issue_area,
    get_state,
    summarize,
)
from tests.builders import create_campaign, make_bill, make_committee, make_hearing
from tests.pages import csrf_token_or_blank, link_with_text, text_of

AREA = "identification-and-response"
SLUG = "pass-hb-1946"
SEAT = "the chair of the House Committee on Children and Families"


@pytest.fixture
def bill(app, lawmakers: list[Legislator]) -> Bill:
    """HB 1946 in the House Committee on Children and Families, whose chair is Cy Member (a
    representative); Di Member, the other representative, does not sit on it."""
    committee = make_committee(db.session, members=[(lawmakers[2], "Chair")])
    area = find_issue_area(featured_framework(db.session), AREA)
    made = make_bill(
        db.session,
        "HB 1946",
        areas=[area],
        place=BillPlace.COMMITTEE.value,
        place_chamber="lower",
        place_since=date(2026, 2, 10),
        committee_id=committee.id,
    )
    db.session.commit()
    return made


def create_committee_campaign(organizer, bill_: Bill | None):
    return create_campaign(
        organizer,
        title="Pass HB 1946",
        slug=SLUG,
        target="committee",
        bill=str(bill_.id) if bill_ is not None else "",
        starts_on="2026-01-05",
        ends_on="2026-05-15",
    )


def move(bill_: Bill, kind: BillEventKind, day: date, description: str, **place: object) -> None:
    """The bill moves as a refresh of the bills would note it: its place, and the move itself."""
    for name, value in place.items():
        setattr(bill_, name, value)
    bill_.events.append(
        BillEvent(
            key=f"{kind}-{day}",
            kind=kind.value,
            happened_on=day,
            description=description,
            source="https://house.mo.gov/Bill.aspx?bill=HB1946&year=2026",
            seen_at=datetime.combine(day, datetime.min.time()) + timedelta(hours=20),
        )
    )
    db.session.commit()


def targets_on_public_page(app) -> list[str]:
    page = app.test_client().get(f"/campaigns/{SLUG}")
    shown = text_of(page)
    return [name for name in ("Ada Senator", "Bo Senator", "Cy Member", "Di Member") if name in shown]


def test_an_organizer_creates_a_campaign_to_the_committee_that_holds_a_bill(organizer, app, bill):
    created = create_committee_campaign(organizer, bill)

    assert created.status_code == 302, text_of(created)
    assert targets_on_public_page(app) == ["Cy Member"]
    dashboard = text_of(organizer.get(f"/campaigns/{SLUG}/dashboard"))
    assert (
        "HB 1946 is in the House Committee on Children and Families: this campaign writes to its 1 member."
        in dashboard
    )
    assert "1 target with no letter yet" in dashboard


def test_a_committee_campaign_needs_a_bill_and_nothing_is_saved_without_one(organizer, app, bill):
    refused = create_committee_campaign(organizer, None)

    assert refused.status_code == 200
    assert "choose the bill whose committee the campaign writes to" in text_of(refused)
    assert db.session.scalar(select(func.count()).select_from(Campaign)) == 0


def test_when_the_bill_moves_to_the_floor_the_campaign_writes_to_the_whole_chamber(organizer, app, bill):
    create_committee_campaign(organizer, bill)
    before = text_of(organizer.get(f"/campaigns/{SLUG}/dashboard"))  # kept until something moves
    assert "writes to its 1 member" in before

    move(
        bill,
        BillEventKind.COMMITTEE_VOTE,
        date(2026, 3, 3),
        "Reported Do Pass (H)",
        place=BillPlace.FLOOR.value,
        committee_id=None,
        place_since=date(2026, 3, 3),
    )

    assert targets_on_public_page(app) == ["Cy Member", "Di Member"]
    dashboard = organizer.get(f"/campaigns/{SLUG}/dashboard")
    after = text_of(dashboard)
    assert (
        "HB 1946 moved to the House floor on March 3, 2026: this campaign now writes to all 2 members "
        "of the House." in after
    )
    assert (
        "Its moves since the campaign began: March 3, 2026: Committee vote: “Reported Do Pass (H)”" in after
    )
    assert link_with_text(dashboard, "source") == "https://house.mo.gov/Bill.aspx?bill=HB1946&year=2026"
    assert "2 targets with no letter yet" in after


def test_a_move_before_the_campaign_began_is_not_called_a_change(organizer, app, bill):
    bill.events.append(
        BillEvent(
            key="referral",
            kind=BillEventKind.REFERRED.value,
            happened_on=date(2025, 12, 2),
            committee_id=bill.committee_id,
            seen_at=datetime(2025, 12, 2, 20),
        )
    )
    db.session.commit()
    create_committee_campaign(organizer, bill)

    shown = text_of(organizer.get(f"/campaigns/{SLUG}/dashboard"))

    assert "HB 1946 is in the House Committee on Children and Families" in shown
    assert "moved" not in shown and "Its moves since the campaign began" not in shown


def test_once_the_bill_is_law_there_is_no_one_left_to_ask_and_every_page_says_so(
    organizer, app, lawmakers, bill
):
    create_committee_campaign(organizer, bill)
    move(
        bill,
        BillEventKind.ENACTED,
        date(2026, 7, 9),
        "Signed by Governor",
        status=BillStatus.ENACTED.value,
        place=BillPlace.UNKNOWN.value,
        committee_id=None,
    )
    nobody = (
        "HB 1946 became law on July 9, 2026: there is no one left to ask about it, "
        "so this campaign writes to no one now."
    )

    assert nobody in text_of(organizer.get(f"/campaigns/{SLUG}/dashboard"))
    visitor = app.test_client()
    public = text_of(visitor.get(f"/campaigns/{SLUG}"))
    assert nobody in public and "Cy Member" not in public
    form = visitor.get(f"/letters/new?state=mo&campaign={SLUG}")
    assert form.status_code == 200
    assert "HB 1946 became law, so this campaign has no one left to ask about it." in text_of(form)
    asked_anyway = visitor.get(f"/letters/new?state=mo&campaign={SLUG}&to={lawmakers[2].id}")
    assert asked_anyway.status_code == 404
    assert "is not one of the lawmakers “Pass HB 1946” writes to" in text_of(asked_anyway)


@pytest.mark.parametrize(
    ("today", "countdown"),
    [(date(2026, 2, 19), "in 5 days"), (date(2026, 2, 23), "tomorrow"), (date(2026, 2, 24), "today")],
)
def test_the_campaign_page_counts_down_to_the_hearing(organizer, app, bill, monkeypatch, today, countdown):
    committee = db.session.get(Committee, bill.committee_id)
    hearing = make_hearing(db.session, committee, datetime(2026, 2, 24, 9, 30), bills=[bill])
    db.session.commit()
    create_committee_campaign(organizer, bill)
    visitor = app.test_client()
    # The page is kept: first seen the day before, it must not show that day's countdown today.
    monkeypatch.setattr(following, "today", lambda: today - timedelta(days=1))
    visitor.get(f"/campaigns/{SLUG}")
    monkeypatch.setattr(following, "today", lambda: today)

    page = visitor.get(f"/campaigns/{SLUG}")

    assert (
        f"The hearing is {countdown}: February 24, 2026 at 9:30 AM, House Hearing Room 4, State Capitol."
        in text_of(page)
    )
    assert link_with_text(page, "About the hearing") == f"/hearings/{hearing.id}"
    assert link_with_text(page, "the hearing's listing") == "https://house.mo.gov/HearingsSchedule.aspx"
    assert "Until May 15, 2026." in text_of(page)


def test_without_a_hearing_to_come_no_deadline_is_shown(organizer, app, bill, monkeypatch):
    committee = db.session.get(Committee, bill.committee_id)
    make_hearing(db.session, committee, datetime(2026, 2, 24, 9, 30), bills=[bill])
    db.session.commit()
    create_committee_campaign(organizer, bill)
    monkeypatch.setattr(following, "today", lambda: date(2026, 2, 25))  # the hearing is past

    shown = text_of(app.test_client().get(f"/campaigns/{SLUG}"))

    assert "The hearing is" not in shown and "About the hearing" not in shown
    assert "Until May 15, 2026." in shown


def drafted(person: Legislator, bill_: Bill, found: FoundLawmakers = NOBODY) -> str:
    """An ask letter about the bill, drafted on February 19, 2026, as the letter form drafts it."""
    state = get_state(db.session, "mo")
    card = choose_report_card(db.session, state)
    area = find_issue_area(card.edition.framework, AREA)
    sender = Sender("Pat Doe", "Columbia", "", "")
    (draft,) = draft_letters(
        template_for(db.session, area), summarize(db.session, card), state, area, [person], sender,
        date(2026, 2, 19), found, bill_,
    )  # fmt: skip
    return draft.letter.body


def test_a_letter_to_a_committee_member_names_their_seat_and_the_hearing(app, lawmakers, bill):
    committee = db.session.get(Committee, bill.committee_id)
    make_hearing(db.session, committee, datetime(2026, 2, 24, 9, 30), bills=[bill])

    body = drafted(lawmakers[2], bill)

    assert (
        f"As {SEAT}, which hears HB 1946 on February 24, 2026, you will help decide whether it moves "
        "forward. Thank you for your time and for your service." in body
    )
    assert "constituent" not in body  # the lookup did not find Cy Member for the writer
    assert "I live in Columbia, Missouri." in body


def test_a_letter_to_ones_own_lawmaker_on_the_committee_says_both(app, lawmakers, bill):
    found = FoundLawmakers(frozenset({lawmakers[2].id}), "Columbia")

    body = drafted(lawmakers[2], bill, found)

    assert "I am your constituent: I live in Columbia, in your district (3)." in body
    assert (
        f"As your constituent, I am writing to you in particular: as {SEAT}, which holds HB 1946 now, "
        "you will help decide whether it moves forward." in body
    )


def test_a_letter_to_a_lawmaker_off_the_committee_says_nothing_of_seats(app, lawmakers, bill):
    body = drafted(lawmakers[3], bill, FoundLawmakers(frozenset({lawmakers[3].id}), "Columbia"))

    assert "Committee" not in body and "help decide" not in body
    assert "Thank you for your time and for your service." in body


def test_a_letter_naming_a_bill_outside_any_campaign_names_the_seat_too(client, lawmakers, bill):
    committee = db.session.get(Committee, bill.committee_id)
    hearing_day = date.today() + timedelta(days=30)
    make_hearing(db.session, committee, datetime.combine(hearing_day, datetime.min.time()), bills=[bill])
    db.session.commit()
    url = f"/letters/new?state=mo&to={lawmakers[2].id}"
    form = {
        "csrf_token": csrf_token_or_blank(client.get(url)),
        "area": AREA,
        "variant": "ask",
        "bill": str(bill.id),
        "to": [lawmakers[2].id],
        "sender_name": "Pat Doe",
        "sender_town": "Columbia",
        "action": "preview",
    }

    shown = text_of(client.post(url, data=form))

    assert f"As {SEAT}, which hears HB 1946 on {long_date(hearing_day)}, you will help decide" in shown
    assert "As your constituent" not in shown  # no address lookup: no claim


def test_the_public_page_of_a_committee_campaign_costs_the_same_queries_however_many_members(
    organizer, app, lawmakers, bill, count_queries, monkeypatch
):
    committee = db.session.get(Committee, bill.committee_id)
    make_hearing(db.session, committee, datetime(2026, 2, 24, 9, 30), bills=[bill])
    db.session.commit()
    create_committee_campaign(organizer, bill)
    monkeypatch.setattr(following, "today", lambda: date(2026, 2, 19))
    counts = []
    for extra in (None, lawmakers[3]):
        if extra is not None:
            committee.members.append(CommitteeMember(position=1, name=extra.name, legislator_id=extra.id))
            db.session.commit()
        with count_queries() as statements:
            page = app.test_client().get(f"/campaigns/{SLUG}")
        assert "The hearing is in 5 days" in text_of(page)
        counts.append(len(statements))

    assert targets_on_public_page(app) == ["Cy Member", "Di Member"]
    assert counts[0] == counts[1], counts
