"""How often an account's password may be tried: at log-in, and wherever a signed-in person must
type it again (changing it, deleting the account). All count together, per account, against
RATE_LIMIT_LOGIN, so a stolen session guesses the password no faster than a stranger at the log-in
page; the answer past the limit is the same 429 page."""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app, request
from flask_limiter import RouteLimit
from flask_login import current_user

from advocacy.auth.service import email_too_long, normalize_email
from advocacy.extensions import limiter
from advocacy.limit_keys import fixed_length


def account_key(email: str) -> str:
    return "account:" + fixed_length(normalize_email(email))


def _account_named() -> str:
    return account_key(request.form.get("email", ""))


def _names_no_account() -> bool:
    """An address too long for any account is refused by the form, and counts for none."""
    return email_too_long(request.form.get("email", ""))


def _own_account() -> str:
    return account_key(current_user.email)


def _signed_out() -> bool:
    return not current_user.is_authenticated  # sent to log in, and no account to count for


def _password_checks(key_func: Callable[[], str], exempt_when: Callable[[], bool]) -> RouteLimit:
    return limiter.shared_limit(
        lambda: current_app.config["RATE_LIMIT_LOGIN"],
        scope="password-checks",
        key_func=key_func,
        exempt_when=exempt_when,
        methods=["POST"],
    )


# For the log-in form: the account its email field names.
log_in_attempts = _password_checks(_account_named, _names_no_account)
# For forms that ask a signed-in person for their current password: their own account.
current_password_checks = _password_checks(_own_account, _signed_out)
