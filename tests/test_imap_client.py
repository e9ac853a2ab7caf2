"""The inbound mailbox's IMAP client, against a real Dovecot on loopback (tests/imap_server.py)."""

from __future__ import annotations

import imaplib
import socket
from email import message_from_bytes

import pytest

from advocacy.clients.imap import (
    MailboxCounts,
    MailboxMessage,
    MailboxSettings,
    MailboxUnavailable,
    read_and_remove,
)
from tests.imap_server import ImapMailbox

MAX_BYTES = 1_000_000


def letter(number: int, body: bytes = b"Thank you for writing.") -> bytes:
    """A message with CRLF line ends, as a server stores it: its length is its RFC822.SIZE."""
    headers = (
        b"From: Office of Sen. Example <office@senate.example.gov>\r\n"
        b"To: copy+abc@inbound.example.org\r\n"
        b"Subject: Letter %d\r\n"
        b"Message-ID: <letter-%d@senate.example.gov>\r\n"
    )
    return headers % (number, number) + b"\r\n" + body + b"\r\n"


def subject(message: MailboxMessage) -> str:
    assert message.raw is not None
    return str(message_from_bytes(message.raw)["Subject"])


def settings(url: str, timeout: float = 5.0) -> MailboxSettings:
    return MailboxSettings.from_url(url, timeout)


def take_all(seen: list[str]):
    def handle(message: MailboxMessage) -> bool:
        seen.append(subject(message))
        return True

    return handle


def test_messages_come_oldest_first_and_leave_only_once_taken(imap_mailbox: ImapMailbox):
    sent = [letter(number) for number in (1, 2, 3)]
    for raw in sent:
        imap_mailbox.append(raw)
    handed: list[MailboxMessage] = []
    still_there: list[int] = []

    def handle(message: MailboxMessage) -> bool:
        handed.append(message)
        still_there.append(imap_mailbox.count())
        return True

    counts = read_and_remove(settings(imap_mailbox.url), handle, max_bytes=MAX_BYTES)

    assert [message.raw for message in handed] == sent
    assert [message.size for message in handed] == [len(raw) for raw in sent]
    assert still_there == [3, 3, 3]  # nothing is removed while a message is being handled
    assert counts == MailboxCounts(read=3, removed=3, kept=0)
    assert counts.describe() == "mailbox: 3 read, 3 removed, 0 kept"
    assert imap_mailbox.count() == 0


def test_a_message_not_taken_stays_for_next_time(imap_mailbox: ImapMailbox):
    for number in (1, 2, 3):
        imap_mailbox.append(letter(number))
    # False keeps a message, and so does a handler that forgets to answer (None).
    answers = {"Letter 1": False, "Letter 2": None, "Letter 3": True}

    counts = read_and_remove(
        settings(imap_mailbox.url), lambda message: answers[subject(message)], max_bytes=MAX_BYTES
    )

    assert counts == MailboxCounts(read=3, removed=1, kept=2)
    assert imap_mailbox.count() == 2
    seen: list[str] = []
    read_and_remove(settings(imap_mailbox.url), take_all(seen), max_bytes=MAX_BYTES)
    assert seen == ["Letter 1", "Letter 2"]
    assert imap_mailbox.count() == 0


def test_an_error_in_the_handler_removes_what_was_taken_and_keeps_the_rest(imap_mailbox: ImapMailbox):
    for number in (1, 2, 3):
        imap_mailbox.append(letter(number))

    def handle(message: MailboxMessage) -> bool:
        if subject(message) == "Letter 2":
            raise RuntimeError("the database went away")
        return True

    with pytest.raises(RuntimeError, match="the database went away"):
        read_and_remove(settings(imap_mailbox.url), handle, max_bytes=MAX_BYTES)

    assert imap_mailbox.count() == 2
    seen: list[str] = []
    counts = read_and_remove(settings(imap_mailbox.url), take_all(seen), max_bytes=MAX_BYTES)
    assert seen == ["Letter 2", "Letter 3"]
    assert counts == MailboxCounts(read=2, removed=2, kept=0)


