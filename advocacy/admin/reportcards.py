"""Admin pages for report cards: every card of an edition, one card's form, and CSV import."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from werkzeug.wrappers import Response
from wtforms import DecimalField, IntegerField, SelectField, TextAreaField, URLField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from advocacy.extensions import db
from advocacy.models import Framework
from advocacy.reportcards.imports import (
    GRADES,
    CardFigures,
    InvalidReportCardFile,
    check_figures,
    parse_card_csv,
    save_figures,
)
from advocacy.reportcards.service import (
    all_states,
    cards_in_edition,
    edition_for_year,
    editions,
    get_state,
    parse_edition,
    plain_points,
    report_card_in,
)

NUMBER_MESSAGE = "Enter a number of zero or more, such as 12.5."


class ImportForm(FlaskForm):
    file = FileField("CSV file", validators=[FileRequired(message="Choose a CSV file to import.")])


def card_form_class(framework: Framework) -> type[FlaskForm]:
    """A form laid out like the framework's card: grade, total, then every area and extra credit."""

    class CardForm(FlaskForm):
        grade = SelectField(
            "Grade",
            choices=[SelectChoice("", "Not known"), *(SelectChoice(g, g) for g in GRADES)],
        )
        total_score = DecimalField(
            "Total score", places=None, validators=[Optional(), NumberRange(min=0, message=NUMBER_MESSAGE)]
        )
        rank = IntegerField(
            "National rank", validators=[Optional(), NumberRange(min=1, message="Ranks start at 1.")]
        )
        source = URLField(
            "Source of these figures",
            validators=[
                DataRequired(message="Give the web address these figures come from."),
                Length(max=1000, message="An address can be at most 1,000 characters long."),
            ],
        )
        notes = TextAreaField(
            "Notes",
            validators=[Optional(), Length(max=2000, message="Notes can be at most 2,000 characters long.")],
        )

    for area in framework.issue_areas:
        maximum = float(area.max_points) if area.max_points is not None else None
        message = (
            f"Enter a score from 0 to {plain_points(area.max_points)}."
            if maximum is not None
            else NUMBER_MESSAGE
        )
        field = DecimalField(
            area.name,
            places=None,
            validators=[Optional(), NumberRange(min=0, max=maximum, message=message)],
        )
        name = "extra_credit" if area.is_extra_credit else f"area_{area.code}"
        setattr(CardForm, name, field)
    return CardForm


def report_cards() -> str:
    edition = edition_for_year(db.session, parse_edition(request.args.get("edition")))
    return render_template(
        "admin/report_cards.html",
        edition=edition,
        editions=editions(db.session),
        cards=cards_in_edition(db.session, edition),
        states=all_states(db.session),
        import_form=ImportForm(),
        errors=[],
    )


def import_report_cards() -> str | Response:
    form = ImportForm()
    errors = []
    if form.validate_on_submit():
        try:
            rows = parse_card_csv(db.session, form.file.data.read())
        except InvalidReportCardFile as error:
            errors = error.errors
        else:
            counts = save_figures(db.session, rows, current_user, "reportcard.import")
            db.session.commit()
            flash(f"Imported: {counts.describe()}.")
            return redirect(url_for("admin.report_cards", edition=rows[0][1].year))
    else:
        errors = [e for field_errors in form.errors.values() for e in field_errors]
    edition = edition_for_year(db.session, None)
    return render_template(
        "admin/report_cards.html",
        edition=edition,
        editions=editions(db.session),
        cards=cards_in_edition(db.session, edition),
        states=all_states(db.session),
        import_form=form,
        errors=errors,
    ), 400


def edit_report_card(abbr: str, year: int) -> str | Response:
    state = get_state(db.session, abbr)
    edition = edition_for_year(db.session, year)
    card = report_card_in(db.session, state, edition)
    form_class = card_form_class(edition.framework)
    form = form_class(obj=card) if request.method == "GET" and card else form_class()
    if request.method == "GET" and card:
        for score in card.area_scores:
            name = "extra_credit" if score.issue_area.is_extra_credit else f"area_{score.issue_area.code}"
            form[name].data = score.score
        for field in form:
            if isinstance(field, DecimalField):
                field.data = plain_points(field.data)  # 11.00 shows as 11, as on the card
    problems: list[str] = []
    if form.validate_on_submit():
        figures = CardFigures(
            year=edition.year,
            state=state.abbr,
            grade=form.grade.data or None,
            total_score=form.total_score.data,
            extra_credit=form.extra_credit.data if "extra_credit" in form else None,
            rank=form.rank.data,
            source=form.source.data.strip(),
            notes=form.notes.data or "",
            areas={
                area.code: form[f"area_{area.code}"].data
                for area in edition.framework.issue_areas
                if not area.is_extra_credit and form[f"area_{area.code}"].data is not None
            },
        )
        problems = check_figures(figures, edition)
        if not problems:
            save_figures(db.session, [(figures, edition)], current_user, "reportcard.update", replace=True)
            db.session.commit()
            flash(f"{state.name}'s {edition.year} report card is saved.")
            base = [a for a in edition.framework.issue_areas if not a.is_extra_credit]
            if figures.areas and len(figures.areas) < len(base):
                flash(
                    f"Only {len(figures.areas)} of its {len(base)} areas have a score, so its weakest "
                    "areas are still named from the published findings. Enter every area's score to rank "
                    "them by score.",
                    "error",
                )
            return redirect(url_for("reportcards.state", abbr=state.abbr, edition=edition.year))
    base = [a for a in edition.framework.issue_areas if not a.is_extra_credit]
    scored = sum(1 for s in card.area_scores if not s.issue_area.is_extra_credit) if card else 0
    return render_template(
        "admin/report_card_form.html",
        state=state,
        edition=edition,
        card=card,
        form=form,
        problems=problems,
        partly_scored=(scored, len(base)) if 0 < scored < len(base) else None,
    )
