"""Letter templates in the database, and the letters citizens draft from them."""

from __future__ import annotations

import difflib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import cache
from pathlib import Path

from sqlalchemy import Select, bindparam, delete, func, select, update
from sqlalchemy.orm import Session, aliased, joinedload, selectinload

from advocacy.bills.whereabouts import hearing_time, next_hearing, seat_words
from advocacy.clock import utcnow
from advocacy.dates import long_date
from advocacy.errors import NotFound
from advocacy.legislators.constituency import NOBODY, FoundLawmakers
from advocacy.letters.lint import lint_template
from advocacy.letters.render import (
    AreaFacts,
    BillFacts,
    InvalidTemplateFile,
    LetterContext,
    RecipientFacts,
    RenderedLetter,
    ReportCardFacts,
    SenderFacts,
    StateFacts,
    parse_template_file,
    render_letter,
)
from advocacy.models import (
    Bill,
    Committee,
    Framework,
    Hearing,
    IssueArea,
    Legislator,
    Letter,
    LetterTemplate,
    OutboxMessage,
    State,
    TemplateRevision,
)
from advocacy.models.bills import BillPlace, BillStatus
from advocacy.models.letters import OUTBOX_PENDING, Channel, LetterStatus
from advocacy.reportcards.service import CardSummary, plain_points


class UnknownLetter(NotFound):
    pass


@dataclass(frozen=True)
class TemplateLoadCounts:
    added: int
    revised: int
    unchanged: int

    def describe(self) -> str:
        return f"letter templates: {self.added} added, {self.revised} revised, {self.unchanged} unchanged"


def load_letter_templates(session: Session, folder: Path, framework: Framework) -> TemplateLoadCounts:
    """Seed templates from files; a changed file becomes a new revision unless an admin edited it."""
    areas = {a.number: a for a in framework.issue_areas if a.number is not None}
    existing = {
        t.slug: t
        for t in session.scalars(select(LetterTemplate).options(selectinload(LetterTemplate.revisions)))
    }
    added = revised = unchanged = 0
    for path in sorted(folder.glob("*.md")):
        if path.name == "README.md":
            continue
        parsed = parse_template_file(path)
        problems = lint_template(parsed.subject, f"{path.name} subject") + lint_template(
            parsed.body, path.name
        )
        if problems:
            raise InvalidTemplateFile("; ".join(problems))
        template = existing.get(parsed.slug)
        if template is None:
            template = LetterTemplate(
                slug=parsed.slug,
                purpose=parsed.purpose,
                issue_area=areas[parsed.issue_area] if parsed.issue_area else None,
            )
            session.add(template)
            added += 1
        else:
            current = template.current
            same = (current.title, current.subject, current.body) == (
                parsed.title,
                parsed.subject,
                parsed.body,
            )
            if same or current.author_id is not None:
                unchanged += 1
                continue
            revised += 1
        template.revisions.append(
            TemplateRevision(
                title=parsed.title,
                subject=parsed.subject,
                body=parsed.body,
                note=f"from letter_templates/{path.name}",
                created_at=utcnow(),
            )
        )
    session.flush()
    return TemplateLoadCounts(added, revised, unchanged)


def template_for(session: Session, area: IssueArea, purpose: str = "ask") -> LetterTemplate | None:
    """The template in use for a purpose: the area's own first, else one for any issue."""
    fitting = session.scalars(
        select(LetterTemplate)
        .where(
            LetterTemplate.purpose == purpose,
            LetterTemplate.retired_at.is_(None),
            (LetterTemplate.issue_area_id == area.id) | LetterTemplate.issue_area_id.is_(None),
        )
        .options(joinedload(LetterTemplate.revisions))  # joined, not a second query
    )
    return choose_template(fitting.unique().all(), area, purpose)


def active_templates(session: Session) -> list[LetterTemplate]:
    """Every template not retired, with its revisions: what `choose_template` chooses from."""
    query = (
        select(LetterTemplate)
        .where(LetterTemplate.retired_at.is_(None))
        .options(joinedload(LetterTemplate.revisions))
        .order_by(LetterTemplate.id)
    )
    return list(session.scalars(query).unique())


def choose_template(
    templates: Iterable[LetterTemplate], area: IssueArea, purpose: str = "ask"
) -> LetterTemplate | None:
    """Of these templates, the one in use for a purpose: the area's own first (the oldest of
    them), else the oldest one for any issue; never a retired one."""
    fitting = [
        template
        for template in templates
        if template.purpose == purpose
        and template.retired_at is None
        and template.issue_area_id in (area.id, None)
    ]
    return min(fitting, key=lambda t: (t.issue_area_id is None, t.id), default=None)


