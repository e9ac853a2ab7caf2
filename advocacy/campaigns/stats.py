"""A campaign's figures, aggregated in the database: a handful of queries however many letters there are."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from advocacy.campaigns.service import targets_of
from advocacy.models import Campaign, IssueArea, Legislator, Letter
from advocacy.reportcards.service import featured_framework

SENT = Letter.status != "draft"


@dataclass(frozen=True)
class LawmakerTally:
    legislator: Legislator
    letters: int
    sent: int
    answered: int


@dataclass(frozen=True)
class DistrictCell:
    chamber: str
    district: str
    letters: int


@dataclass
class CampaignStats:
    letters: int = 0
    sent: int = 0
    replies: dict[str, int] = field(default_factory=dict)  # yes / not-yet / no
    outcomes: dict[str, int] = field(default_factory=dict)  # supportive / non-committal / opposed
    channels: dict[str, int] = field(default_factory=dict)
    areas: dict[str, int] = field(default_factory=dict)
    per_day: list[tuple[str, int]] = field(default_factory=list)
    lawmakers: list[LawmakerTally] = field(default_factory=list)
    not_reached: list[Legislator] = field(default_factory=list)
    districts: dict[str, list[DistrictCell]] = field(default_factory=dict)  # chamber -> cells

    @property
    def reply_rate(self) -> int | None:
        answered = self.replies.get("yes", 0)
        told = sum(self.replies.values())
        return round(100 * answered / told) if told else None


def campaign_stats(session: Session, campaign: Campaign) -> CampaignStats:
    """Every figure in three grouped queries over the campaign's letters: totals, per day, per lawmaker."""
    where = Letter.campaign_id == campaign.id
    areas = list(
        session.execute(
            select(IssueArea.id, IssueArea.name)
            .where(IssueArea.framework_id == featured_framework(session).id, IssueArea.number.is_not(None))
            .order_by(IssueArea.position)
        )
    )
    # One pass over a covering index, grouped by the few values letters can take: at most a few
    # hundred rows come back, however many letters there are.
    dimensions = (
        Letter.status,
        Letter.channel,
        Letter.reply_status,
        Letter.reply_outcome,
        Letter.issue_area_id,
    )
    grouped = session.execute(select(*dimensions, func.count()).where(where).group_by(*dimensions)).all()
    names = dict(areas)
    stats = CampaignStats()
    for status, channel, reply_status, outcome, area_id, n in grouped:
        stats.letters += n
        if status != "draft":
            stats.sent += n
        for tally, key in (
            (stats.channels, channel),
            (stats.replies, reply_status),
            (stats.outcomes, outcome),
            (stats.areas, names.get(area_id)),
        ):
            if key:
                tally[key] = tally.get(key, 0) + n
    stats.areas = {name: stats.areas[name] for _, name in areas if name in stats.areas}  # framework order
    day = func.date(Letter.created_at)
    stats.per_day = [
        (str(d), n)
        for d, n in session.execute(select(day, func.count()).where(where).group_by(day).order_by(day))
    ]
    tallies = session.execute(
        select(
            Letter.legislator_id,
            func.count(),
            func.count(case((SENT, 1))),
            func.count(case((Letter.reply_status == "yes", 1))),
        )
        .where(where)
        .group_by(Letter.legislator_id)
    ).all()
    people = {p.id: p for p in targets_of(session, campaign)}
    missing = [pid for pid, *_ in tallies if pid not in people]
    if missing:  # letters to lawmakers outside the targets still count
        people.update(
            {p.id: p for p in session.scalars(select(Legislator).where(Legislator.id.in_(missing)))}
        )
    stats.lawmakers = sorted(
        (LawmakerTally(people[pid], n, sent, answered) for pid, n, sent, answered in tallies),
        key=lambda t: (-t.letters, t.legislator.name),
    )
    reached = {t.legislator.id for t in stats.lawmakers}
    targets = [p for p in people.values() if p.id not in missing]
    stats.not_reached = [p for p in targets if p.id not in reached]
    per_district: dict[tuple[str, str], int] = {}
    for tally in stats.lawmakers:
        key = (tally.legislator.chamber, tally.legislator.district)
        per_district[key] = per_district.get(key, 0) + tally.letters
    for person in targets:
        cells = stats.districts.setdefault(person.chamber, [])
        if not any(c.district == person.district for c in cells):
            cells.append(
                DistrictCell(
                    person.chamber, person.district, per_district.get((person.chamber, person.district), 0)
                )
            )
    return stats


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    x: float
    y: float
    height: float


CHART_HEIGHT = 120
BAR_STEP = 14


def day_bars(per_day: list[tuple[str, int]]) -> list[Bar]:
    """Bars for the letters-per-day chart (an SVG the dashboard draws; a table gives the numbers)."""
    top = max((n for _, n in per_day), default=0) or 1
    bars = []
    for index, (day, n) in enumerate(per_day):
        height = CHART_HEIGHT * n / top
        bars.append(Bar(day, n, index * BAR_STEP, CHART_HEIGHT - height, height))
    return bars
