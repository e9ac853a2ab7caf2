"""Sync lawmakers from Open States bulk CSV: validate the whole file, then upsert by person id."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from advocacy.clients.openstates import BulkSource, Fetched, SourceUnavailable
from advocacy.clock import utcnow
from advocacy.links import outside_url
from advocacy.models import ContactOverride, Legislator, State, SyncRun
from advocacy.models.legislators import CHAMBERS, CORRECTABLE_FIELDS

# The column order of Open States' `people/current/<abbr>.csv` bulk files.
BULK_COLUMNS = [
    "id",
    "name",
    "current_party",
    "current_district",
    "current_chamber",
    "given_name",
    "family_name",
    "gender",
    "email",
    "biography",
    "birth_date",
    "death_date",
    "image",
    "links",
    "sources",
    "capitol_address",
    "capitol_voice",
    "capitol_fax",
    "district_address",
    "district_voice",
    "district_fax",
    "twitter",
    "youtube",
    "instagram",
    "facebook",
    "wikidata",
]
PERSON_ID = re.compile(r"^ocd-person/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")

# Legislator attributes filled from the file, and the column each comes from.
FIELDS = {
    "name": "name",
    "given_name": "given_name",
    "family_name": "family_name",
    "party": "current_party",
    "district": "current_district",
    "chamber": "current_chamber",
    "email": "email",
    "image": "image",
    "links": "links",
    "capitol_address": "capitol_address",
    "capitol_voice": "capitol_voice",
    "district_address": "district_address",
    "district_voice": "district_voice",
}


class InvalidLegislatorFile(ValueError):
    """A bulk file that must not be imported; the message names the problem and the line."""


@dataclass(frozen=True)
class SyncCounts:
    added: int = 0
    updated: int = 0
    retired: int = 0
    unchanged: int = 0

    def __add__(self, other: SyncCounts) -> SyncCounts:
        return SyncCounts(
            self.added + other.added,
            self.updated + other.updated,
            self.retired + other.retired,
            self.unchanged + other.unchanged,
        )

    def describe(self) -> str:
        return (
            f"{self.added} added, {self.updated} updated, {self.retired} retired, {self.unchanged} unchanged"
        )


def parse_bulk_csv(raw: bytes, abbr: str) -> list[dict[str, str]]:
    """Every row of one state's file, or InvalidLegislatorFile naming the first problem."""
    if not raw.strip():
        raise InvalidLegislatorFile("the file is empty")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InvalidLegislatorFile(f"the file is not UTF-8 text (byte {error.start})") from error
    if text.lstrip().startswith("<"):
        raise InvalidLegislatorFile("the file is an HTML or XML page, not CSV")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
        if header != BULK_COLUMNS:
            missing = [c for c in BULK_COLUMNS if c not in header]
            detail = f"missing {', '.join(missing)}" if missing else "columns out of order"
            raise InvalidLegislatorFile(
                f"the header is not the Open States bulk format ({detail}); "
                f"expected: {','.join(BULK_COLUMNS[:5])},…"
            )
        rows = []
        seen: set[str] = set()
        for values in reader:
            line = reader.line_num
            if not values:
                continue
            if len(values) != len(BULK_COLUMNS):
                raise InvalidLegislatorFile(
                    f"line {line} has {len(values)} fields instead of {len(BULK_COLUMNS)}; "
                    "the file may be truncated"
                )
            row = dict(zip(BULK_COLUMNS, (v.strip() for v in values), strict=True))
            _check_row(row, line, seen)
            rows.append(row)
    except csv.Error as error:
        raise InvalidLegislatorFile(
            f"line {reader.line_num} is not valid CSV ({error}); the file may be truncated"
        ) from error
    if not text.endswith(("\n", "\r")):
        raise InvalidLegislatorFile("the last line is incomplete; the file may be truncated")
    if not rows:
        raise InvalidLegislatorFile("the file lists no lawmakers")
    return rows


