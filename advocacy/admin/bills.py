"""Admin pages for bills: a state's bills and their areas, a refresh now, a bill added by hand."""

from __future__ import annotations

import math
from datetime import date

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import DateField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from advocacy.bills.editing import HandBill, InvalidBill, add_bill, choose_session, set_areas, set_hidden
from advocacy.bills.service import (
    api_configured,
    current_session_of,
    get_bill,
    state_bills_for_admin,
)
from advocacy.bills.sync import last_good_refresh, latest_refreshes
from advocacy.campaigns.forms import CheckboxesField
from advocacy.extensions import db
from advocacy.jobs import submit
from advocacy.reportcards.service import all_states, featured_framework, get_state
from advocacy.tasks import bills_job


class StateForm(FlaskForm):
    state = SelectField("State", validators=[DataRequired()])


class AreasForm(FlaskForm):
    areas = CheckboxesField("Issue areas this bill addresses")


class HandBillForm(FlaskForm):
    identifier = StringField(
        "Bill number",
        validators=[
            DataRequired("Give the bill's number."),
            Length(max=40, message="A bill number can be at most 40 characters long."),
        ],
    )
    title = StringField(
        "Title",
        validators=[
            DataRequired("Give the bill's title."),
            Length(max=1000, message="A title can be at most 1,000 characters long."),
        ],
    )
    url = StringField(
        "Legislature's page for the bill",
        validators=[Optional(), Length(max=1000, message="An address can be at most 1,000 characters long.")],
    )
    session = StringField(
        "Session",
        validators=[
            DataRequired("Give the session, such as 2026."),
            Length(max=40, message="A session can be at most 40 characters long."),
        ],
    )
    latest_action = StringField(
        "Latest action",
        validators=[
            Optional(),
            Length(max=500, message="The latest action can be at most 500 characters long."),
        ],
    )
    latest_action_date = DateField("Date of the latest action", validators=[Optional()])
    areas = CheckboxesField("Issue areas this bill addresses")


class SessionForm(FlaskForm):
    identifier = StringField(
        "Session identifier",
        validators=[Optional(), Length(max=40, message="An identifier can be at most 40 characters long.")],
    )
    name = StringField(
        "Session name",
        validators=[Optional(), Length(max=120, message="A name can be at most 120 characters long.")],
    )


def _area_choices(form: FlaskForm) -> None:
    framework = featured_framework(db.session)
    areas = [a for a in framework.issue_areas if not a.is_extra_credit] if framework else []
    form.areas.choices = [SelectChoice(str(a.id), f"{a.number}. {a.name}") for a in areas]


def _chosen_areas(form: FlaskForm) -> list:
    framework = featured_framework(db.session)
    wanted = set(form.areas.data or [])
    return [a for a in framework.issue_areas if str(a.id) in wanted] if framework else []


def _page(
    abbr: str, hand_form: HandBillForm | None = None, status: int = 200, problem: str = ""
) -> tuple[str, int]:
    state = get_state(db.session, abbr)
    state_form = StateForm(formdata=None, state=state.abbr)
    state_form.state.choices = [SelectChoice(s.abbr, s.name) for s in all_states(db.session)]
    current = current_session_of(db.session, state)
    if hand_form is None:
        hand_form = HandBillForm(
            formdata=None, session=current.identifier if current else str(date.today().year)
        )
    _area_choices(hand_form)
    bills = state_bills_for_admin(db.session, state)
    area_forms = {}
    for bill in bills:
        form = AreasForm(formdata=None, areas=[str(a.id) for a in bill.areas], prefix=f"bill-{bill.id}")
        _area_choices(form)
        area_forms[bill.id] = form
    return render_template(
        "admin/bills.html",
        state=state,
        state_form=state_form,
        hand_form=hand_form,
        session_form=SessionForm(
            formdata=None,
            prefix="session",
            identifier=current.identifier if current and current.chosen_by_admin else "",
            name=current.name if current and current.chosen_by_admin else "",
        ),
        current=current,
        bills=bills,
        area_forms=area_forms,
        refreshes=latest_refreshes(db.session, state.abbr),
        last_good=last_good_refresh(db.session, state.abbr),
        api_ready=api_configured(current_app.config),
        problem=problem,
    ), status


