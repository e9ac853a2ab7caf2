"""Sending a letter from this site: confirmed first, delivered once, retried with backoff, failures shown."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from email.parser import BytesParser
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import func, select

from advocacy.extensions import db
from advocacy.letters import outbox
from advocacy.letters.outbox import RETRY_DELAYS, SENDING_TIMEOUT, confirm_send, deliver_due, request_send
from advocacy.mail import UnsafeHeader, build_message
from advocacy.models import Letter, OutboxMessage
from tests.builders import make_legislator, person_id
from tests.conftest import ReceivedMail, free_port
from tests.pages import csrf_token, save_letter, text_of

LAWMAKER = "jordan1@senate.example.gov"


@pytest.fixture(autouse=True)
def quick_timeouts(app):
    app.config["HTTP_TIMEOUT"] = 2.0


@pytest.fixture
def letter_url(client) -> str:
    make_legislator(db.session, n=1)
    db.session.commit()
    return save_letter(client, person_id(1))


class Misbehaving:
    """An SMTP server that handles the lawmaker's letter as told; `kept` is what it held on to."""

    def __init__(self, behaviour: str) -> None:
        self.behaviour = behaviour
        self.attempts = 0
        self.kept: list[ReceivedMail] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:
        if self.behaviour == "hang up before the letter":
            self.attempts += 1
            server.transport.close()
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:
        self.attempts += 1
        if self.behaviour == "hang up after the letter":
            message = BytesParser(policy=default_policy).parsebytes(envelope.original_content)
            self.kept.append(ReceivedMail(envelope.mail_from, list(envelope.rcpt_tos), message))
            server.transport.close()
            return "250 OK"
        return self.behaviour  # an SMTP error reply such as "451 4.3.0 Try again later"


@pytest.fixture
def misbehaving(app) -> Iterator[Callable[[str], Misbehaving]]:
    """Points the app at a misbehaving server on loopback; confirmation links go out before that."""
    controllers = []

    def start(behaviour: str) -> Misbehaving:
        handler = Misbehaving(behaviour)
        controllers.append(Controller(handler, hostname="127.0.0.1", port=free_port()))
        controllers[-1].start()
        app.config["SMTP_URL"] = f"smtp://127.0.0.1:{controllers[-1].port}"
        return handler

    yield start
    for controller in controllers:
        controller.stop()


def ask_to_send(client, letter_url: str):
    page = client.get(letter_url)
    return client.post(f"{letter_url}/outbox", data={"csrf_token": csrf_token(page)})


def confirmation_links(smtp: list[ReceivedMail]) -> list[str]:
    return [mail.link() for mail in smtp if mail.recipients == ["pat@example.org"]]


def letters_to_lawmaker(mails: list[ReceivedMail]) -> list[ReceivedMail]:
    return [mail for mail in mails if mail.recipients == [LAWMAKER]]


def the_message() -> OutboxMessage:
    db.session.expire_all()
    return db.session.scalar(select(OutboxMessage))


def send_outbox(app, runner) -> str:
    """`advocacy send-outbox` as the serving app (the test's own app has no mail server)."""
    with app.app_context():
        run = runner.invoke(args=["send-outbox"])
    assert run.exit_code == 0, run.output
    return run.output


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_confirmed_letter_goes_from_the_site_with_replies_to_the_writer(client, smtp, letter_url):
    page = client.get(letter_url)
    assert "Send it from this site" in text_of(page)
    assert "the office's reply comes to your email address" in text_of(page)

    asked = ask_to_send(client, letter_url)

    assert asked.headers["Location"] == letter_url
    waiting = text_of(client.get(letter_url))
    assert "We sent a link to pat@example.org. Open it to confirm your email address" in waiting
    assert "Waiting for you to confirm your email address, then it goes from this site" in waiting
    # While it waits, the other ways fold away and nothing offers to mark it sent.
    assert "Send it another way instead" in waiting and "Mark as sent" not in waiting
    assert [mail.message["Subject"] for mail in smtp] == ["Confirm your letter before it is sent"]
    assert "Jordan Example1" in smtp[0].body and letters_to_lawmaker(smtp) == []
    # Until the writer confirms, the outbox holds none of their words or address.
    assert (the_message().reply_to, the_message().body) == ("", "")

    confirmed = client.get(confirmation_links(smtp)[0])

    assert confirmed.headers["Location"] == letter_url
    [sent] = letters_to_lawmaker(smtp)
    letter = db.session.scalar(select(Letter))
    assert sent.sender == "no-reply@localhost"
    assert sent.message["From"] == "Advocacy <no-reply@localhost>"
    assert sent.message["Reply-To"] == "pat@example.org"
    assert sent.message["To"] == LAWMAKER
    assert sent.message["Subject"] == letter.subject
    assert sent.message["Message-ID"] == f"<{the_message().idempotency_key}@advocacy.local>"
    assert sent.body.replace("\r\n", "\n").strip() == letter.body.strip()
    shown = text_of(client.get(letter_url))
    assert "Your letter was sent to Senator Jordan Example1." in shown
    sent_on = f"{letter.sent_at:%B} {letter.sent_at.day}, {letter.sent_at.year}"
    assert f"Sent from this site (confirmed) on {sent_on}" in shown
    assert f"Sent from this site on {sent_on} at " in shown and f"to {LAWMAKER}" in shown
    assert "Send again another way" in shown and "Mark as sent" not in shown
    assert (letter.status, letter.channel) == ("sent", "outbox")
    # The letter keeps its text; the outbox keeps none of the writer's words or address.
    assert (the_message().body, the_message().reply_to) == ("", "")


