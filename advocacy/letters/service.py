"""Letter templates in the database, and the letters citizens draft from them."""

from __future__ import annotations

import difflib
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload

from advocacy.letters.lint import lint_template
from advocacy.letters.render import (
    AreaFacts,
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
    Framework,
    IssueArea,
    Legislator,
    Letter,
    LetterTemplate,
    State,
    TemplateRevision,
)
from advocacy.reportcards.service import CardSummary, plain_points


class UnknownLetter(LookupError):
    pass


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


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
                created_at=_now(),
            )
        )
    session.flush()
    return TemplateLoadCounts(added, revised, unchanged)


def template_for(session: Session, area: IssueArea, purpose: str = "ask") -> LetterTemplate | None:
    """The template in use for a purpose: the area's own first, else one for any issue."""
    return session.scalar(
        select(LetterTemplate)
        .where(
            LetterTemplate.purpose == purpose,
            LetterTemplate.retired_at.is_(None),
            (LetterTemplate.issue_area_id == area.id) | LetterTemplate.issue_area_id.is_(None),
        )
        .options(selectinload(LetterTemplate.revisions))
        .order_by(LetterTemplate.issue_area_id.is_(None), LetterTemplate.id)
    )


def similarity(letter: str, template_only: str) -> int:
    """How much of a letter is the template's own words, in percent (100: not a word changed)."""
    return round(100 * difflib.SequenceMatcher(None, template_only.split(), letter.split()).ratio())


@dataclass(frozen=True)
class Sender:
    name: str
    town: str
    email: str
    personal_paragraph: str


def letter_context(
    summary: CardSummary | None,
    state: State,
    area: IssueArea,
    legislator: Legislator,
    sender: Sender,
    today: date,
) -> LetterContext:
    card_facts = None
    area_facts = AreaFacts(number=area.number or 0, name=area.name, max_points=plain_points(area.max_points))
    if summary is not None:
        card = summary.card
        card_facts = ReportCardFacts(
            year=card.edition.year,
            framework=card.edition.framework.name,
            grade=card.grade,
            total=plain_points(card.total_score),
            max_total=plain_points(card.edition.max_total),
            source=card.source.split(";")[0].strip(),
        )
        if card.edition.framework_id == area.framework_id:
            standing = summary.standing_for(area)
            weak = summary.weak_area_for(area)
            # A weak area may be named by an earlier card of the same framework.
            lowest = (weak.standing if weak else standing).lowest_findings
            area_facts = AreaFacts(
                number=area.number or 0,
                name=area.name,
                max_points=plain_points(area.max_points),
                score=plain_points(standing.score),
                percent=round(standing.percent) if standing.percent is not None else None,
                points_to_gain=plain_points(standing.points_to_gain),
                findings=[f.finding for f in lowest],
                finding_source=lowest[0].source if lowest else "",
                finding_year=(weak.year if weak else card.edition.year) if lowest else None,
                is_weakest=weak is not None,
                basis=weak.basis if weak else None,
            )
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
        ),
        sender=SenderFacts(name=sender.name, town=sender.town),
        personal_paragraph=sender.personal_paragraph,
        today=today,
    )


def draft_letters(
    template: LetterTemplate,
    summary: CardSummary | None,
    state: State,
    area: IssueArea,
    recipients: list[Legislator],
    sender: Sender,
    today: date,
) -> list[tuple[Legislator, RenderedLetter]]:
    """One rendered letter per recipient, or LetterRenderError before any is returned."""
    revision = template.current
    return [
        (
            person,
            render_letter(
                revision.subject,
                revision.body,
                letter_context(summary, state, area, person, sender, today),
            ),
        )
        for person in recipients
    ]


def save_letters(
    session: Session,
    template: LetterTemplate,
    drafts: list[tuple[Legislator, RenderedLetter]],
    state: State,
    area: IssueArea,
    sender: Sender,
    user_id: int | None = None,
    campaign_id: int | None = None,
    share_contact: bool = False,
) -> list[Letter]:
    """Store one letter per recipient, all in one batch, each with its own private token."""
    batch = secrets.token_urlsafe(16)
    letters = []
    for legislator, rendered in drafts:
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
            user_id=user_id,
            campaign_id=campaign_id,
            share_contact=share_contact and campaign_id is not None,
            status="draft",
            created_at=_now(),
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


def batch_letters(session: Session, letter: Letter) -> list[Letter]:
    return list(
        session.scalars(
            select(Letter)
            .where(Letter.batch == letter.batch, Letter.id != letter.id)
            .options(selectinload(Letter.legislator))
            .order_by(Letter.id)
        )
    )


def mark_sent(letter: Letter, channel: str) -> None:
    letter.status = "sent"
    letter.channel = channel
    letter.sent_at = letter.sent_at or _now()


def delete_letter(session: Session, letter: Letter) -> None:
    session.delete(letter)


PURGED_BODY = "(The writer's details and words were removed after the retention period.)"


def purge_personal_details(session: Session, older_than: datetime) -> int:
    """Remove names, towns, emails and own words from letters written before `older_than`.

    The letter's text holds the writer's name and words too, so it goes; what stays (lawmaker,
    issue, dates, status, channel) cannot point to the writer and still counts.
    """
    result = session.execute(
        update(Letter)
        .where(Letter.created_at < older_than, Letter.purged_at.is_(None))
        .values(
            sender_name="",
            sender_town="",
            sender_email="",
            personal_paragraph="",
            body=PURGED_BODY,
            purged_at=_now(),
        )
        .execution_options(synchronize_session=False)
    )
    return result.rowcount
