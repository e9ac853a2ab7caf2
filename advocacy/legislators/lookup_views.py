"""Find my lawmakers by home address: the /lookup page and its JSON twin, /api/v1/lookup."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    jsonify,
    make_response,
    render_template,
    request,
    url_for,
)
from wtforms import Form, StringField
from wtforms.validators import DataRequired, Length

from advocacy.campaigns.service import get_campaign, targets_of
from advocacy.clients.census import CensusGeocoder, GeocoderAnswer, GeocoderUnavailable
from advocacy.extensions import db, limiter
from advocacy.legislators.constituency import sign_found
from advocacy.legislators.lookup import (
    AddressOutsideStates,
    ChamberLookup,
    LookupResult,
    NoAddressMatch,
    find_lawmakers,
)
from advocacy.models import Campaign, IssueArea, Legislator, State
from advocacy.reportcards.service import all_states, featured_framework, find_issue_area

bp = Blueprint("lookup", __name__)

MAX_ADDRESS_LENGTH = 200


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class AddressForm(Form):
    """Read from the query string: a search changes nothing, so it is a GET without a CSRF token."""

    address = StringField(
        "Your home address",
        filters=[_strip],
        validators=[
            DataRequired("Type your street address with the city and state, or the ZIP code."),
            Length(
                max=MAX_ADDRESS_LENGTH,
                message=f"An address can be at most {MAX_ADDRESS_LENGTH} characters long.",
            ),
        ],
    )


def _lookup_limit() -> str:
    return current_app.config["RATE_LIMIT_LOOKUP"]


def _no_address() -> bool:
    """Showing the empty form costs nothing, so it does not count against the limit."""
    return not request.args.get("address", "").strip()


# One Geocoder session per thread, kept between requests: its connection stays open, so a lookup
# does not pay for a new connection (and, against the real Census, a new TLS handshake) each time.
_geocoders = threading.local()


def _locate(address: str) -> GeocoderAnswer:
    config = current_app.config
    key = (config["CENSUS_URL"], float(config["HTTP_TIMEOUT"]))
    kept: dict[tuple[str, float], CensusGeocoder] = _geocoders.__dict__.setdefault("by_setting", {})
    if key not in kept:
        kept[key] = CensusGeocoder(*key)
    return kept[key].locate(address)


def _private(response: Response) -> Response:
    # The page holds the visitor's address: no browser or proxy cache may keep a copy.
    response.headers["Cache-Control"] = "no-store"
    return response


@dataclass(frozen=True)
class Intent:
    """What the visitor came to write about, carried from the page that sent them here."""

    state: State | None
    area: IssueArea | None
    campaign: Campaign | None
    problem: str  # a parameter that could not be used, in words that say what to do


def _intent() -> Intent:
    problems = []
    state = area = campaign = None
    if abbr := request.args.get("state", "").strip():
        state = db.session.get(State, abbr.lower())
        if state is None:
            problems.append(f"There is no state {abbr!r}: use a two-letter postal code such as mo.")
    if key := request.args.get("area", "").strip():
        framework = featured_framework(db.session)
        area = find_issue_area(framework, key) if framework else None
        if area is None:
            problems.append(
                f"There is no issue area {key!r}: use a number from 1 to 6, "
                "or the area's name as links give it."
            )
    if slug := request.args.get("campaign", "").strip():
        campaign = get_campaign(db.session, slug)
        if campaign is None:
            problems.append(f"There is no campaign called {slug!r}.")
    return Intent(state or (campaign.state if campaign else None), area, campaign, " ".join(problems))


def _page(form: AddressForm, intent: Intent, status: int = 200, **context: object) -> Response:
    page = render_template("legislators/lookup.html", form=form, intent=intent, **context)
    return _private(make_response(page, status))


@bp.get("/lookup")
@limiter.limit(_lookup_limit, exempt_when=_no_address)
def page() -> Response:
    form = AddressForm(request.args)
    intent = _intent()
    if intent.problem:
        return _page(form, intent, 400)
    if "address" not in request.args:
        return _page(form, intent)
    if not form.validate():
        return _page(form, intent, 400)
    # The Census is asked before the database is touched: no transaction waits on the network.
    try:
        answer = _locate(form.address.data)
    except GeocoderUnavailable:
        return _page(form, intent, 503, trouble="unavailable", states=all_states(db.session))
    try:
        result = find_lawmakers(db.session, answer)
    except NoAddressMatch:
        return _page(form, intent, 404, trouble="not_found", states=all_states(db.session))
    except AddressOutsideStates as error:
        return _page(form, intent, 404, trouble="outside", message=str(error), states=all_states(db.session))
    return _page(form, intent, result=result, plan=_writing_plan(result, intent))


@dataclass(frozen=True)
class WritingPlan:
    """Where "Write to them" leads: the writer's own lawmakers, and a campaign's targets among them."""

    write_url: str | None  # letters to the lawmakers the lookup found (the campaign's, in a campaign)
    target_ids: frozenset[str]  # the campaign's targets, to mark them; empty without a campaign
    others_url: str | None  # in a campaign: the writer's own lawmakers it does not write to
    targets: tuple[Legislator, ...]  # offered when none of the writer's own lawmakers is a target


def _write_url(
    result: LookupResult, people: list[Legislator], campaign: Campaign | None, intent: Intent
) -> str:
    return url_for(
        "letters.new",
        state=result.state.abbr,
        to=[p.id for p in people],
        area=intent.area.slug if intent.area else None,
        campaign=campaign.slug if campaign else None,
        found=sign_found(current_app.config["SECRET_KEY"], result),
    )


def _writing_plan(result: LookupResult, intent: Intent) -> WritingPlan:
    found = list(result.legislators)
    campaign = intent.campaign
    if campaign is None or campaign.state_abbr != result.state.abbr:
        url = _write_url(result, found, None, intent) if found else None
        return WritingPlan(url, frozenset(), None, ())
    targets = targets_of(db.session, campaign)
    ids = frozenset(p.id for p in targets)
    theirs = [p for p in found if p.id in ids]
    others = [p for p in found if p.id not in ids]
    return WritingPlan(
        write_url=_write_url(result, theirs, campaign, intent) if theirs else None,
        target_ids=ids,
        others_url=_write_url(result, others, None, intent) if others else None,
        targets=() if theirs else tuple(targets),
    )


def _legislator(person: Legislator) -> dict:
    return {
        "id": person.id,
        "name": person.name,
        "title": person.title,
        "chamber": person.chamber,
        "district": person.district,
        "party": person.party,
        "email": person.email,
        "phone": person.phone,
    }


def _chamber(chamber: ChamberLookup | None) -> dict | None:
    if chamber is None:
        return None
    return {
        "chamber": chamber.chamber,
        "name": chamber.name,
        "districts": list(chamber.districts),
        "legislators": [_legislator(p) for p in chamber.legislators],
    }


def _result(result: LookupResult) -> dict:
    return {
        "address": result.address,
        "state": result.state.abbr,
        "upper": _chamber(result.upper),
        "lower": _chamber(result.lower),
        "problems": list(result.problems),
        "write_url": _writing_plan(result, _intent()).write_url,
    }


@bp.get("/api/v1/lookup")
@limiter.limit(_lookup_limit)
def api() -> Response:
    form = AddressForm(request.args)
    if not form.validate():
        abort(400, description=form.address.errors[0])
    try:
        answer = _locate(form.address.data)
    except GeocoderUnavailable as error:
        abort(503, description=f"The address service is not answering ({error}). Try again in a few minutes.")
    try:
        result = find_lawmakers(db.session, answer)
    except NoAddressMatch:
        abort(
            404, description="The Census found no address like that. Add the city and state, or the ZIP code."
        )
    except AddressOutsideStates as error:
        abort(404, description=str(error))
    return _private(jsonify(_result(result)))
