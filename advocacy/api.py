"""Read-only JSON API under /api/v1."""

from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, Response, abort, current_app, jsonify, request

from advocacy.bills.service import state_bills
from advocacy.caching import cached_page, conditional, report_cards_changed_at
from advocacy.clients.census import GeocoderBusy, GeocoderUnavailable
from advocacy.errors import json_error
from advocacy.extensions import csrf, db, limiter
from advocacy.legislators.lookup import (
    AddressOutsideStates,
    ChamberLookup,
    MayAlsoRepresent,
    Member,
    NoAddressMatch,
)
from advocacy.legislators.lookup_views import (
    BUSY_MESSAGE,
    BUSY_RETRY_SECONDS,
    AddressForm,
    look_up_address,
    lookup_limit,
    private,
    read_intent,
    writing_plan,
)
from advocacy.legislators.service import QUERY_PARAMS, LegislatorQuery, search_legislators
from advocacy.links import outside_url
from advocacy.models import Bill, Edition, Legislator, ReportCard
from advocacy.openapi import document
from advocacy.pagination import InvalidQuery
from advocacy.reportcards.service import (
    CardSummary,
    all_states,
    editions,
    featured_framework,
    find_issue_area,
    frameworks,
    get_state,
    graded_cards,
    summarize,
)
from advocacy.reportcards.views import requested_card

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


