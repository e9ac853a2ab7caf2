"""The form anyone can use to report a lawmaker's wrong contact detail."""

import re

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from advocacy.models.legislators import CORRECTABLE_FIELDS

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE = re.compile(r"^[0-9()+.\-\s]{7,25}(\s*(x|ext\.?)\s*\d{1,6})?$", re.IGNORECASE)


class CorrectionForm(FlaskForm):
    field = SelectField(
        "What is wrong?",
        choices=[SelectChoice(name, label) for name, label in CORRECTABLE_FIELDS.items()],
        validators=[DataRequired()],
    )
    proposed_value = StringField(
        "The right value",
        validators=[
            DataRequired(message="Enter the right email, phone number or address."),
            Length(max=300, message="The right value can be at most 300 characters long."),
        ],
    )
    note = TextAreaField(
        "Where did you find it? (optional)",
        validators=[Optional(), Length(max=1000, message="A note can be at most 1,000 characters long.")],
    )

    def validate_proposed_value(self, field: StringField) -> None:
        value = field.data.strip()
        if self.field.data == "email" and not EMAIL.match(value):
            raise ValidationError("Enter an email address such as name@senate.example.gov.")
        if self.field.data.endswith("_voice") and not PHONE.match(value):
            raise ValidationError("Enter a phone number such as 573-751-3623.")
