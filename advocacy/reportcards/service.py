"""Report-card facts: which card to show, how each issue area stands, and which areas are weakest."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload
from werkzeug.exceptions import BadRequest

from advocacy.errors import NotFound
from advocacy.models import AreaFinding, Edition, Framework, IssueArea, ReportCard, State

# How many areas a page names as "weakest" when scores rank them all.
WEAKEST_COUNT = 3
BASIS_SCORES = "scores"
BASIS_FINDING = "published finding"


class UnknownState(NotFound):
    pass


class UnknownEdition(NotFound):
    pass


@dataclass(frozen=True)
class AreaStanding:
    """One issue area of one report card, with whatever is known about it."""

    area: IssueArea
    score: Decimal | None
    findings: tuple[AreaFinding, ...]
    score_source: str = ""

    @property
    def max_points(self) -> Decimal | None:
        return self.area.max_points

    @property
    def percent(self) -> Decimal | None:
        if self.score is None or not self.area.max_points:
            return None
        return (self.score * 100 / self.area.max_points).quantize(Decimal("0.1"), ROUND_HALF_UP)

    @property
    def points_to_gain(self) -> Decimal | None:
        if self.score is None or self.area.max_points is None:
            return None
        return self.area.max_points - self.score

    @property
    def lowest_findings(self) -> tuple[AreaFinding, ...]:
        return tuple(f for f in self.findings if f.lowest)


@dataclass(frozen=True)
class WeakArea:
    standing: AreaStanding
    basis: str
    source: str
    year: int  # the edition the basis comes from; may be older than the card shown

    @property
    def area(self) -> IssueArea:
        return self.standing.area


@dataclass(frozen=True)
class CardSummary:
    card: ReportCard
    standings: list[AreaStanding]  # the framework's areas in order, extra credit last
    weakest: list[WeakArea]

    @property
    def has_scores(self) -> bool:
        return any(s.score is not None for s in self.standings)

    def standing_for(self, area: IssueArea) -> AreaStanding:
        return next(s for s in self.standings if s.area.id == area.id)

    def weak_area_for(self, area: IssueArea) -> WeakArea | None:
        return next((w for w in self.weakest if w.area.id == area.id), None)

    @property
    def basis_note(self) -> str:
        """Which evidence named the weakest areas of this card, and why that one."""
        scored, total = scored_areas(self.standings)
        year = self.card.edition.year
        if not self.weakest or self.weakest[0].year != year:
            return ""
        if self.weakest[0].basis == BASIS_SCORES:
            return f"Ranked by score: every one of the {total} areas of the {year} report card has a score."
        if scored:
            return (
                f"Named from the published findings: only {scored} of the {total} areas of the {year} "
                "report card have a score here, and ranking those alone would leave the others out."
            )
        return f"Named from the published findings: the {year} report card's area scores are not known here."


def plain_points(value: Decimal | None) -> Decimal | None:
    """Points as a report card prints them: 27.50 → 27.5, 15.00 → 15."""
    if value is None:
        return None
    return value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize()


def get_state(session: Session, abbr: str) -> State:
    state = session.get(State, abbr.lower()) if len(abbr) == 2 else None
    if state is None:
        raise UnknownState(f"There is no state with the postal code {abbr.upper()!r}.")
    return state


def all_states(session: Session) -> list[State]:
    return list(session.scalars(select(State).order_by(State.name)))


def featured_framework(session: Session) -> Framework | None:
    return session.scalar(select(Framework).where(Framework.featured))


def frameworks(session: Session) -> list[Framework]:
    """Every framework with its issue areas, policy goals and editions, oldest first."""
    return list(
        session.scalars(
            select(Framework)
            .options(
                selectinload(Framework.issue_areas).selectinload(IssueArea.policy_goals),
                selectinload(Framework.editions),
            )
            .order_by(Framework.id)
        )
    )


def editions(session: Session) -> list[Edition]:
    return list(
        session.scalars(select(Edition).options(selectinload(Edition.framework)).order_by(Edition.year))
    )


def graded_cards(session: Session) -> list[ReportCard]:
    """Every report card that carries a grade, oldest edition first."""
    return list(
        session.scalars(
            select(ReportCard)
            .join(ReportCard.edition)
            .where(ReportCard.grade.is_not(None))
            .options(selectinload(ReportCard.edition).selectinload(Edition.framework))
            .order_by(Edition.year)
        )
    )


def report_cards_for_state(session: Session, state: State) -> list[ReportCard]:
    return list(
        session.scalars(
            select(ReportCard)
            .join(ReportCard.edition)
            .where(ReportCard.state_abbr == state.abbr)
            .options(selectinload(ReportCard.edition).selectinload(Edition.framework))
            .order_by(Edition.year)
        )
    )


def choose_report_card(
    session: Session, state: State, year: int | None = None, cards: list[ReportCard] | None = None
) -> ReportCard | None:
    """The card for `year`, or by default the newest graded card of the featured framework.

    `cards` are the state's cards when the caller has them already (one query fewer).
    """
    cards = report_cards_for_state(session, state) if cards is None else cards
    if year is not None:
        if session.scalar(select(Edition).where(Edition.year == year)) is None:
            raise UnknownEdition(f"There is no report-card edition for {year}.")
        return next((c for c in cards if c.edition.year == year), None)
    # Prefer a card that carries a grade: some editions list a state without one (DC in 2023).
    for candidates in (
        [c for c in cards if c.edition.framework.featured and c.grade],
        [c for c in cards if c.edition.framework.featured],
        cards,
    ):
        if candidates:
            return candidates[-1]
    return None


def latest_cards_by_state(session: Session, framework: Framework) -> dict[str, ReportCard]:
    """Each state's newest graded report card under one framework, in one query."""
    cards = session.scalars(
        select(ReportCard)
        .join(ReportCard.edition)
        .where(Edition.framework_id == framework.id, ReportCard.grade.is_not(None))
        .options(selectinload(ReportCard.edition))
        .order_by(Edition.year)
    )
    return {card.state_abbr: card for card in cards}