def similarity(letter: str, template_only: str) -> int:
    """How much of a letter is the template's own words, in percent (100: not a word changed)."""
    return round(100 * difflib.SequenceMatcher(None, template_only.split(), letter.split()).ratio())


@dataclass(frozen=True)
class Sender:
    name: str
    town: str
    email: str
    personal_paragraph: str
    postal_address: str = ""  # as the writer typed it for an envelope, "" when not given


def postal_address(text: str) -> str:
    """The writer's address as typed for an envelope: each line trimmed, blank lines dropped."""
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def letter_context(
    summary: CardSummary | None,
    state: State,
    area: IssueArea,
    legislator: Legislator,
    sender: Sender,
    today: date,
    is_constituent: bool = False,
    bill: Bill | None = None,
) -> LetterContext:
    card_facts = _card_facts(summary) if summary is not None else None
    area_facts = _area_facts(summary, area)
    hearing = next_hearing(bill, today) if bill is not None else None
    committee = deciding_committee(bill, hearing) if bill is not None else None
    return LetterContext(
        state=StateFacts(abbr=state.abbr, name=state.name),
        report_card=card_facts,
        area=area_facts,
        recipient=RecipientFacts(
            title=legislator.title,
            name=legislator.name,
            salutation_name=legislator.salutation_name,
            district=legislator.district,
            chamber_name=legislator.chamber_name,
            committee_seat=_seat(committee, legislator.id),
        ),
        sender=SenderFacts(
            name=sender.name,
            town=sender.town,
            is_constituent=is_constituent,
            postal_address=sender.postal_address,
        ),
        personal_paragraph=sender.personal_paragraph,
        today=today,
        bill=bill_facts(bill, legislator, committee, hearing) if bill is not None else None,
    )


def deciding_committee(bill: Bill, hearing: Hearing | None) -> Committee | None:
    """The committee that decides a pending bill's next step: the one that holds it, else the one
    that hears it next; None once it is law, has failed or died with its session."""
    if bill.status != BillStatus.PENDING or bill.session_over:
        return None
    if bill.place == BillPlace.COMMITTEE and bill.committee is not None:
        return bill.committee
    return hearing.committee if hearing is not None else None


def _seat(committee: Committee | None, legislator_id: str) -> str:
    """ "the chair of the House Committee on …" when the lawmaker sits on it; "" otherwise."""
    if committee is None:
        return ""
    seat = next((m for m in committee.members if m.legislator_id == legislator_id), None)
    return seat_words(seat) if seat is not None else ""


def _card_facts(summary: CardSummary) -> ReportCardFacts:
    card = summary.card
    return ReportCardFacts(
        year=card.edition.year,
        framework=card.edition.framework.name,
        grade=card.grade,
        total=plain_points(card.total_score),
        max_total=plain_points(card.edition.max_total),
        source=card.source.split(";")[0].strip(),
    )


def _area_facts(summary: CardSummary | None, area: IssueArea) -> AreaFacts:
    """The area's name and maximum; with a card of its framework, its score and findings too."""
    known = {"number": area.number or 0, "name": area.name, "max_points": plain_points(area.max_points)}
    if summary is None or summary.card.edition.framework_id != area.framework_id:
        return AreaFacts(**known)
    standing = summary.standing_for(area)
    weak = summary.weak_area_for(area)
    # A weak area may be named by an earlier card of the same framework.
    lowest = (weak.standing if weak else standing).lowest_findings
    return AreaFacts(
        **known,
        score=plain_points(standing.score),
        percent=round(standing.percent) if standing.percent is not None else None,
        points_to_gain=plain_points(standing.points_to_gain),
        findings=[f.finding for f in lowest],
        finding_source=lowest[0].source if lowest else "",
        finding_year=(weak.year if weak else summary.card.edition.year) if lowest else None,
        is_weakest=weak is not None,
        basis=weak.basis if weak else None,
    )


def bill_facts(
    bill: Bill, recipient: Legislator, committee: Committee | None = None, hearing: Hearing | None = None
) -> BillFacts:
    """What a letter may say of the bill; `committee` decides it now, `hearing` is its next one."""
    heard_by = hearing.committee if hearing is not None and hearing.committee is not None else committee
    return BillFacts(
        identifier=bill.identifier,
        title=bill.title,
        sponsors=[s.legislator.name if s.legislator else s.name for s in bill.primary_sponsors],
        latest_action=bill.latest_action,
        latest_action_date=bill.latest_action_date,
        latest_action_on=long_date(bill.latest_action_date) if bill.latest_action_date else "",
        url=bill.url,
        recipient_is_sponsor=bill.sponsored_by(recipient.id),
        session_over=bill.session_over,
        committee=committee.title if committee is not None else "",
        hearing_on=long_date(hearing.starts_at.date()) if hearing is not None else "",
        hearing_time=hearing_time(hearing) if hearing is not None else "",
        hearing_location=hearing.location if hearing is not None else "",
        hearing_committee=heard_by.title if hearing is not None and heard_by is not None else "",
        hearing_url=hearing.url if hearing is not None else "",
    )


