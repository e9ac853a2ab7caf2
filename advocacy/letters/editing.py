"""Changing letter templates: every save is a revision, checked first, and nothing is ever lost."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from advocacy.audit import record
from advocacy.clock import utcnow
from advocacy.errors import NotFound
from advocacy.letters.lint import lint_template
from advocacy.letters.render import (
    PURPOSES,
    AreaFacts,
    BillFacts,
    LetterContext,
    LetterRenderError,
    RecipientFacts,
    RenderedLetter,
    ReportCardFacts,
    SenderFacts,
    StateFacts,
    render_budget,
    render_letter,
)
from advocacy.letters.service import Sender, letter_context
from advocacy.models import IssueArea, Legislator, LetterTemplate, State, TemplateRevision, User
from advocacy.reportcards.service import choose_report_card, featured_framework, suggested_area, summarize

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
PREVIEW_SENDER = Sender(name="Pat Doe", town="Columbia", email="", personal_paragraph="")


class TemplateProblem(ValueError):
    """A template that cannot be saved; `problems` lists each with its line number."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


class StaleRevision(ValueError):
    """Someone saved a newer revision since this edit began."""


def all_templates(session: Session) -> list[LetterTemplate]:
    return list(
        session.scalars(
            select(LetterTemplate)
            .options(
                selectinload(LetterTemplate.revisions).selectinload(TemplateRevision.author),
                selectinload(LetterTemplate.issue_area),
            )
            .order_by(LetterTemplate.purpose, LetterTemplate.slug)
        )
    )


class UnknownTemplate(NotFound):
    pass


def get_template(session: Session, slug: str) -> LetterTemplate:
    template = session.scalar(
        select(LetterTemplate)
        .where(LetterTemplate.slug == slug)
        .options(selectinload(LetterTemplate.revisions).selectinload(TemplateRevision.author))
    )
    if template is None:
        raise UnknownTemplate(f"There is no letter template called {slug!r}.")
    return template


def get_revision(session: Session, template: LetterTemplate, revision_id: int) -> TemplateRevision:
    revision = session.scalar(
        select(TemplateRevision).where(
            TemplateRevision.id == revision_id, TemplateRevision.template_id == template.id
        )
    )
    if revision is None:
        raise UnknownTemplate("There is no such revision of this template.")
    return revision


# Made-up facts for trial renders before saving: a template that reaches for Python internals
# passes the linter (it names no unknown variable) but fails here, in the sandbox.
SAMPLE = LetterContext(
    state=StateFacts("mo", "Missouri"),
    report_card=ReportCardFacts(2023, "Report Cards on Child & Youth Sex Trafficking", "F", None, None, ""),
    area=AreaFacts(2, "Identification of and Response to Victims", None, is_weakest=True),
    recipient=RecipientFacts("Senator", "Jordan Example", "Example", "1", "Senate"),
    sender=SenderFacts("Pat Doe", "Columbia", is_constituent=True, postal_address="12 Elm St\nColumbia, MO"),
    personal_paragraph="My own words.",
    today=date(2026, 1, 1),
)
SAMPLE_BILL = BillFacts(
    identifier="HB 1",
    title="Relating to the protection of children",
    sponsors=["Jordan Example"],
    latest_action="Referred to committee",
    latest_action_date=date(2026, 1, 7),
    latest_action_on="January 7, 2026",
    url="https://legislature.example.gov/hb1",
)
_TEN = Decimal(10)


def trial_cases(states: list[tuple[str, str]]) -> list[tuple[str, LetterContext]]:
    """Every kind of letter a template must survive, each with the words that name it.

    A branch that fails only for one state, a card without a grade, or an area with full marks
    would otherwise break every such letter after a save that looked fine for Missouri.
    """
    area = SAMPLE.area
    cases = [
        ("a constituent writing about an area without scores", SAMPLE),
        (
            "a writer from outside the lawmaker's district",
            replace(SAMPLE, sender=SenderFacts("Pat Doe", "Columbia")),
        ),
        ("a state without a report card", replace(SAMPLE, report_card=None)),
        (
            "a report card with a grade and a total",
            replace(
                SAMPLE,
                report_card=replace(
                    SAMPLE.report_card, grade="C", total=Decimal("75.5"), max_total=Decimal(100)
                ),
            ),
        ),
        (
            "an area scored low, with findings",
            replace(
                SAMPLE,
                area=replace(
                    area,
                    max_points=_TEN,
                    score=Decimal(3),
                    percent=30,
                    points_to_gain=Decimal(7),
                    findings=["The state law does not yet do this."],
                    finding_source="Report card",
                    finding_year=2023,
                    basis="scores",
                ),
            ),
        ),
        (
            "an area with full marks",
            replace(
                SAMPLE,
                area=replace(
                    area,
                    max_points=_TEN,
                    score=_TEN,
                    percent=100,
                    points_to_gain=Decimal(0),
                    is_weakest=False,
                    basis="scores",
                ),
            ),
        ),
        (
            "a writer who gave no town",
            replace(SAMPLE, sender=SenderFacts("Pat Doe", ""), personal_paragraph=""),
        ),
        ("a letter naming a bill", replace(SAMPLE, bill=SAMPLE_BILL)),
        (
            "a letter to a sponsor of the bill it names",
            replace(SAMPLE, bill=replace(SAMPLE_BILL, recipient_is_sponsor=True)),
        ),
        (
            "a letter naming a bill whose session has ended",
            replace(SAMPLE, bill=replace(SAMPLE_BILL, session_over=True)),
        ),
        (
            "a letter to a sponsor of a bill whose session has ended",
            replace(SAMPLE, bill=replace(SAMPLE_BILL, session_over=True, recipient_is_sponsor=True)),
        ),
        (
            "a letter naming a bill with no sponsor or action known",
            replace(
                SAMPLE,
                bill=replace(
                    SAMPLE_BILL, sponsors=[], latest_action="", latest_action_date=None, latest_action_on=""
                ),
            ),
        ),
    ]
    cases += [
        (f"a letter to a lawmaker in {name}", replace(SAMPLE, state=StateFacts(abbr, name)))
        for abbr, name in states
    ]
    return cases


