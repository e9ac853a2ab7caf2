"""Drafting letters, the page of one visit's letters, and each letter's private page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from advocacy.account.service import claim_letter
from advocacy.caching import cached_page, private_page
from advocacy.extensions import db, limiter
from advocacy.legislators.constituency import NOBODY, FoundLawmakers, LookupExpired, read_found
from advocacy.letters import outbox_views
from advocacy.letters.addresses import Purpose, inbound_address
from advocacy.letters.delivery import EmailLinks, email_links
from advocacy.letters.drafting import (
    MAX_RECIPIENTS,
    CannotWrite,
    LetterRequest,
    LetterSetup,
    WrittenLetters,
    compose_letters,
    phone_script,
    set_up_letter,
)
from advocacy.letters.forms import (
    ClaimLetterForm,
    DeleteLetterForm,
    EmailLinkForm,
    LetterForm,
    MarkSentForm,
    NotYetForm,
    OpenedForm,
    ReplyForm,
)
from advocacy.letters.printing import letter_pdf
from advocacy.letters.render import LetterRenderError
from advocacy.letters.replies import InvalidReplyLink, letter_token_from_link, record_reply
from advocacy.letters.service import (
    Sender,
    delete_letter,
    get_letter,
    letter_page_data,
    letter_version,
    letters_in_batch,
    mark_not_sent_yet,
    mark_opened,
    mark_sent,
    postal_address,
)
from advocacy.letters.standing import Standing, letter_standing
from advocacy.links import site_url
from advocacy.mail import MailNotSent, UnsafeHeader, mail_configured, send_mail
from advocacy.models import Letter
from advocacy.models.letters import Channel

bp = Blueprint("letters", __name__)
bp.add_app_template_global(letter_standing)
# The outbox: sending a letter from this site (advocacy/letters/outbox_views.py).
bp.add_app_template_global(outbox_views.outbox_state)
bp.add_url_rule("/letters/<token>/outbox", "outbox_ask", outbox_views.ask, methods=["POST"])
bp.add_url_rule("/letters/<token>/outbox/cancel", "outbox_cancel", outbox_views.cancel, methods=["POST"])
bp.add_url_rule("/letters/outbox/confirm/<signed>", "outbox_confirm", outbox_views.confirm)


def _found_lawmakers(signed: str) -> tuple[FoundLawmakers, str]:
    """Who the writer's address lookup found, and a notice when the lookup can no longer be read."""
    try:
        return read_found(current_app.config["SECRET_KEY"], signed), ""
    except LookupExpired as error:
        return (
            NOBODY,
            f"{error} Look up your address again to write to your own lawmakers as their constituent.",
        )


def _letter_form(setup: LetterSetup) -> tuple[LetterForm, FoundLawmakers, str]:
    """The form with the choices this state (or campaign) offers, filled in from the link on a GET;
    who the address lookup found; and a notice when that lookup can no longer be read."""
    form = LetterForm()
    form.area.choices = [SelectChoice(a.slug, f"{a.number}. {a.name}") for a in setup.areas]
    if setup.area is None:
        form.area.choices.insert(0, SelectChoice("", "Choose an issue…"))
    form.offered = setup.legislators  # the recipients it may name (forms.offered_recipient)
    found, lookup_notice = _found_lawmakers(
        form.found.data if form.is_submitted() else request.args.get("found", "")
    )
    if request.method == "GET":
        form.area.data = setup.area.slug if setup.area else ""
        form.to.data = [p.id for p in setup.requested]
        form.found.data = request.args.get("found", "")
        form.sender_town.data = found.town or None
        form.bill.data = request.args.get("bill", "")
    if setup.campaign is not None and setup.campaign.bill is not None:
        form.bill.choices = [SelectChoice(str(b.id), f"{b.identifier}: {b.title}") for b in setup.bills]
        form.bill.data = str(setup.campaign.bill.id)
    else:
        form.bill.choices = [SelectChoice("", "No particular bill")] + [
            SelectChoice(str(b.id), f"{b.identifier}: {b.title}")
            for b in setup.bills_on(form.area.data or "")
        ]
    return form, found, lookup_notice


