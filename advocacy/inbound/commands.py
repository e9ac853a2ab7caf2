"""The inbound mail commands: `take-mail` (an MTA pipe), `inbound-smtp` (a listener), `read-mailbox`."""

from __future__ import annotations

import signal
import sys
import threading
from typing import BinaryIO

import click
from flask import current_app
from sqlalchemy.exc import SQLAlchemyError

from advocacy.clients.imap import MailboxUnavailable
from advocacy.inbound.mailbox import read_mailbox
from advocacy.inbound.reading import MAX_MESSAGE_BYTES
from advocacy.inbound.service import receive_mail
from advocacy.inbound.smtp import inbound_smtp_server
from advocacy.models.inbound import MailPath, MailResult

# sysexits.h, as MTAs read a pipe's exit status: 67 bounces the message, 75 keeps it to try again.
EX_NOUSER = 67
EX_TEMPFAIL = 75


def _require_domain() -> str:
    domain = current_app.config["INBOUND_DOMAIN"]
    if not domain:
        click.echo(
            "error: ADVOCACY_INBOUND_DOMAIN is not set: set it to the domain the copy, bounce and "
            "answer addresses live at (for example in.example.org)",
            err=True,
        )
        sys.exit(EX_TEMPFAIL)  # the MTA keeps the message until the site is set up
    return domain


def _read_limited(source: BinaryIO) -> bytes:
    """At most the limit and one byte more; the rest is read and dropped, so the MTA's pipe does
    not break, and the message is recorded as too large."""
    raw = source.read(MAX_MESSAGE_BYTES + 1)
    while source.read(1024 * 1024):
        pass
    return raw


@click.command("take-mail")
@click.argument("source", default="-", type=click.File("rb"))
@click.option("--recipient", default=None, help="The envelope recipient, as an MTA passes it.")
def take_mail_command(source: BinaryIO, recipient: str | None) -> None:
    """Take one raw message (RFC 5322) from FILE, or standard input by default.

    Without --recipient the address is read from Delivered-To, X-Original-To, Envelope-To, To or Cc.
    Exit status: 0 when taken (whatever it did), 67 for a recipient that is not ours, 75 when it
    should be tried again later.
    """
    _require_domain()
    raw = _read_limited(source)
    try:
        taken = receive_mail(raw, MailPath.PIPE, recipient.strip() if recipient else None)
    except SQLAlchemyError as error:
        click.echo(f"error: the database did not take the message, try again later: {error}", err=True)
        sys.exit(EX_TEMPFAIL)
    click.echo(taken.describe())
    if taken.result in (MailResult.UNKNOWN_RECIPIENT, MailResult.FORGED):
        sys.exit(EX_NOUSER)


@click.command("inbound-smtp")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=2525, show_default=True, type=click.IntRange(1, 65535), help="Port.")
def inbound_smtp_command(host: str, port: int) -> None:
    """Listen for inbound mail over SMTP; recipients other than the inbound addresses are refused."""
    domain = _require_domain()
    server = inbound_smtp_server(current_app._get_current_object(), host, port)
    try:
        server.start()
    except (OSError, RuntimeError) as error:
        raise click.ClickException(f"cannot listen on {host}:{port}: {error}") from error
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    click.echo(f"taking mail for @{domain} on {host}:{port} (Ctrl+C stops)")
    stop.wait()
    server.stop()
    click.echo("stopped")


@click.command("read-mailbox")
def read_mailbox_command() -> None:
    """Take every message in the IMAP mailbox ADVOCACY_INBOUND_IMAP_URL, removing each once taken."""
    if not current_app.config["INBOUND_IMAP_URL"]:
        raise click.ClickException(
            "ADVOCACY_INBOUND_IMAP_URL is not set: set it to imaps://user:password@host:993/INBOX"
        )
    if not current_app.config["INBOUND_DOMAIN"]:
        raise click.ClickException("ADVOCACY_INBOUND_DOMAIN is not set: set it to the inbound domain")
    try:
        counts = read_mailbox()
    except (MailboxUnavailable, ValueError) as error:
        raise click.ClickException(str(error)) from error
    click.echo(counts.describe())


COMMANDS = (take_mail_command, inbound_smtp_command, read_mailbox_command)
