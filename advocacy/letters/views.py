"""Drafting a letter, and the writer's private tracking page for it."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from advocacy.account.service import claim_letter
from advocacy.campaigns.forms import ReplyForm
from advocacy.campaigns.replies import InvalidReplyLink, letter_token_from_link, record_reply
from advocacy.campaigns.service import get_campaign
from advocacy.extensions import db, limiter
from advocacy.legislators.service import sitting_legislators
from advocacy.letters.delivery import email_links
from advocacy.letters.forms import (
    CHANNEL_LABELS,
    ClaimLetterForm,
    DeleteLetterForm,
    LetterForm,
    MarkSentForm,
)
from advocacy.letters.printing import letter_pdf
from advocacy.letters.render import LetterRenderError
from advocacy.letters.service import (
    Sender,
    UnknownLetter,
    batch_letters,
    delete_letter,
    draft_letters,
    get_letter,
    mark_sent,
    save_letters,
    similarity,
    template_for,
)
from advocacy.models import Legislator, Letter
from advocacy.reportcards.service import (
    choose_report_card,
    featured_framework,
    find_issue_area,
    suggested_area,
    summarize,
)
from advocacy.reportcards.views import state_or_404

bp = Blueprint("letters", __name__)


def _recipient_label(legislator: Legislator) -> str:
    party = f", {legislator.party}" if legislator.party else ""
    where = f"{legislator.chamber_name}, district {legislator.district}"
    return f"{legislator.title} {legislator.name} ({where}{party})"


@bp.route("/letters/new", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATE_LIMIT_LETTERS"], methods=["POST"])
def new() -> str | Response:
    abbr = request.args.get("state", "").strip()
    if not abbr:
        abort(400, description="Choose a state first: the letter needs the state's report card.")
    state = state_or_404(abbr)
    campaign = None
    if request.args.get("campaign"):
        campaign = get_campaign(db.session, request.args["campaign"])
        if campaign is None or campaign.state_abbr != state.abbr:
            abort(404, description="There is no such campaign for this state.")
    framework = featured_framework(db.session)
    if framework is None:
        abort(503, description="Report cards are not loaded yet: run `advocacy seed`.")
    card = choose_report_card(db.session, state)
    summary = summarize(db.session, card) if card else None

    requested_area = request.args.get("area", "").strip()
    area = find_issue_area(framework, requested_area) if requested_area else None
    if requested_area and area is None:
        abort(
            400,
            description=f"There is no issue area {requested_area!r}: use a number from 1 to 6 "
            "or the area's name as it appears in links.",
        )
    if area is None and campaign is not None and campaign.focus_areas:
        area = campaign.focus_areas[0]
    area = area or suggested_area(summary, framework)

    legislators = {person.id: person for person in sitting_legislators(db.session, state)}
    requested_to = request.args.getlist("to")
    for person_id in requested_to:
        if person_id not in legislators:
            abort(
                404,
                description=f"No sitting {state.name} lawmaker has the id {person_id!r}. "
                "Choose one from the state's lawmaker table.",
            )

    form = LetterForm()
    areas = [a for a in framework.issue_areas if not a.is_extra_credit]
    form.area.choices = [SelectChoice(a.slug, f"{a.number}. {a.name}") for a in areas]
    if area is None:
        form.area.choices.insert(0, SelectChoice("", "Choose an issue…"))
    form.to.choices = [
        SelectChoice(pid, _recipient_label(p), optgroup=p.chamber_name) for pid, p in legislators.items()
    ]
    if request.method == "GET":
        form.area.data = area.slug if area else ""
        form.to.data = requested_to

    previews = []
    render_error = ""
    same = None
    if form.validate_on_submit():
        chosen_area = find_issue_area(framework, form.area.data)
        template = template_for(db.session, chosen_area, form.variant.data)
        if campaign is not None and campaign.template is not None and form.variant.data == "ask":
            template = campaign.template
        if template is None:
            abort(503, description=f"There is no letter of that kind for {chosen_area.name} yet.")
        sender = Sender(
            name=form.sender_name.data.strip(),
            town=form.sender_town.data.strip(),
            email=(form.sender_email.data or "").strip(),
            personal_paragraph=(form.personal_paragraph.data or "").strip(),
        )
        recipients = [legislators[pid] for pid in form.to.data]
        try:
            previews = draft_letters(template, summary, state, chosen_area, recipients, sender, date.today())
            if previews and sender.personal_paragraph:
                bare = replace(sender, personal_paragraph="")
                plain = draft_letters(
                    template, summary, state, chosen_area, recipients[:1], bare, date.today()
                )
                same = similarity(previews[0][1].body, plain[0][1].body)
            else:
                same = 100
        except LetterRenderError as error:
            render_error = str(error)
        if previews and request.form.get("action") == "save":
            user_id = current_user.id if current_user.is_authenticated else None
            letters = save_letters(
                db.session,
                template,
                previews,
                state,
                chosen_area,
                sender,
                user_id,
                campaign_id=campaign.id if campaign else None,
                share_contact=bool(form.share_contact.data),
            )
            db.session.commit()
            flash("Your letter is saved. Bookmark this page: it is your private link to it.")
            return redirect(url_for("letters.track", token=letters[0].token))
    return render_template(
        "letters/new.html",
        state=state,
        summary=summary,
        form=form,
        area=area,
        fixed_recipients=[legislators[pid] for pid in (form.to.data or []) if pid in legislators],
        previews=previews,
        render_error=render_error,
        same=same,
        campaign=campaign,
    )


def _letter_or_404(token: str) -> Letter:
    try:
        return get_letter(db.session, token)
    except UnknownLetter as error:
        abort(404, description=str(error))


@bp.get("/letters/<token>")
def track(token: str) -> str:
    return _track(_letter_or_404(token))


def _track(letter: Letter, reply_form: ReplyForm | None = None) -> str:
    links = (
        email_links(letter.legislator.email, letter.subject, letter.body) if letter.legislator.email else None
    )
    if reply_form is None:
        reply_form = ReplyForm(
            formdata=None,
            reply_status=letter.reply_status or None,
            reply_outcome=letter.reply_outcome or None,
            reply_notes=letter.reply_notes,
        )
    return render_template(
        "letters/track.html",
        letter=letter,
        links=links,
        others=batch_letters(db.session, letter),
        sent_form=MarkSentForm(),
        claim_form=ClaimLetterForm(),
        delete_form=DeleteLetterForm(),
        reply_form=reply_form,
        channel_labels=CHANNEL_LABELS,
    )


@bp.post("/letters/<token>/claim")
@login_required
def claim(token: str) -> Response:
    letter = _letter_or_404(token)
    if not ClaimLetterForm().validate_on_submit():
        abort(400, description="The request was not valid; reload the page and try again.")
    if claim_letter(letter, current_user):
        db.session.commit()
        flash("The letter is in your letters now.")
    else:
        flash("This letter belongs to another account.", "error")
    return redirect(url_for("letters.track", token=token))


@bp.post("/letters/<token>/reply")
def reply(token: str) -> Response | tuple[str, int]:
    letter = _letter_or_404(token)
    form = ReplyForm()
    if not form.validate_on_submit():
        return _track(letter, reply_form=form), 400
    record_reply(letter, form.reply_status.data, form.reply_outcome.data or "", form.reply_notes.data or "")
    db.session.commit()
    flash("Thank you for telling us. It helps others know which lawmakers answer.")
    return redirect(url_for("letters.track", token=token, _anchor="reply"))


@bp.get("/letters/reply/<signed>")
def reply_link(signed: str) -> Response:
    """The link in the reminder email: it leads to the letter's own page, at the questions."""
    try:
        token = letter_token_from_link(current_app.config["SECRET_KEY"], signed)
    except InvalidReplyLink as error:
        abort(404, description=str(error))
    return redirect(url_for("letters.track", token=_letter_or_404(token).token, _anchor="reply"))