def _check_row(row: dict[str, str], line: int, seen: set[str]) -> None:
    if not PERSON_ID.match(row["id"]):
        raise InvalidLegislatorFile(f"line {line}: {row['id']!r} is not an ocd-person id")
    if row["id"] in seen:
        raise InvalidLegislatorFile(f"line {line}: {row['id']} appears twice")
    seen.add(row["id"])
    if not row["name"]:
        raise InvalidLegislatorFile(f"line {line}: the name is empty")
    if row["current_chamber"] not in CHAMBERS:
        raise InvalidLegislatorFile(
            f"line {line}: chamber {row['current_chamber']!r} is not one of {', '.join(CHAMBERS)}"
        )
    if not row["current_district"]:
        raise InvalidLegislatorFile(f"line {line}: the district is empty")


def sync_legislators(
    session: Session, state: State, rows: list[dict[str, str]], now: datetime | None = None
) -> SyncCounts:
    """Upsert one state's lawmakers by person id; retire those the file no longer lists."""
    now = now or utcnow()
    existing = {
        person.id: person
        for person in session.scalars(select(Legislator).where(Legislator.state_abbr == state.abbr))
    }
    elsewhere = set(
        session.scalars(
            select(Legislator.id).where(
                Legislator.id.in_([r["id"] for r in rows]), Legislator.state_abbr != state.abbr
            )
        )
    )
    if elsewhere:
        raise InvalidLegislatorFile(
            f"{len(elsewhere)} people in this file belong to another state already, "
            f"e.g. {sorted(elsewhere)[0]}"
        )
    overrides = {
        (o.legislator_id, o.field): o
        for o in session.scalars(
            select(ContactOverride).join(Legislator).where(Legislator.state_abbr == state.abbr)
        )
    }
    added = updated = unchanged = 0
    for row in rows:
        values = _values(session, row, overrides)
        person = existing.pop(row["id"], None)
        if person is None:
            session.add(Legislator(id=row["id"], state_abbr=state.abbr, last_seen_at=now, **values))
            added += 1
            continue
        changed = person.retired_at is not None
        person.retired_at = None
        if values["email"].lower() != person.email.lower():
            person.forget_bounces()  # bounces were counted against the old address
        for attribute, value in values.items():
            if getattr(person, attribute) != value:
                setattr(person, attribute, value)
                changed = True
        person.last_seen_at = now
        if changed:
            updated += 1
        else:
            unchanged += 1
    retired = 0
    for person in existing.values():
        if person.retired_at is None:
            person.retired_at = now  # kept, with any letters written to them
            retired += 1
    session.flush()
    return SyncCounts(added=added, updated=updated, retired=retired, unchanged=unchanged)


def _values(
    session: Session, row: dict[str, str], overrides: dict[tuple[str, str], ContactOverride]
) -> dict[str, str]:
    """A lawmaker's fields from the file, with an admin's corrections where the source still has
    what was corrected (a correction the source has since changed itself is dropped)."""
    values = {attribute: row[column] for attribute, column in FIELDS.items()}
    # Only web addresses are kept: a javascript: or data: "link" would run in this site's pages.
    values["image"] = outside_url(values["image"])
    values["links"] = ";".join(link for link in values["links"].split(";") if outside_url(link))
    for field in CORRECTABLE_FIELDS:
        override = overrides.get((row["id"], field))
        if override is None:
            continue
        if values[field] == override.source_value:
            values[field] = override.value  # the source still has what was corrected
        else:
            session.delete(override)  # the source changed the field itself: it wins again
    return values


@dataclass(frozen=True)
class StateOutcome:
    abbr: str
    counts: SyncCounts | None = None
    error: str = ""

    def describe(self) -> str:
        if self.counts is None:
            return f"{self.abbr}: failed: {self.error}"
        return f"{self.abbr}: {self.counts.describe()}"


def last_good_run(session: Session, state: State) -> SyncRun | None:
    return session.scalar(
        select(SyncRun)
        .where(SyncRun.state_abbr == state.abbr, SyncRun.error == "")
        .order_by(SyncRun.finished_at.desc(), SyncRun.id.desc())
    )


