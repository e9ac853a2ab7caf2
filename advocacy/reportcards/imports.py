"""Checking and saving report-card figures entered by admins: a CSV of cards, or one card's form.

Every figure is checked against the edition's framework before anything is written: the state
exists, no score is above its area's maximum, every area is in the framework, the grade matches
the total on the framework's scale, and no card appears twice. One wrong row stops the whole file.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from advocacy.audit import record
from advocacy.clock import utcnow
from advocacy.models import AreaScore, Edition, Framework, ReportCard, State, User
from advocacy.reportcards.service import plain_points

CARD_COLUMNS = ("year", "state", "grade", "total_score", "extra_credit", "rank", "source", "notes")
AREA_PREFIX = "area_"
GRADES = ("A+", "A", "A-", "B+", "B", "B-", "C+", "C", "C-", "D+", "D", "D-", "F")
TOLERANCE = Decimal("0.01")


class InvalidReportCardFile(ValueError):
    """Everything wrong with a file or form, each problem on its own line."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class CardFigures:
    """What one row or form says about one report card; None means "leave as it is"."""

    year: int
    state: str
    grade: str | None = None
    total_score: Decimal | None = None
    extra_credit: Decimal | None = None
    rank: int | None = None
    source: str = ""
    notes: str | None = None
    areas: dict[str, Decimal] = field(default_factory=dict)  # issue-area code -> score


def scale_grade(framework: Framework, total: Decimal) -> str | None:
    """The letter a total earns on the framework's scale ("A:90;B:80;…"), if it has one."""
    steps = []
    for part in framework.grade_scale.split(";"):
        letter, _, minimum = part.partition(":")
        if letter and minimum:
            steps.append((Decimal(minimum), letter))
    for minimum, letter in sorted(steps, reverse=True):
        if total >= minimum:
            return letter
    return None


def check_figures(figures: CardFigures, edition: Edition, where: str = "") -> list[str]:
    """Problems with one card's figures against its edition's framework; empty when all is well."""
    prefix = f"{where}: " if where else ""
    errors = []
    framework = edition.framework
    areas = {a.code: a for a in framework.issue_areas}
    if figures.grade is not None and figures.grade not in GRADES:
        errors.append(f"{prefix}grade {figures.grade!r} is not a letter grade from A+ to F")
    for code, score in figures.areas.items():
        area = areas.get(code)
        if area is None:
            errors.append(f"{prefix}issue area {code} is not in the {framework.short_name} framework")
        elif area.max_points is not None and score > area.max_points:
            errors.append(
                f"{prefix}{area.name} score {score} is above its maximum of {plain_points(area.max_points)}"
            )
    extra = next((a for a in areas.values() if a.is_extra_credit), None)
    extra_max = plain_points(extra.max_points) if extra else None
    if figures.extra_credit is not None and extra_max is not None and figures.extra_credit > extra_max:
        errors.append(f"{prefix}extra credit {figures.extra_credit} is above its maximum of {extra_max}")
    total = figures.total_score
    if total is not None and edition.max_total is not None and total > edition.max_total:
        errors.append(
            f"{prefix}total {total} is above the edition's maximum of {plain_points(edition.max_total)}"
        )
    base = [a for a in areas.values() if not a.is_extra_credit]
    if total is not None and base and all(a.code in figures.areas for a in base):
        area_sum = sum((figures.areas[a.code] for a in base), Decimal(0))
        if figures.extra_credit is not None:
            if abs(area_sum + figures.extra_credit - total) > TOLERANCE:
                errors.append(
                    f"{prefix}the areas ({plain_points(area_sum)}) and extra credit "
                    f"({plain_points(figures.extra_credit)}) add up to "
                    f"{plain_points(area_sum + figures.extra_credit)}, but the total is {plain_points(total)}"
                )
        elif total + TOLERANCE < area_sum:
            errors.append(
                f"{prefix}the areas add up to {plain_points(area_sum)}, more than the total of "
                f"{plain_points(total)}"
            )
    if figures.grade and total is not None:
        expected = scale_grade(framework, total)
        if expected and figures.grade[0] != expected:
            errors.append(
                f"{prefix}grade {figures.grade} does not match a total of {plain_points(total)}: "
                f"the {framework.short_name} scale gives {expected}"
            )
    if not figures.source.startswith(("http://", "https://")):
        errors.append(f"{prefix}give the source of these figures as a web address (https://…)")
    return errors


def _number(value: str, what: str, where: str, errors: list[str]) -> Decimal | None:
    value = value.strip()
    if not value:
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        errors.append(f"{where}: {what} {value!r} is not a number")
        return None
    if number < 0 or not number.is_finite():
        errors.append(f"{where}: {what} {value!r} must be zero or more")
        return None
    return number


def parse_card_csv(session: Session, raw: bytes) -> list[tuple[CardFigures, Edition]]:
    """Every row of a report-card CSV, or InvalidReportCardFile listing every problem by line."""
    reader = _card_reader(raw)
    editions = {
        e.year: e
        for e in session.scalars(
            select(Edition).options(selectinload(Edition.framework).selectinload(Framework.issue_areas))
        )
    }
    states = set(session.scalars(select(State.abbr)))
    rows: list[tuple[CardFigures, Edition]] = []
    seen: dict[tuple[int, str], int] = {}
    errors: list[str] = []
    try:
        for line, row in enumerate(reader, start=2):
            row = {(k or "").strip(): (v or "").strip() for k, v in row.items() if k}
            if any(row.values()):
                rows.append(_card_row(row, f"line {line}", line, editions, states, seen, errors))
    except csv.Error as error:
        errors.append(f"line {reader.line_num}: not valid CSV ({error})")
    if errors:
        raise InvalidReportCardFile(errors)
    if not rows:
        raise InvalidReportCardFile(["the file has a header but no report cards"])
    return rows


