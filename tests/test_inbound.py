"""Tracking that observes: copies that confirm sends, bounces, forwarded answers, by every path."""

from __future__ import annotations

import csv
import io
import smtplib
from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from sqlalchemy import func, select

from advocacy.caching import move_generation_on
from advocacy.campaigns.tallies import rebuild_tallies
from advocacy.clock import utcnow
from advocacy.extensions import db
from advocacy.inbound.reading import MAX_MESSAGE_BYTES
from advocacy.inbound.smtp import inbound_smtp_server
from advocacy.letters.addresses import (
    ForgedAddress,
    NotAnInboundAddress,
    Purpose,
    inbound_address,
    read_inbound_address,
)
from advocacy.letters.service import purge_personal_details
from advocacy.models import (
    Campaign,
    CampaignTally,
    EmailBounce,
    InboundMessage,
    Legislator,
    Letter,
    OutboxMessage,
)
from tests.builders import bulk_csv, bulk_row, create_campaign, make_legislator, person_id, write_for_campaign
from tests.conftest import free_port
from tests.pages import csrf_token, link_with_text, save_letter, text_of

DOMAIN = "in.example.org"
SAMPLES = Path(__file__).parent / "fixtures" / "mail"
PLACEHOLDER = b"return-path@inbound.example"  # where the samples were sent
LAWMAKER = "jordan1@senate.example.gov"


@pytest.fixture(autouse=True)
def inbound(app):
    app.config["INBOUND_DOMAIN"] = DOMAIN
    app.config["INBOUND_SECRET"] = "forwarder-secret-of-32-characters"
    app.config["MAIL_AFTER_ANSWER"] = False


@pytest.fixture
def letter_url(client) -> str:
    make_legislator(db.session, n=1)
    db.session.commit()
    return save_letter(client, person_id(1))


def the_letter(url: str) -> Letter:
    db.session.expire_all()
    return db.session.scalar(select(Letter).where(Letter.token == url.rsplit("/", 1)[1]))


def address_of(app, letter: Letter, purpose: Purpose) -> str:
    return inbound_address(app.config["SECRET_KEY"], DOMAIN, purpose, letter.id)


def copy_of(app, letter: Letter, text: str | None = None, message_id: str = "") -> bytes:
    """The letter as the writer's mail app sends it, delivered to its copy address (Bcc)."""
    message = EmailMessage()
    message["Delivered-To"] = address_of(app, letter, Purpose.COPY)
    message["From"] = "Pat Doe <pat@example.org>"
    message["To"] = LAWMAKER
    message["Subject"] = letter.subject
    message["Message-ID"] = message_id or make_msgid(domain="phone.example")
    message.set_content((letter.body if text is None else text) + "\n\nSent from my phone\n")
    return bytes(message)


def sample(name: str, to: str) -> bytes:
    return (SAMPLES / name).read_bytes().replace(PLACEHOLDER, to.encode())


def take(runner, raw: bytes, *args: str):
    return runner.invoke(args=["take-mail", "-", *args], input=raw)


def outcomes() -> list[tuple[str, str]]:
    return [
        (m.path, m.result) for m in db.session.scalars(select(InboundMessage).order_by(InboundMessage.id))
    ]


# --- addresses -------------------------------------------------------------------------------


def test_an_address_names_its_letter_and_cannot_be_made_up():
    made = inbound_address("secret", "In.Example.org", Purpose.ANSWER, 12345)
    local = made.split("@")[0]

    assert made.endswith("@in.example.org") and local == local.lower() and len(local) < 40
    assert read_inbound_address("secret", DOMAIN, made.upper()).letter_id == 12345  # case folded
    assert read_inbound_address("secret", DOMAIN, f"<{made}>").purpose is Purpose.ANSWER
    with pytest.raises(ForgedAddress):
        read_inbound_address("another secret", DOMAIN, made)
    with pytest.raises(ForgedAddress):  # the signature of one letter does not fit another
        read_inbound_address("secret", DOMAIN, made.replace("answer-9ix", "answer-9iy"))
    with pytest.raises(ForgedAddress):  # nor of one purpose another
        read_inbound_address("secret", DOMAIN, made.replace("answer-", "copy-"))
    for other in ("pat@example.org", f"{local}@elsewhere.example", f"hello@{DOMAIN}", "", "@"):
        with pytest.raises(NotAnInboundAddress):
            read_inbound_address("secret", DOMAIN, other)