@dataclass(frozen=True)
class Draft:
    """One recipient's letter, rendered but not saved."""

    legislator: Legislator
    letter: RenderedLetter
    is_constituent: bool  # the address lookup found this lawmaker for the writer


def draft_letters(
    template: LetterTemplate,
    summary: CardSummary | None,
    state: State,
    area: IssueArea,
    recipients: list[Legislator],
    sender: Sender,
    today: date,
    found: FoundLawmakers = NOBODY,
    bill: Bill | None = None,
) -> list[Draft]:
    """One rendered letter per recipient, or LetterRenderError before any is returned."""
    revision = template.current
    drafts = []
    for person in recipients:
        mine = found.represents(person.id)
        context = letter_context(summary, state, area, person, sender, today, is_constituent=mine, bill=bill)
        letter = render_letter(revision.subject, revision.body, context, template.slug)
        drafts.append(Draft(person, letter, mine))
    return drafts


def own_words_share(
    template: LetterTemplate,
    summary: CardSummary | None,
    state: State,
    area: IssueArea,
    drafts: list[Draft],
    sender: Sender,
    today: date,
    bill: Bill | None = None,
) -> int:
    """How much of the first letter is the template's wording: 100 when the writer added nothing."""
    if not drafts or not sender.personal_paragraph:
        return 100
    first = drafts[0]
    bare = replace(sender, personal_paragraph="")
    context = letter_context(
        summary, state, area, first.legislator, bare, today, is_constituent=first.is_constituent, bill=bill
    )
    plain = render_letter(template.current.subject, template.current.body, context, template.slug)
    return similarity(first.letter.body, plain.body)


def save_letters(
    session: Session,
    template: LetterTemplate,
    drafts: list[Draft],
    state: State,
    area: IssueArea,
    sender: Sender,
    user_id: int | None = None,
    campaign_id: int | None = None,
    share_contact: bool = False,
    bill: Bill | None = None,
) -> list[Letter]:
    """Store one letter per recipient, all in one batch, each with its own private token."""
    batch = secrets.token_urlsafe(16)
    letters = []
    for draft in drafts:
        legislator, rendered = draft.legislator, draft.letter
        letter = Letter(
            token=secrets.token_urlsafe(24),
            batch=batch,
            revision_id=template.current.id,
            state_abbr=state.abbr,
            issue_area_id=area.id,
            legislator_id=legislator.id,
            subject=rendered.subject,
            body=rendered.body,
            personal_paragraph=sender.personal_paragraph,
            sender_name=sender.name,
            sender_town=sender.town,
            sender_email=sender.email,
            sender_address=sender.postal_address,
            is_constituent=draft.is_constituent,
            user_id=user_id,
            campaign_id=campaign_id,
            bill_id=bill.id if bill is not None else None,
            share_contact=share_contact and campaign_id is not None,
            status=LetterStatus.DRAFT,
            created_at=utcnow(),
        )
        session.add(letter)
        letters.append(letter)
    session.flush()
    return letters


def get_letter(session: Session, token: str) -> Letter:
    letter = session.scalar(
        select(Letter)
        .where(Letter.token == token)
        .options(selectinload(Letter.legislator).selectinload(Legislator.state))
    )
    if letter is None:
        raise UnknownLetter("No letter has this tracking link; it may have been deleted.")
    return letter


@cache
def _letter_page_query() -> Select:
    """Built once: constructing the correlated count costs more than running it."""
    same_batch = aliased(Letter)
    batch_size = (
        select(func.count()).where(same_batch.batch == Letter.batch).correlate(Letter).scalar_subquery()
    )
    return (
        select(Letter, batch_size)
        .where(Letter.token == bindparam("token"))
        .options(
            joinedload(Letter.legislator).joinedload(Legislator.state),
            joinedload(Letter.outbox_message),
            joinedload(Letter.issue_area),
        )
    )


def letter_version(session: Session, token: str) -> int | None:
    """How many times the letter has changed: its page is kept until the next change."""
    return session.scalar(select(Letter.version).where(Letter.token == token))


def letter_page_data(session: Session, token: str) -> tuple[Letter, int]:
    """A letter with all its page shows, and how many letters its batch holds: one query."""
    row = session.execute(_letter_page_query(), {"token": token}).first()
    if row is None:
        raise UnknownLetter("No letter has this tracking link; it may have been deleted.")
    return row[0], row[1]


