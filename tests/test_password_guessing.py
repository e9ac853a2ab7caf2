"""A hijacked session guesses the account's password no faster than a stranger at the log-in page:
every form that asks for the current password counts against the account's log-in limit."""

from __future__ import annotations

import pytest

from tests.conftest import AuthActions
from tests.pages import text_of

NEW_PASSWORD = "another quite long passphrase"


@pytest.mark.parametrize(
    ("url", "guess"),
    [
        (
            "/auth/password",
            lambda n: {"current": f"guess {n}", "password": NEW_PASSWORD, "password_again": NEW_PASSWORD},
        ),
        ("/account/delete", lambda n: {"password": f"guess {n}"}),
    ],
    ids=["change password", "delete account"],
)
def test_guessing_the_current_password_meets_the_log_in_limit(make_app, url, guess):
    limited = make_app(RATELIMIT_ENABLED=True, RATE_LIMIT_LOGIN="5 per minute")
    limited.config["WTF_CSRF_ENABLED"] = False
    email = f"{url.strip('/').replace('/', '-')}@example.org"  # an account, and a count, per case
    hijacked = limited.test_client()
    auth = AuthActions(hijacked)
    auth.create(email)
    assert auth.login(email).status_code == 302  # the log-in counts: 1 of 5

    answers = [hijacked.post(url, data=guess(n)) for n in range(6)]

    statuses = [answer.status_code for answer in answers]
    assert 429 not in statuses[:4] and statuses[4:] == [429, 429]
    assert "Too Many Requests" in text_of(answers[-1])
    assert "Please wait a minute before trying again." in text_of(answers[-1])
    # One count for the account: its log-in page is closed to guesses for now too.
    assert AuthActions(limited.test_client()).login(email).status_code == 429
    assert hijacked.get("/account/").status_code == 200  # the account itself was left alone
