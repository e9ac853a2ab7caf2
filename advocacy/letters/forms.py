"""Forms for drafting a letter and for the writer's tracking page."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional

from advocacy.models.letters import CHANNELS

CHANNEL_LABELS = {
    "email": "I sent it by email",
    "print": "I printed and posted it",
    "phone": "I called the office",
    "outbox": "Sent from this site",
}


VARIANTS = {
    "ask": "Ask for a new law",
    "thank-you": "Thank them for supporting a fix",
    "follow-up": "Follow up on a letter that had no answer",
}


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
        validators=[DataRequired(message="Choose at least one lawmaker to write to.")],
    )
    sender_name = StringField(
        "Your full name",
        validators=[
            DataRequired(message="Enter your name: offices answer named constituents."),
            Length(max=200),
        ],
    )
    sender_town = StringField(
        "Your town or city",
        validators=[
            DataRequired(message="Enter your town so the office knows you are a constituent."),
            Length(max=200),
        ],
    )
    sender_email = EmailField(
        "Your email (optional)",
        validators=[
            Optional(),
            Email(message="Enter an email address such as name@example.org."),
            Length(max=254),
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
        choices=[SelectChoice(c, CHANNEL_LABELS[c]) for c in CHANNELS if c != "outbox"],
        validators=[DataRequired()],
    )


class DeleteLetterForm(FlaskForm):
    pass


class ClaimLetterForm(FlaskForm):
    pass
