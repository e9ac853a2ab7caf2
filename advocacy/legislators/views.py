"""The legislator table of a state, and one lawmaker's page."""

from flask import Blueprint, abort, current_app, render_template, request

from advocacy.extensions import db
from advocacy.legislators.service import (
    LegislatorQuery,
    UnknownLegislator,
    get_legislator,
    search_legislators,
)
from advocacy.pagination import InvalidQuery
from advocacy.reportcards.views import state_or_404

bp = Blueprint("legislators", __name__)


@bp.get("/states/<abbr>/legislators")
def table(abbr: str) -> str:
    state = state_or_404(abbr)
    try:
        query = LegislatorQuery.from_args(
            request.args,
            per_page=current_app.config["LEGISLATORS_PER_PAGE"],
            max_per_page=500,
        )
    except InvalidQuery as error:
        abort(400, description=str(error))
    page = search_legislators(db.session, state, query)
    return render_template("legislators/table.html", state=state, page=page, query=query)


@bp.get("/legislators/<path:person_id>")
def detail(person_id: str) -> str:
    try:
        legislator = get_legislator(db.session, person_id)
    except UnknownLegislator as error:
        abort(404, description=str(error))
    return render_template("legislators/detail.html", legislator=legislator)
