"""Everything a state's page shows, gathered by one call: its cards, the one asked for, the weakest
areas, the bills that address them, and the grade's history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from advocacy.bills.history import PastBill, past_bills_by_area
from advocacy.bills.service import Freshness, bills_by_area, freshness, state_bills
from advocacy.bills.whereabouts import HearingOutlook, hearing_outlook
from advocacy.models import Bill, Framework, IssueArea, ReportCard, State
from advocacy.reportcards.charts import Trend, grade_trends
from advocacy.reportcards.service import (
    CardSummary,
    choose_report_card,
    editions,
    featured_framework,
    find_issue_area,
    get_state,
    report_cards_for_state,
    states_sharing_grade,
    summarize,
)


class UnknownArea(ValueError):
    """`?area=` names no issue area of the featured framework; the message says what to use."""


@dataclass(frozen=True)
class StatePage:
    state: State
    cards: list[ReportCard]  # every card of the state, newest first
    requested_year: int | None  # `?edition=`, when asked
    summary: CardSummary | None  # the card shown, with its standings and weakest areas
    framework: Framework | None  # the featured one
    chosen_area: IssueArea | None  # `?area=`: the address box writes about it
    bills: dict[int, list[Bill]]  # issue-area id → the bills before the legislature that address it
    bill_freshness: Freshness
    hearings: HearingOutlook  # each bill's next hearing, or why none is shown
    # issue-area code of the featured framework → the bills of past sessions that addressed it, from
    # the shipped file (no query); never pending, never in `bills`
    past_bills: dict[str, list[PastBill]]
    trends: list[Trend]
    sharing: int  # how many states share the card's grade


def state_page(
    session: Session,
    abbr: str,
    year: int | None,
    area_key: str,
    today: date | None = None,
    asks_open_states: bool = False,
) -> StatePage:
    """The page for `/states/<abbr>?edition=YEAR&area=KEY` (UnknownState, UnknownEdition and
    UnknownArea say what is wrong); hearings from `today` on count as coming."""
    state = get_state(session, abbr)
    current = state_bills(session, state)
    cards = report_cards_for_state(session, state)
    card = choose_report_card(session, state, year, cards)
    framework = featured_framework(session)
    return StatePage(
        state=state,
        cards=cards,
        requested_year=year,
        summary=summarize(session, card) if card else None,
        framework=framework,
        chosen_area=_chosen_area(framework, area_key),
        bills=bills_by_area(current),
        bill_freshness=freshness(session, state),
        hearings=hearing_outlook(session, state, current, today or date.today(), asks_open_states),
        past_bills=past_bills_by_area(state.abbr, framework.key, current) if framework else {},
        trends=grade_trends(editions(session), cards),
        sharing=states_sharing_grade(session, card) if card else 0,
    )


def _chosen_area(framework: Framework | None, key: str) -> IssueArea | None:
    key = key.strip()
    if not key:
        return None
    area = find_issue_area(framework, key) if framework else None
    # Only the forms links give, so that the pages kept per area stay few.
    if area is None or key not in (area.slug, str(area.number)):
        raise UnknownArea(f"There is no issue area {key!r}: use a number from 1 to 6 or an area's slug.")
    return area
