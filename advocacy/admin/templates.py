"""Admin pages for letter templates: list, create, edit with a preview, revisions, diff, restore, retire."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from advocacy.extensions import db
from advocacy.legislators.service import LegislatorQuery, get_legislator, search_legislators
from advocacy.letters.editing import (
    StaleRevision,
    TemplateProblem,
    all_templates,
    create_template,
    diff_revisions,
    get_revision,
    get_template,
    preview,
    restore_revision,
    save_revision,
    set_retired,
)
from advocacy.letters.render import PURPOSES, LetterRenderError
from advocacy.models import LetterTemplate, State
from advocacy.reportcards.service import all_states, featured_framework

PREVIEW_STATE = "mo"
# A text column has no length of its own; the longest shipped letter template has some 4,400.
MAX_BODY = 20_000


class TemplateForm(FlaskForm):
    title = StringField(
        "Title (for admins)",
        validators=[DataRequired(), Length(max=200, message="A title can be at most 200 characters long.")],
    )
    subject = StringField(
        "Subject",
        validators=[DataRequired(), Length(max=300, message="A subject can be at most 300 characters long.")],
    )
    body = TextAreaField(
        "Body",
        validators=[
            DataRequired(message="The letter needs a body."),
            Length(max=MAX_BODY, message=f"A body can be at most {MAX_BODY:,} characters long."),
        ],
    )
    note = StringField(
        "What changed, and why",
        validators=[Optional(), Length(max=300, message="A note can be at most 300 characters long.")],
    )
    base_revision = HiddenField()
    preview_state = SelectField("Preview for a lawmaker in", validators=[Optional()])
    preview_legislator = SelectField("Lawmaker", validators=[Optional()], validate_choice=False)


class NewTemplateForm(TemplateForm):
    slug = StringField(
        "Short name (in links and files)",
        validators=[
            DataRequired(),
            Length(max=100, message="A short name can be at most 100 characters long."),
        ],
    )
    purpose = SelectField("Purpose", choices=[SelectChoice(p, p) for p in PURPOSES])
    area = SelectField("Issue area", validators=[Optional()])


class ActionForm(FlaskForm):
    pass


def _preview_choices(form: TemplateForm) -> None:
    """Fill the lawmaker picker for the chosen state (Missouri first, so a preview always works)."""
    form.preview_state.choices = [SelectChoice(s.abbr, s.name) for s in all_states(db.session)]
    abbr = form.preview_state.data or PREVIEW_STATE
    form.preview_state.data = abbr
    state = db.session.get(State, abbr) or db.session.get(State, PREVIEW_STATE)
    people = search_legislators(db.session, state, LegislatorQuery(per_page=1000)).items
    form.preview_legislator.choices = [
        SelectChoice(p.id, f"{p.title} {p.name} (district {p.district})", optgroup=p.chamber_name)
        for p in people
    ]


def _preview(form: TemplateForm, template: LetterTemplate | None) -> tuple[object, str]:
    """(rendered letter or None, error) for the lawmaker chosen in the form."""
    ids = {choice.value for choice in form.preview_legislator.choices}
    chosen = form.preview_legislator.data if form.preview_legislator.data in ids else None
    chosen = chosen or next(iter(ids), None)
    if chosen is None:
        return None, "No lawmakers are loaded for that state yet: sync them, or choose another state."
    legislator = get_legislator(db.session, chosen)
    try:
        return preview(db.session, template, form.subject.data, form.body.data, legislator), ""
    except LetterRenderError as error:
        return None, str(error)


def templates() -> str:
    return render_template(
        "admin/templates.html", templates=all_templates(db.session), action_form=ActionForm()
    )


def new_template() -> tuple[str, int] | Response:
    form = NewTemplateForm()
    framework = featured_framework(db.session)
    areas = [a for a in framework.issue_areas if not a.is_extra_credit]
    form.area.choices = [SelectChoice("", "None (any issue)"), *(SelectChoice(a.slug, a.name) for a in areas)]
    _preview_choices(form)
    problems: list[str] = []
    rendered, render_error = None, ""
    if form.validate_on_submit():
        if request.form.get("action") == "preview":
            rendered, render_error = _preview(form, None)
        else:
            area = next((a for a in areas if a.slug == form.area.data), None)
            try:
                template = create_template(
                    db.session,
                    current_user,
                    form.slug.data.strip(),
                    form.purpose.data,
                    area,
                    form.title.data,
                    form.subject.data,
                    form.body.data,
                )
            except TemplateProblem as error:
                problems = error.problems
            else:
                db.session.commit()
                flash(f"Template {template.slug} is created.")
                return redirect(url_for("admin.edit_template", slug=template.slug))
    return render_template(
        "admin/template_form.html",
        form=form,
        template=None,
        problems=problems,
        rendered=rendered,
        render_error=render_error,
        conflict=None,
    ), (400 if form.errors else 200)


def edit_template(slug: str) -> tuple[str, int] | Response:
    template = get_template(db.session, slug)
    current = template.current
    form = TemplateForm(
        data=None
        if request.method == "POST"
        else {
            "title": current.title,
            "subject": current.subject,
            "body": current.body,
            "base_revision": str(current.id),
        }
    )
    _preview_choices(form)
    problems: list[str] = []
    conflict = None
    rendered, render_error = None, ""
    if form.validate_on_submit():
        if request.form.get("action") == "preview":
            rendered, render_error = _preview(form, template)
        else:
            base = int(form.base_revision.data) if (form.base_revision.data or "").isdigit() else 0
            try:
                save_revision(
                    db.session,
                    current_user,
                    template,
                    base,
                    form.title.data,
                    form.subject.data,
                    form.body.data,
                    form.note.data or "",
                )
            except StaleRevision as error:
                # Both texts stay on the page; saving again starts from the newest revision.
                conflict = (str(error), template.current)
                form.base_revision.data = str(template.current.id)
            except TemplateProblem as error:
                problems = error.problems
            else:
                db.session.commit()
                flash(f"Saved revision {template.current.id} of {template.slug}.")
                return redirect(url_for("admin.edit_template", slug=slug))
    return render_template(
        "admin/template_form.html",
        form=form,
        template=template,
        problems=problems,
        rendered=rendered,
        render_error=render_error,
        conflict=conflict,
    ), (409 if conflict else 400 if form.errors else 200)  # 400: a field failed its checks


def template_revisions(slug: str) -> str:
    template = get_template(db.session, slug)
    revisions = {r.id: r for r in template.revisions}
    newer = revisions.get(request.args.get("b", type=int) or template.current.id)
    older = revisions.get(
        request.args.get("a", type=int) or (template.revisions[-2].id if len(revisions) > 1 else 0)
    )
    if ("a" in request.args or "b" in request.args) and (newer is None or older is None):
        abort(404, description="Both revisions must belong to this template.")
    return render_template(
        "admin/template_revisions.html",
        template=template,
        older=older,
        newer=newer,
        diff=diff_revisions(older, newer) if older and newer else [],
        action_form=ActionForm(),
    )


def restore_template(slug: str, revision_id: int) -> Response:
    template = get_template(db.session, slug)
    old = get_revision(db.session, template, revision_id)
    if not ActionForm().validate_on_submit():
        abort(400, description="The request was not valid; reload the page and try again.")
    restore_revision(db.session, current_user, template, old)
    db.session.commit()
    flash(f"Revision {revision_id} is restored as revision {template.current.id}.")
    return redirect(url_for("admin.template_revisions", slug=slug))


def retire_template(slug: str) -> Response:
    template = get_template(db.session, slug)
    if not ActionForm().validate_on_submit():
        abort(400, description="The request was not valid; reload the page and try again.")
    set_retired(db.session, current_user, template, template.retired_at is None)
    db.session.commit()
    flash(f"{template.slug} is {'retired' if template.retired_at else 'back in use'}.")
    return redirect(url_for("admin.templates"))
