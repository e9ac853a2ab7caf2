"""Reading an ordinary IMAP mailbox that the inbound addresses land in: each message taken, then removed."""

from __future__ import annotations

import logging
from datetime import timedelta

from flask import current_app
from sqlalchemy.exc import SQLAlchemyError

from advocacy.clients.imap import MailboxCounts, MailboxMessage, MailboxSettings, read_and_remove
from advocacy.inbound.reading import MAX_MESSAGE_BYTES
from advocacy.inbound.service import receive_mail, receive_too_large
from advocacy.jobs import in_app, queue
from advocacy.models.inbound import MailPath

log = logging.getLogger("advocacy.inbound")

MAILBOX_JOB_ID = "read-mailbox"
EVERY = timedelta(minutes=1)


def _take(message: MailboxMessage) -> bool:
    """True once the message's outcome is stored, so the mailbox may drop it; False keeps it for
    the next run (the database did not answer)."""
    try:
        if message.raw is None:
            receive_too_large(message.size, MailPath.IMAP)
        else:
            receive_mail(message.raw, MailPath.IMAP)
    except SQLAlchemyError as error:
        log.error("a mailbox message was kept for the next run: %s", error)
        return False
    return True


def read_mailbox() -> MailboxCounts:
    """Take every message in ADVOCACY_INBOUND_IMAP_URL's folder; MailboxUnavailable when it cannot."""
    config = current_app.config
    settings = MailboxSettings.from_url(config["INBOUND_IMAP_URL"], float(config["HTTP_TIMEOUT"]))
    return read_and_remove(settings, _take, max_bytes=MAX_MESSAGE_BYTES)


def mailbox_job() -> str:
    """Read the mailbox, then book the next run a minute later (on `advocacy worker`)."""

    def work() -> str:
        if not current_app.config["INBOUND_IMAP_URL"]:
            return "no mailbox is set: the runs stop"
        jobs = queue()
        if jobs is not None:  # booked first, so a mailbox that is down is tried again a minute later
            jobs.enqueue_in(EVERY, mailbox_job, job_id=MAILBOX_JOB_ID)
        return read_mailbox().describe()

    return in_app(work)
