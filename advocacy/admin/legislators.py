"""Admin pages for lawmakers: each state's last sync and its age, running a sync, uploads, corrections."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from werkzeug.wrappers import Response
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice

from advocacy.audit import record
from advocacy.clients.openstates import Fetched
from advocacy.clock import utcnow
from advocacy.extensions import db
from advocacy.jobs import submit
from advocacy.legislators.corrections import (
    CorrectionAlreadyReviewed,
    apply_correction,
    dismiss_correction,
    get_correction,
    pending_corrections,
)
from advocacy.legislators.service import sitting_by_state
from advocacy.legislators.sync import (
    InvalidLegislatorFile,
    StateOutcome,
    last_good_run,
    newest_runs,
    record_run,
    sync_content,
)
from advocacy.models import ContactCorrection, State
from advocacy.reportcards.service import all_states
from advocacy.tasks import sync_job


class SyncForm(FlaskForm):
    state = SelectField("States")


class UploadForm(FlaskForm):
    state = SelectField("State")
    file = FileField(
        "Open States CSV file", validators=[FileRequired(message="Choose the state's CSV file.")]
    )


class ReviewForm(FlaskForm):
    pass


def _state_choices(with_all: bool) -> list[SelectChoice]:
    choices = [SelectChoice(s.abbr, s.name) for s in all_states(db.session)]
    return [SelectChoice("", "Every state"), *choices] if with_all else choices


def legislators() -> str:
    sitting = sitting_by_state(db.session)
    now = utcnow()
    stale_after = timedelta(days=int(current_app.config["LEGISLATOR_STALE_DAYS"]))
    sync_form = SyncForm()
    sync_form.state.choices = _state_choices(with_all=True)
    upload_form = UploadForm()
    upload_form.state.choices = _state_choices(with_all=False)
    return render_template(
        "admin/legislators.html",
        states=all_states(db.session),
        latest=newest_runs(db.session, good_only=False),
        good=newest_runs(db.session, good_only=True),
        sitting=sitting,
        now=now,
        stale_after=stale_after,
        sync_form=sync_form,
        upload_form=upload_form,
        corrections=pending_corrections(db.session),
        review_form=ReviewForm(),
        source=current_app.config["OPENSTATES_URL"],
    )


def _report(outcomes: list[StateOutcome]) -> None:
    failed = [o for o in outcomes if o.counts is None]
    for outcome in outcomes if len(outcomes) <= 3 else failed:
        flash(outcome.describe(), "error" if outcome.counts is None else "message")
    if len(outcomes) > 3:
        flash(f"Synced {len(outcomes) - len(failed)} of {len(outcomes)} states.")


def run_legislator_sync() -> Response:
    form = SyncForm()
    form.state.choices = _state_choices(with_all=True)
    if not form.validate_on_submit():
        flash("Choose a state, or every state.", "error")
        return redirect(url_for("admin.legislators"))
    abbrs = [form.state.data] if form.state.data else [s.abbr for s in all_states(db.session)]
    source = current_app.config["OPENSTATES_URL"]
    submitted = submit(sync_job, abbrs, source)
    # Recorded once the sync is queued or done: no entry for a sync that never started.
    how = {"job": submitted.job_id} if submitted.queued else {"ran": "at once"}
    record(
        db.session,
        current_user,
        "legislators.sync",
        "states",
        ",".join(abbrs),
        after={"source": source, **how},
    )
    db.session.commit()
    if submitted.queued:
        flash(f"The sync is queued (job {submitted.job_id}); refresh this page in a minute to see it.")
    else:
        _report(submitted.outcomes or [])
    return redirect(url_for("admin.legislators"))


def upload_legislators() -> Response:
    form = UploadForm()
    form.state.choices = _state_choices(with_all=False)
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(error, "error")
        return redirect(url_for("admin.legislators"))
    state = db.session.get(State, form.state.data)
    fetched = Fetched(form.file.data.read())
    last = last_good_run(db.session, state)
    location = f"upload by {current_user.email}"
    try:
        counts, rows, digest = sync_content(db.session, state, fetched, last)
    except InvalidLegislatorFile as error:
        db.session.rollback()
        outcome = StateOutcome(state.abbr, error=str(error))
        record_run(db.session, location, outcome)
    else:
        outcome = StateOutcome(state.abbr, counts=counts)
        record_run(db.session, location, outcome, rows, digest, fetched)
        record(db.session, current_user, "legislators.upload", "state", state.abbr, after={"rows": rows})
    db.session.commit()
    _report([outcome])
    return redirect(url_for("admin.legislators"))


def _reviewed(correction_id: int) -> ContactCorrection:
    """The correction an admin's Apply or Reject names, from a valid review form."""
    correction = get_correction(db.session, correction_id)
    if not ReviewForm().validate_on_submit():
        abort(400, description="The request was not valid; reload the page and try again.")
    return correction


def apply(correction_id: int) -> Response:
    correction = _reviewed(correction_id)
    try:
        apply_correction(db.session, correction, current_user)
    except CorrectionAlreadyReviewed as error:
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(f"Applied: {correction.legislator.name}'s {correction.field_label.lower()} is corrected.")
    return redirect(url_for("admin.legislators", _anchor="corrections"))


def dismiss(correction_id: int) -> Response:
    correction = _reviewed(correction_id)
    try:
        dismiss_correction(db.session, correction, current_user)
    except CorrectionAlreadyReviewed as error:
        flash(str(error), "error")
    else:
        db.session.commit()
        flash("Dismissed.")
    return redirect(url_for("admin.legislators", _anchor="corrections"))
