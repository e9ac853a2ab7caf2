"""Admin corrections to where a state's bills are: a bill's committee or floor, set by hand or
handed back to the refreshes, and hearings added or removed by hand."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import BooleanField, RadioField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length

from advocacy.bills.placing import (
    HandHearing,
    InvalidCorrection,
    PlaceEntry,
    add_hearing,
    chamber_choices,
    clear_place,
    get_hearing_to_correct,
    remove_hearing,
    set_place,
    state_committees,
)
from advocacy.bills.service import get_bill, state_bills_for_admin
from advocacy.bills.whereabouts import hearing_time, place_words, upcoming_hearings
from advocacy.campaigns.forms import CheckboxesField
from advocacy.extensions import db
from advocacy.models import State
from advocacy.models.bills import BillPlace
from advocacy.reportcards.service import get_state


class PlaceForm(FlaskForm):
    bill = SelectField("Bill")
    where = RadioField(
        "Where it is",
        choices=[
            SelectChoice(BillPlace.COMMITTEE.value, "In a committee"),
            SelectChoice(BillPlace.FLOOR.value, "On the floor"),
        ],
        default=BillPlace.COMMITTEE.value,
    )
    committee = SelectField("Committee")
    new_committee = StringField(
        "Or a committee not in the list", validators=[Length(max=300, message="At most 300 characters.")]
    )
    chamber = SelectField("Chamber (of a new committee, or whose floor)")
    since = StringField("Since", render_kw={"type": "date"})


class HearingForm(FlaskForm):
    committee = SelectField("Committee")
    day = StringField("Date", render_kw={"type": "date"})
    clock = StringField("Time (the legislature's own)", render_kw={"type": "time"})
    all_day = BooleanField("All day, or the time is not known")
    location = StringField("Place", validators=[Length(max=500, message="At most 500 characters.")])
    source = StringField("Source", validators=[Length(max=1000, message="At most 1,000 characters.")])
    bills = CheckboxesField("Bills on its agenda")


def _choices(state: State, place: PlaceForm, hearing: HearingForm) -> None:
    committees = [SelectChoice(str(c.id), c.title) for c in state_committees(db.session, state)]
    bills = [
        SelectChoice(str(b.id), f"{b.identifier} ({b.session})")
        for b in state_bills_for_admin(db.session, state)
    ]
    place.bill.choices = bills
    place.committee.choices = [SelectChoice("", "—"), *committees]
    place.chamber.choices = [SelectChoice("", "—")] + [SelectChoice(c, w) for c, w in chamber_choices(state)]
    hearing.committee.choices = [SelectChoice("", "—"), *committees]
    hearing.bills.choices = bills


def _page(
    state: State, place: PlaceForm | None = None, hearing: HearingForm | None = None, problem: str = ""
) -> tuple[str, int]:
    place = place or PlaceForm(formdata=None, prefix="place")
    hearing = hearing or HearingForm(formdata=None, prefix="hearing")
    _choices(state, place, hearing)
    return render_template(
        "admin/bill_places.html",
        state=state,
        bills=state_bills_for_admin(db.session, state),
        hearings=upcoming_hearings(db.session, state, date.today()),
        place_form=place,
        hearing_form=hearing,
        token_form=FlaskForm(formdata=None),
        problem=problem,
    ), 400 if problem else 200


def bill_places(abbr: str) -> tuple[str, int]:
    return _page(get_state(db.session, abbr))


def _number(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() else None


def place_bill(abbr: str) -> Response | tuple[str, int]:
    state = get_state(db.session, abbr)
    form = PlaceForm(prefix="place")
    _choices(state, form, HearingForm(formdata=None, prefix="hearing"))
    # The service says what is wrong with a committee or a chamber; the form checks the bill is the state's.
    form.committee.validate_choice = False
    form.chamber.validate_choice = False
    if not form.validate_on_submit():
        problem = (
            f"choose one of {state.name}'s bills from the list" if form.bill.errors else _first_error(form)
        )
        return _page(state, place=form, problem=f"Nothing was saved: {problem}.")
    bill = get_bill(db.session, int(form.bill.data))
    entry = PlaceEntry(
        where=form.where.data,
        committee_id=_number(form.committee.data),
        new_committee=form.new_committee.data or "",
        chamber=form.chamber.data or "",
        since=form.since.data or "",
    )
    try:
        set_place(db.session, current_user, bill, entry, date.today())
    except InvalidCorrection as error:
        db.session.rollback()
        return _page(state, place=form, problem=str(error))
    db.session.commit()
    flash(f"{bill.identifier}: {place_words(bill)}. Refreshes keep this until you clear it.")
    return redirect(url_for("admin.bill_places", abbr=state.abbr))


def clear_bill_place(bill_id: int) -> Response:
    bill = get_bill(db.session, bill_id)
    if not FlaskForm().validate_on_submit():
        flash("The request was not valid; reload the page and try again.", "error")
    else:
        clear_place(db.session, current_user, bill)
        db.session.commit()
        flash(f"{bill.identifier}: the next refresh decides where it is again.")
    return redirect(url_for("admin.bill_places", abbr=bill.state_abbr))


def new_hearing(abbr: str) -> Response | tuple[str, int]:
    state = get_state(db.session, abbr)
    form = HearingForm(prefix="hearing")
    _choices(state, PlaceForm(formdata=None, prefix="place"), form)
    # The service says what is wrong with a committee or a bill; the form only checks lengths.
    form.committee.validate_choice = False
    form.bills.validate_choice = False
    if not form.validate_on_submit():
        return _page(state, hearing=form, problem=f"Nothing was saved: {_first_error(form)}.")
    entry = HandHearing(
        committee_id=_number(form.committee.data),
        day=form.day.data or "",
        clock=form.clock.data or "",
        all_day=bool(form.all_day.data),
        location=form.location.data or "",
        source=form.source.data or "",
        bill_ids=[int(n) for n in form.bills.data or [] if n.isdigit()],
    )
    try:
        hearing = add_hearing(db.session, current_user, state, entry)
    except InvalidCorrection as error:
        db.session.rollback()
        return _page(state, hearing=form, problem=str(error))
    db.session.commit()
    flash(f"The hearing of {hearing_time(hearing)} is added; refreshes keep it.")
    return redirect(url_for("admin.bill_places", abbr=state.abbr))


def _first_error(form: FlaskForm) -> str:
    for name, errors in form.errors.items():
        if errors:
            label = getattr(form, name).label.text if hasattr(form, name) else "the form"
            return f"{label}: {errors[0]}".rstrip(".")
    return "reload the page and try again"


def drop_hearing(hearing_id: int) -> Response:
    hearing = get_hearing_to_correct(db.session, hearing_id)
    if hearing is None:
        abort(404, description=f"There is no hearing number {hearing_id}: it may have been removed already.")
    abbr = hearing.state_abbr
    if not FlaskForm().validate_on_submit():
        flash("The request was not valid; reload the page and try again.", "error")
        return redirect(url_for("admin.bill_places", abbr=abbr))
    try:
        remove_hearing(db.session, current_user, hearing)
    except InvalidCorrection as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash("The hearing is removed.")
    return redirect(url_for("admin.bill_places", abbr=abbr))
