"""Reading inbound mail: bounces, delay warnings, auto-replies, answers and copies, from sample messages."""

from __future__ import annotations

import random
from email.message import EmailMessage
from pathlib import Path

import pytest

from advocacy.inbound.reading import (
    MAX_MESSAGE_BYTES,
    Bounce,
    UnreadableMessage,
    delivery_failure,
    is_auto_reply,
    is_delay_warning,
    message_text,
    parse_message,
    recipients_in_headers,
)

MAIL = Path(__file__).parent / "fixtures" / "mail"
SAMPLES = sorted(path.name for path in MAIL.glob("*.eml"))
LAWMAKER = "office@house.example.gov"
RETURN_PATH = "return-path@inbound.example"

HARD_BOUNCES = [
    "gmail-hard.eml",
    "microsoft365-hard.eml",
    "postfix-hard.eml",
    "ses-hard.eml",
    "exim-hard.eml",
    "qmail-hard.eml",
    "yahoo-hard.eml",
    "sendmail-hard.eml",
]
AUTO_REPLIES = [
    "outlook-out-of-office.eml",
    "gmail-vacation.eml",
    "x-autoreply.eml",
    "acknowledgement.eml",
    "forwarded-acknowledgement.eml",
]
ANSWERS = ["forwarded-answer.eml", "forwarded-answer-attached.eml", "answer-mentions-thanks.eml"]
COPIES = ["copy-plain.eml", "copy-gmail-html.eml"]
BROKEN = ["broken-no-boundary.eml", "broken-boundary-missing.eml", "not-a-message.eml"]


def sample(name: str) -> EmailMessage:
    return parse_message((MAIL / name).read_bytes())


def inline(text: str) -> EmailMessage:
    return parse_message(text.encode())


def test_every_sample_is_in_one_group():
    assert sorted(
        HARD_BOUNCES + AUTO_REPLIES + ANSWERS + COPIES + BROKEN + ["gmail-soft.eml", "postfix-delay.eml"]
    ) == (SAMPLES)


# Bounces


@pytest.mark.parametrize(
    ("name", "permanent", "status", "diagnostic"),
    [
        (
            "gmail-hard.eml",
            True,
            "5.1.1",
            "550 5.1.1 The email account that you tried to reach does not exist.",
        ),
        ("microsoft365-hard.eml", True, "5.1.10", "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient"),
        (
            "postfix-hard.eml",
            True,
            "5.1.1",
            "Recipient address rejected: User unknown in virtual mailbox table",
        ),
        ("ses-hard.eml", True, "5.1.1", "550 5.1.1 office@house.example.gov: Recipient address rejected"),
        ("exim-hard.eml", True, "5.1.1", "550 5.1.1 <office@house.example.gov>: Recipient address rejected"),
        ("qmail-hard.eml", True, "5.1.1", "550 5.1.1 <office@house.example.gov>... No such user here"),
        ("yahoo-hard.eml", True, "", "This mailbox is disabled (554.30)."),
        ("sendmail-hard.eml", True, "5.1.1", "550 5.1.1 <office@house.example.gov>... User unknown"),
        ("gmail-soft.eml", False, "4.2.2", "452 4.2.2 The recipient's inbox is out of storage space."),
    ],
)
def test_a_bounce_gives_the_failed_address_its_status_and_the_servers_words(
    name, permanent, status, diagnostic
):
    failure = delivery_failure(sample(name))

    assert isinstance(failure, Bounce)
    assert (failure.permanent, failure.status, failure.recipient) == (permanent, status, LAWMAKER)
    assert diagnostic in failure.reason
    assert len(failure.reason) <= 300
    assert failure.reason == " ".join(failure.reason.split())  # one line, whitespace folded


def test_a_multi_line_reply_reads_as_one_sentence_with_its_code_once():
    reason = delivery_failure(sample("gmail-hard.eml")).reason

    assert reason.startswith(
        "550 5.1.1 The email account that you tried to reach does not exist. Please try "
    )
    assert "550-" not in reason
    assert reason.count("5.1.1") == 1
    assert "typos or unnecessary spaces." in reason