def _write(
    form: LetterForm, setup: LetterSetup, found: FoundLawmakers, saving: bool
) -> tuple[WrittenLetters | None, str]:
    """The letters a valid form asks for, saved when asked; or why none could be written."""
    sender = Sender(
        name=form.sender_name.data.strip(),
        town=form.sender_town.data.strip(),
        email=(form.sender_email.data or "").strip(),
        personal_paragraph=(form.personal_paragraph.data or "").strip(),
        postal_address=postal_address(form.sender_address.data or ""),
    )
    try:
        written = compose_letters(
            db.session,
            setup,
            form.area.data,
            form.variant.data,
            form.to.data,
            sender,
            found,
            date.today(),
            save=saving,
            user_id=current_user.id if current_user.is_authenticated else None,
            share_contact=bool(form.share_contact.data),
            bill_id=form.bill.data or "",
        )
    except CannotWrite as error:
        return None, str(error)
    except LetterRenderError as error:
        return None, f"{error} Nothing was saved; please tell the site's team."
    return written, ""


def _after_saving(written: WrittenLetters) -> Response:
    """Commit the saved letters and go to where they are sent from."""
    # Read before the commit, which expires them: no query to read them back.
    token, batch, count = written.saved[0].token, written.saved[0].batch, len(written.saved)
    db.session.commit()
    if count == 1:
        flash("Your letter is saved. Now send it: the buttons below open it ready to go.")
        # An explicit fragment: otherwise the browser keeps the form's "#preview-heading".
        return redirect(url_for("letters.track", token=token, _anchor="main"))
    flash(f"Your {count} letters are saved. Send each one from this page.")
    return redirect(url_for("letters.batch", batch=batch, _anchor="main"))


@bp.route("/letters/new", methods=["GET", "POST"])
@cached_page(form_token=True, params=("state", "area", "campaign", "to", "found", "bill"))
@limiter.limit(lambda: current_app.config["RATE_LIMIT_LETTERS"], methods=["POST"])
def new() -> str | Response:
    abbr = request.args.get("state", "").strip()
    if not abbr:
        # Address first: the lookup finds the writer's state and their own lawmakers.
        return redirect(
            url_for(
                "legislators.lookup",
                area=request.args.get("area") or None,
                campaign=request.args.get("campaign") or None,
            )
        )
    asked = LetterRequest(
        abbr, request.args.get("campaign", ""), request.args.get("area", ""), request.args.getlist("to")
    )
    try:
        setup = set_up_letter(db.session, asked)
    except CannotWrite as error:
        abort(404 if asked.to else 400, description=str(error))

    form, found, lookup_notice = _letter_form(setup)
    written, render_error = None, ""
    if form.validate_on_submit():
        written, render_error = _write(form, setup, found, saving=request.form.get("action") == "save")
        if written and written.saved:
            return _after_saving(written)
    chosen = set(form.to.data or [])
    return render_template(
        "letters/new.html",
        setup=setup,
        state=setup.state,
        summary=setup.summary,
        campaign=setup.campaign,
        form=form,
        found=found,
        lookup_notice=lookup_notice,
        chosen=[p for pid, p in setup.legislators.items() if pid in chosen],
        pick_list=setup.pick_list,
        written=written,
        render_error=render_error,
        max_recipients=MAX_RECIPIENTS,
    )


# A letter's page is kept per version of the letter; this bounds only what the clock changes on
# it (a confirmation link that expires).
LETTER_PAGE_KEPT = 60


def _letter_version(token: str) -> int | None:
    return letter_version(db.session, token)


@bp.get("/letters/<token>")
@private_page
@cached_page(LETTER_PAGE_KEPT, form_token=True, version=_letter_version)
def track(token: str) -> str:
    letter, batch_size = letter_page_data(db.session, token)
    return _track(letter, batch_size=batch_size)