def test_double_clicks_repeated_confirmations_and_runs_deliver_once(app, client, smtp, letter_url, runner):
    ask_to_send(client, letter_url)
    ask_to_send(client, letter_url)  # a double click: a second link to the same message
    first, second = confirmation_links(smtp)

    for link in (first, second, first):
        client.get(link)
    runs = [send_outbox(app, runner) for _ in range(2)]

    assert len(letters_to_lawmaker(smtp)) == 1
    assert runs == ["sent 0, retrying 0, failed 0\n"] * 2
    assert "Your letter was sent to Senator Jordan Example1." in text_of(client.get(letter_url))
    again = ask_to_send(client, letter_url)
    assert "This letter is already marked as sent." in text_of(client.get(again.headers["Location"]))
    assert len(letters_to_lawmaker(smtp)) == 1


def test_marking_sent_never_cancels_a_site_send_and_the_writer_can_stop_it(client, smtp, letter_url):
    ask_to_send(client, letter_url)
    token = csrf_token(client.get(letter_url))

    # A stale page's "Mark as sent" is refused, and the site send is still waiting.
    refused = client.post(f"{letter_url}/sent", data={"csrf_token": token, "channel": "email"})
    shown = text_of(client.get(refused.headers["Location"]))
    assert "This letter is on its way from this site, so it was not marked as sent another way." in shown
    assert (db.session.scalar(select(Letter.status)), the_message().status) == (
        "draft",
        "waiting-confirmation",
    )

    stopped = client.post(f"{letter_url}/outbox/cancel", data={"csrf_token": token})
    shown = text_of(client.get(stopped.headers["Location"]))
    assert "Sending from this site is stopped: the link we emailed you will send nothing." in shown
    assert "Not sent yet" in shown and "Mark as sent" in shown
    client.post(f"{letter_url}/sent", data={"csrf_token": token, "channel": "email"})

    answer = client.get(confirmation_links(smtp)[0])
    assert answer.headers["Location"] == letter_url
    shown = text_of(client.get(letter_url))
    assert "You stopped this letter from being sent from this site, so nothing was sent." in shown
    assert letters_to_lawmaker(smtp) == [] and the_message().status == "cancelled"
    assert "Sent by email (you said so) on" in shown


def test_a_link_opened_after_the_letter_was_marked_sent_explains_on_the_letters_page(
    client, smtp, letter_url
):
    ask_to_send(client, letter_url)
    letter = db.session.scalar(select(Letter))
    letter.status, letter.channel = "sent", "print"  # marked before this site's safeguards existed
    db.session.commit()

    answer = client.get(confirmation_links(smtp)[0])

    assert answer.headers["Location"] == letter_url
    shown = text_of(client.get(letter_url))
    assert "This letter is already marked as sent. Nothing was sent from this site." in shown
    assert letters_to_lawmaker(smtp) == [] and the_message().status == "waiting-confirmation"
    assert "Send it from this site" not in shown


