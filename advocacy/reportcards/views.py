"""The state page: grade, each issue area as a bar, and the weakest areas to write about."""

from flask import Blueprint, Response, abort, render_template, request

from advocacy.caching import cached_page, conditional, report_cards_changed_at
from advocacy.extensions import db
from advocacy.models import ReportCard, State
from advocacy.reportcards.charts import tile_map
from advocacy.reportcards.service import (
    all_states,
    cards_in_edition,
    choose_report_card,
    edition_for_year,
    editions,
    get_state,
    grade_distribution,
)
from advocacy.reportcards.state_page import UnknownArea, state_page

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


@bp.get("/states/<abbr>")
@cached_page(params=("edition", "area"))
def state(abbr: str) -> Response:
    year = parse_edition(request.args.get("edition"))
    try:
        page = state_page(db.session, abbr, year, request.args.get("area", ""))
    except UnknownArea as error:
        abort(400, description=str(error))
    html = render_template("reportcards/state.html", **vars(page))
    # A state's page also counts the states sharing its grade, so any card's change matters.
    return conditional(html, report_cards_changed_at(db.session))


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
