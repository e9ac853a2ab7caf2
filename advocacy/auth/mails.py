"""The account emails; each returns False when no mail server is set up and the message was only logged."""

from flask import url_for

from advocacy.auth.service import confirmation_token, reset_token
from advocacy.mail import send_mail
from advocacy.models import User

SIGN_OFF = "\n\nIf you did not ask for this, you can ignore this message.\n\nAdvocacy\n"


def send_confirmation(user: User, secret: str) -> bool:
    link = url_for("auth.confirm", token=confirmation_token(secret, user), _external=True)
    return send_mail(
        user.email,
        "Confirm your email for Advocacy",
        f"Hello,\n\nPlease confirm your email address by opening this link within three days:\n\n{link}"
        + SIGN_OFF,
    )


def send_reset(user: User, secret: str) -> bool:
    link = url_for("auth.reset", token=reset_token(secret, user), _external=True)
    return send_mail(
        user.email,
        "Choose a new password for Advocacy",
        f"Hello,\n\nTo choose a new password, open this link. It works once, within one hour:\n\n{link}"
        + SIGN_OFF,
    )


def send_already_registered(user: User | None) -> bool:
    if user is None:
        return False
    link = url_for("auth.reset_request", _external=True)
    return send_mail(
        user.email,
        "You already have an Advocacy account",
        "Hello,\n\nSomeone, perhaps you, tried to register with this email address, which already "
        f"has an account. To log in without your password, ask for a new one here:\n\n{link}" + SIGN_OFF,
    )
