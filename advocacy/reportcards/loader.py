"""Loads the report-card facts shipped in advocacy/data into the database, idempotently."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from advocacy.clock import utcnow
from advocacy.models import (
    AreaFinding,
    AreaScore,
    Edition,
    Framework,
    IssueArea,
    NationalSummary,
    PolicyGoal,
    ReportCard,
    State,
)

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


class InvalidReportCardData(ValueError):
    """A shipped or imported data file that does not hold what it should; names file and line."""


@dataclass
class LoadCounts:
    added: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str, *, added: bool, changed: bool) -> None:
        if added:
            self.added[kind] = self.added.get(kind, 0) + 1
        elif changed:
            self.updated[kind] = self.updated.get(kind, 0) + 1

    def describe(self) -> str:
        kinds = sorted(set(self.added) | set(self.updated))
        if not kinds:
            return "report cards: nothing to change"
        parts = [
            f"{kind}: {self.added.get(kind, 0)} added, {self.updated.get(kind, 0)} updated" for kind in kinds
        ]
        return "report cards: " + "; ".join(parts)


def _rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        for number, row in enumerate(csv.DictReader(handle), start=2):
            yield number, {key: (value or "").strip() for key, value in row.items()}


def _decimal(value: str, where: str) -> Decimal | None:
    if not value:
        return None
    try:
        return Decimal(value)
    except InvalidOperation as error:
        raise InvalidReportCardData(f"{where}: {value!r} is not a number") from error


def _int(value: str, where: str) -> int | None:
    if not value:
        return None
    if not value.isdigit():
        raise InvalidReportCardData(f"{where}: {value!r} is not a whole number")
    return int(value)


def _assign(obj: object, values: dict[str, object]) -> bool:
    """Set attributes that differ; say whether anything changed."""
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


def _upsert(
    session: Session, counts: LoadCounts, kind: str, existing: object | None, model: type, values: dict
) -> object:
    return _upsert_changed(session, counts, kind, existing, model, values)[0]


def _upsert_changed(
    session: Session, counts: LoadCounts, kind: str, existing: object | None, model: type, values: dict
) -> tuple[object, bool]:
    """The row, and whether it was added or changed."""
    if existing is None:
        obj = model(**values)
        session.add(obj)
        counts.count(kind, added=True, changed=False)
        return obj, True
    changed = _assign(existing, values)
    counts.count(kind, added=False, changed=changed)
    return existing, changed


def load_report_cards(session: Session, data_dir: Path = DATA_DIR) -> LoadCounts:
    """Upsert every state, framework, edition, card, score and finding in data_dir. Never deletes."""
    counts = LoadCounts()
    states = _load_states(session, data_dir, counts)
    frameworks = _load_frameworks(session, data_dir, counts)
    areas = _load_issue_areas(session, data_dir, counts, frameworks)
    _load_policy_goals(session, data_dir, counts, frameworks, areas)
    editions = _load_editions(session, data_dir, counts, frameworks)
    cards = _load_cards(session, data_dir, counts, states, editions)
    _load_area_scores(session, data_dir, counts, cards, editions, areas)
    _load_area_findings(session, data_dir, counts, cards, editions, areas)
    _load_national_summaries(session, data_dir, counts, editions)
    session.flush()
    return counts


def _load_states(session: Session, data_dir: Path, counts: LoadCounts) -> dict[str, State]:
    existing = {s.abbr: s for s in session.scalars(select(State))}
    for _, row in _rows(data_dir / "states.csv"):
        values = {
            "abbr": row["abbr"],
            "name": row["name"],
            "fips": row["fips"],
            "upper_chamber": row["upper_chamber"],
            "upper_title": row["upper_title"],
            "lower_chamber": row["lower_chamber"],
            "lower_title": row["lower_title"],
            "tile_row": _int(row["tile_row"], f"states.csv {row['abbr']}"),
            "tile_col": _int(row["tile_col"], f"states.csv {row['abbr']}"),
        }
        existing[row["abbr"]] = _upsert(session, counts, "states", existing.get(row["abbr"]), State, values)
    return existing


def _load_frameworks(session: Session, data_dir: Path, counts: LoadCounts) -> dict[str, Framework]:
    existing = {f.key: f for f in session.scalars(select(Framework))}
    for _, row in _rows(data_dir / "frameworks.csv"):
        values = {
            "key": row["key"],
            "name": row["name"],
            "short_name": row["short_name"],
            "featured": row["featured"] == "yes",
            "grade_scale": row["grade_scale"],
            "grade_scale_note": row["grade_scale_note"],
            "description": row["description"],
            "source": row["source"],
        }
        existing[row["key"]] = _upsert(
            session, counts, "frameworks", existing.get(row["key"]), Framework, values
        )
    session.flush()
    return existing


def _load_issue_areas(
    session: Session, data_dir: Path, counts: LoadCounts, frameworks: dict[str, Framework]
) -> dict[tuple[int, str], IssueArea]:
    existing = {(a.framework_id, a.code): a for a in session.scalars(select(IssueArea))}
    for line, row in _rows(data_dir / "issue_areas.csv"):
        where = f"issue_areas.csv line {line}"
        framework = frameworks.get(row["framework"])
        if framework is None:
            raise InvalidReportCardData(f"{where}: unknown framework {row['framework']!r}")
        values = {
            "framework_id": framework.id,
            "code": row["code"],
            "number": int(row["code"]) if row["code"].isdigit() else None,
            "position": _int(row["position"], where),
            "name": row["name"],
            "slug": row["slug"],
            "max_points": _decimal(row["max_points"], where),
            "summary": row["summary"],
            "source": row["source"],
        }
        key = (framework.id, row["code"])
        existing[key] = _upsert(session, counts, "issue areas", existing.get(key), IssueArea, values)
    session.flush()
    return existing


def _load_policy_goals(
    session: Session,
    data_dir: Path,
    counts: LoadCounts,
    frameworks: dict[str, Framework],
    areas: dict[tuple[int, str], IssueArea],
) -> None:
    existing = {(g.issue_area_id, g.number): g for g in session.scalars(select(PolicyGoal))}
    positions: dict[int, int] = {}
    for line, row in _rows(data_dir / "policy_goals.csv"):
        area = areas.get((frameworks[row["framework"]].id, row["issue_area"]))
        if area is None:
            continue  # a goal whose area is not published yet (Just Like Me issues 1 and 3)
        positions[area.id] = positions.get(area.id, 0) + 1
        values = {
            "issue_area_id": area.id,
            "number": row["number"],
            "position": positions[area.id],
            "title": row["title"],
            "max_points": _decimal(row["max_points"], f"policy_goals.csv line {line}"),
            "source": row["source"],
        }
        key = (area.id, row["number"])
        _upsert(session, counts, "policy goals", existing.get(key), PolicyGoal, values)


def _load_editions(
    session: Session, data_dir: Path, counts: LoadCounts, frameworks: dict[str, Framework]
) -> dict[int, Edition]:
    existing = {e.year: e for e in session.scalars(select(Edition))}
    for line, row in _rows(data_dir / "editions.csv"):
        where = f"editions.csv line {line}"
        year = _int(row["year"], where)
        values = {
            "key": row["key"],
            "year": year,
            "framework_id": frameworks[row["framework"]].id,
            "max_total": _decimal(row["max_total"], where),
            "release_date": date.fromisoformat(row["release_date"]) if row["release_date"] else None,
            "source": row["source"],
            "notes": row["notes"],
        }
        existing[year] = _upsert(session, counts, "editions", existing.get(year), Edition, values)
    session.flush()
    return existing


def _load_cards(
    session: Session,
    data_dir: Path,
    counts: LoadCounts,
    states: dict[str, State],
    editions: dict[int, Edition],
) -> dict[tuple[int, str], ReportCard]:
    by_edition = {e.id: year for year, e in editions.items()}
    existing = {(by_edition[c.edition_id], c.state_abbr): c for c in session.scalars(select(ReportCard))}
    for line, row in _rows(data_dir / "report_cards.csv"):
        where = f"report_cards.csv line {line}"
        year = _int(row["year"], where)
        if year not in editions:
            raise InvalidReportCardData(f"{where}: no edition for {year}")
        if row["state"] not in states:
            raise InvalidReportCardData(f"{where}: unknown state {row['state']!r}")
        values = {
            "state_abbr": row["state"],
            "edition_id": editions[year].id,
            "grade": row["grade"] or None,
            "total_score": _decimal(row["total_score"], where),
            "extra_credit": _decimal(row["extra_credit"], where),
            "rank": _int(row["rank"], where),
            "tier": row["tier"] or None,
            "source": row["source"],
            "notes": row["notes"],
        }
        key = (year, row["state"])
        card, changed = _upsert_changed(
            session, counts, "report cards", existing.get(key), ReportCard, values
        )
        if changed:
            card.updated_at = utcnow()
        existing[key] = card
    session.flush()
    return existing


def _card_and_area(
    row: dict[str, str],
    where: str,
    cards: dict[tuple[int, str], ReportCard],
    editions: dict[int, Edition],
    areas: dict[tuple[int, str], IssueArea],
) -> tuple[ReportCard, IssueArea]:
    year = _int(row["year"], where)
    card = cards.get((year, row["state"]))
    if card is None:
        raise InvalidReportCardData(f"{where}: no {year} report card for {row['state']!r}")
    area = areas.get((editions[year].framework_id, row["issue_area"]))
    if area is None:
        raise InvalidReportCardData(
            f"{where}: issue area {row['issue_area']!r} is not in the {year} framework"
        )
    return card, area


def _load_area_scores(
    session: Session,
    data_dir: Path,
    counts: LoadCounts,
    cards: dict[tuple[int, str], ReportCard],
    editions: dict[int, Edition],
    areas: dict[tuple[int, str], IssueArea],
) -> None:
    existing = {(s.report_card_id, s.issue_area_id): s for s in session.scalars(select(AreaScore))}
    for line, row in _rows(data_dir / "area_scores.csv"):
        where = f"area_scores.csv line {line}"
        card, area = _card_and_area(row, where, cards, editions, areas)
        score = _decimal(row["score"], where)
        if score is None or (area.max_points is not None and score > area.max_points):
            raise InvalidReportCardData(f"{where}: score must be between 0 and {area.max_points}")
        values = {
            "report_card_id": card.id,
            "issue_area_id": area.id,
            "score": score,
            "source": row["source"],
            "notes": row["notes"],
        }
        key = (card.id, area.id)
        if _upsert_changed(session, counts, "area scores", existing.get(key), AreaScore, values)[1]:
            card.updated_at = utcnow()


def _load_area_findings(
    session: Session,
    data_dir: Path,
    counts: LoadCounts,
    cards: dict[tuple[int, str], ReportCard],
    editions: dict[int, Edition],
    areas: dict[tuple[int, str], IssueArea],
) -> None:
    existing = {
        (f.report_card_id, f.issue_area_id, f.source): f for f in session.scalars(select(AreaFinding))
    }
    for line, row in _rows(data_dir / "area_findings.csv"):
        card, area = _card_and_area(row, f"area_findings.csv line {line}", cards, editions, areas)
        values = {
            "report_card_id": card.id,
            "issue_area_id": area.id,
            "area_grade": row["area_grade"] or None,
            "finding": row["finding"],
            "lowest": row["lowest"] == "yes",
            "source": row["source"],
        }
        key = (card.id, area.id, row["source"])
        if _upsert_changed(session, counts, "area findings", existing.get(key), AreaFinding, values)[1]:
            card.updated_at = utcnow()


def _load_national_summaries(
    session: Session, data_dir: Path, counts: LoadCounts, editions: dict[int, Edition]
) -> None:
    existing = {s.edition_id: s for s in session.scalars(select(NationalSummary))}
    for line, row in _rows(data_dir / "national_summaries.csv"):
        where = f"national_summaries.csv line {line}"
        edition = editions[_int(row["year"], where)]
        values = {
            "edition_id": edition.id,
            **{f"{g}_count": _int(row[f"{g}_count"], where) for g in ("a", "b", "c", "d", "f")},
            "average_score": _decimal(row["average_score"], where),
            "source": row["source"],
            "notes": row["notes"],
        }
        _upsert(session, counts, "national summaries", existing.get(edition.id), NationalSummary, values)