def _card_reader(raw: bytes) -> csv.DictReader:
    """The file's rows, once its text and header are known to be right."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InvalidReportCardFile([f"the file is not UTF-8 text (byte {error.start})"]) from error
    if not text.strip():
        raise InvalidReportCardFile(["the file is empty"])
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip() for h in (reader.fieldnames or [])]
    errors = []
    unknown = [h for h in header if h not in CARD_COLUMNS and not h.startswith(AREA_PREFIX)]
    missing = [c for c in ("year", "state", "source") if c not in header]
    if unknown:
        errors.append(f"line 1: unknown column(s) {', '.join(unknown)}")
    if missing:
        errors.append(f"line 1: missing column(s) {', '.join(missing)}")
    if errors:
        errors.append(
            "line 1: expected year,state,source and any of grade,total_score,extra_credit,rank,"
            "notes,area_1 … area_6,area_EC"
        )
        raise InvalidReportCardFile(errors)
    return reader


def _card_row(
    row: dict[str, str],
    where: str,
    line: int,
    editions: dict[int, Edition],
    states: set[str],
    seen: dict[tuple[int, str], int],
    errors: list[str],
) -> tuple[CardFigures, Edition]:
    """One row's figures; its problems are added to `errors`."""
    before = len(errors)
    year = row["year"]
    edition = editions.get(int(year)) if year.isdigit() else None
    if edition is None:
        errors.append(f"{where}: there is no report-card edition for {year!r}")
    state = row["state"].lower()
    if state not in states:
        errors.append(f"{where}: unknown state {row['state']!r}; use a postal code such as MO")
    if edition is not None and state in states:
        key = (edition.year, state)
        if key in seen:
            errors.append(
                f"{where}: {state.upper()} {edition.year} appears twice (first on line {seen[key]})"
            )
        seen.setdefault(key, line)
    rank = row.get("rank", "")
    if rank and not rank.isdigit():
        errors.append(f"{where}: rank {rank!r} is not a whole number")
    figures = CardFigures(
        year=edition.year if edition else 0,
        state=state,
        grade=row.get("grade", "").upper() or None,
        total_score=_number(row.get("total_score", ""), "total", where, errors),
        extra_credit=_number(row.get("extra_credit", ""), "extra credit", where, errors),
        rank=int(rank) if rank.isdigit() else None,
        source=row["source"],
        notes=row.get("notes") or None,
    )
    for column, value in row.items():
        if column.startswith(AREA_PREFIX) and value:
            score = _number(value, f"{column} score", where, errors)
            if score is not None:
                figures.areas[column.removeprefix(AREA_PREFIX).upper()] = score
    if edition is not None and len(errors) == before:
        errors.extend(check_figures(figures, edition, where))
    return figures, edition  # type: ignore[return-value]  # refused as a whole when edition is None


@dataclass(frozen=True)
class SaveCounts:
    added: int = 0
    updated: int = 0
    unchanged: int = 0

    def describe(self) -> str:
        return f"report cards: {self.added} added, {self.updated} updated, {self.unchanged} unchanged"


def _card_state(card: ReportCard) -> dict[str, object]:
    return {
        "grade": card.grade,
        "total_score": card.total_score,
        "extra_credit": card.extra_credit,
        "rank": card.rank,
        "source": card.source,
        "notes": card.notes,
        "areas": {s.issue_area.code: s.score for s in card.area_scores},
    }


def save_figures(
    session: Session,
    rows: list[tuple[CardFigures, Edition]],
    actor: User | None,
    action: str,
    origin: str = "web",
    *,
    replace: bool = False,
) -> SaveCounts:
    """Write checked figures; every changed card is audited.

    A file only adds what it knows: a blank figure leaves the one already there. A card's form
    shows every figure, so with `replace` a cleared figure (or area score) is removed.
    """
    added = updated = unchanged = 0
    now = utcnow()
    for figures, edition in rows:
        card = session.scalar(
            select(ReportCard)
            .where(ReportCard.state_abbr == figures.state, ReportCard.edition_id == edition.id)
            .options(selectinload(ReportCard.area_scores).selectinload(AreaScore.issue_area))
        )
        is_new = card is None
        if card is None:
            card = ReportCard(state_abbr=figures.state, edition=edition, source="", notes="")
            session.add(card)
        before = {} if is_new else _card_state(card)
        _apply(card, figures, edition, replace)
        after = _card_state(card)
        if before == after:
            unchanged += 1
            continue
        card.updated_at = now
        added += is_new
        updated += not is_new
        record(
            session,
            actor,
            action,
            "report_card",
            f"{figures.state}/{edition.year}",
            before,
            after,
            origin=origin,
        )
    session.flush()
    return SaveCounts(added=added, updated=updated, unchanged=unchanged)


def _apply(card: ReportCard, figures: CardFigures, edition: Edition, replace: bool) -> None:
    """Put the figures on the card: a blank figure leaves the stored one unless `replace`."""
    for name in ("grade", "total_score", "extra_credit", "rank", "notes"):
        value = getattr(figures, name)
        if value is not None or replace:
            setattr(card, name, value if value is not None or name != "notes" else "")
    card.source = figures.source
    areas = {a.code: a for a in edition.framework.issue_areas}
    scores = {s.issue_area.code: s for s in card.area_scores}
    if replace:
        for code in set(scores) - set(figures.areas):
            card.area_scores.remove(scores.pop(code))
    for code, value in figures.areas.items():
        if code in scores:
            scores[code].score = value
            scores[code].source = figures.source
        else:
            card.area_scores.append(
                AreaScore(issue_area=areas[code], score=value, source=figures.source, notes="")
            )
