"""A campaign's figures, read from its tallies: a handful of queries however many letters there are."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import ClassVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from advocacy.campaigns.tallies import SENT, campaign_tallies
from advocacy.dates import long_date
from advocacy.legislators.targets import targets_of
from advocacy.letters.replies import OUTCOMES
from advocacy.models import Campaign, IssueArea, Legislator
from advocacy.models.letters import Channel, ReplyStatus, Stage
from advocacy.reportcards.service import featured_framework

# What the organizer reads for the values letters store, in sentence case. The writer's own
# wording ("I sent it by email") reads oddly in a tally of everyone's letters.
CHANNEL_NAMES = {
    Channel.EMAIL: "Email",
    Channel.PRINT: "Printed and posted",
    Channel.PHONE: "Phone call",
    Channel.OUTBOX: "Sent from this site",
}
REPLY_NAMES = {
    ReplyStatus.YES: "Answered",
    ReplyStatus.NOT_YET: "Not yet",
    ReplyStatus.NO: "No answer expected",
}


@dataclass(frozen=True)
class StageCounts:
    """Letters at each stage (models.letters.Stage), and how many were answered."""

    stages: dict[str, int] = field(default_factory=dict)
    answered: int = 0

    @property
    def drafts(self) -> int:
        """Saved and never handed to an email app: they do not count toward the goal."""
        return self.stages.get(Stage.DRAFT, 0)

    @property
    def opened(self) -> int:
        return self.stages.get(Stage.OPENED, 0)

    @property
    def sent_reported(self) -> int:
        return self.stages.get(Stage.SENT_REPORTED, 0)

    @property
    def sent_confirmed(self) -> int:
        return self.stages.get(Stage.SENT_CONFIRMED, 0)

    @property
    def not_delivered(self) -> int:
        return self.stages.get(Stage.NOT_DELIVERED, 0)


@dataclass(frozen=True)
class LawmakerTally:
    legislator: Legislator
    letters: int
    sent: int
    answered: int
    stages: StageCounts = field(default_factory=StageCounts)


@dataclass(frozen=True)
class DayStages:
    day: date  # the day the letters were written
    counts: StageCounts


@dataclass(frozen=True)
class DistrictCell:
    chamber: str
    district: str
    letters: int


@dataclass
class CampaignStats:
    letters: int = 0
    sent: int = 0  # sent and not refused, as reported or confirmed: the count toward the goal
    stages: StageCounts = field(default_factory=StageCounts)
    timeline: list[DayStages] = field(default_factory=list)  # stages by the day letters were written
    replies: dict[str, int] = field(default_factory=dict)  # yes / not-yet / no
    outcomes: dict[str, int] = field(default_factory=dict)  # supportive / non-committal / opposed
    channels: dict[str, int] = field(default_factory=dict)
    areas: dict[str, int] = field(default_factory=dict)
    per_day: list[tuple[str, int]] = field(default_factory=list)
    lawmakers: list[LawmakerTally] = field(default_factory=list)
    not_reached: list[Legislator] = field(default_factory=list)
    targets: int = 0  # the lawmakers the campaign writes to now, reached or not
    districts: dict[str, list[DistrictCell]] = field(default_factory=dict)  # chamber -> cells

    @property
    def drafts(self) -> int:
        """Letters saved but not (yet) sent, opened in an email app or not, or refused by the office."""
        return self.letters - self.sent

    def day_counts(self, day: date) -> StageCounts:
        """The stages of the letters written on `day` (none on a quiet day)."""
        return next((d.counts for d in self.timeline if d.day == day), StageCounts())

    @property
    def channel_rows(self) -> list[tuple[str, int]]:
        return _named(self.channels, CHANNEL_NAMES)

    @property
    def reply_rows(self) -> list[tuple[str, int]]:
        return _named(self.replies, REPLY_NAMES)

    @property
    def outcome_rows(self) -> list[tuple[str, int]]:
        return _named(self.outcomes, OUTCOMES)

    @property
    def reply_rate(self) -> int | None:
        answered = self.replies.get(ReplyStatus.YES, 0)
        told = sum(self.replies.values())
        return round(100 * answered / told) if told else None


def _split(tally: dict[str, int], *, stage_first: bool) -> dict[str, dict[str, int]]:
    """Tally values "stage|key" (or "key|stage") as key → stage → letters."""
    split: dict[str, dict[str, int]] = {}
    for value, n in tally.items():
        left, _, right = value.partition("|")
        stage, key = (left, right) if stage_first else (right, left)
        split.setdefault(key, {})[stage] = n
    return split


def _timeline(tallies: dict[str, dict[str, int]]) -> list[DayStages]:
    per_day = _split(tallies.get("day-stage", {}), stage_first=False)
    answered = tallies.get("day-answered", {})
    return [
        DayStages(date.fromisoformat(day[:10]), StageCounts(per_day[day], answered.get(day, 0)))
        for day in sorted(per_day)
    ]


def _named(tally: dict[str, int], names: dict[str, str]) -> list[tuple[str, int]]:
    """A tally's rows under the words people read, in the order the names are listed."""
    known = [(names[key], tally[key]) for key in names if key in tally]
    return known + [(key.replace("-", " ").capitalize(), n) for key, n in tally.items() if key not in names]