def letters_in_batch(session: Session, batch: str) -> list[Letter]:
    """The letters written together in one visit, in the order they were written."""
    if not batch:
        return []
    return list(
        session.scalars(
            select(Letter)
            .where(Letter.batch == batch)
            .options(selectinload(Letter.legislator), selectinload(Letter.outbox_message))
            .order_by(Letter.id)
        )
    )


def mark_sent(letter: Letter, channel: Channel) -> None:
    if letter.status == LetterStatus.NOT_DELIVERED:
        # Sent again another way (a call, the post): what bounced no longer describes it.
        letter.sent_at = letter.confirmed_at = None
        letter.delivery_problem = ""
    letter.status = LetterStatus.SENT
    letter.channel = channel
    letter.sent_at = letter.sent_at or utcnow()


def mark_opened(letter: Letter) -> bool:
    """The writer handed the letter to their email app; False when it was already sent."""
    if letter.status != LetterStatus.DRAFT:
        return False
    letter.opened_at = utcnow()
    return True


def mark_not_sent_yet(letter: Letter) -> None:
    """The writer came back without sending: the letter is not sent yet, as before it was opened."""
    if letter.status == LetterStatus.DRAFT:
        letter.opened_at = None


def delete_letter(session: Session, letter: Letter) -> None:
    session.delete(letter)


PURGED_BODY = "(The writer's details and words were removed after the retention period.)"

# What the retention period removes from a letter: everything the writer typed or that names them.
PURGED_VALUES: dict[str, object] = {
    "sender_name": "",
    "sender_town": "",
    "sender_email": "",
    "sender_address": "",
    "personal_paragraph": "",
    "reply_notes": "",
    "subject": "",
    "body": PURGED_BODY,
    "user_id": None,  # no longer in anyone's account, and no longer in their data download
    "share_contact": False,
}
# What stays, in the words of the privacy page (which shows this list): none of it points to the
# writer, and together it still counts letters per lawmaker, issue, day and campaign.
KEPT_AFTER_PURGE: dict[str, str] = {
    "legislator_id": "which lawmaker",
    "state_abbr": "which state",
    "issue_area_id": "which issue",
    "campaign_id": "which campaign",
    "bill_id": "which bill it was about",
    "revision_id": "which letter template",
    "created_at": "the date",
    "sent_at": "when it was sent",
    "opened_at": "when it was opened in an email app",
    "confirmed_at": "when a copy, the outbox or an answer confirmed it was sent",
    "edited_before_sending": "whether it was changed in the email app before sending",
    "delivery_problem": "why the lawmaker's mail server refused it, if it did",
    "status": "whether it was sent",
    "channel": "how it was sent",
    "is_constituent": "whether the address lookup found the lawmaker",
    "reply_status": "whether the lawmaker answered",
    "reply_outcome": "where the lawmaker stood",
    "replied_at": "when the answer was reported",
}
# Columns that hold nothing about the writer: the letter's own keys and bookkeeping.
BOOKKEEPING = ("id", "token", "batch", "version", "reminded_at", "purged_at")


def purge_personal_details(session: Session, older_than: datetime) -> int:
    """Remove every free-text field and the account link from letters written before `older_than`,
    and the writer's address and words from their outbox messages. What stays is KEPT_AFTER_PURGE."""
    purged = select(Letter.id).where(Letter.created_at < older_than, Letter.purged_at.is_(None))
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.letter_id.in_(purged))
        .values(reply_to="", subject="", body="")
        .execution_options(synchronize_session=False)
    )
    result = session.execute(
        update(Letter)
        .where(Letter.created_at < older_than, Letter.purged_at.is_(None))
        .values(
            **PURGED_VALUES,
            version=Letter.version + 1,  # its cached page held the words being removed
            purged_at=utcnow(),
        )
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def forget_anonymous_drafts(session: Session, older_than: datetime) -> int:
    """Delete drafts saved without an account, never sent, and written before `older_than`.

    Only their private link leads to them, and a draft nobody sent in weeks will not be: keeping
    it would keep a writer's name and words for nothing (and lets no one fill the table for free).
    A draft whose send from this site is on its way is kept: its writer was told it would go.
    """
    pending = select(OutboxMessage.letter_id).where(OutboxMessage.status.in_(OUTBOX_PENDING))
    result = session.execute(
        delete(Letter)
        .where(
            Letter.user_id.is_(None),
            Letter.status == LetterStatus.DRAFT,
            Letter.created_at < older_than,
            Letter.id.not_in(pending),
        )
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def count_letters(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Letter)) or 0