def test_a_yahoo_bounce_is_permanent_from_its_554_reply_code_alone():
    failure = delivery_failure(sample("yahoo-hard.eml"))

    assert failure.reason.startswith("554 delivery error: dd Sorry your message to office@house.example.gov")
    assert failure.permanent


@pytest.mark.parametrize("name", ["postfix-delay.eml"])
def test_a_delay_warning_is_not_a_failure(name):
    message = sample(name)

    assert is_delay_warning(message)
    assert delivery_failure(message) is None


@pytest.mark.parametrize("name", [*HARD_BOUNCES, "gmail-soft.eml"])
def test_a_failure_is_not_a_delay_warning(name):
    assert not is_delay_warning(sample(name))


@pytest.mark.parametrize("name", AUTO_REPLIES + ANSWERS + COPIES)
def test_replies_answers_and_copies_are_neither_bounces_nor_delays(name):
    message = sample(name)

    assert delivery_failure(message) is None
    assert not is_delay_warning(message)


@pytest.mark.parametrize(
    "subject",
    [
        "Warning: message 1sEXaB-0007Lq-2V delayed 24 hours",
        "Delivery Status Notification (Delay)",
        "Delivery delayed:Please protect children from trafficking",
    ],
)
def test_plain_text_delay_warnings_are_recognised_and_are_not_failures(subject):
    message = inline(
        f"From: Mail Delivery System <Mailer-Daemon@smtp.advocacy.example>\nTo: {RETURN_PATH}\n"
        f"Subject: {subject}\n\nA message that you sent has not yet been delivered to one or more of its\n"
        f"recipients after more than 24 hours on the queue.\n\n  {LAWMAKER}\n"
        "    Delivery attempts will continue; this is a temporary failure (451 4.4.1).\n"
    )

    assert is_delay_warning(message)
    assert delivery_failure(message) is None


EXIM_WITHOUT_FAILED_RECIPIENTS = f"""From: Mail Delivery System <Mailer-Daemon@smtp.advocacy.example>
To: {RETURN_PATH}
Subject: Mail delivery failed: returning message to sender

A message that you sent could not be delivered to one or more of its
recipients. This is a permanent error. The following address(es) failed:

  {LAWMAKER}
    host mx.house.example.gov [192.0.2.40]
    SMTP error from remote mail server after RCPT TO:<{LAWMAKER}>:
    550-5.1.1 The mailbox you asked for is unknown here, and has been for a
    550 5.1.1 long time

------ This is a copy of the message, including all the headers. ------

From: Jane Writer <letters@advocacy.example>
To: someone.else@house.example.gov
Subject: 421 4.3.2 this line is the letter, not the failure
"""


def test_a_plain_text_bounce_names_the_address_in_its_text_not_in_the_returned_copy():
    failure = delivery_failure(inline(EXIM_WITHOUT_FAILED_RECIPIENTS))

    assert failure == Bounce(
        permanent=True,
        status="5.1.1",
        reason="550 5.1.1 The mailbox you asked for is unknown here, and has been for a long time",
        recipient=LAWMAKER,
    )


def test_a_bounce_that_gives_no_code_is_permanent_and_still_has_a_reason():
    failure = delivery_failure(
        inline(
            f"From: MAILER-DAEMON@mail.example.net\nTo: {RETURN_PATH}\nSubject: failure notice\n\n"
            f"I'm afraid I wasn't able to deliver your message to the following addresses.\n"
            f"This is a permanent error; I've given up.\n\n<{LAWMAKER}>:\n"
            "Sorry, no mailbox here by that name.\n"
        )
    )

    assert (failure.permanent, failure.status, failure.recipient) == (True, "", LAWMAKER)
    assert failure.reason == "Sorry, no mailbox here by that name."


def dsn(recipient_groups: str, subject: str = "Delivery Status Notification") -> EmailMessage:
    return inline(
        f"From: MAILER-DAEMON@mail.advocacy.example\nTo: {RETURN_PATH}\nSubject: {subject}\n"
        "MIME-Version: 1.0\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="R"\n\n'
        "--R\nContent-Type: text/plain\n\nA report.\n"
        "--R\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mail.advocacy.example\n\n"
        f"{recipient_groups}\n--R--\n"
    )


