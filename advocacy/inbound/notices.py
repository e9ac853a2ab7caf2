"""Telling a writer that their letter bounced, with the other ways to reach the office."""

from __future__ import annotations

import logging

from flask import current_app

from advocacy.extensions import db
from advocacy.links import site_url
from advocacy.mail import MailNotSent, UnsafeHeader, send_mail
from advocacy.models import Letter

log = logging.getLogger("advocacy.inbound")

# RFC 3834: marks the notice as machine-made, so no auto-responder answers it and no loop starts.
AUTOMATIC = {"Auto-Submitted": "auto-generated"}


def other_ways(letter: Letter) -> list[str]:
    """The ways to reach the office that do not need its email address, one line each."""
    person = letter.legislator
    ways = []
    if person.phone:
        ways.append(f"Call the office: {person.phone}")
    if person.postal_address:
        ways.append(f"Post it to: {' '.join(person.postal_address.split())}")
    ways.append(f"Print it or save it as a PDF: {site_url('letters.pdf', token=letter.token)}")
    return ways


def tell_writer_not_delivered(letter_id: int) -> bool:
    """Email the writer, when they gave an address, that the letter bounced; True when a mail went."""
    letter = db.session.get(Letter, letter_id)
    if letter is None or not letter.sender_email:
        return False
    person = letter.legislator
    config = current_app.config
    with current_app.test_request_context(base_url=config["BASE_URL"]):
        ways = "\n".join(f"- {way}" for way in other_ways(letter))
        page = site_url("letters.track", token=letter.token)
    body = (
        f"Hello {letter.sender_name or 'there'},\n\n"
        f"Your letter to {person.title} {person.name} was not delivered. The office's mail server "
        f"answered: {letter.delivery_problem}\n\n"
        f"You can still reach the office:\n{ways}\n\n"
        f"Your letter's private page: {page}\n\n"
        "This message was sent automatically; replies to it are not read.\n\nAdvocacy\n"
    )
    try:
        send_mail(
            letter.sender_email,
            f"Your letter to {person.title} {person.name} was not delivered",
            body,
            headers=AUTOMATIC,
        )
    except (MailNotSent, UnsafeHeader) as error:
        log.warning("could not tell the writer of letter %s that it bounced: %s", letter.id, error)
        return False
    return True