def test_a_message_over_max_bytes_comes_with_its_size_and_no_body(imap_mailbox: ImapMailbox):
    small, exact, large = letter(1), letter(2, b"x" * 200), letter(3, b"x" * 5000)
    for raw in (small, exact, large):
        imap_mailbox.append(raw)
    handed: list[MailboxMessage] = []

    def handle(message: MailboxMessage) -> bool:
        handed.append(message)
        return True

    counts = read_and_remove(settings(imap_mailbox.url), handle, max_bytes=len(exact))

    assert handed == [
        MailboxMessage(size=len(small), raw=small),
        MailboxMessage(size=len(exact), raw=exact),  # exactly max_bytes is still downloaded
        MailboxMessage(size=len(large), raw=None),
    ]
    assert counts == MailboxCounts(read=3, removed=3, kept=0)


def test_limit_takes_the_oldest_few_per_call(imap_mailbox: ImapMailbox):
    for number in range(1, 6):
        imap_mailbox.append(letter(number))
    calls: list[list[str]] = []
    for _ in range(4):
        seen: list[str] = []
        read_and_remove(settings(imap_mailbox.url), take_all(seen), max_bytes=MAX_BYTES, limit=2)
        calls.append(seen)

    assert calls == [["Letter 1", "Letter 2"], ["Letter 3", "Letter 4"], ["Letter 5"], []]
    with pytest.raises(ValueError, match="limit"):
        read_and_remove(settings(imap_mailbox.url), take_all([]), max_bytes=MAX_BYTES, limit=0)


def test_a_message_already_marked_deleted_is_not_handed_over_again(imap_mailbox: ImapMailbox):
    """A run that broke between marking and expunging left its taken message marked \\Deleted."""
    for number in (1, 2):
        imap_mailbox.append(letter(number))
    imap = imaplib.IMAP4(imap_mailbox.host, imap_mailbox.port, timeout=5)
    try:
        imap.login(imap_mailbox.username, imap_mailbox.password)
        imap.select("INBOX")
        imap.store("1", "+FLAGS.SILENT", "(\\Deleted)")
    finally:
        imap.logout()
    seen: list[str] = []

    counts = read_and_remove(settings(imap_mailbox.url), take_all(seen), max_bytes=MAX_BYTES)

    assert seen == ["Letter 2"]
    assert counts == MailboxCounts(read=1, removed=1, kept=0)
    assert imap_mailbox.count() == 0


def test_a_folder_other_than_the_inbox(imap_mailbox: ImapMailbox):
    imap_mailbox.append(letter(1), folder="Inbound Mail")
    imap_mailbox.append(letter(2))
    seen: list[str] = []

    read_and_remove(
        settings(imap_mailbox.url_for(folder="Inbound Mail")), take_all(seen), max_bytes=MAX_BYTES
    )

    assert seen == ["Letter 1"]
    assert imap_mailbox.count("Inbound Mail") == 0
    assert imap_mailbox.count() == 1


def test_an_empty_mailbox(imap_mailbox: ImapMailbox):
    counts = read_and_remove(settings(imap_mailbox.url), take_all([]), max_bytes=MAX_BYTES)
    assert counts == MailboxCounts(read=0, removed=0, kept=0)


# A non-ASCII password goes by AUTHENTICATE PLAIN (UTF-8): LOGIN carries ASCII only.
@pytest.mark.parametrize("password", ["Wr0ng-pa55word", "pässwörd-Wr0ng"])
def test_a_wrong_password_names_the_login_and_not_the_password(imap_mailbox: ImapMailbox, password: str):
    imap_mailbox.append(letter(1))
    wrong = settings(imap_mailbox.url_for(password=password))

    with pytest.raises(MailboxUnavailable) as caught:
        read_and_remove(wrong, take_all([]), max_bytes=MAX_BYTES)

    message = str(caught.value)
    assert f"127.0.0.1:{imap_mailbox.port} failed while logging in as {imap_mailbox.username!r}" in message
    assert "AUTHENTICATIONFAILED" in message
    assert "check the user name and password in ADVOCACY_INBOUND_IMAP_URL" in message
    assert password not in message and password not in repr(wrong)
    assert imap_mailbox.count() == 1


def test_a_server_without_uidplus_gets_a_plain_expunge(
    imap_mailbox: ImapMailbox, monkeypatch: pytest.MonkeyPatch
):
    for number in (1, 2):
        imap_mailbox.append(letter(number))
    monkeypatch.setattr(imaplib.IMAP4, "capability", lambda self: ("OK", [b"IMAP4rev1 LITERAL+"]))
    seen: list[str] = []

    counts = read_and_remove(settings(imap_mailbox.url), take_all(seen), max_bytes=MAX_BYTES)

    assert seen == ["Letter 1", "Letter 2"]
    assert counts == MailboxCounts(read=2, removed=2, kept=0)
    assert imap_mailbox.count() == 0