# --- the email hand-off ----------------------------------------------------------------------


def test_every_email_link_carries_the_letters_copy_address_and_the_page_says_why(app, client, letter_url):
    page = client.get(letter_url)
    copy = address_of(app, the_letter(letter_url), Purpose.COPY)

    mailto = urlsplit(link_with_text(page, "Open in your email app"))
    assert unquote(mailto.path) == LAWMAKER
    assert parse_qs(mailto.query)["bcc"] == [copy]
    assert parse_qs(urlsplit(link_with_text(page, "Open in Gmail")).query)["bcc"] == [copy]
    assert parse_qs(urlsplit(link_with_text(page, "Open in Outlook.com")).query)["bcc"] == [copy]
    shown = text_of(page)
    assert f"The email includes a copy address ( {copy} ) in Bcc." in shown
    assert "You may remove it: we will ask you instead." in shown


def test_without_an_inbound_domain_nothing_is_added_and_the_page_asks(app, client, letter_url):
    app.config["INBOUND_DOMAIN"] = ""
    page = client.get(letter_url)

    assert "bcc" not in link_with_text(page, "Open in your email app")
    assert "copy address" not in text_of(page)
    assert "Sent it? Tell us how" in text_of(page)


def test_opening_the_email_app_is_noted_and_the_page_asks_whether_it_sent(client, letter_url):
    page = client.get(letter_url)
    token = csrf_token(page)
    assert client.post(f"{letter_url}/opened", data={}).status_code == 400  # no form token: nothing noted

    assert client.post(f"{letter_url}/opened", data={"csrf_token": token}).status_code == 204

    shown = text_of(client.get(letter_url))
    assert "Opened in your email app: not known to be sent yet" in shown
    assert "Did your letter to Senator Jordan Example1 send? Yes, it is sent Not yet" in shown
    client.post(f"{letter_url}/not-yet", data={"csrf_token": token})
    shown = text_of(client.get(letter_url))
    assert "Not sent yet" in shown and the_letter(letter_url).opened_at is None
    client.post(f"{letter_url}/opened", data={"csrf_token": token})
    client.post(f"{letter_url}/sent", data={"csrf_token": token, "channel": "email"})
    assert "Sent by email (you said so) on" in text_of(client.get(letter_url))
    assert the_letter(letter_url).stage == "sent-reported"


# --- copies ----------------------------------------------------------------------------------


def test_a_copy_through_the_pipe_confirms_the_send_and_keeps_nothing_of_it(app, client, runner, letter_url):
    letter = the_letter(letter_url)

    result = take(runner, copy_of(app, letter))

    assert result.exit_code == 0, result.stdout
    assert result.stdout == f"confirmed (letter {letter.id}): its copy arrived\n"
    letter = the_letter(letter_url)
    assert (letter.status, letter.channel, letter.stage) == ("sent", "email", "sent-confirmed")
    assert letter.confirmed_at is not None and not letter.edited_before_sending
    shown = text_of(client.get(letter_url))
    assert "Sent by email (confirmed) on" in shown and "Did your letter" not in shown
    [kept] = db.session.scalars(select(InboundMessage)).all()
    assert (kept.path, kept.result, kept.letter_id) == ("pipe", "confirmed", letter.id)
    assert kept.detail == "its copy arrived"  # no text, no subject, no sender
    assert "pat@example.org" not in repr(vars(kept))

    # The writer's own "Yes" after the copy changes nothing: observed outranks reported.
    client.post(
        f"{letter_url}/sent", data={"csrf_token": csrf_token(client.get(letter_url)), "channel": "print"}
    )
    assert the_letter(letter_url).stage == "sent-confirmed"


def test_a_copy_that_was_changed_in_the_mail_app_is_noted_as_edited(app, client, runner, letter_url):
    letter = the_letter(letter_url)
    changed = letter.body.replace("Dear", "Hello")

    assert take(runner, copy_of(app, letter, changed)).exit_code == 0

    assert the_letter(letter_url).edited_before_sending
    assert "you changed the letter in your email app before sending it" in text_of(client.get(letter_url))


