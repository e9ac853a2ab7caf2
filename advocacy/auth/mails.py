"""The account emails. Links in them start with BASE_URL, whatever Host the request named."""

from __future__ import annotations

from advocacy.auth.service import confirmation_token, reset_token
from advocacy.links import site_url
from advocacy.mail import OutgoingMail
from advocacy.models import User

SIGN_OFF = "\n\nIf you did not ask for this, you can ignore this message.\n\nAdvocacy\n"


def confirmation(user: User, secret: str) -> OutgoingMail:
    link = site_url("auth.confirm", token=confirmation_token(secret, user))
    return OutgoingMail(
        user.email,
        "Confirm your email for Advocacy",
        f"Hello,\n\nPlease confirm your email address by opening this link within three days:\n\n{link}"
        + SIGN_OFF,
    )


def reset(user: User, secret: str) -> OutgoingMail:
    link = site_url("auth.reset", token=reset_token(secret, user))
    return OutgoingMail(
        user.email,
        "Choose a new password for Advocacy",
        f"Hello,\n\nTo choose a new password, open this link. It works once, within one hour:\n\n{link}"
        + SIGN_OFF,
    )


def already_registered(user: User) -> OutgoingMail:
    link = site_url("auth.reset_request")
    return OutgoingMail(
        user.email,
        "You already have an Advocacy account",
        "Hello,\n\nSomeone, perhaps you, tried to register with this email address, which already "
        f"has an account. To log in without your password, ask for a new one here:\n\n{link}" + SIGN_OFF,
    )