def test_a_refusing_server_is_retried_with_backoff_then_the_failure_is_shown(
    app, client, smtp, letter_url, misbehaving, runner
):
    ask_to_send(client, letter_url)
    server = misbehaving("451 4.3.0 Try again later")

    client.get(confirmation_links(smtp)[0])

    shown = text_of(client.get(letter_url))
    assert "Confirmed, not sent yet:" in shown and "451 4.3.0 Try again later" in shown
    assert "We will try again after" in shown
    assert send_outbox(app, runner) == "sent 0, retrying 0, failed 0\n"  # not due yet
    waits = []
    with app.app_context():
        for _ in RETRY_DELAYS:
            message = the_message()
            waits.append(message.next_attempt_at - message.claimed_at)
            [retried] = deliver_due(db.session, message.next_attempt_at)
    assert waits == list(RETRY_DELAYS)
    assert retried.outcome == "failed"
    assert (server.attempts, the_message().status, the_message().attempts) == (4, "failed", 4)
    shown = text_of(client.get(letter_url))
    assert "Sending did not complete. Tried 4 times; the last time, the mail server at 127.0.0.1:" in shown
    assert "refused: 451 4.3.0 Try again later." in shown
    assert "Not sent yet" in shown and "Send it again from this site" in shown and "Mark as sent" in shown
    assert send_outbox(app, runner) == "sent 0, retrying 0, failed 0\n" and server.attempts == 4


def test_a_permanent_refusal_fails_at_once(client, smtp, letter_url, misbehaving):
    ask_to_send(client, letter_url)
    server = misbehaving("550 5.1.1 No such mailbox")

    confirmed = client.get(confirmation_links(smtp)[0])

    assert server.attempts == 1 and the_message().status == "failed"
    shown = text_of(client.get(confirmed.headers["Location"]))
    assert "Sending did not complete. The mail server at 127.0.0.1:" in shown
    assert "refused: 550 5.1.1 No such mailbox." in shown


def test_a_server_that_hangs_up_before_taking_the_letter_is_tried_again(
    app, client, smtp, letter_url, misbehaving, runner
):
    ask_to_send(client, letter_url)
    good_server = app.config["SMTP_URL"]
    server = misbehaving("hang up before the letter")

    client.get(confirmation_links(smtp)[0])

    assert (server.attempts, the_message().status) == (1, "queued")
    assert "could not be reached or hung up" in the_message().last_error
    app.config["SMTP_URL"] = good_server  # the mail server is back
    with app.app_context():
        [retried] = deliver_due(db.session, the_message().next_attempt_at)
    assert retried.outcome == "sent"
    [sent] = letters_to_lawmaker(smtp)
    assert sent.message["Message-ID"] == f"<{the_message().idempotency_key}@advocacy.local>"
    assert "Sent from this site on" in text_of(client.get(letter_url))


def test_a_server_that_hangs_up_after_taking_the_letter_is_not_sent_again(
    app, client, smtp, letter_url, misbehaving
):
    ask_to_send(client, letter_url)
    server = misbehaving("hang up after the letter")

    confirmed = client.get(confirmation_links(smtp)[0])

    assert len(letters_to_lawmaker(server.kept)) == 1  # the server had it all before hanging up
    shown = text_of(client.get(confirmed.headers["Location"]))
    assert "There was a problem sending your letter." in shown
    assert "The mail server hung up before confirming it had the letter." in shown
    assert "It may or may not have reached the office, so it was not sent again" in shown
    with app.app_context():
        assert deliver_due(db.session, the_message().created_at + timedelta(days=1)) == []
    assert (server.attempts, the_message().status) == (1, "failed")


class Crash(BaseException):
    """The process dies: nothing in the app catches it."""


def test_a_crash_while_sending_never_sends_twice(app, client, smtp, letter_url, monkeypatch, runner):
    with app.app_context():
        token = request_send(db.session, db.session.scalar(select(Letter)), "test-secret")
        message = confirm_send(db.session, "test-secret", token)
        db.session.commit()
        started = message.next_attempt_at
        real_send_mail = outbox.send_mail

        def delivered_then_crashed(*args: object, **kwargs: object) -> bool:
            real_send_mail(*args, **kwargs)
            raise Crash

        monkeypatch.setattr(outbox, "send_mail", delivered_then_crashed)
        with pytest.raises(Crash):
            deliver_due(db.session, started)
        monkeypatch.undo()
        db.session.rollback()

    assert len(letters_to_lawmaker(smtp)) == 1 and the_message().status == "sending"
    assert "Your letter is being sent now." in text_of(client.get(letter_url))
    assert send_outbox(app, runner) == "sent 0, retrying 0, failed 0\n"
    with app.app_context():
        [given_up] = deliver_due(db.session, started + SENDING_TIMEOUT + timedelta(minutes=1))
    assert given_up.outcome == "failed"
    assert len(letters_to_lawmaker(smtp)) == 1
    shown = text_of(client.get(letter_url))
    assert "Sending was interrupted before the mail server confirmed it." in shown
    assert "so it was not sent again: the office should never get the same letter twice" in shown


def test_without_a_mail_server_there_is_no_send_button_and_asking_is_refused(client, letter_url):
    assert "Send it from this site" not in text_of(client.get(letter_url))

    answer = ask_to_send(client, letter_url)

    assert answer.status_code == 400
    assert "This site has no mail server set up, so it cannot send letters." in text_of(answer)
    assert count(OutboxMessage) == 0


