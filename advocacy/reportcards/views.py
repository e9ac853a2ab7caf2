"""The state page: grade, each issue area as a bar, and the weakest areas to write about."""

from flask import Blueprint, Response, abort, render_template, request

from advocacy.bills.service import bills_by_area, freshness, state_bills
from advocacy.caching import cached_page, conditional, report_cards_changed_at
from advocacy.extensions import db
from advocacy.models import Framework, IssueArea, ReportCard, State
from advocacy.reportcards.charts import grade_trends, tile_map
from advocacy.reportcards.service import (
    all_states,
    cards_in_edition,
    choose_report_card,
    edition_for_year,
    editions,
    featured_framework,
    find_issue_area,
    get_state,
    grade_distribution,
    report_cards_for_state,
    states_sharing_grade,
    summarize,
)

bp = Blueprint("reportcards", __name__)


def parse_edition(raw: str | None) -> int | None:
    """`?edition=YEAR`; anything else is the caller's mistake, answered with a 400 that says so."""
    if raw is None or raw == "":
        return None
    if not (raw.isascii() and raw.isdigit()) or len(raw) != 4:
        abort(400, description=f"edition must be a four-digit year such as 2023, not {raw!r}.")
    return int(raw)


def requested_card(
    abbr: str, cards: list[ReportCard] | None = None
) -> tuple[State, ReportCard | None, int | None]:
    """The state and card that `/states/<abbr>?edition=YEAR` asks for, or the 400/404 saying why not."""
    year = parse_edition(request.args.get("edition"))
    state = get_state(db.session, abbr)
    return state, choose_report_card(db.session, state, year, cards), year


def requested_area(framework: Framework | None) -> IssueArea | None:
    """`?area=` (a number or slug of the featured framework) chosen in the page's address box, or
    a 400 naming what to use."""
    key = request.args.get("area", "").strip()
    if not key:
        return None
    area = find_issue_area(framework, key) if framework else None
    # Only the forms links give, so that the pages kept per area stay few.
    if area is None or key not in (area.slug, str(area.number)):
        abort(400, description=f"There is no issue area {key!r}: use a number from 1 to 6 or an area's slug.")
    return area


@bp.get("/states/<abbr>")
@cached_page(params=("edition", "area"))
def state(abbr: str) -> Response:
    cards = report_cards_for_state(db.session, get_state(db.session, abbr))
    state, card, year = requested_card(abbr, cards)
    framework = featured_framework(db.session)
    chosen_area = requested_area(framework)
    summary = summarize(db.session, card) if card else None
    page = render_template(
        "reportcards/state.html",
        state=state,
        summary=summary,
        bills=bills_by_area(state_bills(db.session, state)),
        bill_freshness=freshness(db.session, state),
        cards=cards,
        requested_year=year,
        framework=framework,
        chosen_area=chosen_area,
        trends=grade_trends(editions(db.session), cards),
        sharing=states_sharing_grade(db.session, card) if card else 0,
    )
    # A state's page also counts the states sharing its grade, so any card's change matters.
    return conditional(page, report_cards_changed_at(db.session))


@bp.get("/national")
@cached_page(params=("edition",))
def national() -> Response:
    edition = edition_for_year(db.session, parse_edition(request.args.get("edition")))
    cards = cards_in_edition(db.session, edition)
    states = all_states(db.session)
    page = render_template(
        "reportcards/national.html",
        edition=edition,
        editions=editions(db.session),
        cards=cards,
        map=tile_map(states, cards),
        held=grade_distribution(cards.values()),
        states=states,
    )
    return conditional(page, report_cards_changed_at(db.session))