def campaign_stats(session: Session, campaign: Campaign) -> CampaignStats:
    """Every figure from the campaign's tallies: one read of a few hundred rows, however many letters."""
    areas = list(
        session.execute(
            select(IssueArea.id, IssueArea.name)
            .where(IssueArea.framework_id == featured_framework(session).id, IssueArea.number.is_not(None))
            .order_by(IssueArea.position)
        )
    )
    tallies = campaign_tallies(session, campaign.id)
    stats = CampaignStats()
    stages = tallies.get("stage", {})
    stats.letters = sum(stages.values())
    stats.sent = sum(stages.get(stage, 0) for stage in SENT)
    stats.stages = StageCounts(dict(stages), tallies.get("reply", {}).get(ReplyStatus.YES, 0))
    stats.timeline = _timeline(tallies)
    # Rows for letters with no value ("") are kept in the tallies but are not a figure of their own.
    stats.channels = {key: n for key, n in tallies.get("channel", {}).items() if key}
    stats.replies = {key: n for key, n in tallies.get("reply", {}).items() if key}
    stats.outcomes = {key: n for key, n in tallies.get("outcome", {}).items() if key}
    per_area = tallies.get("area", {})
    stats.areas = {name: per_area[str(i)] for i, name in areas if str(i) in per_area}  # framework order
    stats.per_day = sorted(tallies.get("day", {}).items())
    _count_lawmakers(session, campaign, tallies, stats)
    return stats


def _count_lawmakers(
    session: Session, campaign: Campaign, tallies: dict[str, dict[str, int]], stats: CampaignStats
) -> None:
    """Letters, sends and answers per lawmaker, the targets not reached yet, and letters per district."""
    sent, answered = tallies.get("lawmaker-sent", {}), tallies.get("lawmaker-answered", {})
    counts = tallies.get("lawmaker", {})
    people = {p.id: p for p in targets_of(session, campaign)}
    missing = [pid for pid in counts if pid not in people]
    if missing:  # letters to lawmakers outside the targets still count
        people.update(
            {p.id: p for p in session.scalars(select(Legislator).where(Legislator.id.in_(missing)))}
        )
    per_lawmaker = _split(tallies.get("lawmaker-stage", {}), stage_first=True)
    stats.lawmakers = sorted(
        (
            LawmakerTally(
                people[pid],
                n,
                sent.get(pid, 0),
                answered.get(pid, 0),
                StageCounts(per_lawmaker.get(pid, {}), answered.get(pid, 0)),
            )
            for pid, n in counts.items()
        ),
        key=lambda t: (-t.letters, t.legislator.name),
    )
    reached = {t.legislator.id for t in stats.lawmakers}
    targets = [p for p in people.values() if p.id not in missing]
    stats.targets = len(targets)
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