def test_a_report_for_several_recipients_gives_the_first_that_failed():
    message = dsn(
        "Final-Recipient: rfc822; aide@house.example.gov\nAction: delivered\nStatus: 2.0.0\n\n"
        "Original-Recipient: rfc822; <Office@House.Example.gov>\nAction: failed\nStatus: 5.2.1\n"
        "Diagnostic-Code: smtp; 550 5.2.1 Mailbox disabled\n\n"
        "Final-Recipient: rfc822; third@house.example.gov\nAction: failed\nStatus: 5.1.1\n"
    )

    assert delivery_failure(message) == Bounce(
        permanent=True, status="5.2.1", reason="550 5.2.1 Mailbox disabled", recipient=LAWMAKER
    )


def test_a_report_without_a_diagnostic_explains_the_status_it_has():
    failure = delivery_failure(dsn(f"Final-Recipient: rfc822; {LAWMAKER}\nAction: failed\nStatus: 5.7.1\n"))

    assert failure.status == "5.7.1"
    assert "5.7.1" in failure.reason


def test_a_report_of_successful_delivery_is_not_a_failure():
    message = dsn(f"Final-Recipient: rfc822; {LAWMAKER}\nAction: delivered\nStatus: 2.0.0\n", "Delivered")

    assert delivery_failure(message) is None
    assert not is_delay_warning(message)


def test_a_long_diagnostic_is_cut_to_300_characters():
    words = " ".join(f"word{n}" for n in range(200))
    failure = delivery_failure(
        dsn(
            f"Final-Recipient: rfc822; {LAWMAKER}\nAction: failed\nStatus: 5.0.0\n"
            f"Diagnostic-Code: smtp; 550 {words}\n"
        )
    )

    assert len(failure.reason) == 300
    assert failure.reason.startswith("550 word0 word1")


def test_a_person_writing_about_undelivered_mail_is_not_a_bounce():
    message = inline(
        f"From: Rep. Alex Example <{LAWMAKER}>\nTo: {RETURN_PATH}\nSubject: Re: your letter\n\n"
        "Your first email could not be delivered because our server was down; error 550 5.1.1 was\n"
        "on our side. I have your letter now and will answer it this week.\n"
    )

    assert delivery_failure(message) is None


# Auto-replies


@pytest.mark.parametrize("name", AUTO_REPLIES)
def test_auto_replies_and_acknowledgements_are_auto_replies(name):
    assert is_auto_reply(sample(name))


@pytest.mark.parametrize("name", ANSWERS + COPIES)
def test_answers_and_copies_are_not_auto_replies(name):
    assert not is_auto_reply(sample(name))


def with_headers(headers: str, subject: str = "Re: Please protect children from trafficking") -> EmailMessage:
    return inline(
        f"From: {LAWMAKER}\nTo: {RETURN_PATH}\nSubject: {subject}\n{headers}\n"
        "I read your letter and I will vote for the bill.\n"
    )


@pytest.mark.parametrize(
    ("headers", "automatic"),
    [
        ("Auto-Submitted: auto-replied\n", True),
        ("Auto-Submitted: auto-generated\n", True),
        ("Auto-Submitted: auto-notified; owner-email=office@house.example.gov\n", True),
        ("Auto-Submitted: no\n", False),
        ("X-Autoreply: yes\n", True),
        ("X-Autorespond: office@house.example.gov\n", True),
        ("X-Auto-Response: yes\n", True),
        ("Precedence: auto_reply\n", True),
        ("Precedence: bulk\n", True),
        ("Precedence: junk\n", True),
        ("Precedence: list\n", False),
        (
            "X-Auto-Response-Suppress: All\n",
            False,
        ),  # asks others not to answer this one; says nothing of itself
        ("", False),
    ],
)
def test_auto_reply_headers(headers, automatic):
    assert is_auto_reply(with_headers(headers)) is automatic