def test_a_letter_without_the_writers_email_cannot_go_from_the_site(client, smtp):
    make_legislator(db.session, n=1)
    db.session.commit()
    url = save_letter(client, person_id(1), sender_email="")

    page = client.get(url)
    answer = ask_to_send(client, url)

    assert "This letter has no email address of yours, so the office could not reply." in text_of(page)
    assert f'action="{url}/outbox"' not in page.get_data(as_text=True)
    assert "This letter has no email address of yours" in text_of(client.get(answer.headers["Location"]))
    assert count(OutboxMessage) == 0 and smtp == []


def test_a_lawmaker_without_an_email_cannot_be_written_to_from_the_site(client, smtp):
    make_legislator(db.session, n=1, email="")
    db.session.commit()
    url = save_letter(client, person_id(1))

    assert "Senator Jordan Example1 has no usable published email address." in text_of(client.get(url))
    ask_to_send(client, url)
    assert count(OutboxMessage) == 0 and smtp == []


def test_asking_without_a_csrf_token_is_refused(client, smtp, letter_url):
    answer = client.post(f"{letter_url}/outbox")

    assert answer.status_code == 400
    assert "The CSRF token is missing." in text_of(answer)
    assert count(OutboxMessage) == 0 and smtp == []


def test_a_line_break_in_the_writers_email_cannot_add_headers(client, smtp, letter_url):
    letter = db.session.scalar(select(Letter))
    letter.sender_email = "pat@example.org\r\nBcc: everyone@example.net"
    db.session.commit()

    answer = ask_to_send(client, letter_url)

    assert "The email address saved with this letter is not one we can send from." in text_of(
        client.get(answer.headers["Location"])
    )
    assert count(OutboxMessage) == 0 and smtp == []
    with pytest.raises(UnsafeHeader):
        build_message(LAWMAKER, "Subject", "Body", reply_to=letter.sender_email)


def test_confirmation_links_that_are_forged_or_expired_are_refused(app, client, smtp, letter_url):
    ask_to_send(client, letter_url)
    message = the_message()

    class LongAgo(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - 3 * 24 * 3600

    old = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="advocacy.outbox", signer=LongAgo)
    expired = client.get(
        f"/letters/outbox/confirm/{old.dumps({'id': message.id, 'key': message.idempotency_key})}"
    )

    # An expired link is still genuine: it lands on the letter's page, which offers a new link.
    assert expired.headers["Location"] == letter_url
    shown = text_of(client.get(letter_url))
    assert "This confirmation link has expired, so nothing was sent. Ask for a new link below." in shown
    assert "Send me a new link" in shown
    forged = client.get("/letters/outbox/confirm/eyJpZCI6MX0.forged.signature")
    assert forged.status_code == 400 and "This link is not valid." in text_of(forged)
    assert the_message().status == "waiting-confirmation" and letters_to_lawmaker(smtp) == []


def test_deleting_the_letter_or_the_account_removes_its_outbox_message(client, smtp, letter_url, auth):
    ask_to_send(client, letter_url)
    client.post(f"{letter_url}/delete", data={"csrf_token": csrf_token(client.get(f"{letter_url}/delete"))})
    assert (count(Letter), count(OutboxMessage)) == (0, 0)

    auth.create()
    auth.login()
    url = save_letter(client, person_id(1))
    ask_to_send(client, url)
    assert count(OutboxMessage) == 1
    client.post(
        "/account/delete",
        data={"csrf_token": csrf_token(client.get("/account/")), "password": "correct horse battery staple"},
    )
    assert (count(Letter), count(OutboxMessage)) == (0, 0)


def test_asking_is_rate_limited(make_app, smtp, letter_url):
    limited = make_app(RATELIMIT_ENABLED=True, RATE_LIMIT_OUTBOX="2 per hour").test_client()

    answers = [ask_to_send(limited, letter_url).status_code for _ in range(3)]

    assert answers == [302, 302, 429]
    assert len(smtp) == 2


def test_with_redis_the_worker_sends_the_letter(client, smtp, letter_url, run_worker):
    ask_to_send(client, letter_url)

    confirmed = client.get(confirmation_links(smtp)[0])

    assert "your letter will be sent shortly" in text_of(client.get(confirmed.headers["Location"]))
    assert letters_to_lawmaker(smtp) == [] and the_message().status == "queued"
    run_worker()

    assert len(letters_to_lawmaker(smtp)) == 1
    assert "Sent from this site on" in text_of(client.get(letter_url))
