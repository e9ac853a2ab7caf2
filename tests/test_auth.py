"""Accounts: register, confirm, log in and out, reset and change a password, create-user."""

from __future__ import annotations

import logging
import time

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import func, select

from advocacy.extensions import db
from advocacy.mail import UnsafeHeader, build_message
from advocacy.models import AuditEvent, User
from tests.conftest import PASSWORD
from tests.pages import csrf_token, text_of


def form_post(client, url: str, **fields):
    page = client.get(url)
    return client.post(url, data={"csrf_token": csrf_token(page), **fields})


def register(client, email="new@example.org", password=PASSWORD, again=None):
    return form_post(
        client, "/auth/register", email=email, password=password, password_again=again or password
    )


def users() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def test_register_confirm_by_email_then_log_in(client, smtp, auth):
    registered = register(client)

    assert registered.headers["Location"] == "/auth/login"
    assert "We sent a message to new@example.org" in text_of(client.get("/auth/login"))
    assert len(smtp) == 1
    mail = smtp[0]
    assert mail.recipients == ["new@example.org"]
    assert mail.message["Subject"] == "Confirm your email for Advocacy"

    not_yet = auth.login("new@example.org")
    assert "Please confirm your email first. We have sent you a new link." in text_of(not_yet)
    assert len(smtp) == 2

    confirmed = client.get(mail.link())
    assert confirmed.headers["Location"] == "/auth/login"
    logged_in = auth.login("new@example.org")
    assert logged_in.headers["Location"] == "/account/"
    assert "Logged in as new@example.org (citizen)." in text_of(client.get("/account/"))


def test_registration_refuses_weak_and_mismatched_passwords(client, smtp):
    short = register(client, password="short")
    common = register(client, password="password123")
    own_email = register(client, email="patdoe@example.org", password="patdoe-is-my-name")
    mismatch = register(client, password=PASSWORD, again=PASSWORD + "!")

    assert "Use at least 10 characters." in text_of(short)
    assert "That password is too easy to guess." in text_of(common)
    assert "Do not use your email address in your password." in text_of(own_email)
    assert "The two passwords are not the same." in text_of(mismatch)
    assert users() == 0 and smtp == []


def test_registering_a_taken_email_reveals_nothing_and_tells_the_owner(client, smtp, auth):
    auth.create("pat@example.org")

    page = register(client, email="Pat@Example.org")

    assert page.headers["Location"] == "/auth/login"
    assert "We sent a message to Pat@Example.org" in text_of(client.get("/auth/login"))
    assert users() == 1
    assert smtp[0].message["Subject"] == "You already have an Advocacy account"


def test_without_a_mail_server_the_page_says_where_the_message_went(client, caplog):
    register(client)

    assert "no mail server set up, so the message was written to the server's log" in text_of(
        client.get("/auth/login")
    )
    assert "Confirm your email for Advocacy" in caplog.text


def test_a_mail_server_that_is_down_is_logged_and_said_at_log_in_not_a_crash(client, app, caplog):
    app.config["SMTP_URL"] = "smtp://127.0.0.1:9"

    with caplog.at_level(logging.WARNING, logger="advocacy.mail"):
        page = register(client)

    # Registering says the same whether or not a mail could leave (no one learns which addresses
    # have accounts); the failure goes to the log, and logging in says what happened.
    assert page.status_code == 302
    assert "We sent a message to new@example.org" in text_of(client.get("/auth/login"))
    assert any("was not sent" in record.getMessage() for record in caplog.records)
    logging_in = form_post(client, "/auth/login", email="new@example.org", password=PASSWORD)
    assert "the mail server did not answer" in text_of(logging_in)


def test_wrong_password_gets_one_message_for_both_mistakes(client, auth):
    auth.create()

    wrong_password = text_of(auth.login(password="not the password at all"))
    unknown_email = text_of(auth.login(email="nobody@example.org"))

    message = "The email or the password is not right."
    assert message in wrong_password and message in unknown_email


def test_confirmation_links_that_are_forged_or_expired_are_refused(client, app, auth):
    user = auth.create("late@example.org", confirmed=False)

    class LongAgo(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - 4 * 24 * 3600

    old = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="advocacy.confirm", signer=LongAgo)
    expired = client.get(f"/auth/confirm/{old.dumps({'id': user.id, 'email': user.email})}")
    assert "This link has expired." in text_of(client.get(expired.headers["Location"]))
    forged = client.get("/auth/confirm/eyJpZCI6MX0.forged.signature")
    assert "This link is not valid." in text_of(client.get(forged.headers["Location"]))
    db.session.refresh(user)
    assert user.confirmed_at is None


