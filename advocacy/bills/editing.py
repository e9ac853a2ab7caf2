"""An admin's changes to bills: areas confirmed or corrected, a bill hidden, a bill added by hand,
the session a state shows. Each is audited like every admin change."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from advocacy.audit import record
from advocacy.clock import utcnow
from advocacy.models import Bill, BillSession, IssueArea, State, User

IDENTIFIER = re.compile(r"^[A-Z]{1,5}\s?\d{1,5}[A-Z]?$")


class InvalidBill(ValueError):
    """What to fix in a bill an admin entered, in the admin's words."""


@dataclass(frozen=True)
class HandBill:
    identifier: str
    title: str
    url: str
    session: str
    areas: list[IssueArea]
    latest_action: str = ""
    latest_action_date: date | None = None


def normalize_identifier(text: str) -> str:
    """ "hb2273", "HB  2273" → "HB 2273", as legislatures write them."""
    compact = re.sub(r"\s+", "", text.strip().upper())
    return re.sub(r"^([A-Z]+)(\d)", r"\1 \2", compact)


def add_bill(session: Session, actor: User, state: State, entered: HandBill) -> Bill:
    identifier = normalize_identifier(entered.identifier)
    problems = []
    if not IDENTIFIER.match(identifier):
        problems.append("give the bill's number as the legislature writes it, such as HB 2273 or SB 60")
    if not entered.title.strip():
        problems.append("give the bill's title")
    if entered.url and not entered.url.startswith("https://"):
        problems.append("give the legislature's page for the bill as a web address starting with https://")
    if not entered.session.strip():
        problems.append("give the session, such as 2026")
    if not entered.areas:
        problems.append("choose at least one issue area the bill addresses")
    taken = session.scalar(
        select(Bill).where(
            Bill.state_abbr == state.abbr,
            Bill.session == entered.session.strip(),
            Bill.identifier == identifier,
        )
    )
    if taken is not None:
        problems.append(f"{state.name} already has {identifier} in the {entered.session.strip()} session")
    if problems:
        raise InvalidBill("Nothing was saved: " + "; ".join(problems) + ".")
    bill = Bill(
        state_abbr=state.abbr,
        session=entered.session.strip(),
        session_name=entered.session.strip(),
        identifier=identifier,
        title=entered.title.strip(),
        url=entered.url.strip(),
        latest_action=entered.latest_action.strip(),
        latest_action_date=entered.latest_action_date,
        first_seen_at=utcnow(),
        added_by_hand=True,
        areas_confirmed=True,
        areas=list(entered.areas),
    )
    session.add(bill)
    session.flush()
    record(session, actor, "bill.add", "bill", str(bill.id), after=_facts(bill))
    return bill


def set_areas(session: Session, actor: User, bill: Bill, areas: list[IssueArea]) -> None:
    """The admin's areas replace the rubric's, and later refreshes keep them."""
    before = _facts(bill)
    bill.areas = list(areas)
    bill.areas_confirmed = True
    record(session, actor, "bill.areas", "bill", str(bill.id), before=before, after=_facts(bill))


def set_hidden(session: Session, actor: User, bill: Bill, hidden: bool) -> None:
    before = _facts(bill)
    bill.hidden = hidden
    record(session, actor, "bill.hide" if hidden else "bill.show", "bill", str(bill.id), before, _facts(bill))


def choose_session(session: Session, actor: User, state: State, identifier: str, name: str) -> None:
    """Show this session's bills for the state until cleared; an empty identifier clears it."""
    kept = session.get(BillSession, state.abbr)
    before = {"session": kept.identifier, "by_admin": kept.chosen_by_admin} if kept else None
    identifier = identifier.strip()
    if not identifier:
        if kept is not None:
            session.delete(kept)
    else:
        if kept is None:
            kept = BillSession(state_abbr=state.abbr)
            session.add(kept)
        kept.identifier, kept.name = identifier, name.strip() or identifier
        kept.chosen_by_admin, kept.checked_at = True, utcnow()
    after = {"session": identifier, "by_admin": True} if identifier else None
    record(session, actor, "bill.session", "state", state.abbr, before=before, after=after)


def _facts(bill: Bill) -> dict:
    return {
        "state": bill.state_abbr,
        "session": bill.session,
        "identifier": bill.identifier,
        "areas": [a.slug for a in bill.areas],
        "hidden": bill.hidden,
    }