def summarize(session: Session, card: ReportCard) -> CardSummary:
    """How each area of a card stands, and the weakest areas with the basis for saying so.

    When a card has neither area scores nor findings, the newest earlier card of the same
    framework that has them names the weakest areas, with its year shown; grades and areas are
    comparable within one framework, never across frameworks.
    """
    areas = list(
        session.scalars(
            select(IssueArea)
            .where(IssueArea.framework_id == card.edition.framework_id)
            .options(selectinload(IssueArea.policy_goals))
            .order_by(IssueArea.position)
        )
    )
    standings = _standings(card, areas)
    weakest = weakest_areas(standings, card.edition.year)
    if not weakest:
        earlier = session.scalars(
            select(ReportCard)
            .join(ReportCard.edition)
            .where(
                ReportCard.state_abbr == card.state_abbr,
                Edition.framework_id == card.edition.framework_id,
                Edition.year < card.edition.year,
            )
            .options(
                selectinload(ReportCard.edition),
                selectinload(ReportCard.area_scores),
                selectinload(ReportCard.area_findings),
            )
            .order_by(Edition.year.desc())
        )
        for older in earlier:
            weakest = weakest_areas(_standings(older, areas), older.edition.year)
            if weakest:
                break
    return CardSummary(card=card, standings=standings, weakest=weakest)


def _standings(card: ReportCard, areas: list[IssueArea]) -> list[AreaStanding]:
    scores = {s.issue_area_id: s for s in card.area_scores}
    return [
        AreaStanding(
            area=area,
            score=scores[area.id].score if area.id in scores else None,
            score_source=(scores[area.id].source or card.source) if area.id in scores else "",
            findings=tuple(f for f in card.area_findings if f.issue_area_id == area.id),
        )
        for area in areas
    ]


