"""Admin pages: an overview, the users table with role changes, and the audit log."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired

from advocacy.admin import bills, committees, legislators, mail, reportcards, templates
from advocacy.audit import audit_actions, search_audit
from advocacy.auth.access import require_role
from advocacy.auth.service import change_role, count_users, get_user, search_users
from advocacy.caching import no_store
from advocacy.extensions import db
from advocacy.legislators.service import count_sitting
from advocacy.letters.service import count_letters
from advocacy.models.accounts import ROLES, Role
from advocacy.pagination import InvalidQuery, positive_int

bp = Blueprint("admin", __name__, url_prefix="/admin")
# Every page under /admin, whichever module adds it, is for admins only, and kept by no browser.
bp.before_request(require_role(Role.ADMIN))
bp.after_request(no_store)


class RoleForm(FlaskForm):
    role = SelectField(
        "Role", choices=[SelectChoice(r, r.capitalize()) for r in ROLES], validators=[DataRequired()]
    )


def _page_arg() -> int:
    try:
        return positive_int(request.args.get("page", ""), "page", default=1)
    except InvalidQuery as error:
        abort(400, description=str(error))


@bp.get("/")
def index() -> str:
    counts = {
        "users": count_users(db.session),
        "letters": count_letters(db.session),
        "lawmakers": count_sitting(db.session),
    }
    return render_template("admin/index.html", counts=counts)


@bp.get("/users")
def users() -> str:
    role = request.args.get("role", "")
    if role and role not in ROLES:
        abort(400, description=f"role must be one of {', '.join(ROLES)}, not {role!r}.")
    q = request.args.get("q", "").strip().lower()
    found = search_users(db.session, role, q)
    forms = {user.id: RoleForm(formdata=None, role=user.role) for user in found}
    return render_template("admin/users.html", users=found, forms=forms, role=role, q=q, roles=ROLES)


@bp.post("/users/<int:user_id>/role")
def set_role(user_id: int) -> Response:
    user = get_user(db.session, user_id)
    form = RoleForm()
    if not form.validate_on_submit():
        flash("Choose one of the listed roles.", "error")
        return redirect(url_for("admin.users"))
    if user.id == current_user.id and form.role.data != Role.ADMIN:
        flash("You cannot remove your own admin role; ask another admin.", "error")
        return redirect(url_for("admin.users"))
    before = user.role
    change_role(db.session, current_user, user, form.role.data)
    db.session.commit()
    if before != user.role:
        flash(f"{user.email} is now {user.role} (was {before}).")
    return redirect(url_for("admin.users"))


@bp.get("/audit")
def audit() -> str:
    action = request.args.get("action", "").strip()
    actor = request.args.get("actor", "").strip()
    page = search_audit(db.session, action=action, actor_email=actor, page=_page_arg())
    return render_template(
        "admin/audit.html", page=page, action=action, actor=actor, actions=audit_actions(db.session)
    )


# The pages of the other admin modules, each beside the others on this one blueprint.
ROUTES: list[tuple[str, Callable[..., object], list[str]]] = [
    ("/bills", bills.bills, ["GET"]),
    ("/bills/<abbr>/refresh", bills.refresh_bills, ["POST"]),
    ("/bills/<abbr>/new", bills.new_bill, ["POST"]),
    ("/bills/<int:bill_id>/areas", bills.bill_areas, ["POST"]),
    ("/bills/<int:bill_id>/hide", bills.hide_bill, ["POST"]),
    ("/bills/<abbr>/session", bills.bill_session, ["POST"]),
    ("/bills/<abbr>/places", committees.bill_places, ["GET"]),
    ("/bills/<abbr>/place", committees.place_bill, ["POST"]),
    ("/bills/<int:bill_id>/place/clear", committees.clear_bill_place, ["POST"]),
    ("/bills/<abbr>/hearings/new", committees.new_hearing, ["POST"]),
    ("/hearings/<int:hearing_id>/remove", committees.drop_hearing, ["POST"]),
    ("/legislators", legislators.legislators, ["GET"]),
    ("/legislators/sync", legislators.run_legislator_sync, ["POST"]),
    ("/legislators/upload", legislators.upload_legislators, ["POST"]),
    ("/corrections/<int:correction_id>/apply", legislators.apply, ["POST"]),
    ("/corrections/<int:correction_id>/dismiss", legislators.dismiss, ["POST"]),
    ("/mail", mail.mail, ["GET"]),
    ("/mail/bouncing/<path:person_id>/checked", mail.address_checked, ["POST"]),
    ("/report-cards", reportcards.report_cards, ["GET"]),
    ("/report-cards/import", reportcards.import_report_cards, ["POST"]),
    ("/report-cards/<abbr>/<int:year>", reportcards.edit_report_card, ["GET", "POST"]),
    ("/templates", templates.templates, ["GET"]),
    ("/templates/new", templates.new_template, ["GET", "POST"]),
    ("/templates/<slug>/edit", templates.edit_template, ["GET", "POST"]),
    ("/templates/<slug>/revisions", templates.template_revisions, ["GET"]),
    ("/templates/<slug>/restore/<int:revision_id>", templates.restore_template, ["POST"]),
    ("/templates/<slug>/retire", templates.retire_template, ["POST"]),
]
for rule, view, methods in ROUTES:
    bp.add_url_rule(rule, view_func=view, methods=methods)