@pytest.mark.parametrize(
    ("subject", "automatic"),
    [
        ("Automatic reply: Please protect children from trafficking", True),
        ("Auto: Please protect children from trafficking", True),
        ("Autoreply: Please protect children from trafficking", True),
        ("Auto-Reply: Please protect children from trafficking", True),
        ("Out of Office: Please protect children from trafficking", True),
        ("Re: Out of the office until June 10", True),
        ("Vacation: back on June 10", True),
        ("Away from my mail", True),
        ("Fwd: Automatic reply: Please protect children from trafficking", True),
        ("FW: AW: Out of Office", True),
        ("WG: Re: Fwd: We have received your message", True),
        ("Thank you for contacting Senator Morgan Example", False),  # how offices' answers begin too
        ("Re: Please protect children from trafficking", False),
        ("Thank you for your letter about House Bill 1234", False),
        ("I received your letter", False),
        ("Fwd: Re: Please protect children from trafficking", False),
    ],
)
def test_auto_reply_subjects_with_any_forward_or_reply_prefix(subject, automatic):
    assert is_auto_reply(with_headers("", subject)) is automatic


@pytest.mark.parametrize(
    ("opening", "automatic"),
    [
        ("This is an automated response. A member of staff will read your message.", True),
        ("Please do not reply to this email. This mailbox is not monitored.", True),
        ("We've received your letter and it has been logged.", True),
        ("Our office is glad you wrote. We have received your\nemail and logged it.", True),
        ("Thank you for contacting me about House Bill 1234. I agree with you and will vote yes.", False),
        ("Thank you for contacting my office about HB 1234. The Senator supports the bill.", False),
        ("Thank you for your letter. I have received many letters on this bill; yours convinced me.", False),
        ("I received your message on Monday and I agree: the reporting rules need fixing.", False),
    ],
)
def test_acknowledgement_phrases_count_and_genuine_answers_do_not(opening, automatic):
    message = inline(
        f"From: {LAWMAKER}\nTo: {RETURN_PATH}\nSubject: Re: your letter\n\nDear Jane,\n\n{opening}\n"
    )

    assert is_auto_reply(message) is automatic


def test_an_acknowledgement_phrase_deep_in_a_long_answer_does_not_count():
    answer = "\n".join(f"Line {n} of a long and genuine answer about the bill." for n in range(45))
    message = inline(
        f"From: {LAWMAKER}\nTo: {RETURN_PATH}\nSubject: Re: your letter\n\n{answer}\n"
        "P.S. The committee clerk's replies say this is an automated message, but mine is not.\n"
    )

    assert not is_auto_reply(message)


LONG_PREAMBLE = "\n".join(f"Line {n}: what I think of this reply, at some length." for n in range(45))


@pytest.mark.parametrize(
    "forwarded",
    [
        "-----Original Message-----\nFrom: Rep. Alex Example <office@house.example.gov>\n"
        "Sent: Tuesday, June 4, 2024 1:30 PM\nSubject: Automatic reply: Please protect children\n\n"
        "I am out of the Capitol this week.\n",
        "Begin forwarded message:\n\n> From: office@house.example.gov\n> Subject: Your email\n>\n"
        "> Dear constituent, we have received your email and will reply in due course.\n",
        "---------- Forwarded message ---------\nFrom: office@house.example.gov\nSubject: Re: HB 1234\n"
        "Auto-Submitted: auto-replied\n\nI am away.\n",
    ],
)
def test_an_auto_reply_forwarded_inline_counts_even_below_a_long_note(forwarded):
    message = inline(
        f"From: Jane Writer <jane.writer@mail.example>\nTo: {RETURN_PATH}\nSubject: FW: see below\n\n"
        f"{LONG_PREAMBLE}\n\n{forwarded}"
    )

    assert is_auto_reply(message)


