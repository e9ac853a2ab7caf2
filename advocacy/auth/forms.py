"""Forms for accounts; each state change is one form with its own CSRF token."""

from flask_wtf import FlaskForm
from wtforms import EmailField, Field, PasswordField
from wtforms.validators import DataRequired, Email, EqualTo, Length, StopValidation

from advocacy.auth.service import MAX_EMAIL_LENGTH, email_too_long

EMAIL_MESSAGE = "Enter an email address such as name@example.org."
MAX_PASSWORD = 200  # as check_password_strength allows


def _password_length() -> Length:
    return Length(max=MAX_PASSWORD, message=f"A password is at most {MAX_PASSWORD} characters long.")


def _short_enough(_form: FlaskForm, field: Field) -> None:
    """Checked before anything else reads the address (the other checks, a rate limit's key)."""
    if email_too_long(field.data or ""):
        raise StopValidation(f"An email address is at most {MAX_EMAIL_LENGTH} characters long.")


def _email_field() -> EmailField:
    return EmailField(
        "Email",
        validators=[_short_enough, DataRequired(message=EMAIL_MESSAGE), Email(message=EMAIL_MESSAGE)],
    )


def _new_password_fields() -> tuple[PasswordField, PasswordField]:
    return (
        PasswordField(
            "New password",
            validators=[DataRequired(message="Choose a password."), _password_length()],
        ),
        PasswordField(
            "New password again",
            validators=[
                DataRequired(message="Type the password a second time."),
                EqualTo("password", message="The two passwords are not the same."),
            ],
        ),
    )


class RegisterForm(FlaskForm):
    email = _email_field()
    password, password_again = _new_password_fields()


class LoginForm(FlaskForm):
    email = _email_field()
    password = PasswordField(
        "Password", validators=[DataRequired(message="Enter your password."), _password_length()]
    )


class ResetRequestForm(FlaskForm):
    email = _email_field()


class ResetForm(FlaskForm):
    password, password_again = _new_password_fields()


class ChangePasswordForm(FlaskForm):
    current = PasswordField(
        "Current password",
        validators=[DataRequired(message="Enter your current password."), _password_length()],
    )
    password, password_again = _new_password_fields()


class LogoutForm(FlaskForm):
    pass
