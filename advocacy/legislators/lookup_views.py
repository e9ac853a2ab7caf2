"""Find my lawmakers by home address: the /lookup page and its JSON twin, /api/v1/lookup."""

from __future__ import annotations

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

from advocacy.clients.census import CensusGeocoder, GeocoderAnswer, GeocoderUnavailable
from advocacy.extensions import db, limiter
from advocacy.legislators.lookup import (
    AddressOutsideStates,
    ChamberLookup,
    LookupResult,
    NoAddressMatch,
    find_lawmakers,
)
from advocacy.models import Legislator
from advocacy.reportcards.service import all_states

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


def _locate(address: str) -> GeocoderAnswer:
    config = current_app.config
    with CensusGeocoder(config["CENSUS_URL"], config["HTTP_TIMEOUT"]) as geocoder:
        return geocoder.locate(address)


def _private(response: Response) -> Response:
    # The page holds the visitor's address: no browser or proxy cache may keep a copy.
    response.headers["Cache-Control"] = "no-store"
    return response


def _page(form: AddressForm, status: int = 200, **context: object) -> Response:
    page = render_template("legislators/lookup.html", form=form, **context)
    return _private(make_response(page, status))


@bp.get("/lookup")
@limiter.limit(_lookup_limit, exempt_when=_no_address)
def page() -> Response:
    form = AddressForm(request.args)
    if "address" not in request.args:
        return _page(form)
    if not form.validate():
        return _page(form, 400)
    # The Census is asked before the database is touched: no transaction waits on the network.
    try:
        answer = _locate(form.address.data)
    except GeocoderUnavailable:
        return _page(form, 503, trouble="unavailable", states=all_states(db.session))
    try:
        result = find_lawmakers(db.session, answer)
    except NoAddressMatch:
        return _page(form, 404, trouble="not_found", states=all_states(db.session))
    except AddressOutsideStates as error:
        return _page(form, 404, trouble="outside", message=str(error), states=all_states(db.session))
    return _page(form, result=result, write_url=_write_url(result))


def _write_url(result: LookupResult) -> str | None:
    """The letter form addressed to every lawmaker found; it suggests the state's weakest area."""
    ids = [person.id for person in result.legislators]
    if not ids:
        return None
    # From a campaign's page, the letters belong to that campaign.
    campaign = request.args.get("campaign", "").strip() or None
    return url_for("letters.new", state=result.state.abbr, to=ids, campaign=campaign)


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
        "write_url": _write_url(result),
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