def bills() -> tuple[str, int]:
    return _page(request.args.get("state", "mo").strip() or "mo")


def refresh_bills(abbr: str) -> Response:
    state = get_state(db.session, abbr)
    if not FlaskForm().validate_on_submit():
        flash("The request was not valid; reload the page and try again.", "error")
    elif not api_configured(current_app.config):
        flash("No Open States API key is set, so bills cannot be refreshed; see below.", "error")
    else:
        # Never in this request: a refresh may take minutes (10 requests a minute), within its caps.
        done = submit(bills_job, [state.abbr], background=True)
        if done.queued:
            flash(f"{state.name}'s refresh is queued: the worker runs it in a moment. Reload to see it.")
        else:
            minutes = max(1, math.ceil(float(current_app.config["OPENSTATES_API_MAX_SECONDS"]) / 60))
            flash(
                f"{state.name}'s refresh has started: it ends within {minutes} minute"
                f"{'' if minutes == 1 else 's'}. Reload this page to see its result below."
            )
    return redirect(url_for("admin.bills", state=state.abbr))


def new_bill(abbr: str) -> Response | tuple[str, int]:
    state = get_state(db.session, abbr)
    form = HandBillForm()
    _area_choices(form)
    if not form.validate_on_submit():
        return _page(state.abbr, form, 400)
    entered = HandBill(
        identifier=form.identifier.data,
        title=form.title.data,
        url=(form.url.data or "").strip(),
        session=form.session.data,
        areas=_chosen_areas(form),
        latest_action=form.latest_action.data or "",
        latest_action_date=form.latest_action_date.data,
    )
    try:
        bill = add_bill(db.session, current_user, state, entered)
    except InvalidBill as error:
        db.session.rollback()
        return _page(state.abbr, form, 400, problem=str(error))
    db.session.commit()
    flash(f"{bill.identifier} is added to {state.name}'s bills.")
    return redirect(url_for("admin.bills", state=state.abbr))


def bill_areas(bill_id: int) -> Response:
    bill = get_bill(db.session, bill_id)
    form = AreasForm(prefix=f"bill-{bill.id}")
    _area_choices(form)
    if not form.validate_on_submit():
        flash("Choose issue areas from the list.", "error")
    else:
        set_areas(db.session, current_user, bill, _chosen_areas(form))
        db.session.commit()
        names = ", ".join(a.name for a in bill.areas) or "no issue area (it shows under none)"
        flash(f"{bill.identifier} now addresses: {names}.")
    return redirect(url_for("admin.bills", state=bill.state_abbr))


def hide_bill(bill_id: int) -> Response:
    bill = get_bill(db.session, bill_id)
    if not FlaskForm().validate_on_submit():
        flash("The request was not valid; reload the page and try again.", "error")
    else:
        set_hidden(db.session, current_user, bill, not bill.hidden)
        db.session.commit()
        flash(f"{bill.identifier} is {'hidden from' if bill.hidden else 'shown on'} the state's page.")
    return redirect(url_for("admin.bills", state=bill.state_abbr))


def bill_session(abbr: str) -> Response:
    state = get_state(db.session, abbr)
    form = SessionForm(prefix="session")
    if form.validate_on_submit():
        choose_session(db.session, current_user, state, form.identifier.data or "", form.name.data or "")
        db.session.commit()
        if form.identifier.data:
            flash(f"{state.name}'s page shows the bills of session {form.identifier.data.strip()}.")
        else:
            flash(f"{state.name}'s session is chosen by date again, at the next refresh.")
    else:
        flash("A session identifier is at most 40 characters.", "error")
    return redirect(url_for("admin.bills", state=state.abbr))