def test_a_copy_from_an_html_mail_app_with_rewrapped_lines_is_not_counted_as_edited(app, runner, letter_url):
    letter = the_letter(letter_url)
    message = EmailMessage()
    message["To"] = LAWMAKER
    message["Subject"] = letter.subject
    message.set_content("\n".join(" ".join(letter.body.split()[i : i + 7]) for i in range(0, 999, 7)))
    paragraphs = "".join(f"<p>{line}</p>" for line in letter.body.split("\n"))
    message.add_alternative(f"<html><body>{paragraphs}<div>-- <br>Pat</div></body></html>", subtype="html")

    take(runner, bytes(message), "--recipient", address_of(app, letter, Purpose.COPY))

    assert (
        the_letter(letter_url).stage == "sent-confirmed" and not the_letter(letter_url).edited_before_sending
    )


def test_the_same_message_takes_effect_once_whichever_paths_bring_it(app, client, runner, letter_url):
    letter = the_letter(letter_url)
    raw = copy_of(app, letter, message_id="<same@phone.example>")
    headers = {"Authorization": "Bearer forwarder-secret-of-32-characters"}

    first = take(runner, raw)
    again = take(runner, raw)
    posted = client.post("/inbound/mail", data=raw, headers=headers)
    second_copy = take(runner, copy_of(app, letter))  # the writer sent it twice

    assert first.stdout.startswith("confirmed")
    assert again.stdout == f"duplicate (letter {letter.id}): this message was taken before\n"
    assert posted.get_json() == {"result": "duplicate", "detail": "this message was taken before"}
    assert second_copy.stdout == f"already-done (letter {letter.id}): its send was already confirmed\n"
    assert outcomes() == [
        ("pipe", "confirmed"),
        ("pipe", "duplicate"),
        ("http", "duplicate"),
        ("pipe", "already-done"),
    ]


def test_bad_messages_change_nothing_and_say_why(app, runner, letter_url):
    letter = the_letter(letter_url)
    genuine = address_of(app, letter, Purpose.COPY)
    forged = (
        genuine[: genuine.index("@") - 1]
        + ("a" if genuine[genuine.index("@") - 1] != "a" else "b")
        + f"@{DOMAIN}"
    )

    results = {
        "forged": take(runner, copy_of(app, letter), "--recipient", forged),
        "stranger": take(runner, copy_of(app, letter), "--recipient", "someone@elsewhere.example"),
        "too large": take(runner, b"Subject: big\n\n" + b"x" * MAX_MESSAGE_BYTES, "--recipient", genuine),
        "broken": take(runner, (SAMPLES / "broken-no-boundary.eml").read_bytes(), "--recipient", genuine),
        "not mail": take(runner, (SAMPLES / "not-a-message.eml").read_bytes(), "--recipient", genuine),
    }

    assert results["forged"].exit_code == 67 and "forged: the signature of" in results["forged"].stdout
    assert results["stranger"].exit_code == 67
    assert results["stranger"].stdout.startswith("unknown-recipient: none of 1 recipient(s) is an address at")
    assert results["too large"].exit_code == 0 and "too-large: 2,097,153 bytes" in results["too large"].stdout
    assert results["broken"].stdout.startswith("unreadable: ")
    assert results["not mail"].stdout.startswith("unreadable: ")
    assert the_letter(letter_url).stage == "draft"
    assert [r for _, r in outcomes()] == [
        "forged",
        "unknown-recipient",
        "too-large",
        "unreadable",
        "unreadable",
    ]


def test_a_key_for_a_deleted_or_purged_letter_changes_nothing(app, client, runner):
    make_legislator(db.session, n=1)
    db.session.commit()
    kept, gone = save_letter(client, person_id(1)), save_letter(client, person_id(1))
    raw_for_gone = copy_of(app, the_letter(gone))
    page = client.get(f"{gone}/delete")
    client.post(f"{gone}/delete", data={"csrf_token": csrf_token(page)})
    purge_personal_details(db.session, utcnow() + timedelta(seconds=1))
    db.session.commit()

    deleted = take(runner, raw_for_gone)
    purged = take(runner, copy_of(app, the_letter(kept)))

    assert deleted.stdout.startswith("unknown-letter: no letter") and "it was deleted" in deleted.stdout
    assert "details were removed after the retention period" in purged.stdout
    assert the_letter(kept).stage == "draft"


