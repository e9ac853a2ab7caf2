"""The organizer's campaign form."""

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from advocacy.campaigns.service import TARGETS

# A text column has no length of its own: room for every district of the largest legislature,
# New Hampshire's House (some 200 districts), one per line, several times over.
MAX_TARGET_DISTRICTS = 10_000


class CheckboxesField(SelectMultipleField):
    """Several choices as checkboxes: each one a tap, where a multiple select needs Ctrl-click."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class CampaignForm(FlaskForm):
    title = StringField(
        "Title",
        validators=[
            DataRequired(message="Give the campaign a title."),
            Length(max=200, message="A title can be at most 200 characters long."),
        ],
    )
    slug = StringField(
        "Short name for the link",
        validators=[
            DataRequired(message="Choose a short name, e.g. mo-safe-harbor-2027."),
            Length(max=100, message="A short name can be at most 100 characters long."),
        ],
    )
    description = TextAreaField(
        "What you ask people to do, in a few sentences",
        validators=[
            Optional(),
            Length(max=2000, message="A description can be at most 2,000 characters long."),
        ],
    )
    state = SelectField(
        "State", validators=[DataRequired(message="Choose the state whose lawmakers you write to.")]
    )
    bill = SelectField("A bill the campaign backs (optional)", default="")
    focus_areas = CheckboxesField(
        "Issue areas", validators=[DataRequired(message="Choose at least one issue area.")]
    )
    template = SelectField("Letter", validators=[Optional()])
    target = SelectField(
        "Who should receive letters", choices=[SelectChoice(k, v) for k, v in TARGETS.items()]
    )
    target_districts = TextAreaField(
        "Districts, one per line (for chosen districts)",
        validators=[
            Optional(),
            Length(
                max=MAX_TARGET_DISTRICTS,
                message=f"The districts can be at most {MAX_TARGET_DISTRICTS:,} characters long in all.",
            ),
        ],
    )
    target_legislators = CheckboxesField("Lawmakers (for chosen lawmakers)", validators=[Optional()])
    goal = IntegerField(
        "Goal: number of letters",
        validators=[
            Optional(),
            NumberRange(min=1, max=10_000_000, message="Enter a goal of at least 1 letter."),
        ],
    )
    starts_on = DateField("Starts", validators=[Optional()])
    ends_on = DateField("Ends", validators=[Optional()])
