"""Read-only JSON API under /api/v1."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, current_app, jsonify, request

from advocacy.api import serialisers
from advocacy.api.openapi import document
from advocacy.bills.service import state_bills
from advocacy.bills.whereabouts import upcoming_hearings
from advocacy.caching import cached_page, conditional, report_cards_changed_at
from advocacy.clients.census import GeocoderBusy, GeocoderUnavailable
from advocacy.errors import json_error
from advocacy.extensions import csrf, db, limiter
from advocacy.legislators.finding import (
    BUSY_MESSAGE,
    BUSY_RETRY_SECONDS,
    AddressForm,
    look_up_address,
    lookup_limit,
    private,
    read_intent,
    writing_plan,
)
from advocacy.legislators.lookup import (
    AddressOutsideStates,
    NoAddressMatch,
)
from advocacy.legislators.service import QUERY_PARAMS, LegislatorQuery, search_legislators
from advocacy.models import ReportCard
from advocacy.pagination import InvalidQuery
from advocacy.reportcards.service import (
    all_states,
    choose_report_card,
    editions,
    featured_framework,
    find_issue_area,
    frameworks,
    get_state,
    graded_cards,
    parse_edition,
    summarize,
)

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)
limiter.limit(lambda: current_app.config["RATE_LIMIT_API"])(bp)

MAX_PER_PAGE = 500


def _refuse_blank(*names: str) -> None:
    """A 400 for any of these parameters given without a value. The document allows each only
    with a valid value; read as absent, `?edition=` would answer for a card nobody asked for."""
    for name in names:
        if any(not value.strip() for value in request.args.getlist(name)):
            abort(400, description=f"{name} is empty: give it a value, or leave it out.")


def _listing(items: list[dict], total: int, page: int = 1, per_page: int | None = None) -> Response:
    return jsonify({"items": items, "total": total, "page": page, "per_page": per_page or max(total, 1)})


@bp.get("/editions")
@cached_page()
def list_editions() -> Response:
    found = editions(db.session)
    return conditional(
        _listing([serialisers.edition(e) for e in found], len(found)), report_cards_changed_at(db.session)
    )


@bp.get("/frameworks")
@cached_page()
def list_frameworks() -> Response:
    found = frameworks(db.session)
    items = [serialisers.framework(framework) for framework in found]
    return conditional(_listing(items, len(items)), report_cards_changed_at(db.session))


@bp.get("/states")
@cached_page()
def list_states() -> Response:
    latest: dict[str, dict[str, ReportCard]] = {}
    for card in graded_cards(db.session):  # oldest first, so the newest per framework wins
        latest.setdefault(card.state_abbr, {})[card.edition.framework.name] = card
    items = [serialisers.state(state, latest.get(state.abbr, {})) for state in all_states(db.session)]
    return conditional(_listing(items, len(items)), report_cards_changed_at(db.session))


@bp.get("/states/<abbr>/report-card")
@cached_page(params=("edition",))
def report_card(abbr: str) -> Response:
    _refuse_blank("edition")
    year = parse_edition(request.args.get("edition"))
    state = get_state(db.session, abbr)
    card = choose_report_card(db.session, state, year)
    if card is None:
        abort(404, description=f"{state.name} has no report card for {year}.")
    body = jsonify(serialisers.report_card(summarize(db.session, card), state_bills(db.session, state)))
    return conditional(body, report_cards_changed_at(db.session, state.abbr))


@bp.get("/states/<abbr>/legislators")
@cached_page(params=QUERY_PARAMS)
def legislators(abbr: str) -> Response:
    state = get_state(db.session, abbr)
    # q, district and party may be empty: the document allows it, and it means any.
    _refuse_blank("chamber", "sort", "page", "per_page")
    try:
        query = LegislatorQuery.from_args(request.args, per_page=100, max_per_page=MAX_PER_PAGE)
    except InvalidQuery as error:
        abort(400, description=str(error))
    page = search_legislators(db.session, state, query)
    return _listing([serialisers.legislator(p) for p in page.items], page.total, page.page, page.per_page)


@bp.get("/lookup")
@limiter.limit(lookup_limit)
def lookup() -> Response:
    form = AddressForm(request.args)
    if not form.validate():
        abort(400, description=form.address.errors[0])
    try:
        result = look_up_address(form.address.data)
    except GeocoderBusy:
        busy, busy.status_code = json_error(503, "busy", BUSY_MESSAGE)
        busy.headers["Retry-After"] = str(BUSY_RETRY_SECONDS)
        return private(busy)
    except GeocoderUnavailable as error:
        abort(503, description=f"The address service is not answering ({error}). Try again in a few minutes.")
    except NoAddressMatch:
        abort(
            404, description="The Census found no address like that. Add the city and state, or the ZIP code."
        )
    except AddressOutsideStates as error:
        abort(404, description=str(error))
    body = {
        "address": result.address,
        "state": result.state.abbr,
        "upper": serialisers.chamber(result.upper),
        "lower": serialisers.chamber(result.lower),
        "problems": list(result.problems),
        # Not the writer's own lawmakers, so not in write_url: see MayAlsoRepresent.
        "may_also_represent": serialisers.may_also(result.may_also),
        "write_url": writing_plan(result, read_intent()).write_url,
    }
    return private(jsonify(body))


@bp.get("/states/<abbr>/bills")
@cached_page(params=("area",))
def bills(abbr: str) -> Response:
    state = get_state(db.session, abbr)
    _refuse_blank("area")
    area = None
    if (key := request.args.get("area")) is not None:
        framework = featured_framework(db.session)
        area = find_issue_area(framework, key) if framework else None
        # Exactly as the document lists them: a number or a slug, not " 1" or "Prevention…".
        if area is None or key not in (str(area.number), area.slug):
            abort(400, description=f"area must be an issue area's number (1 to 6) or slug, not {key!r}.")
    found = state_bills(db.session, state, area)
    return _listing([serialisers.bill(b, date.today()) for b in found], len(found))


@bp.get("/states/<abbr>/hearings")
@cached_page()
def hearings(abbr: str) -> Response:
    state = get_state(db.session, abbr)
    found = upcoming_hearings(db.session, state, date.today())
    return _listing([serialisers.hearing(h) for h in found], len(found))


@bp.get("/openapi.json")
def openapi_document() -> Response:
    """The OpenAPI 3.1 description of every route here, their parameters, answers and errors."""
    return jsonify(document())