def test_the_pipe_needs_the_inbound_domain(app, runner, letter_url):
    app.config["INBOUND_DOMAIN"] = ""

    result = take(runner, copy_of(app, the_letter(letter_url)))

    assert result.exit_code == 75  # the MTA keeps the message until the site is set up
    assert "ADVOCACY_INBOUND_DOMAIN is not set" in result.output


# --- the provider's POST ---------------------------------------------------------------------


def test_a_providers_post_needs_the_secret_and_confirms_the_letter(app, client, letter_url):
    letter = the_letter(letter_url)
    raw = copy_of(app, letter)
    right = {"Authorization": "Bearer forwarder-secret-of-32-characters"}

    assert client.post("/inbound/mail", data=raw).status_code == 401
    wrong = client.post("/inbound/mail", data=raw, headers={"Authorization": "Bearer guess"})
    assert wrong.status_code == 401 and wrong.headers["WWW-Authenticate"].startswith("Bearer")
    assert "Authorization: Bearer" in wrong.get_json()["error"]["message"]
    assert the_letter(letter_url).stage == "draft" and outcomes() == []

    answer = client.post("/inbound/mail", data=raw, headers=right)
    assert (answer.status_code, answer.get_json()["result"]) == (200, "confirmed")
    assert the_letter(letter_url).stage == "sent-confirmed"

    big = client.post("/inbound/mail", data=b"x" * (MAX_MESSAGE_BYTES + 1), headers=right)
    broken = client.post("/inbound/mail", data=b"\x00\x01 not mail", headers=right)
    assert (big.status_code, big.get_json()["result"]) == (413, "too-large")
    assert (broken.status_code, broken.get_json()["result"]) == (400, "unreadable")


def test_a_providers_post_is_refused_where_inbound_mail_is_not_set_up(app, client):
    app.config["INBOUND_SECRET"] = ""

    answer = client.post("/inbound/mail", data=b"Subject: x\n\nx", headers={"Authorization": "Bearer "})

    assert answer.status_code == 404
    assert answer.get_json()["error"]["message"] == "Inbound mail is not set up on this site."


# --- the SMTP listener -----------------------------------------------------------------------


@pytest.mark.committed
def test_the_smtp_listener_takes_the_inbound_addresses_and_refuses_every_other(app, client, letter_url):
    letter = the_letter(letter_url)
    server = inbound_smtp_server(app, "127.0.0.1", free_port())
    server.start()
    try:
        with smtplib.SMTP("127.0.0.1", server.port, timeout=10) as smtp:
            smtp.ehlo("mta.example")
            smtp.mail("pat@example.org")
            assert smtp.rcpt("office@elsewhere.example")[0] == 550
            assert smtp.rcpt(f"copy-1-aaaaaaaaaaaaa@{DOMAIN}")[0] == 550  # forged
            assert smtp.rcpt(f"postmaster@{DOMAIN}")[0] == 550
            assert smtp.rcpt(address_of(app, letter, Purpose.COPY))[0] == 250
            code, reply = smtp.data(copy_of(app, letter).replace(b"\n", b"\r\n"))  # bytes go as they are
            assert (code, reply) == (250, b"OK: taken")
            # A message just over the limit is refused, and the refusal recorded.
            smtp.mail("pat@example.org")
            smtp.rcpt(address_of(app, letter, Purpose.COPY))
            assert smtp.data(b"Subject: big\r\n\r\n" + (b"x" * 998 + b"\r\n") * 2110)[0] == 552
    finally:
        server.stop()

    assert the_letter(letter_url).stage == "sent-confirmed"
    assert outcomes() == [("smtp", "confirmed"), ("smtp", "too-large")]


# --- the mailbox -----------------------------------------------------------------------------


def test_read_mailbox_takes_every_message_and_empties_the_mailbox(app, runner, imap_mailbox, letter_url):
    letter = the_letter(letter_url)
    app.config["INBOUND_IMAP_URL"] = imap_mailbox.url
    imap_mailbox.append(copy_of(app, letter))
    imap_mailbox.append((SAMPLES / "not-a-message.eml").read_bytes())
    imap_mailbox.append(sample("forwarded-answer.eml", address_of(app, letter, Purpose.ANSWER)))

    result = runner.invoke(args=["read-mailbox"])

    assert result.exit_code == 0, result.stdout
    assert result.stdout == "mailbox: 3 read, 3 removed, 0 kept\n"
    assert imap_mailbox.count() == 0
    assert outcomes() == [("imap", "confirmed"), ("imap", "unreadable"), ("imap", "answered")]
    assert the_letter(letter_url).status == "answered"


