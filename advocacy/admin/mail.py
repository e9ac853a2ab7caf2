"""Admin page for inbound mail: each path's last message, what failed and why, and bouncing addresses."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from advocacy.audit import record
from advocacy.clock import utcnow
from advocacy.extensions import db
from advocacy.inbound.health import bouncing_addresses, inbound_health
from advocacy.legislators.service import get_legislator


class CheckedForm(FlaskForm):
    """An admin checked a bouncing address and found it works: send to it again."""


def mail() -> str:
    config = current_app.config
    return render_template(
        "admin/mail.html",
        domain=config["INBOUND_DOMAIN"],
        mailbox=bool(config["INBOUND_IMAP_URL"]),
        forwarder=bool(config["INBOUND_SECRET"]),
        health=inbound_health(db.session, utcnow()),
        bouncing=bouncing_addresses(db.session),
        form=CheckedForm(),
    )


def address_checked(person_id: str) -> Response:
    person = get_legislator(db.session, person_id)
    if not CheckedForm().validate_on_submit():
        flash("The form had expired; please try again.", "error")
        return redirect(url_for("admin.mail"))
    if person.email_bouncing_since is not None:
        before = {"email": person.email, "reason": person.email_bounce_reason}
        person.forget_bounces()
        record(db.session, current_user, "legislator.email_checked", "legislator", person.id, before=before)
        db.session.commit()
        flash(f"This site sends to {person.email} again.")
    return redirect(url_for("admin.mail"))