def test_password_reset_link_works_once(client, smtp, auth):
    auth.create()

    form_post(client, "/auth/reset", email="pat@example.org")
    link = smtp[0].link()
    new_password = "a brand new long passphrase"
    changed = form_post(client, link, password=new_password, password_again=new_password)
    reused = client.get(link)

    assert changed.headers["Location"] == "/auth/login"
    assert "This reset link has already been used." in text_of(client.get(reused.headers["Location"]))
    assert auth.login(password=PASSWORD).status_code == 200  # the old password no longer works
    assert auth.login(password=new_password).headers["Location"] == "/account/"


def test_asking_to_reset_an_unknown_email_says_the_same_and_sends_nothing(client, smtp):
    page = form_post(client, "/auth/reset", email="nobody@example.org")

    assert "If nobody@example.org has an account here" in text_of(client.get(page.headers["Location"]))
    assert smtp == []


def test_changing_the_password_logs_out_other_devices(app, auth):
    auth.create()
    auth.login()
    other = app.test_client()
    AuthLogin = type(auth)
    AuthLogin(other).login()
    assert other.get("/account/").status_code == 200

    new_password = "another quite long passphrase"
    changed = form_post(
        auth._client,
        "/auth/password",
        current=PASSWORD,
        password=new_password,
        password_again=new_password,
    )

    assert changed.headers["Location"] == "/account/"
    assert auth._client.get("/account/").status_code == 200  # this device stays logged in
    assert other.get("/account/").headers["Location"].startswith("/auth/login")


def test_change_password_needs_the_current_one(client, auth):
    auth.create()
    auth.login()

    page = form_post(
        client, "/auth/password", current="wrong guess", password="x" * 12, password_again="x" * 12
    )

    assert "That is not your current password." in text_of(page)


def test_log_out_is_a_post(client, auth):
    auth.create()
    auth.login()

    assert client.get("/auth/logout").status_code == 405
    auth.logout()

    assert client.get("/account/").headers["Location"] == "/auth/login?next=/account/"


@pytest.mark.parametrize(
    ("next_url", "lands_on"),
    [
        ("/states/mo", "/states/mo"),
        ("https://evil.example/", "/account/"),
        ("//evil.example/", "/account/"),
        ("/\\evil.example", "/account/"),
        ("javascript:alert(1)", "/account/"),
        ("/\r\nSet-Cookie: x=1", "/account/"),
    ],
)
def test_next_never_leaves_the_site(client, auth, next_url, lands_on):
    auth.create()
    page = client.get("/auth/login", query_string={"next": next_url})

    answer = client.post(
        page.request.full_path,
        data={"csrf_token": csrf_token(page), "email": "pat@example.org", "password": PASSWORD},
    )

    assert answer.headers["Location"] == lands_on


def test_create_user_reads_the_password_from_stdin(runner):
    result = runner.invoke(
        args=["create-user", "Admin@Example.org", "--role", "admin"], input=PASSWORD + "\n"
    )

    assert result.exit_code == 0, result.output
    assert result.output == "created admin@example.org (admin)\n"
    user = db.session.scalar(select(User))
    assert (user.email, user.role, user.confirmed_at is not None) == ("admin@example.org", "admin", True)
    event = db.session.scalar(select(AuditEvent))
    assert (event.action, event.subject_id, event.origin) == ("user.create", str(user.id), "command line")


@pytest.mark.parametrize(
    ("args", "password", "message"),
    [
        (["create-user", "a@example.org"], "short\n", "Use at least 10 characters."),
        (
            ["create-user", "not-an-email"],
            PASSWORD + "\n",
            "Invalid value for EMAIL: An email address must have an @-sign.",
        ),
        (["create-user", "a@example.org", "--role", "boss"], PASSWORD + "\n", "'boss' is not one of"),
    ],
)
def test_create_user_refuses_bad_input(runner, args, password, message):
    result = runner.invoke(args=args, input=password)

    assert result.exit_code != 0
    assert message in result.output
    assert users() == 0


def test_create_user_refuses_a_duplicate(runner, auth):
    auth.create("a@example.org")

    result = runner.invoke(args=["create-user", "A@example.org"], input=PASSWORD + "\n")

    assert result.exit_code == 1
    assert "An account with this email already exists." in result.output


@pytest.mark.parametrize(
    ("to", "subject"),
    [
        ("victim@example.org\r\nBcc: everyone@example.org", "Hello"),
        ("victim@example.org", "Hello\r\nBcc: everyone@example.org"),
        ("victim@example.org", "Hello\nX-Injected: yes"),
    ],
)
def test_header_injection_in_mail_is_refused(app, to, subject):
    with pytest.raises(UnsafeHeader):
        build_message(to, subject, "Body")


def test_an_email_with_a_line_break_is_refused_at_registration(client, smtp):
    page = register(client, email="a@example.org\r\nBcc: b@example.org")

    assert "Enter an email address such as name@example.org." in text_of(page)
    assert users() == 0 and smtp == []