@dataclass(frozen=True)
class Bar:
    day: date
    value: int
    x: float
    y: float
    width: float
    height: float

    @property
    def label(self) -> str:
        return long_date(self.day)


@dataclass(frozen=True)
class Tick:
    label: str
    position: float  # y for the letters axis, x for the days axis, in chart units


@dataclass(frozen=True)
class DayChart:
    """Letters per day as an SVG bar chart with both axes, and a sentence that says what it shows."""

    bars: list[Bar]
    letter_ticks: list[Tick]
    day_ticks: list[Tick]
    summary: str
    # Chart units. The viewBox is about as wide as a phone so the labels stay legible there; on
    # wider screens the stylesheet caps the chart's width so they do not grow huge.
    width: ClassVar[int] = 360
    height: ClassVar[int] = 212
    left: ClassVar[int] = 44  # room for the letter counts and the axis title
    top: ClassVar[int] = 12
    plot_width: ClassVar[int] = 308
    plot_height: ClassVar[int] = 148
    bottom: ClassVar[int] = top + plot_height  # the days axis
    right: ClassVar[int] = left + plot_width


MAX_BAR_WIDTH = 36
MAX_DAY_LABELS = 5


def _short_date(day: date) -> str:
    return f"{day:%b} {day.day}"


def _letters(n: int) -> str:
    return f"{n} letter" if n == 1 else f"{n} letters"


def _step(top: int) -> int:
    """A round step (1, 2, 5, 10, 20, 50…) giving at most five ticks above zero."""
    magnitude = 1
    while True:
        for step in (magnitude, 2 * magnitude, 5 * magnitude):
            if math.ceil(top / step) <= 5:
                return step
        magnitude *= 10


def _every_day(per_day: list[tuple[str, int]]) -> list[tuple[date, int]]:
    """Each day from the first letter to the last, days without letters counted as zero."""
    counts = {date.fromisoformat(str(d)[:10]): n for d, n in per_day}
    first, last = min(counts), max(counts)
    return [
        (first + timedelta(days=i), counts.get(first + timedelta(days=i), 0))
        for i in range((last - first).days + 1)
    ]


def _describe(days: list[tuple[date, int]]) -> str:
    total = sum(n for _, n in days)
    first, last = days[0][0], days[-1][0]
    if first == last:
        return f"{_letters(total)}, all on {long_date(first)}."
    start = long_date(first) if first.year != last.year else f"{first:%B} {first.day}"
    span = f"from {start} to {long_date(last)}"
    busiest, most = max(days, key=lambda d: d[1])  # the earliest of equally busy days
    return (
        f"{_letters(total)} over {len(days)} days, {span}. "
        f"The busiest day was {long_date(busiest)}, with {_letters(most)}."
    )


def day_chart(per_day: list[tuple[str, int]]) -> DayChart | None:
    """The letters-per-day chart for the dashboard, or None before the first letter.

    Every day between the first and the last letter gets a slot, so quiet days show as gaps rather
    than vanishing; a single day still gets both axes and its date.
    """
    if not per_day:
        return None
    days = _every_day(per_day)
    most = max(n for _, n in days)
    step = _step(most)
    top = step * math.ceil(most / step)
    c = DayChart
    slot = c.plot_width / len(days)
    width = min(MAX_BAR_WIDTH, max(1.0, slot * 0.7))
    bars = []
    for index, (day, n) in enumerate(days):
        height = c.plot_height * n / top
        x = c.left + index * slot + (slot - width) / 2
        bars.append(Bar(day, n, round(x, 2), round(c.bottom - height, 2), round(width, 2), round(height, 2)))
    letter_ticks = [
        Tick(str(value), round(c.bottom - c.plot_height * value / top, 2))
        for value in range(0, top + 1, step)
    ]
    every = math.ceil(len(days) / MAX_DAY_LABELS)
    day_ticks = [Tick(_short_date(bar.day), round(bar.x + bar.width / 2, 2)) for bar in bars[::every]]
    return DayChart(bars, letter_ticks, day_ticks, _describe(days))
