"""The legislator table of a state (with CSV export), one lawmaker's page, contact corrections,
and /lookup: find my lawmakers by home address."""

from dataclasses import replace
from datetime import date
from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.wrappers import Response

from advocacy.bills.service import sponsored_bills
from advocacy.bills.whereabouts import next_committee_hearings, seats_of
from advocacy.caching import SHORT, cached_page
from advocacy.clients.census import GeocoderBusy, GeocoderUnavailable
from advocacy.clients.photos import PhotoStore
from advocacy.extensions import db, limiter
from advocacy.legislators.corrections import report_correction
from advocacy.legislators.finding import (
    BUSY_MESSAGE,
    BUSY_RETRY_SECONDS,
    AddressForm,
    Intent,
    look_up_address,
    lookup_limit,
    private,
    read_intent,
    writing_plan,
)
from advocacy.legislators.forms import CorrectionForm
from advocacy.legislators.lookup import AddressOutsideStates, NoAddressMatch
from advocacy.legislators.responsiveness import responsiveness
from advocacy.legislators.service import (
    QUERY_PARAMS,
    LegislatorQuery,
    get_legislator,
    letters_sent_to,
    parties,
    search_legislators,
)
from advocacy.models import Legislator, State
from advocacy.pagination import InvalidQuery
from advocacy.reportcards.service import all_states, choose_report_card, get_state, summarize
from advocacy.spreadsheets import csv_download

bp = Blueprint("legislators", __name__)

EXPORT_LIMIT = 10_000  # more than any legislature has


def _query(per_page: int) -> LegislatorQuery:
    try:
        return LegislatorQuery.from_args(request.args, per_page=per_page, max_per_page=500)
    except InvalidQuery as error:
        abort(400, description=str(error))


@bp.get("/states/<abbr>/legislators")
@cached_page(params=QUERY_PARAMS)
def table(abbr: str) -> str:
    state = get_state(db.session, abbr)
    query = _query(current_app.config["LEGISLATORS_PER_PAGE"])
    page = search_legislators(db.session, state, query)
    return render_template(
        "legislators/table.html", state=state, page=page, query=query, parties=parties(db.session, state)
    )


@bp.get("/states/<abbr>/responsiveness")
@cached_page(SHORT)  # reply rates move with every answer, which does not move the generation
def responsiveness_table(abbr: str) -> str:
    state = get_state(db.session, abbr)
    minimum = int(current_app.config["RESPONSIVENESS_MINIMUM"])
    return render_template(
        "legislators/responsiveness.html",
        state=state,
        rows=responsiveness(db.session, state, minimum),
        minimum=minimum,
    )


@bp.get("/states/<abbr>/legislators.csv")
def export(abbr: str) -> Response:
    state = get_state(db.session, abbr)
    query = replace(_query(current_app.config["LEGISLATORS_PER_PAGE"]), page=1, per_page=EXPORT_LIMIT)
    found = search_legislators(db.session, state, query)
    return csv_download(
        f"{state.abbr}-lawmakers.csv",
        [
            "name",
            "title",
            "chamber",
            "district",
            "party",
            "email",
            "phone",
            "capitol_address",
            "district_address",
            "open_states_id",
        ],
        (
            [
                p.name,
                p.title,
                p.chamber_name,
                p.district,
                p.party,
                p.email,
                p.phone,
                p.capitol_address,
                p.district_address,
                p.id,
            ]
            for p in found.items
        ),
    )


def _detail(legislator: Legislator, form: CorrectionForm, status: int = 200) -> tuple[str, int]:
    state: State = legislator.state
    card = choose_report_card(db.session, state)
    seats = seats_of(db.session, legislator.id)
    return render_template(
        "legislators/detail.html",
        legislator=legislator,
        summary=summarize(db.session, card) if card else None,
        letters_sent=letters_sent_to(db.session, legislator),
        bills=sponsored_bills(db.session, legislator.id),
        seats=seats,
        committee_hearings=next_committee_hearings(db.session, seats, date.today()),
        form=form,
    ), status


@bp.get("/legislators/<path:person_id>")
def detail(person_id: str) -> tuple[str, int]:
    return _detail(get_legislator(db.session, person_id), CorrectionForm(formdata=None))


@bp.get("/legislators/<path:person_id>/photo")
def photo(person_id: str) -> Response:
    """The lawmaker's photo from this site's own store, or a neutral portrait: never fetched here.

    Photos are fetched by `advocacy fetch-photos` and by the worker after a sync.
    """
    found = PhotoStore(Path(current_app.config["PHOTO_CACHE_DIR"])).get(
        get_legislator(db.session, person_id).image
    )
    if found is None:
        portrait = Path(current_app.static_folder, "portrait.svg").read_bytes()
        response = Response(portrait, mimetype="image/svg+xml")
        response.cache_control.max_age = 3600  # the photo may have been fetched by then
        return response
    response = Response(found.content, mimetype=found.content_type)
    response.cache_control.public = True
    response.cache_control.max_age = 7 * 24 * 3600
    return response


@bp.post("/legislators/<path:person_id>/corrections")
@limiter.limit(lambda: current_app.config["RATE_LIMIT_CORRECTIONS"])
def correct(person_id: str) -> Response | tuple[str, int]:
    legislator = get_legislator(db.session, person_id)
    form = CorrectionForm()
    if not form.validate_on_submit():
        return _detail(legislator, form, 400)
    report_correction(db.session, legislator, form.field.data, form.proposed_value.data, form.note.data or "")
    db.session.commit()
    flash("Thank you. An admin will check your correction before it appears.")
    return redirect(url_for("legislators.detail", person_id=legislator.id))


# --- Find my lawmakers by home address ----------------------------------------------------


def _no_address() -> bool:
    """Showing the empty form costs nothing, so it does not count against the limit."""
    return not request.args.get("address", "").strip()


def _lookup_page(form: AddressForm, intent: Intent, status: int = 200, **context: object) -> Response:
    page = render_template("legislators/lookup.html", form=form, intent=intent, **context)
    return private(make_response(page, status))


@bp.get("/lookup")
@limiter.limit(lookup_limit, exempt_when=_no_address)
def lookup() -> Response:
    form = AddressForm(request.args)
    intent = read_intent()
    if intent.problem:
        return _lookup_page(form, intent, 400)
    if "address" not in request.args:
        return _lookup_page(form, intent)
    if not form.validate():
        return _lookup_page(form, intent, 400)
    try:
        result = look_up_address(form.address.data)
    except GeocoderBusy:
        response = _lookup_page(form, intent, 503, trouble="busy", message=BUSY_MESSAGE)
        response.headers["Retry-After"] = str(BUSY_RETRY_SECONDS)
        return response
    except GeocoderUnavailable:
        return _lookup_page(form, intent, 503, trouble="unavailable", states=all_states(db.session))
    except NoAddressMatch:
        return _lookup_page(form, intent, 404, trouble="not_found", states=all_states(db.session))
    except AddressOutsideStates as error:
        states = all_states(db.session)
        return _lookup_page(form, intent, 404, trouble="outside", message=str(error), states=states)
    return _lookup_page(form, intent, result=result, plan=writing_plan(result, intent))
