"""Forms for accounts; each state change is one form with its own CSRF token."""

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Email, EqualTo, Length

EMAIL_MESSAGE = "Enter an email address such as name@example.org."


def _email_field() -> EmailField:
    return EmailField(
        "Email",
        validators=[DataRequired(message=EMAIL_MESSAGE), Email(message=EMAIL_MESSAGE), Length(max=254)],
    )


def _new_password_fields() -> tuple[PasswordField, PasswordField]:
    return (
        PasswordField(
            "New password",
            validators=[DataRequired(message="Choose a password."), Length(max=200)],
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
    password = PasswordField("Password", validators=[DataRequired(message="Enter your password.")])


class ResetRequestForm(FlaskForm):
    email = _email_field()


class ResetForm(FlaskForm):
    password, password_again = _new_password_fields()


class ChangePasswordForm(FlaskForm):
    current = PasswordField(
        "Current password", validators=[DataRequired(message="Enter your current password.")]
    )
    password, password_again = _new_password_fields()


class LogoutForm(FlaskForm):
    pass