def test_an_auto_reply_forwarded_as_an_attachment_counts():
    message = inline(
        f"From: Jane Writer <jane.writer@mail.example>\nTo: {RETURN_PATH}\nSubject: FW: is this an answer?\n"
        'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="F"\n\n'
        "--F\nContent-Type: text/plain\n\nSee the attached message.\n"
        "--F\nContent-Type: message/rfc822\n\n"
        f"From: {LAWMAKER}\nSubject: Re: Please protect children from trafficking\n"
        "Auto-Submitted: auto-replied\n\nI am away until June 10.\n--F--\n"
    )

    assert is_auto_reply(message)


# Recipients


def test_recipients_come_in_header_order_lowercased_and_once_each():
    message = inline(
        "To: Rep. Alex Example <Office@House.Example.gov>, aide@house.example.gov\n"
        'Cc: "Example, Alex" <office@house.example.gov>, clerk@house.example.gov\n'
        "Envelope-To: return-path@inbound.example\n"
        "Delivered-To: Return-Path@Inbound.Example\n"
        "X-Original-To: bounce-7-abc@inbound.example\n"
        "Delivered-To: copy-7-def@inbound.example\n"
        "Subject: hello\n\nbody\n"
    )

    assert recipients_in_headers(message) == [
        RETURN_PATH,
        "copy-7-def@inbound.example",
        "bounce-7-abc@inbound.example",
        LAWMAKER,
        "aide@house.example.gov",
        "clerk@house.example.gov",
    ]


def test_recipients_skip_what_cannot_be_read():
    message = inline(
        'To: <<<>>>, ,,, "unterminated <, undisclosed-recipients:;\n'
        "Cc: =?utf-8?q?J=C3=B6rg_Example?= <Jorg@Example.org>, not an address, (comment only)\n"
        "Delivered-To: \n"
        "Envelope-To: bare.address@inbound.example\n"
        "Subject: hello\n\nbody\n"
    )

    assert recipients_in_headers(message) == ["bare.address@inbound.example", "jorg@example.org"]


def test_an_address_in_a_display_name_is_not_a_recipient():
    message = inline('To: "jane.writer@mail.example" <return-path@inbound.example>\nSubject: hi\n\nbody\n')

    assert recipients_in_headers(message) == [RETURN_PATH]


def test_recipients_of_a_copy_sent_by_gmail():
    assert recipients_in_headers(sample("copy-gmail-html.eml")) == [
        RETURN_PATH,
        LAWMAKER,
        "aide@house.example.gov",
    ]


# Text


def test_text_of_a_quoted_printable_phone_mail():
    text = message_text(sample("copy-plain.eml"))

    assert "I’m writing as a constituent in District 12 to ask you to support House Bill 1234, which" in text
    assert text.rstrip().endswith("Sent from my iPhone")
    assert "=\n" not in text and "\r" not in text


def test_text_prefers_the_plain_part_of_an_alternative():
    text = message_text(sample("copy-gmail-html.eml"))

    assert text.startswith("Dear Representative Example,\n\nI am writing as a constituent")
    assert "<div" not in text


def test_text_of_an_html_only_message_skips_scripts_and_decodes_entities():
    message = inline(
        "From: a@example.org\nMIME-Version: 1.0\nContent-Type: text/html; charset=utf-8\n\n"
        "<html><head><title>Ignored title</title><style>p { color: red }</style></head><body>"
        "<script>document.write('no')</script><p>Fish &amp; chips&nbsp;&lt;today&gt;</p>"
        "<div>Caf&eacute; at <b>noon</b></div>First<br>Second"
        "<ul><li>one</li><li>two</li></ul></body></html>\n"
    )

    lines = [line for line in message_text(message).splitlines() if line]
    assert lines == ["Fish & chips <today>", "Café at noon", "First", "Second", "one", "two"]


def test_text_of_a_microsoft_report_comes_from_its_plain_part():
    text = message_text(sample("microsoft365-hard.eml"))

    assert "Your message to office@house.example.gov couldn't be delivered." in text
    assert "Error:  550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient office@house.example.gov not" in text


def body_in(charset: str, data: bytes) -> EmailMessage:
    return parse_message(
        b"From: a@example.org\nMIME-Version: 1.0\nContent-Type: text/plain; charset="
        + charset.encode()
        + b"\nContent-Transfer-Encoding: 8bit\n\n"
        + data
    )


