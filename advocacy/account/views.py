"""The account page: my letters, downloading my data, deleting my account."""

from __future__ import annotations

import json

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask_login import current_user, login_required, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms.validators import DataRequired, Length

from advocacy.account.service import AccountInUse, delete_account, export_user_data, letters_of
from advocacy.auth.limits import current_password_checks
from advocacy.auth.service import authenticate
from advocacy.caching import no_store
from advocacy.extensions import db

bp = Blueprint("account", __name__, url_prefix="/account")
bp.after_request(no_store)  # a writer's letters and data: no browser or proxy keeps a copy


class DeleteAccountForm(FlaskForm):
    password = PasswordField(
        "Your password",
        validators=[
            DataRequired(message="Enter your password to confirm."),
            Length(max=200, message="A password is at most 200 characters long."),
        ],
    )


@bp.get("/")
@login_required
def index() -> str:
    return render_template(
        "account/index.html",
        letters=letters_of(db.session, current_user),
        delete_form=DeleteAccountForm(),
    )


@bp.get("/export")
@login_required
def export() -> Response:
    data = export_user_data(db.session, current_user)
    return Response(
        json.dumps(data, indent=2, ensure_ascii=False),
        mimetype="application/json",
        headers={"Content-Disposition": 'attachment; filename="advocacy-my-data.json"'},
    )


@bp.post("/delete")
@current_password_checks
@login_required
def delete() -> str | Response:
    form = DeleteAccountForm()
    if form.validate_on_submit():
        if authenticate(db.session, current_user.email, form.password.data) is None:
            form.password.errors.append("That is not your password; nothing was deleted.")
        else:
            try:
                letters = delete_account(db.session, current_user._get_current_object())
            except AccountInUse as error:
                form.password.errors.append(str(error))
            else:
                db.session.commit()
                logout_user()
                flash(f"Your account and its {letters} letter(s) are deleted. Nothing of them is kept.")
                return redirect(url_for("pages.home"))
    return render_template(
        "account/index.html", letters=letters_of(db.session, current_user), delete_form=form
    ), 400
