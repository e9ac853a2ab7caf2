"""A campaign's figures, aggregated in the database: a handful of queries however many letters there are."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from advocacy.campaigns.replies import OUTCOMES, REPLIES
from advocacy.campaigns.service import targets_of
from advocacy.models import Campaign, IssueArea, Legislator, Letter
from advocacy.models.letters import CHANNELS
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
    """Every figure in three passes over the campaign's letters: totals, per day, per lawmaker."""
    where = Letter.campaign_id == campaign.id
    areas = list(
        session.execute(
            select(IssueArea.id, IssueArea.name)
            .where(IssueArea.framework_id == featured_framework(session).id, IssueArea.number.is_not(None))
            .order_by(IssueArea.position)
        )
    )
    # One scan counts everything whose values are known in advance, each as a conditional count.
    buckets = {
        ("total", ""): func.count(),
        ("sent", ""): func.count(case((SENT, 1))),
        **{("channel", c): func.count(case((Letter.channel == c, 1))) for c in CHANNELS},
        **{("reply", r): func.count(case((Letter.reply_status == r, 1))) for r in REPLIES},
        **{("outcome", o): func.count(case((Letter.reply_outcome == o, 1))) for o in OUTCOMES},
        **{("area", name): func.count(case((Letter.issue_area_id == area_id, 1))) for area_id, name in areas},
    }
    counted = dict(zip(buckets, session.execute(select(*buckets.values()).where(where)).one(), strict=True))
    stats = CampaignStats(letters=counted[("total", "")], sent=counted[("sent", "")])
    for (kind, key), n in counted.items():
        target = {
            "channel": stats.channels,
            "reply": stats.replies,
            "outcome": stats.outcomes,
            "area": stats.areas,
        }
        if kind in target and n:
            target[kind][key] = n
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
