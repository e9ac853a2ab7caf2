"""Sending email: SMTP when ADVOCACY_SMTP_URL is set, otherwise the message goes to the log."""

from __future__ import annotations

import logging
import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, make_msgid, parseaddr
from urllib.parse import parse_qs, unquote, urlsplit

from flask import current_app

log = logging.getLogger("advocacy.mail")


class UnsafeHeader(ValueError):
    """A header value with a line break: it could smuggle extra headers (Bcc:) into the message."""


class MailNotSent(RuntimeError):
    """The SMTP server refused or could not be reached; the message says which.

    `permanent` when the server refused for good (a 5xx reply): trying again would not help.
    """

    def __init__(self, reason: str, *, permanent: bool = False) -> None:
        super().__init__(reason)
        self.permanent = permanent


class DeliveryUncertain(MailNotSent):
    """The connection broke after the whole message went out and before the server confirmed it.

    The server may have kept the message (RFC 5321 gives it no way to say so later), so sending
    it again could deliver it twice.
    """


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    username: str
    password: str
    tls: str  # "ssl" (smtps://), "starttls" (?starttls=1) or "" (plain, e.g. a local relay)
    timeout: float

    @classmethod
    def from_url(cls, url: str, timeout: float) -> SmtpSettings:
        """smtp://user:pass@host:587?starttls=1, smtps://host:465, or smtp://127.0.0.1:1025."""
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError("ADVOCACY_SMTP_URL must look like smtp://user:password@host:587?starttls=1")
        starttls = parse_qs(parts.query).get("starttls", ["0"])[0] in ("1", "true", "yes")
        return cls(
            host=parts.hostname,
            port=parts.port or (465 if parts.scheme == "smtps" else 25),
            username=unquote(parts.username or ""),
            password=unquote(parts.password or ""),
            tls="ssl" if parts.scheme == "smtps" else ("starttls" if starttls else ""),
            timeout=timeout,
        )


def _check_header(name: str, value: str) -> str:
    if "\r" in value or "\n" in value:
        raise UnsafeHeader(f"the {name} contains a line break")
    return value


def build_message(
    to: str,
    subject: str,
    body: str,
    reply_to: str = "",
    message_id: str = "",
    headers: Mapping[str, str] | None = None,
) -> EmailMessage:
    """A plain-text message from MAIL_FROM; `message_id` keeps one identity across retries."""
    message = EmailMessage()
    message["From"] = _check_header("sender", current_app.config["MAIL_FROM"])
    name, address = parseaddr(_check_header("recipient", to))
    if "@" not in address:
        raise UnsafeHeader(f"{to!r} is not an email address")
    message["To"] = formataddr((name, address))
    message["Subject"] = _check_header("subject", subject)
    if reply_to:
        message["Reply-To"] = _check_header("reply-to address", reply_to)
    message["Message-ID"] = (
        _check_header("message id", message_id) if message_id else make_msgid(domain="advocacy.local")
    )
    for name, value in (headers or {}).items():
        message[name] = _check_header(name, value)
    message.set_content(body)
    return message


@dataclass(frozen=True)
class OutgoingMail:
    to: str
    subject: str
    body: str


def mail_configured() -> bool:
    return bool(current_app.config["SMTP_URL"])


def send_mail(
    to: str,
    subject: str,
    body: str,
    reply_to: str = "",
    message_id: str = "",
    *,
    return_path: str = "",
    headers: Mapping[str, str] | None = None,
) -> bool:
    """Send one message. True when it went to an SMTP server; False when it was only logged.

    `return_path` is the envelope sender, where bounces go (a letter's VERP address); by default
    the server takes the From address.

    Raises MailNotSent when the server refused or could not be reached, and its subclass
    DeliveryUncertain when the connection broke while the server had the whole message.
    """
    message = build_message(to, subject, body, reply_to, message_id, headers)
    url = current_app.config["SMTP_URL"]
    if not url:
        log.warning("No SMTP server is configured; this message was not sent:\n%s", message)
        return False
    settings = SmtpSettings.from_url(url, float(current_app.config["HTTP_TIMEOUT"]))
    where = f"the mail server at {settings.host}:{settings.port}"
    smtp = None
    try:
        smtp = _connect(settings)
        if settings.tls == "starttls":
            smtp.starttls(context=ssl.create_default_context())
        if settings.username:
            smtp.login(settings.username, settings.password)
        smtp.send_message(message, from_addr=return_path or None)
    except smtplib.SMTPResponseException as error:
        if not 400 <= error.smtp_code < 600:  # a garbled answer tells no more than a lost connection
            raise _connection_lost(where, smtp, error) from error
        reply = error.smtp_error.decode(errors="replace") if isinstance(error.smtp_error, bytes) else ""
        raise MailNotSent(
            f"{where} refused: {error.smtp_code} {reply}".rstrip(), permanent=error.smtp_code >= 500
        ) from error
    except smtplib.SMTPRecipientsRefused as error:
        codes = [code for code, _ in error.recipients.values()]
        raise MailNotSent(
            f"{where} refused the recipient ({', '.join(map(str, codes))})",
            permanent=all(500 <= code < 600 for code in codes),
        ) from error
    except (OSError, smtplib.SMTPException) as error:
        raise _connection_lost(where, smtp, error) from error
    finally:
        if smtp is not None:
            _quit(smtp)
    return True


def _connection_lost(where: str, smtp: _SMTP | _SMTPSSL | None, error: Exception) -> MailNotSent:
    if smtp is not None and smtp.end_of_data_sent:
        return DeliveryUncertain(f"the connection to {where} broke before it confirmed the message: {error}")
    return MailNotSent(f"{where} could not be reached or hung up: {error}")


class _EndOfDataWatch:
    """Notes when the end-of-data mark has been written: from then on the server may keep the message."""

    end_of_data_sent = False

    def send(self, s: bytes | str) -> None:
        super().send(s)
        # Only the message data ends with CRLF "." CRLF; no SMTP command does.
        if isinstance(s, bytes) and s.endswith(b"\r\n.\r\n"):
            self.end_of_data_sent = True


class _SMTP(_EndOfDataWatch, smtplib.SMTP):
    pass


class _SMTPSSL(_EndOfDataWatch, smtplib.SMTP_SSL):
    pass


def _connect(settings: SmtpSettings) -> _SMTP | _SMTPSSL:
    if settings.tls == "ssl":
        context = ssl.create_default_context()
        return _SMTPSSL(settings.host, settings.port, timeout=settings.timeout, context=context)
    return _SMTP(settings.host, settings.port, timeout=settings.timeout)


def _quit(smtp: smtplib.SMTP) -> None:
    # Once the server has accepted the message, a failed goodbye must not make it look unsent.
    try:
        smtp.quit()
    except (OSError, smtplib.SMTPException):
        smtp.close()
