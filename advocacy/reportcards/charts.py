"""Geometry for the server-rendered SVG pictures: the tile-grid map and the grade trend."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from advocacy.models import Edition, Framework, ReportCard, State

TILE = 50  # tile size in SVG units, gap included
GAP = 4
GRADE_LEVELS = ("A", "B", "C", "D", "F")  # top to bottom on the trend chart


@dataclass(frozen=True)
class Tile:
    state: State
    card: ReportCard | None
    x: int
    y: int

    @property
    def size(self) -> int:
        return TILE - GAP

    @property
    def grade_class(self) -> str:
        grade = self.card.grade if self.card else None
        return f"grade-{grade[0].lower()}" if grade else "grade-none"

    @property
    def grade_text(self) -> str:
        """What the tile shows under the state's postal code."""
        return self.card.grade if self.card and self.card.grade else "–"

    @property
    def label(self) -> str:
        """The tile's accessible name: it starts with the tile's visible text, as speech users say it."""
        abbr = self.state.abbr.upper()
        if self.card is None or not self.card.grade:
            return f"{abbr}: {self.state.name}, no grade known"
        grade = self.card.grade
        return f"{abbr} {grade}: {self.state.name}, grade {grade} in {self.card.edition.year}"


@dataclass(frozen=True)
class TileMap:
    tiles: list[Tile]
    width: int
    height: int


def tile_map(states: Iterable[State], cards: dict[str, ReportCard]) -> TileMap:
    """Every state on its tile, with the card to colour it by (or none)."""
    tiles = [
        Tile(state=s, card=cards.get(s.abbr), x=s.tile_col * TILE, y=s.tile_row * TILE)
        for s in sorted(states, key=lambda s: (s.tile_row, s.tile_col))
    ]
    width = max(t.x for t in tiles) + TILE
    height = max(t.y for t in tiles) + TILE
    return TileMap(tiles=tiles, width=width, height=height)


@dataclass(frozen=True)
class TrendPoint:
    year: int
    card: ReportCard | None
    x: float
    y: float | None  # None: no grade that year

    @property
    def grade(self) -> str | None:
        return self.card.grade if self.card else None


@dataclass(frozen=True)
class Trend:
    """One state's grades across the editions of one framework: never across frameworks."""

    framework: Framework
    points: list[TrendPoint]
    width: int
    height: int
    levels: list[tuple[str, float]]

    @property
    def graded(self) -> list[TrendPoint]:
        return [p for p in self.points if p.y is not None]

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x:g},{p.y:g}" for p in self.graded)


TREND_LEFT = 30
TREND_TOP = 12
TREND_STEP_X = 56
TREND_STEP_Y = 24


def _level(grade: str | None) -> int | None:
    if not grade:
        return None
    letter = grade[0].upper()
    return GRADE_LEVELS.index(letter) if letter in GRADE_LEVELS else None


def grade_trends(editions: list[Edition], cards: list[ReportCard]) -> list[Trend]:
    """A trend per framework in which the state has at least two graded editions."""
    by_edition = {c.edition_id: c for c in cards}
    trends = []
    frameworks = {e.framework_id: e.framework for e in editions}
    newest_first = sorted(
        frameworks.items(), key=lambda item: -max(e.year for e in editions if e.framework_id == item[0])
    )
    for framework_id, framework in newest_first:
        own = sorted((e for e in editions if e.framework_id == framework_id), key=lambda e: e.year)
        points = []
        for index, edition in enumerate(own):
            card = by_edition.get(edition.id)
            level = _level(card.grade if card else None)
            y = TREND_TOP + level * TREND_STEP_Y if level is not None else None
            points.append(TrendPoint(edition.year, card, TREND_LEFT + index * TREND_STEP_X, y))
        if sum(1 for p in points if p.y is not None) < 2:
            continue
        levels = [(g, TREND_TOP + i * TREND_STEP_Y) for i, g in enumerate(GRADE_LEVELS)]
        trends.append(
            Trend(
                framework=framework,
                points=points,
                width=TREND_LEFT + (len(own) - 1) * TREND_STEP_X + 30,
                height=TREND_TOP + (len(GRADE_LEVELS) - 1) * TREND_STEP_Y + 30,
                levels=levels,
            )
        )
    return trends
