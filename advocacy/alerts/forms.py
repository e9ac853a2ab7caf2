"""Forms for following bills: asking to follow, stopping, and an organizer following for a campaign."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField
from wtforms.validators import AnyOf, DataRequired, Email, Length

from advocacy.auth.forms import EMAIL_MESSAGE
from advocacy.auth.service import MAX_EMAIL_LENGTH


class FollowForm(FlaskForm):
    email = EmailField(
        "Your email address",
        validators=[
            Length(
                max=MAX_EMAIL_LENGTH,
                message=f"An email address is at most {MAX_EMAIL_LENGTH} characters long.",
            ),
            DataRequired(message=EMAIL_MESSAGE),
            Email(message=EMAIL_MESSAGE),
        ],
    )
    # Offered only to a visitor who arrives with a signed address lookup; unticked unless they tick it.
    keep_lawmakers = BooleanField("Keep my lawmakers so alerts can link to a letter to them")
    found = HiddenField()


class StopForm(FlaskForm):
    """The one button of the stop page. Its POST needs no token: mail apps post there (RFC 8058)."""


class CampaignFollowForm(FlaskForm):
    action = HiddenField(validators=[AnyOf(("follow", "stop"), message="Choose to follow or to stop.")])