def test_read_mailbox_says_what_to_fix(app, runner):
    assert "ADVOCACY_INBOUND_IMAP_URL is not set" in runner.invoke(args=["read-mailbox"]).output
    app.config["INBOUND_IMAP_URL"] = f"imap://user:secret-word@127.0.0.1:{free_port()}/INBOX"
    result = runner.invoke(args=["read-mailbox"])
    assert result.exit_code == 1 and "127.0.0.1" in result.output and "secret-word" not in result.output


# --- answers ---------------------------------------------------------------------------------


def test_a_forwarded_answer_marks_the_letter_answered_and_keeps_none_of_its_text(
    app, client, runner, letter_url
):
    letter = the_letter(letter_url)
    answer_address = address_of(app, letter, Purpose.ANSWER)
    token = csrf_token(client.get(letter_url))
    client.post(f"{letter_url}/sent", data={"csrf_token": token, "channel": "email"})
    assert f"Forward it to {answer_address}" in text_of(client.get(letter_url))

    assert take(runner, sample("forwarded-answer.eml", answer_address)).exit_code == 0

    letter = the_letter(letter_url)
    assert (letter.status, letter.reply_status, letter.stage) == ("answered", "yes", "sent-confirmed")
    assert letter.replied_at is not None and letter.reply_notes == ""
    shown = text_of(client.get(letter_url))
    assert "Answered on" in shown and "Sent by email (confirmed) on" in shown  # the answer shows it arrived


@pytest.mark.parametrize(
    "name",
    ["outlook-out-of-office.eml", "gmail-vacation.eml", "x-autoreply.eml", "forwarded-acknowledgement.eml"],
)
def test_an_automatic_reply_is_never_an_answer(app, runner, smtp, letter_url, name):
    letter = the_letter(letter_url)

    result = take(runner, sample(name, address_of(app, letter, Purpose.ANSWER)))

    assert result.stdout.startswith("auto-reply")
    assert the_letter(letter_url).status == "draft"
    assert smtp == []  # and nothing is sent back


# --- bounces ---------------------------------------------------------------------------------


def send_from_site(client, smtp, url: str) -> None:
    page = client.get(url)
    client.post(f"{url}/outbox", data={"csrf_token": csrf_token(page)})
    confirmations = [
        m.link() for m in smtp if m.recipients == ["pat@example.org"] and "Confirm" in m.message["Subject"]
    ]
    client.get(confirmations[-1])


def test_letters_sent_from_the_site_carry_their_bounce_address_and_a_bounce_is_told(
    app, client, runner, smtp, letter_url
):
    letter = the_letter(letter_url)
    send_from_site(client, smtp, letter_url)
    [sent] = [m for m in smtp if m.recipients == [LAWMAKER]]
    assert sent.sender == address_of(app, letter, Purpose.BOUNCE)  # the envelope's return path (VERP)
    assert the_letter(letter_url).stage == "sent-confirmed"

    result = take(runner, sample("gmail-hard.eml", sent.sender))

    assert result.stdout.startswith(f"bounced (letter {letter.id}): 550 5.1.1")
    letter = the_letter(letter_url)
    assert (letter.status, letter.stage) == ("not-delivered", "not-delivered")
    shown = text_of(client.get(letter_url))
    assert "Not delivered: 550 5.1.1" in shown
    assert "Call the office" in shown and "Download it as a PDF" in shown
    [told] = [m for m in smtp if "was not delivered" in m.message["Subject"]]
    assert told.recipients == ["pat@example.org"] and told.message["Auto-Submitted"] == "auto-generated"
    assert "550 5.1.1" in told.body and "Print it or save it as a PDF" in told.body
    assert db.session.scalar(select(Legislator)).email_status == "ok"  # one bounce flags nothing


