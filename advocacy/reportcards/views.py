"""The state page: grade, each issue area as a bar, and the weakest areas to write about."""

from flask import Blueprint, Response, abort, current_app, render_template, request

from advocacy.bills.service import api_configured
from advocacy.caching import cached_page, conditional, report_cards_changed_at
from advocacy.extensions import db
from advocacy.reportcards.charts import tile_map
from advocacy.reportcards.service import (
    all_states,
    cards_in_edition,
    edition_for_year,
    editions,
    grade_distribution,
    parse_edition,
)
from advocacy.reportcards.state_page import UnknownArea, state_page

bp = Blueprint("reportcards", __name__)


@bp.get("/states/<abbr>")
@cached_page(params=("edition", "area"))
def state(abbr: str) -> Response:
    year = parse_edition(request.args.get("edition"))
    try:
        page = state_page(
            db.session,
            abbr,
            year,
            request.args.get("area", ""),
            asks_open_states=api_configured(current_app.config),
        )
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