def _number(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def _listing(items: list[dict], total: int, page: int = 1, per_page: int | None = None) -> Response:
    return jsonify({"items": items, "total": total, "page": page, "per_page": per_page or max(total, 1)})


def _edition(edition: Edition) -> dict:
    return {
        "year": edition.year,
        "key": edition.key,
        "framework": edition.framework.name,
        "framework_key": edition.framework.key,
        "max_total": _number(edition.max_total),
        "release_date": edition.release_date.isoformat() if edition.release_date else None,
        "source": edition.source,
    }


@bp.get("/editions")
@cached_page()
def list_editions() -> Response:
    found = editions(db.session)
    return conditional(
        _listing([_edition(e) for e in found], len(found)), report_cards_changed_at(db.session)
    )


@bp.get("/frameworks")
@cached_page()
def list_frameworks() -> Response:
    found = frameworks(db.session)
    items = [
        {
            "key": framework.key,
            "name": framework.name,
            "short_name": framework.short_name,
            "description": framework.description,
            "grade_scale": framework.grade_scale or None,
            "grade_scale_note": framework.grade_scale_note,
            "editions": [edition.year for edition in framework.editions],
            "issue_areas": [
                {
                    "number": area.number,
                    "code": area.code,
                    "slug": area.slug,
                    "name": area.name,
                    "max_points": _number(area.max_points),
                    "policy_goals": [
                        {"number": g.number, "title": g.title, "source": g.source} for g in area.policy_goals
                    ],
                    "source": area.source,
                }
                for area in framework.issue_areas
            ],
            "source": framework.source,
        }
        for framework in found
    ]
    return conditional(_listing(items, len(items)), report_cards_changed_at(db.session))


@bp.get("/states")
@cached_page()
def list_states() -> Response:
    latest: dict[str, dict[str, ReportCard]] = {}
    for card in graded_cards(db.session):  # oldest first, so the newest per framework wins
        latest.setdefault(card.state_abbr, {})[card.edition.framework.name] = card
    items = [
        {
            "abbr": state.abbr,
            "name": state.name,
            "latest_grades": [
                {"framework": framework, "year": card.edition.year, "grade": card.grade}
                for framework, card in latest.get(state.abbr, {}).items()
            ],
        }
        for state in all_states(db.session)
    ]
    return conditional(_listing(items, len(items)), report_cards_changed_at(db.session))


def _bill(bill: Bill) -> dict:
    return {
        "id": bill.id,
        "ocd_id": bill.ocd_id,
        "identifier": bill.identifier,
        "title": bill.title,
        "session": bill.session,
        "url": outside_url(bill.url) or None,  # only a web address: never javascript: or data:
        "latest_action": bill.latest_action or None,
        "latest_action_date": bill.latest_action_date.isoformat() if bill.latest_action_date else None,
        "status": bill.status,
        "areas": [area.slug for area in bill.areas],
        "sponsors": [
            {"name": s.name, "legislator_id": s.legislator_id, "primary": s.primary} for s in bill.sponsors
        ],
        "added_by_hand": bill.added_by_hand,
    }


def _report_card(summary: CardSummary, bills: list[Bill]) -> dict:
    card = summary.card
    return {
        "state": card.state_abbr,
        "edition": card.edition.year,
        "framework": card.edition.framework.name,
        "grade": card.grade,
        "total": _number(card.total_score),
        "extra_credit": _number(card.extra_credit),
        "max": _number(card.edition.max_total),
        "rank": card.rank,
        "source": card.source,
        "areas": [
            {
                "number": s.area.number,
                "code": s.area.code,
                "slug": s.area.slug,
                "name": s.area.name,
                "score": _number(s.score),
                "max_points": _number(s.max_points),
                "percent": _number(s.percent),
                "findings": [
                    {
                        "finding": f.finding,
                        "area_grade": f.area_grade,
                        "lowest": f.lowest,
                        "source": f.source,
                    }
                    for f in s.findings
                ],
            }
            for s in summary.standings
        ],
        "weakest": [
            {
                "number": w.area.number,
                "slug": w.area.slug,
                "name": w.area.name,
                "score": _number(w.standing.score),
                "max_points": _number(w.standing.max_points),
                "percent": _number(w.standing.percent),
                "basis": w.basis,
                "edition": w.year,
                "source": w.source,
            }
            for w in summary.weakest
        ],
        # The bills before the legislature now, whichever card is shown: their areas say which
        # weak area each would fix.
        "bills": [_bill(b) for b in bills],
    }


@bp.get("/states/<abbr>/report-card")
@cached_page(params=("edition",))
def report_card(abbr: str) -> Response:
    _refuse_blank("edition")
    state, card, year = requested_card(abbr)
    if card is None:
        abort(404, description=f"{state.name} has no report card for {year}.")
    body = jsonify(_report_card(summarize(db.session, card), state_bills(db.session, state)))
    return conditional(body, report_cards_changed_at(db.session, state.abbr))


def _legislator(person: Legislator | Member) -> dict:
    return {
        "id": person.id,
        "name": person.name,
        "chamber": person.chamber,
        "district": person.district,
        "party": person.party,
        "title": person.title,
        "email": person.email,
        # "bouncing": letters to this address bounced, so this site has stopped sending there.
        "email_status": person.email_status,
        "phone": person.phone,
        "capitol_address": person.capitol_address,
        "district_address": person.district_address,
        "links": [link for link in person.link_list if outside_url(link)],
    }


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
    return _listing([_legislator(p) for p in page.items], page.total, page.page, page.per_page)


def _chamber(chamber: ChamberLookup | None) -> dict | None:
    if chamber is None:
        return None
    return {
        "chamber": chamber.chamber,
        "name": chamber.name,
        "districts": list(chamber.districts),
        "legislators": [_legislator(p) for p in chamber.legislators],
    }


def _may_also(may_also: MayAlsoRepresent | None) -> dict | None:
    if may_also is None:
        return None
    return {
        "why": may_also.why,
        "districts": list(may_also.districts),
        "legislators": [_legislator(p) for p in may_also.legislators],
    }


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
        "upper": _chamber(result.upper),
        "lower": _chamber(result.lower),
        "problems": list(result.problems),
        # Not the writer's own lawmakers, so not in write_url: see MayAlsoRepresent.
        "may_also_represent": _may_also(result.may_also),
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
    return _listing([_bill(b) for b in found], len(found))


@bp.get("/openapi.json")
def openapi_document() -> Response:
    """The OpenAPI 3.1 description of every route here, their parameters, answers and errors."""
    return jsonify(document())
