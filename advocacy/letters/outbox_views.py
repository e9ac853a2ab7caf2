"""Sending a letter from this site: the writer asks, confirms their email, and the outbox delivers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import abort, current_app, flash, redirect, url_for
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from advocacy.clock import utcnow
from advocacy.dates import long_moment
from advocacy.extensions import db, limiter
from advocacy.jobs import submit
from advocacy.letters.outbox import (
    CannotSendFromSite,
    InvalidConfirmation,
    cancel_send,
    confirm_send,
    confirmation_expired,
    deliver_job,
    request_send,
    why_not_sendable,
)
from advocacy.letters.service import get_letter
from advocacy.links import site_url
from advocacy.mail import MailNotSent, mail_configured, send_mail
from advocacy.models import Letter, OutboxMessage
from advocacy.models.letters import LetterStatus, OutboxStatus

NO_MAIL_SERVER = (
    "This site has no mail server set up, so it cannot send letters. "
    "Send your letter from your own email instead."
)
# A message in these states leaves the writer free to ask (again): none is on its way.
RESTARTABLE = (OutboxStatus.WAITING_CONFIRMATION, OutboxStatus.FAILED, OutboxStatus.CANCELLED)


class OutboxForm(FlaskForm):
    pass


def _when(moment: datetime | None) -> str:
    return long_moment(moment) if moment else ""


@dataclass(frozen=True)
class OutboxState:
    """What the tracking page shows about sending the letter from this site."""

    message: OutboxMessage | None
    problem: str  # why it cannot be sent from here, or ""
    link_expired: bool
    form: OutboxForm

    @property
    def offered(self) -> bool:
        """The writer may ask now: the first time, for a new link, or again after a failure."""
        status = self.message.status if self.message else None
        return not self.problem and status in (None, *RESTARTABLE)

    @property
    def sent_on(self) -> str:
        return _when(self.message.sent_at) if self.message else ""

    @property
    def retry_after(self) -> str:
        return _when(self.message.next_attempt_at) if self.message else ""


def outbox_state(letter: Letter) -> OutboxState | None:
    """For templates/letters/_outbox.html; None when there is nothing to show about the outbox."""
    message = letter.outbox_message
    if not mail_configured():
        return None
    if letter.status != LetterStatus.DRAFT and (message is None or message.status in RESTARTABLE):
        return None  # sent some other way: nothing to offer, and an old request is moot
    now = utcnow()
    return OutboxState(
        message=message,
        problem=why_not_sendable(letter) if letter.status == LetterStatus.DRAFT else "",
        link_expired=message is not None and confirmation_expired(message, now),
        form=OutboxForm(),
    )


@limiter.limit(lambda: current_app.config["RATE_LIMIT_OUTBOX"], methods=["POST"])
def ask(token: str) -> Response:
    letter = get_letter(db.session, token)
    if not OutboxForm().validate_on_submit():
        abort(400, description="The request was not valid; reload the page and try again.")
    if not mail_configured():
        abort(400, description=NO_MAIL_SERVER)
    try:
        signed = request_send(db.session, letter, current_app.config["SECRET_KEY"])
    except CannotSendFromSite as error:
        flash(str(error), "error")
        return redirect(url_for("letters.track", token=token))
    db.session.commit()
    person = letter.legislator
    link = site_url("letters.outbox_confirm", signed=signed)
    try:
        send_mail(
            letter.sender_email,
            "Confirm your letter before it is sent",
            f"Hello,\n\nYou asked us to email your letter to {person.title} {person.name}. It will come "
            "from this site's address, and replies will come to this email address.\n\n"
            f"To confirm that this is your address and send the letter, open this link within two days:\n\n"
            f"{link}\n\nIf you did not ask for this, you can ignore this message: nothing is sent "
            "without it.\n\nAdvocacy\n",
        )
    except MailNotSent:
        flash(
            "We could not send you the confirmation email just now: the mail server did not answer. "
            "Please try again in a few minutes.",
            "error",
        )
    else:
        flash(
            f"We sent a link to {letter.sender_email}. Open it to confirm your email address, and your "
            f"letter goes to {person.title} {person.name}. If nothing arrives within a few minutes, "
            "check your spam folder."
        )
    return redirect(url_for("letters.track", token=token))


def cancel(token: str) -> Response:
    letter = get_letter(db.session, token)
    if not OutboxForm().validate_on_submit():
        abort(400, description="The request was not valid; reload the page and try again.")
    try:
        cancel_send(letter)
    except CannotSendFromSite as error:
        flash(str(error), "error")
    else:
        db.session.commit()
        flash("Sending from this site is stopped: the link we emailed you will send nothing.")
    return redirect(url_for("letters.track", token=token))


def confirm(signed: str) -> Response:
    try:
        message = confirm_send(db.session, current_app.config["SECRET_KEY"], signed)
    except (InvalidConfirmation, CannotSendFromSite) as error:
        if not error.letter_token:
            abort(400, description=str(error))
        # The letter is known: its page explains what happened and offers what is still possible.
        flash(str(error), "error" if isinstance(error, InvalidConfirmation) else "message")
        return redirect(url_for("letters.track", token=error.letter_token))
    db.session.commit()
    token = message.letter.token
    if message.status == OutboxStatus.CANCELLED:
        flash(
            "You stopped this letter from being sent from this site, so nothing was sent. "
            "You can still send it yourself, or ask again below."
        )
        return redirect(url_for("letters.track", token=token))
    if message.status == OutboxStatus.QUEUED and mail_configured():
        # Without Redis this sends now, within this request; with it, `advocacy worker` does.
        submit(deliver_job, message.id)
        db.session.refresh(message)
    person = message.letter.legislator
    if message.status == OutboxStatus.SENT:
        flash(
            f"Thank you. Your letter was sent to {person.title} {person.name}. "
            "Replies will come to your email address."
        )
    elif message.status == OutboxStatus.FAILED:
        flash(f"There was a problem sending your letter. {message.last_error}", "error")
    else:
        flash("Thank you. Your email address is confirmed and your letter will be sent shortly.")
    return redirect(url_for("letters.track", token=token))