@bp.get("/letters/<token>/print")
def print_view(token: str) -> str:
    letter = _letter_or_404(token)
    return render_template("letters/print.html", letter=letter, today=date.today())


@bp.get("/letters/<token>/letter.pdf")
def pdf(token: str) -> Response:
    letter = _letter_or_404(token)
    return Response(
        letter_pdf(letter, date.today()),
        mimetype="application/pdf",
        headers={"Content-Disposition": 'attachment; filename="letter.pdf"'},
    )


@bp.get("/letters/<token>/phone")
def phone(token: str) -> str:
    """What to say when calling the office, from the phone script, with the letter's own details."""
    letter = _letter_or_404(token)
    script, error = None, ""
    template = template_for(db.session, letter.issue_area, "phone") if letter.issue_area else None
    if template is None:
        error = "There is no phone script yet."
    else:
        card = choose_report_card(db.session, letter.state)
        sender = Sender(letter.sender_name, letter.sender_town, "", letter.personal_paragraph)
        try:
            script = draft_letters(
                template,
                summarize(db.session, card) if card else None,
                letter.state,
                letter.issue_area,
                [letter.legislator],
                sender,
                date.today(),
            )[0][1]
        except LetterRenderError as failure:
            error = str(failure)
    return render_template("letters/phone.html", letter=letter, script=script, error=error)


@bp.post("/letters/<token>/sent")
def sent(token: str) -> Response:
    letter = _letter_or_404(token)
    form = MarkSentForm()
    if not form.validate_on_submit():
        flash("Choose how you sent the letter.", "error")
        return redirect(url_for("letters.track", token=token))
    mark_sent(letter, form.channel.data)
    db.session.commit()
    flash("Thank you! The letter is marked as sent.")
    return redirect(url_for("letters.track", token=token))


@bp.post("/letters/<token>/delete")
def delete(token: str) -> Response | str:
    letter = _letter_or_404(token)
    form = DeleteLetterForm()
    if not form.validate_on_submit():
        abort(400, description="The delete request was not valid; reload the page and try again.")
    state_abbr = letter.state_abbr
    delete_letter(db.session, letter)
    db.session.commit()
    flash("The letter is deleted. Nothing of it is kept.")
    return redirect(url_for("reportcards.state", abbr=state_abbr))
