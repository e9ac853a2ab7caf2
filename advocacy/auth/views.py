"""Pages for registering, confirming an email, logging in and out, and resetting a password."""

from __future__ import annotations

from dataclasses import astuple

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from advocacy.auth import mails
from advocacy.auth.access import safe_next
from advocacy.auth.forms import (
    ChangePasswordForm,
    LoginForm,
    LogoutForm,
    RegisterForm,
    ResetForm,
    ResetRequestForm,
)
from advocacy.auth.limits import current_password_checks, log_in_attempts
from advocacy.auth.service import (
    InvalidLink,
    WeakPassword,
    authenticate,
    confirm_email,
    end_sessions,
    find_user,
    register_account,
    set_password,
    stand_in,
    user_for_reset,
)
from advocacy.caching import no_store
from advocacy.extensions import db, limiter
from advocacy.jobs import send_after_answer
from advocacy.mail import MailNotSent, build_message, mail_configured, send_mail

bp = Blueprint("auth", __name__, url_prefix="/auth")
# Forms with a visitor's token and email address: no browser or proxy keeps a copy.
bp.after_request(no_store)


def _limit(key: str) -> str:
    return current_app.config[key]


def _secret() -> str:
    return current_app.config["SECRET_KEY"]


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(lambda: _limit("RATE_LIMIT_REGISTER"), methods=["POST"])
def register() -> str | Response:
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            registration = register_account(db.session, form.email.data, form.password.data)
        except WeakPassword as error:
            form.password.errors.append(str(error))
        else:
            # The same words, after the same work, for a taken address as for a new one: no one
            # can test which addresses have an account here. The owner hears of the attempt by mail.
            db.session.commit()
            user = registration.user
            send_after_answer(
                mails.confirmation(user, _secret()) if registration.new else mails.already_registered(user)
            )
            return _sent_to(form.email.data)
    return render_template("auth/register.html", form=form)


NO_MAIL_SERVER = (
    "This site has no mail server set up, so the message was written to the server's log "
    "instead: whoever runs the site can pass the link on."
)


MAIL_SERVER_DOWN = (
    "We could not send the email just now: the mail server did not answer. Please try again in a few minutes."
)


def _sent_to(email: str) -> Response:
    """What registering says, the same whether the account is new or not."""
    if mail_configured():
        flash(
            f"We sent a message to {email}. Open the link in it to confirm your email, then "
            "log in. If nothing arrives within a few minutes, check your spam folder."
        )
    else:
        flash(NO_MAIL_SERVER, "error")
    return redirect(url_for("auth.login"))


@bp.get("/confirm/<token>")
def confirm(token: str) -> Response:
    try:
        confirm_email(db.session, _secret(), token)
    except InvalidLink as error:
        flash(f"{error} Log in to have a new confirmation link sent.", "error")
        return redirect(url_for("auth.login"))
    db.session.commit()
    flash("Your email is confirmed. You can log in now.")
    return redirect(url_for("auth.login"))


@bp.route("/login", methods=["GET", "POST"])
# Per account, which stops guessing one password; per address, generously, which stops sweeping
# many accounts without locking out everyone behind one school's or one office's address.
@log_in_attempts
@limiter.limit(lambda: _limit("RATE_LIMIT_LOGIN_ADDRESS"), methods=["POST"])
def login() -> str | Response:
    form = LoginForm()
    target = safe_next(request.args.get("next"))
    if form.validate_on_submit():
        user = authenticate(db.session, form.email.data, form.password.data)
        if user is None:
            form.password.errors.append("The email or the password is not right.")
        elif user.confirmed_at is None:
            try:
                sent = send_mail(*astuple(mails.confirmation(user, _secret())))
            except MailNotSent:
                flash(f"Please confirm your email first. {MAIL_SERVER_DOWN}", "error")
            else:
                more = "We have sent you a new link." if sent else NO_MAIL_SERVER
                flash(f"Please confirm your email first. {more}", "error")
        else:
            session.clear()  # a fresh session on log-in: nothing carried over from before
            login_user(user)
            return redirect(target or url_for("account.index"))
    return render_template("auth/login.html", form=form, next=target)


@bp.post("/logout")
def logout() -> Response:
    # A POST with a CSRF token, so a link or an image on another site cannot log anyone out.
    if not LogoutForm().validate_on_submit():
        abort(400, description="The log-out request was not valid; reload the page and try again.")
    if current_user.is_authenticated:
        end_sessions(db.session, current_user)
        db.session.commit()
    logout_user()
    session.clear()
    flash("You are logged out.")
    return redirect(url_for("pages.home"))


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit(lambda: _limit("RATE_LIMIT_RESET"), methods=["POST"])
def reset_request() -> str | Response:
    form = ResetRequestForm()
    if form.validate_on_submit():
        user = find_user(db.session, form.email.data)
        # A link is signed and a message written for an address without an account too, so that
        # both take as long; only an account's is sent (after the answer, which says the same).
        mail = mails.reset(user or stand_in(form.email.data), _secret())
        if user is not None:
            send_after_answer(mail)
        else:
            build_message(*astuple(mail))  # what send_after_answer does before the answer
        if not mail_configured():
            flash(NO_MAIL_SERVER, "error")
        flash(
            f"If {form.email.data} has an account here, we have sent it a link to choose a new "
            "password. The link works once, for one hour."
        )
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_request.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@limiter.limit(lambda: _limit("RATE_LIMIT_RESET"), methods=["POST"])
def reset(token: str) -> str | Response:
    try:
        user = user_for_reset(db.session, _secret(), token)
    except InvalidLink as error:
        flash(str(error), "error")
        return redirect(url_for("auth.reset_request"))
    form = ResetForm()
    if form.validate_on_submit():
        try:
            set_password(user, form.password.data)
        except WeakPassword as error:
            form.password.errors.append(str(error))
        else:
            user.confirmed_at = user.confirmed_at or user.created_at  # the link proved the email
            db.session.commit()
            logout_user()
            flash("Your password is changed. Log in with the new one.")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form)


@bp.route("/password", methods=["GET", "POST"])
@current_password_checks
@login_required
def change_password() -> str | Response:
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if authenticate(db.session, current_user.email, form.current.data) is None:
            form.current.errors.append("That is not your current password.")
        else:
            try:
                set_password(current_user, form.password.data)
            except WeakPassword as error:
                form.password.errors.append(str(error))
            else:
                db.session.commit()
                login_user(current_user._get_current_object())  # this session goes on; others end
                flash("Your password is changed. Other devices are logged out.")
                return redirect(url_for("account.index"))
    return render_template("auth/change_password.html", form=form)
