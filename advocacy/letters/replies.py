"""Did the lawmaker answer? Writers' answers and one reminder to ask (the reply rates they add up to
are advocacy/legislators/responsiveness.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from advocacy.clock import utcnow
from advocacy.links import site_url
from advocacy.mail import MailNotSent, send_mail
from advocacy.models import Letter
from advocacy.models.letters import LetterStatus, ReplyOutcome, ReplyStatus

REPLIES = {
    ReplyStatus.YES: "Yes, they answered",
    ReplyStatus.NOT_YET: "Not yet",
    ReplyStatus.NO: "No, and I do not expect an answer",
}
OUTCOMES = {
    ReplyOutcome.SUPPORTIVE: "Supportive",
    ReplyOutcome.NON_COMMITTAL: "Non-committal",
    ReplyOutcome.OPPOSED: "Opposed",
}
REPLY_LINK_MAX_AGE = 90 * 24 * 3600
STATUS_FOR_REPLY = {
    ReplyStatus.YES: LetterStatus.ANSWERED,
    ReplyStatus.NO: LetterStatus.NO_ANSWER,
    ReplyStatus.NOT_YET: LetterStatus.SENT,
}


class InvalidReplyLink(ValueError):
    pass


def record_reply(letter: Letter, reply_status: str, outcome: str, notes: str) -> None:
    letter.reply_status = reply_status
    letter.reply_outcome = outcome if reply_status == ReplyStatus.YES else ""
    letter.reply_notes = notes.strip()
    letter.status = STATUS_FOR_REPLY[reply_status]
    letter.replied_at = utcnow()


def _serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt="advocacy.reply")


def reply_link_token(secret: str, letter: Letter) -> str:
    return _serializer(secret).dumps(letter.token)


def letter_token_from_link(secret: str, signed: str) -> str:
    try:
        return _serializer(secret).loads(signed, max_age=REPLY_LINK_MAX_AGE)
    except BadSignature as error:
        raise InvalidReplyLink("This link is not valid or has expired.") from error


@dataclass(frozen=True)
class ReminderCounts:
    sent: int = 0
    failed: int = 0

    def describe(self) -> str:
        return f"reminders: {self.sent} sent, {self.failed} could not be sent"


def send_due_reminders(session: Session, secret: str, after_days: int) -> ReminderCounts:
    """One reminder for each sent letter that has waited `after_days` with no answer recorded.

    Each letter is marked reminded (and committed) before its email goes, so a crash or a second
    run can never send two reminders for one letter; a failed send is not retried.
    """
    cutoff = utcnow() - timedelta(days=after_days)
    due = session.scalars(
        select(Letter.id).where(
            Letter.status == LetterStatus.SENT,
            Letter.reply_status == "",
            Letter.reminded_at.is_(None),
            Letter.sender_email != "",
            Letter.purged_at.is_(None),
            Letter.sent_at <= cutoff,
        )
    ).all()
    sent = failed = 0
    for letter_id in due:
        claimed = session.execute(
            update(Letter)
            .where(Letter.id == letter_id, Letter.reminded_at.is_(None))
            .values(reminded_at=utcnow())
        ).rowcount
        session.commit()
        if not claimed:
            continue  # another run took it
        letter = session.get(Letter, letter_id)
        link = site_url("letters.reply_link", signed=reply_link_token(secret, letter))
        person = letter.legislator
        try:
            send_mail(
                letter.sender_email,
                f"Did {person.title} {person.name} answer your letter?",
                f"Hello {letter.sender_name},\n\nSome weeks ago you wrote to {person.title} {person.name} "
                f"about {letter.subject!r}. Did the office answer? Telling us takes a few seconds and helps "
                f"others know which lawmakers listen:\n\n{link}\n\n"
                "We will not ask again about this letter.\n\nAdvocacy\n",
            )
        except MailNotSent:
            failed += 1
        else:
            sent += 1
    return ReminderCounts(sent=sent, failed=failed)