def newest_runs(session: Session, good_only: bool = False) -> dict[str, SyncRun]:
    """Each state's newest sync run (or newest good one), in one query."""
    newest = select(SyncRun.state_abbr, func.max(SyncRun.id).label("id")).group_by(SyncRun.state_abbr)
    if good_only:
        newest = newest.where(SyncRun.error == "")
    ids = newest.subquery()
    runs = session.scalars(select(SyncRun).join(ids, SyncRun.id == ids.c.id))
    return {run.state_abbr: run for run in runs}


def sitting_count(session: Session, state: State) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(Legislator)
            .where(Legislator.state_abbr == state.abbr, Legislator.retired_at.is_(None))
        )
        or 0
    )


def sync_content(
    session: Session, state: State, fetched: Fetched, last: SyncRun | None
) -> tuple[SyncCounts, int, str]:
    """Sync one state's file: (counts, rows in the file, its content hash). Never commits.

    An unchanged file (a 304, or the same bytes as the last good sync) is not parsed at all.
    A file with under half the rows of the last good one is refused: it is far more likely
    cut short than half the legislature gone.
    """
    if fetched.content is None:
        return (
            SyncCounts(unchanged=sitting_count(session, state)),
            last.rows if last else 0,
            (last.content_hash if last else ""),
        )
    digest = hashlib.sha256(fetched.content).hexdigest()
    if last is not None and digest == last.content_hash:
        return SyncCounts(unchanged=sitting_count(session, state)), last.rows, digest
    rows = parse_bulk_csv(fetched.content, state.abbr)
    if last is not None and last.rows and len(rows) < last.rows / 2:
        raise InvalidLegislatorFile(
            f"the file lists {len(rows)} lawmakers, under half of the {last.rows} in the last good "
            "file; it may be incomplete, so nothing was changed"
        )
    return sync_legislators(session, state, rows), len(rows), digest


def run_sync(session: Session, source: BulkSource, states: list[State]) -> list[StateOutcome]:
    """Sync each state in its own transaction: one state's bad file leaves every other state's intact.

    Downloads happen between transactions, so no HTTP request holds a database lock.
    """
    outcomes = []
    unreachable = ""
    for state in states:
        abbr = state.abbr
        if unreachable:
            # The server did not answer for an earlier state; trying again would only wait longer.
            outcomes.append(StateOutcome(abbr, error=f"not tried: {unreachable}"))
            continue
        last = last_good_run(session, state)
        # Validators belong to the file they came from: after the source moves, a 304 from the
        # new one must not stand for the old file's content.
        same_file = last is not None and last.rows > 0 and last.source == source.location(abbr)
        validators = (last.etag, last.last_modified) if same_file else ("", "")
        session.commit()  # end the transaction before the download
        fetched = Fetched(None)
        try:
            fetched = source.fetch(abbr, *validators)
            counts, rows, digest = sync_content(session, state, fetched, last)
        except (SourceUnavailable, InvalidLegislatorFile) as error:
            session.rollback()
            outcome = StateOutcome(abbr, error=str(error))
            if isinstance(error, SourceUnavailable) and error.unreachable:
                unreachable = f"{source.base} could not be reached"
            record_run(session, source.location(abbr), outcome)
        else:
            outcome = StateOutcome(abbr, counts=counts)
            record_run(session, source.location(abbr), outcome, rows, digest, fetched)
        session.commit()
        outcomes.append(outcome)
    return outcomes


def record_run(
    session: Session,
    location: str,
    outcome: StateOutcome,
    rows: int = 0,
    digest: str = "",
    fetched: Fetched | None = None,
) -> None:
    counts = outcome.counts or SyncCounts()
    session.add(
        SyncRun(
            state_abbr=outcome.abbr,
            source=location,
            finished_at=utcnow(),
            added=counts.added,
            updated=counts.updated,
            retired=counts.retired,
            unchanged=counts.unchanged,
            error=outcome.error,
            rows=rows,
            content_hash=digest,
            etag=fetched.etag if fetched else "",
            last_modified=fetched.last_modified if fetched else "",
        )
    )