def test_two_hard_bounces_from_different_letters_flag_the_address(app, client, runner, smtp, letter_url):
    second_url = save_letter(client, person_id(1))
    for url in (letter_url, second_url):
        send_from_site(client, smtp, url)
    bounces = [m.sender for m in smtp if m.recipients == [LAWMAKER]]

    take(runner, sample("microsoft365-hard.eml", bounces[0]))
    take(runner, sample("microsoft365-hard.eml", bounces[0]).replace(b"Message-ID: <", b"Message-ID: <again"))
    assert db.session.scalar(select(Legislator)).email_status == "ok"  # the same letter twice is one
    take(runner, sample("postfix-hard.eml", bounces[1]))

    person = db.session.scalar(select(Legislator))
    assert person.email_status == "bouncing" and person.email_bounce_reason
    assert db.session.scalar(select(func.count()).select_from(EmailBounce)) == 2
    third = save_letter(client, person_id(1))
    shown = text_of(client.get(third))
    assert "Letters to jordan1@senate.example.gov have been bouncing." in shown
    assert "this site has stopped sending there" in shown
    api = client.get("/api/v1/states/mo/legislators").get_json()
    assert api["items"][0]["email_status"] == "bouncing"
    form = text_of(client.get(f"/letters/new?state=mo&to={person_id(1)}"))
    assert "Email to this office has been bouncing: call or post your letter instead." in form


def test_a_soft_bounce_sends_the_letter_again_on_the_outbox_schedule(app, client, runner, smtp, letter_url):
    send_from_site(client, smtp, letter_url)
    [sent] = [m for m in smtp if m.recipients == [LAWMAKER]]

    result = take(runner, sample("gmail-soft.eml", sent.sender))

    assert result.stdout.startswith("retrying")
    message = db.session.scalar(select(OutboxMessage))
    assert message.status == "queued" and message.next_attempt_at > utcnow()
    assert message.body == the_letter(letter_url).body  # the words are back, to send again
    assert "Being sent from this site" in text_of(client.get(letter_url))


@pytest.mark.parametrize(
    ("name", "result"), [("postfix-delay.eml", "delayed"), ("gmail-vacation.eml", "auto-reply")]
)
def test_a_delay_warning_or_an_auto_reply_at_the_bounce_address_changes_nothing(
    app, client, runner, smtp, letter_url, name, result
):
    send_from_site(client, smtp, letter_url)
    [sent] = [m for m in smtp if m.recipients == [LAWMAKER]]

    assert take(runner, sample(name, sent.sender)).stdout.startswith(result)
    assert the_letter(letter_url).stage == "sent-confirmed"


def test_a_sync_that_changes_the_address_clears_the_mark(app, runner, tmp_path):
    (tmp_path / "mo.csv").write_bytes(bulk_csv([bulk_row(1), bulk_row(2)]))
    runner.invoke(args=["sync-legislators", "--source", str(tmp_path), "--state", "mo"])
    for person in db.session.scalars(select(Legislator)):
        person.email_bouncing_since, person.email_bounce_reason = utcnow(), "550 5.1.1 no such user"
    db.session.commit()

    (tmp_path / "mo.csv").write_bytes(bulk_csv([bulk_row(1, email="new1@house.example.gov"), bulk_row(2)]))
    result = runner.invoke(args=["sync-legislators", "--source", str(tmp_path), "--state", "mo"])

    assert result.exit_code == 0, result.stdout
    db.session.expire_all()
    assert db.session.get(Legislator, person_id(1)).email_status == "ok"
    assert db.session.get(Legislator, person_id(2)).email_status == "bouncing"  # its address did not change


# --- admins ----------------------------------------------------------------------------------


def test_health_and_the_admin_page_show_each_paths_last_message_and_failures(
    app, client, runner, auth, letter_url
):
    take(runner, copy_of(app, the_letter(letter_url)))
    take(
        runner,
        b"garbage without headers",
        "--recipient",
        address_of(app, the_letter(letter_url), Purpose.COPY),
    )

    report = client.get("/healthz").get_json()["inbound_mail"]
    assert report["last_received"]["pipe"] is not None and report["last_received"]["imap"] is None
    assert report["failures_last_day"] == 1

    auth.create("admin@example.org", role="admin")
    auth.login("admin@example.org")
    shown = text_of(client.get("/admin/mail"))
    assert f"Copies, bounces and forwarded answers come to addresses at {DOMAIN}" in shown
    assert "MTA pipe (take-mail)" in shown and "unreadable" in shown
    assert "Mailbox (read-mailbox) never" in shown
    assert "No address bounces." in shown