def _track(
    letter: Letter,
    reply_form: ReplyForm | None = None,
    email_form: EmailLinkForm | None = None,
    batch_size: int | None = None,
) -> str:
    if reply_form is None:
        reply_form = ReplyForm(
            formdata=None,
            reply_status=letter.reply_status or None,
            reply_outcome=letter.reply_outcome or None,
            reply_notes=letter.reply_notes,
        )
    if email_form is None:
        email_form = EmailLinkForm(formdata=None, email=letter.sender_email or None)
    return render_template(
        "letters/track.html",
        letter=letter,
        links=_email_links(letter),
        standing=letter_standing(letter),
        batch_size=len(letters_in_batch(db.session, letter.batch)) if batch_size is None else batch_size,
        sent_form=MarkSentForm(formdata=None),
        not_yet_form=NotYetForm(formdata=None),
        answer_address=_address(letter, Purpose.ANSWER),
        claim_form=ClaimLetterForm(),
        reply_form=reply_form,
        email_form=email_form,
        can_email_link=mail_configured(),
    )


def _address(letter: Letter, purpose: Purpose) -> str:
    """The letter's copy or answer address at the inbound domain; "" when the site takes no mail."""
    domain = current_app.config["INBOUND_DOMAIN"]
    return inbound_address(current_app.config["SECRET_KEY"], domain, purpose, letter.id) if domain else ""


def _email_links(letter: Letter) -> EmailLinks | None:
    person = letter.legislator
    if not person.email:
        return None
    return email_links(person.email, letter.subject, letter.body, bcc=_address(letter, Purpose.COPY))


@dataclass(frozen=True)
class BatchStep:
    """One letter of a visit, as the page that walks through them shows it."""

    number: int  # 1-based, "Letter 1 of 2"
    letter: Letter
    links: EmailLinks | None
    standing: Standing


def _asked_about(steps: list[BatchStep]) -> BatchStep | None:
    """The letter opened last in an email app and not known to be sent: the page asks about it."""
    opened = [step for step in steps if step.standing.asks_if_sent]
    return max(opened, key=lambda step: step.letter.opened_at) if opened else None


@bp.get("/letters/batch/<batch>")
@private_page
def batch(batch: str) -> str:
    """The letters of one visit, one at a time: the next to send on top, each with its state in words."""
    letters = letters_in_batch(db.session, batch)
    if not letters:
        abort(404, description="No letters have this link; they may have been deleted.")
    steps = [
        BatchStep(n, letter, _email_links(letter), letter_standing(letter))
        for n, letter in enumerate(letters, start=1)
    ]
    waiting = [s for s in steps if not s.standing.settled and not s.standing.asks_if_sent]
    return render_template(
        "letters/batch.html",
        steps=steps,
        current=waiting[0] if waiting else None,
        asked=_asked_about(steps),
        batch=batch,
        sent_form=MarkSentForm(formdata=None, back="batch"),
        not_yet_form=NotYetForm(formdata=None, back="batch"),
    )


@bp.post("/letters/<token>/email-link")
@private_page
@limiter.limit(lambda: current_app.config["RATE_LIMIT_OUTBOX"], methods=["POST"])
def email_link(token: str) -> Response | tuple[str, int]:
    """Send the writer their private link, so they can find the letter again."""
    letter = get_letter(db.session, token)
    form = EmailLinkForm()
    if not form.validate_on_submit():
        return _track(letter, email_form=form), 400
    if not mail_configured():
        flash("This site cannot send email. Copy the link instead, or bookmark this page.", "error")
        return redirect(url_for("letters.track", token=token, _anchor="private-link"))
    person = letter.legislator
    link = site_url("letters.track", token=token)
    try:
        send_mail(
            form.email.data.strip(),
            f"Your letter to {person.title} {person.name}",
            f"Hello,\n\nThis is the private link to your letter to {person.title} {person.name}. "
            "Open it to send the letter, to note that you sent it, or to tell us whether the office "
            f"answered:\n\n{link}\n\nAnyone with this link can see and delete the letter, so keep it "
            "to yourself.\n\nAdvocacy\n",
        )
    except (MailNotSent, UnsafeHeader):
        flash("We could not send the email just now. Copy the link instead, or try again later.", "error")
    else:
        flash(f"We emailed the link to {form.email.data.strip()}.")
    return redirect(url_for("letters.track", token=token, _anchor="private-link"))


