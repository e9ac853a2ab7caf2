"""Forms for drafting a letter and for the writer's tracking page (did the lawmaker answer?)."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from advocacy.letters.drafting import MAX_RECIPIENTS, too_many_recipients
from advocacy.letters.replies import OUTCOMES, REPLIES
from advocacy.models.letters import Channel

CHANNEL_LABELS = {
    Channel.EMAIL: "I sent it by email",
    Channel.PRINT: "I printed and posted it",
    Channel.PHONE: "I called the office",
    Channel.OUTBOX: "Sent from this site",
}
# How a sent letter went, as the writer's page says it: "Sent by email on 30 November 2026".
CHANNEL_PHRASES = {
    Channel.EMAIL: "Sent by email",
    Channel.PRINT: "Posted",
    Channel.PHONE: "Called the office",
    Channel.OUTBOX: "Sent from this site",
}


VARIANTS = {
    "ask": "Ask for a new law",
    "thank-you": "Thank them for supporting a fix",
    "follow-up": "Follow up on a letter that had no answer",
}


def at_most_recipients(form: FlaskForm, field: SelectMultipleField) -> None:
    count = len(set(field.data or []))
    if count > MAX_RECIPIENTS:
        raise ValidationError(too_many_recipients(count))


def offered_recipient(form: FlaskForm, field: SelectMultipleField) -> None:
    """Each recipient is one the form offers (`form.offered`, set by the view): checked against a
    set, not by walking every choice, since a state offers up to 400 lawmakers."""
    offered = getattr(form, "offered", ())
    for person_id in field.data or []:
        if person_id not in offered:
            raise ValidationError(f"{person_id!r} is not a valid choice: choose lawmakers from the list.")


class LetterForm(FlaskForm):
    variant = SelectField(
        "Kind of letter", choices=[SelectChoice(k, v) for k, v in VARIANTS.items()], default="ask"
    )
    area = SelectField(
        "Issue to write about",
        validators=[DataRequired(message="Choose the issue your letter is about.")],
    )
    to = SelectMultipleField(
        "Lawmakers",
        validators=[
            DataRequired(message="Choose at least one lawmaker to write to."),
            at_most_recipients,
            offered_recipient,
        ],
        validate_choice=False,  # offered_recipient checks them
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    # Checked against the chosen issue by compose_letters: a bill must address it.
    bill = SelectField("A bill to name (optional)", default="", validate_choice=False)
    # Signed by the address lookup: which recipients represent the writer's address.
    found = HiddenField()
    sender_name = StringField(
        "Your full name",
        validators=[
            DataRequired(message="Enter your name: offices answer letters that are signed."),
            Length(max=200, message="Keep your name under 200 characters."),
        ],
    )
    sender_town = StringField(
        "Your town or city",
        validators=[
            DataRequired(message="Enter your town or city so the office knows where you live."),
            Length(max=200, message="Keep your town under 200 characters."),
        ],
    )
    sender_address = TextAreaField(
        "Your postal address (optional)",
        validators=[
            Optional(),
            Length(max=300, message="Keep your postal address under 300 characters."),
        ],
    )
    sender_email = EmailField(
        "Your email (optional)",
        validators=[
            Optional(),
            Email(message="Enter an email address such as name@example.org."),
            Length(max=254, message="An email address is at most 254 characters long."),
        ],
    )
    share_contact = BooleanField("Let the campaign's organizer see my name, town and email")
    personal_paragraph = TextAreaField(
        "In your own words (optional)",
        validators=[
            Optional(),
            Length(max=3000, message="Keep your paragraph under 3,000 characters."),
        ],
    )


class MarkSentForm(FlaskForm):
    channel = SelectField(
        "How did you send it?",
        choices=[SelectChoice(c, CHANNEL_LABELS[c]) for c in Channel if c is not Channel.OUTBOX],
        validators=[DataRequired(message="Choose how you sent the letter.")],
    )
    # "batch" when marked from the page listing all the letters of one visit.
    back = HiddenField()


class DeleteLetterForm(FlaskForm):
    pass


class NotYetForm(FlaskForm):
    """The writer came back from their email app without sending."""

    back = HiddenField()


class OpenedForm(FlaskForm):
    """Sent by the page's script as the writer opens the letter in their email app (a beacon)."""


class EmailLinkForm(FlaskForm):
    email = EmailField(
        "Your email address",
        validators=[
            DataRequired(message="Enter the email address to send the link to."),
            Email(message="Enter an email address such as name@example.org."),
            Length(max=254, message="An email address is at most 254 characters long."),
        ],
    )


class ClaimLetterForm(FlaskForm):
    pass


class ReplyForm(FlaskForm):
    reply_status = RadioField(
        "Did the lawmaker answer?",
        choices=[SelectChoice(k, v) for k, v in REPLIES.items()],
        validators=[DataRequired(message="Choose one answer.")],
    )
    reply_outcome = RadioField(
        "If they answered, where do they stand?",
        choices=[SelectChoice(k, v) for k, v in OUTCOMES.items()],
        validators=[Optional()],
    )
    reply_notes = TextAreaField(
        "A short summary of their answer (optional)",
        validators=[Optional(), Length(max=2000, message="A summary can be at most 2,000 characters long.")],
    )