@pytest.mark.parametrize(
    ("charset", "data", "expected"),
    [
        ("iso-8859-1", b"Caf\xe9 cr\xe8me", "Café crème"),
        ("us-ascii", "Café crème".encode(), "Café crème"),  # a wrong label on UTF-8 text
        ("utf-8", b"Caf\xe9 \xff", "Caf\ufffd \ufffd"),  # bytes that are no UTF-8 at all
        ("x-no-such-charset", "Café".encode(), "Café"),
        ("hex", b"Cafe", "Cafe"),  # a codec, but not a text encoding
    ],
)
def test_text_with_a_wrong_or_unknown_charset_is_read_never_raises(charset, data, expected):
    assert message_text(body_in(charset, data)).strip() == expected


def test_no_text_part_gives_empty_text():
    message = inline(
        "From: a@example.org\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=X\n\n"
        "--X\nContent-Type: image/png\nContent-Transfer-Encoding: base64\n\niVBORw0KGgo=\n--X--\n"
    )

    assert message_text(message) == ""


def test_text_drops_nul_characters():
    message = parse_message(b"From: a@example.org\nSubject: x\x00y\n\nbefore\x00after\n")

    assert message_text(message) == "beforeafter\n"


def test_badly_broken_html_still_gives_text():
    message = inline(
        "From: a@example.org\nContent-Type: text/html\n\n<p>Readable<div><![if !supportLists]>"
        "<table><tr><td>cell<script>never closed"
    )

    assert message_text(message).splitlines()[0] == "Readable"


# Parsing


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("broken-no-boundary.eml", "gives no boundary"),
        ("broken-boundary-missing.eml", "boundary never appears"),
        ("not-a-message.eml", "no header block"),
    ],
)
def test_a_broken_message_is_refused_with_one_sentence_saying_why(name, why):
    with pytest.raises(UnreadableMessage) as refused:
        sample(name)

    said = str(refused.value)
    assert why in said
    assert said.endswith(".") and "\n" not in said and "Traceback" not in said


@pytest.mark.parametrize("raw", [b"", b"\r\n\r\n", b"   \n"])
def test_an_empty_message_is_refused(raw):
    with pytest.raises(UnreadableMessage, match="empty"):
        parse_message(raw)


def test_a_message_over_the_limit_is_refused_and_the_limit_is_named():
    head = b"From: a@example.org\nSubject: big\n\n"
    with pytest.raises(UnreadableMessage, match=r"over the 2 MB limit\.$"):
        parse_message(head + b"a" * (MAX_MESSAGE_BYTES + 1 - len(head)))
    with pytest.raises(UnreadableMessage) as refused:
        parse_message(head + b"a" * (int(2.4 * 1024 * 1024) - len(head)))
    assert str(refused.value) == "The message is 2.4 MB, over the 2 MB limit."


def test_a_message_at_the_limit_is_read():
    head = b"From: a@example.org\nSubject: big\n\n"
    message = parse_message(head + b"a" * (MAX_MESSAGE_BYTES - len(head)))

    assert len(message_text(message)) == MAX_MESSAGE_BYTES - len(head)


def test_absurdly_long_mime_headers_are_refused_before_the_slow_parser_sees_them():
    padding = "; x=" + "y " * 2500
    with pytest.raises(UnreadableMessage, match="MIME headers far longer"):
        inline(f"From: a@example.org\nContent-Type: text/plain{padding}\n\nhi\n")


def test_thousands_of_parts_are_refused():
    parts = "--B\n\nhi\n" * 5001
    with pytest.raises(UnreadableMessage, match="over 5,000 boundary lines"):
        inline(f'From: a@example.org\nContent-Type: multipart/mixed; boundary="B"\n\n{parts}--B--\n')


def test_a_message_with_many_parts_is_still_read():
    parts = "--B\nContent-Type: text/plain\n\nhi\n" * 300
    message = inline(f'From: a@example.org\nContent-Type: multipart/mixed; boundary="B"\n\n{parts}--B--\n')

    assert message_text(message) == "hi"