# A save renders every trial case, about 64 with the states: they share this time, so the cases
# cannot multiply what a slow template costs the worker. The shipped templates take about 50 ms.
TRIAL_RENDER_SECONDS = 1.0


def check_text(subject: str, body: str, states: Sequence[tuple[str, str]] = (), slug: str = "") -> None:
    """Lint both texts, then render them in the sandbox for every trial case (and each state given);
    TemplateProblem lists what is wrong, naming the case a render failed for."""
    problems = lint_template(subject, "subject") + lint_template(body, "body")
    if not problems:
        cases = trial_cases(list(states))
        together = (
            f"the {len(cases)} trial letters a save renders may take at most {TRIAL_RENDER_SECONDS:g} s "
            "together; look for a loop, filter or calculation doing far more work than a letter needs"
        )
        with render_budget(TRIAL_RENDER_SECONDS, together):
            for case, context in cases:
                try:
                    render_letter(subject, body, context, slug)
                except LetterRenderError as error:
                    problems.append(f"For {case}: {error}")
                    break
    if problems:
        raise TemplateProblem(problems)


def _state_names(session: Session) -> list[tuple[str, str]]:
    return [
        (abbr, name) for abbr, name in session.execute(select(State.abbr, State.name).order_by(State.name))
    ]


def create_template(
    session: Session,
    actor: User,
    slug: str,
    purpose: str,
    area: IssueArea | None,
    title: str,
    subject: str,
    body: str,
) -> LetterTemplate:
    problems = []
    if not SLUG.match(slug):
        problems.append("the short name may use only lowercase letters, digits and single hyphens")
    elif session.scalar(select(LetterTemplate.id).where(LetterTemplate.slug == slug)) is not None:
        problems.append(f"a template called {slug!r} exists already")
    if purpose not in PURPOSES:
        problems.append(f"purpose must be one of {', '.join(PURPOSES)}")
    try:
        check_text(subject, body, _state_names(session), slug)
    except TemplateProblem as error:
        problems += error.problems
    if problems:
        raise TemplateProblem(problems)
    template = LetterTemplate(slug=slug, purpose=purpose, issue_area=area)
    template.revisions.append(
        TemplateRevision(
            title=title, subject=subject, body=body, author=actor, note="created", created_at=utcnow()
        )
    )
    session.add(template)
    session.flush()
    record(session, actor, "template.create", "template", slug, after={"revision": template.current.id})
    return template


def save_revision(
    session: Session,
    actor: User,
    template: LetterTemplate,
    base_revision_id: int,
    title: str,
    subject: str,
    body: str,
    note: str,
) -> TemplateRevision:
    """A new revision, unless the edit began from an older one (StaleRevision) or fails the checks."""
    if base_revision_id != template.current.id:
        raise StaleRevision(
            f"{template.current.author.email if template.current.author else 'A seeded file'} "
            f"saved a newer version on {template.current.created_at:%Y-%m-%d %H:%M} UTC."
        )
    check_text(subject, body, _state_names(session), template.slug)
    before = template.current
    revision = TemplateRevision(
        title=title, subject=subject, body=body, author=actor, note=note, created_at=utcnow()
    )
    template.revisions.append(revision)
    session.flush()
    record(
        session,
        actor,
        "template.update",
        "template",
        template.slug,
        {"revision": before.id, "title": before.title},
        {"revision": revision.id, "title": title, "note": note},
    )
    return revision


def restore_revision(session: Session, actor: User, template: LetterTemplate, old: TemplateRevision) -> None:
    """Bring back an old text as the newest revision; the revisions in between stay."""
    save_revision(
        session,
        actor,
        template,
        template.current.id,
        old.title,
        old.subject,
        old.body,
        f"restored revision {old.id}",
    )


def set_retired(session: Session, actor: User, template: LetterTemplate, retired: bool) -> None:
    template.retired_at = utcnow() if retired else None
    record(session, actor, "template.retire" if retired else "template.unretire", "template", template.slug)


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "added", "removed", "context" or "hunk"
    text: str


def diff_revisions(older: TemplateRevision, newer: TemplateRevision) -> list[DiffLine]:
    def text(revision: TemplateRevision) -> list[str]:
        return [f"Title: {revision.title}", f"Subject: {revision.subject}", "", *revision.body.splitlines()]

    lines = []
    for line in list(difflib.unified_diff(text(older), text(newer), lineterm="", n=2))[2:]:
        kind = {"+": "added", "-": "removed", "@": "hunk"}.get(line[:1], "context")
        lines.append(DiffLine(kind, line))
    return lines


def preview(
    session: Session, template: LetterTemplate | None, subject: str, body: str, legislator: Legislator
) -> RenderedLetter:
    """The text rendered for a real lawmaker with their state's real figures; LetterRenderError if not."""
    state: State = legislator.state
    framework = featured_framework(session)
    card = choose_report_card(session, state)
    summary = summarize(session, card) if card else None
    area = (template.issue_area if template else None) or suggested_area(summary, framework)
    if area is None:
        area = next(a for a in framework.issue_areas if not a.is_extra_credit)
    context = letter_context(summary, state, area, legislator, PREVIEW_SENDER, date.today())
    return render_letter(subject, body, context, template.slug if template else "")