@bp.post("/letters/<token>/claim")
@login_required
def claim(token: str) -> Response:
    letter = get_letter(db.session, token)
    if not ClaimLetterForm().validate_on_submit():
        abort(400, description="The request was not valid; reload the page and try again.")
    if claim_letter(letter, current_user):
        db.session.commit()
        flash("The letter is in your letters now.")
    else:
        flash("This letter belongs to another account.", "error")
    return redirect(url_for("letters.track", token=token))


@bp.post("/letters/<token>/reply")
@private_page
def reply(token: str) -> Response | tuple[str, int]:
    letter = get_letter(db.session, token)
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
    return redirect(url_for("letters.track", token=get_letter(db.session, token).token, _anchor="reply"))


@bp.get("/letters/<token>/print")
@private_page
def print_view(token: str) -> str:
    letter = get_letter(db.session, token)
    return render_template("letters/print.html", letter=letter, today=date.today())


@bp.get("/letters/<token>/letter.pdf")
@private_page
def pdf(token: str) -> Response:
    letter = get_letter(db.session, token)
    return Response(
        letter_pdf(letter, date.today()),
        mimetype="application/pdf",
        headers={"Content-Disposition": 'attachment; filename="letter.pdf"'},
    )


@bp.get("/letters/<token>/phone")
@private_page
def phone(token: str) -> str:
    """What to say when calling the office, from the phone script, with the letter's own details."""
    letter = get_letter(db.session, token)
    script, error = None, ""
    try:
        script = phone_script(db.session, letter, date.today())
    except (CannotWrite, LetterRenderError) as failure:
        error = str(failure)
    return render_template("letters/phone.html", letter=letter, script=script, error=error)


@bp.post("/letters/<token>/opened")
def opened(token: str) -> tuple[str, int]:
    """The page's script reports that the writer opened the letter in their email app."""
    letter = get_letter(db.session, token)
    if not OpenedForm().validate_on_submit():
        abort(400, description="The request was not valid; reload the page and try again.")
    if mark_opened(letter):
        db.session.commit()
    return "", 204


def _back(letter: Letter, back: str) -> str:
    if back == "batch":
        return url_for("letters.batch", batch=letter.batch, _anchor="main")
    return url_for("letters.track", token=letter.token)


@bp.post("/letters/<token>/not-yet")
def not_yet(token: str) -> Response:
    """The writer came back from their email app without sending: the letter waits to be sent."""
    letter = get_letter(db.session, token)
    form = NotYetForm()
    if not form.validate_on_submit():
        abort(400, description="The request was not valid; reload the page and try again.")
    mark_not_sent_yet(letter)
    db.session.commit()
    flash("Fine: it is not sent yet. Send it when you are ready.")
    return redirect(_back(letter, form.back.data or ""))


@bp.post("/letters/<token>/sent")
def sent(token: str) -> Response:
    letter = get_letter(db.session, token)
    form = MarkSentForm()
    back = _back(letter, form.back.data or "")
    if not form.validate_on_submit():
        flash("Choose how you sent the letter.", "error")
        return redirect(back)
    standing = letter_standing(letter)
    if standing.site_send_pending:
        # Marking it sent must never cancel, or race, a send the writer asked this site to make.
        flash(
            "This letter is on its way from this site, so it was not marked as sent another way. "
            + (
                "Stop the send from this site first if you sent it yourself."
                if standing.waiting_confirmation
                else ""
            ),
            "error",
        )
        return redirect(back)
    if standing.sent:
        flash("This letter is already marked as sent.")
        return redirect(back)
    mark_sent(letter, Channel(form.channel.data))
    db.session.commit()
    flash("Thank you! The letter is marked as sent.")
    return redirect(back)


@bp.route("/letters/<token>/delete", methods=["GET", "POST"])
@private_page
def delete(token: str) -> Response | str:
    """Deleting asks first: the GET shows what will go, the POST deletes it."""
    letter = get_letter(db.session, token)
    form = DeleteLetterForm()
    if request.method == "GET":
        return render_template("letters/delete.html", letter=letter, form=form)
    if not form.validate_on_submit():
        abort(400, description="The delete request was not valid; reload the page and try again.")
    state_abbr = letter.state_abbr
    delete_letter(db.session, letter)
    db.session.commit()
    flash("The letter is deleted. Nothing of it is kept.")
    return redirect(url_for("reportcards.state", abbr=state_abbr))