def test_a_closed_port(imap_mailbox: ImapMailbox):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]

    with pytest.raises(MailboxUnavailable, match=rf"127\.0\.0\.1:{port} failed while connecting.*refused"):
        read_and_remove(settings(f"imap://u:p@127.0.0.1:{port}/INBOX"), take_all([]), max_bytes=MAX_BYTES)


def test_a_server_that_never_answers_times_out():
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()  # the connection is made, and no greeting ever comes
        port = listener.getsockname()[1]
        with pytest.raises(MailboxUnavailable, match=r"did not answer within 0\.3 s while connecting"):
            read_and_remove(
                settings(f"imap://u:p@127.0.0.1:{port}/INBOX", timeout=0.3), take_all([]), max_bytes=MAX_BYTES
            )


def test_a_name_that_does_not_resolve(monkeypatch: pytest.MonkeyPatch):
    def no_such_name(*args: object, **kwargs: object) -> list:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_such_name)  # no DNS query leaves the machine

    with pytest.raises(MailboxUnavailable, match=r"mail\.example\.invalid:143 failed while connecting"):
        read_and_remove(settings("imap://u:p@mail.example.invalid/INBOX"), take_all([]), max_bytes=MAX_BYTES)


def test_a_missing_folder(imap_mailbox: ImapMailbox):
    with pytest.raises(MailboxUnavailable) as caught:
        read_and_remove(settings(imap_mailbox.url_for(folder="Nowhere")), take_all([]), max_bytes=MAX_BYTES)
    assert "to open the folder 'Nowhere'" in str(caught.value)
    assert "check the folder in ADVOCACY_INBOUND_IMAP_URL" in str(caught.value)


def test_tls_against_a_plain_port(imap_mailbox: ImapMailbox):
    where = rf"127\.0\.0\.1:{imap_mailbox.port}"
    with pytest.raises(MailboxUnavailable, match=rf"TLS with the mailbox at {where}"):
        read_and_remove(settings(imap_mailbox.url_for(scheme="imaps")), take_all([]), max_bytes=MAX_BYTES)
    # This Dovecot has no TLS, so it offers no STARTTLS: asked for, its absence must stop the login.
    with pytest.raises(MailboxUnavailable, match="while starting TLS"):
        read_and_remove(settings(imap_mailbox.url + "?starttls=1"), take_all([]), max_bytes=MAX_BYTES)


def test_from_url_reads_each_part():
    url = "imap://me%40example.org:p%40ss%3Aw@mail.example.org/INBOX?starttls=1"
    plain = MailboxSettings.from_url(url, 7)
    assert plain == MailboxSettings(
        host="mail.example.org",
        port=143,
        username="me@example.org",
        password="p@ss:w",
        folder="INBOX",
        tls="starttls",
        timeout=7,
    )
    assert "p@ss" not in repr(plain)
    secure = MailboxSettings.from_url("imaps://u:p@mail.example.org/Inbound%20Mail", 5)
    assert (secure.port, secure.tls, secure.folder) == (993, "ssl", "Inbound Mail")
    local = MailboxSettings.from_url("imap://u:p@127.0.0.1:1143", 5)
    assert (local.port, local.tls, local.folder) == (1143, "", "INBOX")


@pytest.mark.parametrize(
    "url",
    [
        "https://u:hunter2@mail.example.org/INBOX",  # not IMAP
        "imap://u:hunter2@/INBOX",  # no host
        "imap://u:hunter2@mail.example.org:imap/INBOX",  # a port that is not a number
        "imap://mail.example.org/INBOX",  # no user name or password
        "imap://u:hunter2@mail.example.org/Entrée",  # a folder name imaplib cannot send
        "",
    ],
)
def test_from_url_refuses_what_it_cannot_use(url: str):
    with pytest.raises(ValueError) as caught:
        MailboxSettings.from_url(url, 5)
    message = str(caught.value)
    assert message.startswith("ADVOCACY_INBOUND_IMAP_URL ")
    assert "imap://user:password@host:143/INBOX?starttls=1" in message
    assert "hunter2" not in message