def test_a_missing_closing_boundary_is_tolerated_since_the_parts_are_intact():
    message = inline(
        'From: a@example.org\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="B"\n\n'
        "--B\nContent-Type: text/plain\n\nFirst part is whole.\n"
        "--B\nContent-Type: text/plain\n\nThe last part runs to the end\n"
    )

    assert message_text(message) == "First part is whole."


def test_a_broken_part_inside_the_message_is_refused():
    with pytest.raises(UnreadableMessage, match="no boundary"):
        inline(
            'From: a@example.org\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="B"\n\n'
            "--B\nContent-Type: multipart/alternative\n\nno parts here\n--B--\n"
        )


def test_a_bounce_returning_a_truncated_original_is_still_read():
    message = dsn(
        f"Final-Recipient: rfc822; {LAWMAKER}\nAction: failed\nStatus: 5.1.1\n\n"
        "--R\nContent-Type: message/rfc822\n\nFrom: letters@advocacy.example\n"
        'Content-Type: multipart/alternative; boundary="cut-off"\n\n(returned message cut at 1 KB)\n'
    )

    assert delivery_failure(message).recipient == LAWMAKER


def test_eight_bit_headers_are_read_as_utf8():
    message = parse_message(
        b"From: J\xc3\xb6rg <jorg@example.org>\nTo: \xff\xfe <office@house.example.gov>\n"
        b"Subject: Automatic reply: Caf\xc3\xa9 \xe9\n\nbody\n"
    )

    assert is_auto_reply(message)
    assert recipients_in_headers(message) == [LAWMAKER]
    assert delivery_failure(message) is None


# Fuzzing: parse_message refuses only with UnreadableMessage, and what it returns never trips the rest.


def read_everything(raw: bytes) -> None:
    try:
        message = parse_message(raw)
    except UnreadableMessage as refused:
        assert str(refused) and "\n" not in str(refused)
        return
    failure = delivery_failure(message)
    assert failure is None or (isinstance(failure, Bounce) and len(failure.reason) <= 300)
    assert isinstance(is_delay_warning(message), bool)
    assert isinstance(is_auto_reply(message), bool)
    assert isinstance(message_text(message), str)
    assert all(isinstance(address, str) for address in recipients_in_headers(message))


def random_bytes(rng: random.Random) -> bytes:
    kind = rng.randrange(4)
    length = rng.randrange(1, 3000)
    if kind == 0:  # noise
        return rng.randbytes(length)
    if kind == 1:  # header-shaped lines with NULs, 8-bit bytes and stray MIME syntax
        pieces = [b"From: ", b"Content-Type: multipart/mixed; boundary=", b"--", b"\n", b"\r\n", b"\x00"]
        pieces += [b":", b"=?utf-8?q?", b"\xff", b"\xc3\xa9", b"<", b">", b";", b'"', b" ", b"a@b.example"]
        pieces += [b"Content-Type: message/delivery-status\n", b"Action: failed\n", b"Status: 5.1.1\n"]
        return b"".join(rng.choice(pieces) for _ in range(length // 4))
    source = (MAIL / rng.choice(SAMPLES)).read_bytes()
    if kind == 2:  # a sample with random bytes overwritten
        mutable = bytearray(source)
        for _ in range(rng.randrange(1, 40)):
            mutable[rng.randrange(len(mutable))] = rng.randrange(256)
        return bytes(mutable)
    start = rng.randrange(len(source))  # a slice from the middle of a sample
    return source[start : start + length]


def test_random_bytes_never_raise_anything_but_unreadable():
    rng = random.Random(20240604)
    for _ in range(300):
        read_everything(random_bytes(rng))


@pytest.mark.parametrize("name", SAMPLES)
def test_samples_cut_anywhere_never_raise_anything_but_unreadable(name):
    rng = random.Random(name)
    source = (MAIL / name).read_bytes()
    for cut in sorted(rng.sample(range(len(source)), 25)):
        read_everything(source[:cut])
