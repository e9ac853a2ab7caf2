"""Sending email: SMTP when ADVOCACY_SMTP_URL is set, otherwise the message goes to the log."""

from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, make_msgid, parseaddr
from urllib.parse import parse_qs, unquote, urlsplit

from flask import current_app

log = logging.getLogger("advocacy.mail")


class UnsafeHeader(ValueError):
    """A header value with a line break: it could smuggle extra headers (Bcc:) into the message."""


class MailNotSent(RuntimeError):
    """The SMTP server refused or could not be reached; the message says which."""


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


def build_message(to: str, subject: str, body: str, reply_to: str = "") -> EmailMessage:
    message = EmailMessage()
    message["From"] = _check_header("sender", current_app.config["MAIL_FROM"])
    name, address = parseaddr(_check_header("recipient", to))
    if "@" not in address:
        raise UnsafeHeader(f"{to!r} is not an email address")
    message["To"] = formataddr((name, address))
    message["Subject"] = _check_header("subject", subject)
    if reply_to:
        message["Reply-To"] = _check_header("reply-to address", reply_to)
    message["Message-ID"] = make_msgid(domain="advocacy.local")
    message.set_content(body)
    return message


def mail_configured() -> bool:
    return bool(current_app.config["SMTP_URL"])


def send_mail(to: str, subject: str, body: str, reply_to: str = "") -> bool:
    """Send one message. True when it went to an SMTP server; False when it was only logged."""
    message = build_message(to, subject, body, reply_to)
    url = current_app.config["SMTP_URL"]
    if not url:
        log.warning("No SMTP server is configured; this message was not sent:\n%s", message)
        return False
    settings = SmtpSettings.from_url(url, float(current_app.config["HTTP_TIMEOUT"]))
    try:
        _deliver(settings, message)
    except (OSError, smtplib.SMTPException) as error:
        raise MailNotSent(f"the mail server at {settings.host}:{settings.port} refused: {error}") from error
    return True


def _deliver(settings: SmtpSettings, message: EmailMessage) -> None:
    smtp_class = smtplib.SMTP_SSL if settings.tls == "ssl" else smtplib.SMTP
    kwargs = {"context": ssl.create_default_context()} if settings.tls == "ssl" else {}
    with smtp_class(settings.host, settings.port, timeout=settings.timeout, **kwargs) as smtp:
        if settings.tls == "starttls":
            smtp.starttls(context=ssl.create_default_context())
        if settings.username:
            smtp.login(settings.username, settings.password)
        smtp.send_message(message)