def test_an_admin_who_checked_a_bouncing_address_sends_to_it_again(client, auth):
    person = make_legislator(db.session, n=1)
    person.email_bouncing_since, person.email_bounce_reason = utcnow(), "550 5.1.1 no such user"
    db.session.commit()
    auth.create("admin@example.org", role="admin")
    auth.login("admin@example.org")
    page = client.get("/admin/mail")
    assert "Contacts to check" in text_of(page) and LAWMAKER in text_of(page)

    client.post(f"/admin/mail/bouncing/{person.id}/checked", data={"csrf_token": csrf_token(page)})

    db.session.expire_all()
    assert db.session.get(Legislator, person.id).email_status == "ok"
    assert "No address bounces." in text_of(client.get("/admin/mail"))


def test_the_privacy_page_says_what_a_copy_is_used_for(app, client):
    move_generation_on(app)  # the page another test kept was drawn without an inbound domain
    shown = text_of(client.get("/privacy"))

    assert f"carries a copy address at {DOMAIN} in Bcc" in shown
    assert "we keep no part of its text and not the address it came from" in shown


# --- organizers ------------------------------------------------------------------------------


def test_a_campaigns_counts_match_what_happened_to_each_letter(app, organizer, runner, smtp, lawmakers):
    create_campaign(organizer)
    visitor = app.test_client()
    ada, bo = lawmakers[0].id, lawmakers[1].id
    write_for_campaign(visitor, "mo-safe-harbor", ada)  # saved, never opened
    opened = write_for_campaign(visitor, "mo-safe-harbor", ada)
    visitor.post(f"{opened}/opened", data={"csrf_token": csrf_token(visitor.get(opened))})
    reported = write_for_campaign(visitor, "mo-safe-harbor", ada)
    visitor.post(
        f"{reported}/sent", data={"csrf_token": csrf_token(visitor.get(reported)), "channel": "email"}
    )
    confirmed = write_for_campaign(visitor, "mo-safe-harbor", bo)
    take(runner, copy_of(app, the_letter(confirmed)))
    bounced = write_for_campaign(visitor, "mo-safe-harbor", bo)
    send_from_site(visitor, smtp, bounced)
    take(runner, sample("gmail-hard.eml", address_of(app, the_letter(bounced), Purpose.BOUNCE)))
    answered = write_for_campaign(visitor, "mo-safe-harbor", bo)
    take(runner, copy_of(app, the_letter(answered)))
    take(runner, sample("forwarded-answer.eml", address_of(app, the_letter(answered), Purpose.ANSWER)))

    stats = organizer.get("/api/v1/campaigns/mo-safe-harbor/stats").get_json()

    counts = (
        "letters",
        "sent",
        "drafts",
        "opened",
        "sent_reported",
        "sent_confirmed",
        "not_delivered",
        "answered",
    )
    assert {name: stats[name] for name in counts} == {
        "letters": 6,
        "sent": 3,  # reported and confirmed; the bounced letter does not count toward the goal
        "drafts": 1,
        "opened": 1,
        "sent_reported": 1,
        "sent_confirmed": 2,
        "not_delivered": 1,
        "answered": 1,
    }
    per_lawmaker = {t["id"]: [t[n] for n in counts[3:]] for t in stats["lawmakers"]}
    assert per_lawmaker == {ada: [1, 1, 0, 0, 0], bo: [0, 0, 2, 1, 1]}
    shown = text_of(organizer.get("/campaigns/mo-safe-harbor/dashboard"))
    assert "3 of 10 letters sent: 2 confirmed" in shown and "1 as their writers reported" in shown
    assert "1 letter opened in an email app, not known to be sent" in shown
    assert "1 letter not delivered" in shown and "1 letter answered" in shown
    campaign = db.session.scalar(select(Campaign))
    rows = list(
        csv.reader(
            io.StringIO(organizer.get("/campaigns/mo-safe-harbor/lawmakers.csv").get_data(as_text=True))
        )
    )
    assert [row[5:] for row in rows[1:]] == [["1", "1", "1", "0", "0", "0"], ["0", "0", "0", "2", "1", "1"]]
    counted = select(CampaignTally.figure, CampaignTally.value, CampaignTally.letters).where(
        CampaignTally.letters != 0
    )
    kept = set(db.session.execute(counted))
    rebuild_tallies(db.session, campaign.id)  # a fresh count from the letters agrees
    assert set(db.session.execute(counted)) == kept