def scored_areas(standings: list[AreaStanding]) -> tuple[int, int]:
    """(areas with a score, areas in all) among a card's base areas (extra credit aside)."""
    base = [s for s in standings if not s.area.is_extra_credit]
    return sum(1 for s in base if s.percent is not None), len(base)


def weakest_areas(standings: list[AreaStanding], year: int) -> list[WeakArea]:
    """The one rule for mixed evidence: scores rank the areas only when every base area of the card
    is scored (by percent, then the larger gap, then the number; full marks are never weak).
    Otherwise the published findings name them: a few scores would rank only the areas someone
    happened to enter, and push the findings for the others off the page."""
    scored, total = scored_areas(standings)
    if total and scored == total:
        gaps = [s for s in standings if not s.area.is_extra_credit and s.points_to_gain]
        ranked = sorted(gaps, key=lambda s: (s.score / s.area.max_points, -s.points_to_gain, s.area.number))
        return [WeakArea(s, BASIS_SCORES, s.score_source, year) for s in ranked[:WEAKEST_COUNT]]
    return [
        WeakArea(s, BASIS_FINDING, s.lowest_findings[0].source, year)
        for s in standings
        if not s.area.is_extra_credit and s.lowest_findings
    ]


def suggested_area(summary: CardSummary | None, framework: Framework) -> IssueArea | None:
    """The area a letter should be about by default: the weakest one, when one is known."""
    if summary and summary.weakest and summary.card.edition.framework_id == framework.id:
        return summary.weakest[0].area
    return None


def edition_for_year(session: Session, year: int | None) -> Edition:
    """The edition of `year`, or by default the newest edition of the featured framework."""
    if year is None:
        edition = session.scalar(
            select(Edition).join(Edition.framework).where(Framework.featured).order_by(Edition.year.desc())
        )
    else:
        edition = session.scalar(select(Edition).where(Edition.year == year))
    if edition is None:
        raise UnknownEdition(f"There is no report-card edition for {year}.")
    return edition


def cards_in_edition(session: Session, edition: Edition) -> dict[str, ReportCard]:
    cards = session.scalars(
        select(ReportCard)
        .where(ReportCard.edition_id == edition.id)
        .options(selectinload(ReportCard.edition))
    )
    return {card.state_abbr: card for card in cards}


GRADE_LETTERS = ("A", "B", "C", "D", "F")


def grade_distribution(cards: Iterable[ReportCard]) -> dict[str, int]:
    """How many cards have each letter (A+ counts as A), A to F."""
    counts = dict.fromkeys(GRADE_LETTERS, 0)
    for card in cards:
        if card.grade and card.grade[0] in counts:
            counts[card.grade[0]] += 1
    return counts


def states_sharing_grade(session: Session, card: ReportCard) -> int:
    """How many states got the same letter in the same edition, this one included."""
    if not card.grade:
        return 0
    return (
        session.scalar(
            select(func.count())
            .select_from(ReportCard)
            .where(
                ReportCard.edition_id == card.edition_id,
                func.substr(ReportCard.grade, 1, 1) == card.grade[0],
            )
        )
        or 0
    )


def find_issue_area(framework: Framework, key: str) -> IssueArea | None:
    """An issue area by its number or its slug, as links and forms give it."""
    key = key.strip().lower()
    for area in framework.issue_areas:
        if area.is_extra_credit:
            continue
        if key in (area.slug, str(area.number)):
            return area
    return None


def report_card_in(session: Session, state: State, edition: Edition) -> ReportCard | None:
    """The state's card in one edition, if the edition graded it."""
    return session.scalar(
        select(ReportCard).where(ReportCard.state_abbr == state.abbr, ReportCard.edition_id == edition.id)
    )


def parse_edition(raw: str | None) -> int | None:
    """`?edition=YEAR`; anything else is the caller's mistake, answered with a 400 that says so."""
    if raw is None or raw == "":
        return None
    if not (raw.isascii() and raw.isdigit()) or len(raw) != 4:
        raise BadRequest(f"edition must be a four-digit year such as 2023, not {raw!r}.")
    return int(raw)
