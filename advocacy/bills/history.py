"""Bills of past sessions that addressed an issue area, shipped as facts with their sources in
advocacy/data/past_bills.csv: what a state's page shows under a weak area, with or without an
Open States key. They are read from the file, never stored as bills, so no page, letter or API
answer can offer one as pending."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from advocacy.dates import long_date
from advocacy.links import outside_url
from advocacy.models import Bill

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
PAST_BILLS_FILE = DATA_DIR / "past_bills.csv"
COLUMNS = (
    "state",
    "session",
    "session_name",
    "identifier",
    "title",
    "outcome",
    "outcome_date",
    "framework",
    "areas",
    "note",
    "source",
)
# "SB 775", "HJR 132", "HB 2273": letters, one space, a number.
_IDENTIFIER = re.compile(r"^[A-Z]{1,4} \d{1,5}$")


class InvalidPastBills(ValueError):
    """The past-bills file does not hold what it should; the message names file, line and column."""


class PastOutcome(StrEnum):
    """How a past bill ended, as far as its sources establish: a small closed set."""

    ENACTED = "enacted"
    VETOED = "vetoed"
    DIED = "died"
    DIED_IN_COMMITTEE = "died-in-committee"
    PASSED_ONE_CHAMBER = "passed-one-chamber"
    PASSED_COMMITTEE = "passed-committee"
    NO_FINAL_ACTION_FOUND = "no-final-action-found"


# What a page says for each outcome; `{chamber}` is the chamber the bill started in.
_WORDS = {
    PastOutcome.ENACTED: "signed into law",
    PastOutcome.VETOED: "vetoed",
    PastOutcome.DIED: "did not pass",
    PastOutcome.DIED_IN_COMMITTEE: "did not leave committee",
    PastOutcome.PASSED_ONE_CHAMBER: "passed {chamber}; no later step found",
    PastOutcome.PASSED_COMMITTEE: "approved by a committee; no later step found",
    PastOutcome.NO_FINAL_ACTION_FOUND: "no final action found",
}
_DATED = {
    PastOutcome.ENACTED: "Signed on",
    PastOutcome.VETOED: "Vetoed on",
    PastOutcome.DIED: "Ended on",
    PastOutcome.DIED_IN_COMMITTEE: "Ended on",
    PastOutcome.PASSED_ONE_CHAMBER: "Passed on",
    PastOutcome.PASSED_COMMITTEE: "Reported by the committee on",
    PastOutcome.NO_FINAL_ACTION_FOUND: "Last step found on",
}


@dataclass(frozen=True)
class PastBill:
    """One bill of a past session, with how it ended and where that is written."""

    state: str  # postal code, lower case
    session: str  # as Open States names it: "2022", "2025-2026", "134"
    session_name: str  # as a page names it: "134th General Assembly"; "" means the session itself
    identifier: str
    title: str  # in our own words
    outcome: PastOutcome
    outcome_date: date | None
    framework: str  # the key of the framework whose issue-area codes `areas` uses
    areas: tuple[str, ...]
    note: str  # one more fact in our own words, or ""
    sources: tuple[str, ...]  # web addresses

    @property
    def label(self) -> str:
        """ "SB 775 (2022)"."""
        return f"{self.identifier} ({self.session_name or self.session})"

    @property
    def outcome_words(self) -> str:
        """ "signed into law", "passed the House; no later step found", …: never "pending"."""
        prefix = self.identifier.split(" ")[0]
        chamber = (
            "the House"
            if prefix.startswith("H")
            else "the Senate"
            if prefix.startswith("S")
            else "one chamber"
        )
        return _WORDS[self.outcome].format(chamber=chamber)

    @property
    def source_links(self) -> list[tuple[str, str]]:
        """(address, site) for each source, the site named by its host: ("https://…", "dps.mo.gov");
        a site named twice is numbered ("app.legiplex.com (2)") so that each link says where it goes."""
        hosts = [(urlsplit(url).hostname or url).removeprefix("www.") for url in self.sources]
        return [
            (url, f"{host} ({hosts[:n].count(host) + 1})" if hosts.count(host) > 1 else host)
            for n, (url, host) in enumerate(zip(self.sources, hosts, strict=True))
        ]

    @property
    def outcome_date_words(self) -> str:
        """ "Signed on June 30, 2022.", or "" when the date of that step is not known."""
        if self.outcome_date is None:
            return ""
        return f"{_DATED[self.outcome]} {long_date(self.outcome_date)}."


@dataclass(frozen=True)
class _Known:
    """What a row may name: the states, frameworks and issue-area codes shipped beside it."""

    states: frozenset[str]
    areas: dict[str, frozenset[str]]  # framework key → its issue-area codes

    @classmethod
    def read(cls, data_dir: Path) -> _Known:
        states = frozenset(row["abbr"].strip().lower() for _, row in _rows(data_dir / "states.csv"))
        areas: dict[str, set[str]] = {
            row["key"].strip(): set() for _, row in _rows(data_dir / "frameworks.csv")
        }
        for _, row in _rows(data_dir / "issue_areas.csv"):
            areas.setdefault(row["framework"].strip(), set()).add(row["code"].strip())
        return cls(states, {key: frozenset(codes) for key, codes in areas.items()})


def _rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        for number, row in enumerate(csv.DictReader(handle), start=2):
            yield number, {key: (value or "").strip() for key, value in row.items() if key is not None}


def _header(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [name.strip() for name in next(csv.reader(handle), [])]


@cache
def past_bills(path: Path = PAST_BILLS_FILE) -> tuple[PastBill, ...]:
    """Every past bill in the shipped file, read and checked once per process."""
    return read_past_bills(path)


def read_past_bills(path: Path, data_dir: Path = DATA_DIR) -> tuple[PastBill, ...]:
    """The file's bills, each row checked (InvalidPastBills names the line, column and fix)."""
    missing = [name for name in COLUMNS if name not in _header(path)]
    if missing:
        raise InvalidPastBills(
            f"{path.name} line 1: the header lacks {', '.join(missing)}; it needs {', '.join(COLUMNS)}."
        )
    known = _Known.read(data_dir)
    found: dict[tuple[str, str, str], int] = {}
    bills = []
    for line, row in _rows(path):
        bill = _past_bill(row, _Where(path.name, line), known)
        key = (bill.state, bill.session, bill.identifier)
        if key in found:
            raise InvalidPastBills(
                f"{path.name} line {line}, column identifier: {bill.identifier} of {bill.state} "
                f"{bill.session} is already on line {found[key]}; keep one row per bill."
            )
        found[key] = line
        bills.append(bill)
    return tuple(bills)


@dataclass(frozen=True)
class _Where:
    file: str
    line: int

    def problem(self, column: str, what: str) -> InvalidPastBills:
        return InvalidPastBills(f"{self.file} line {self.line}, column {column}: {what}")


def _past_bill(row: dict[str, str], where: _Where, known: _Known) -> PastBill:
    for column in ("state", "session", "identifier", "title", "framework"):
        if not row[column]:
            raise where.problem(column, f"it is empty; give the bill's {column}.")
    state = row["state"].lower()
    if state not in known.states:
        raise where.problem("state", f"{row['state']!r} is not a state's postal code (such as mo).")
    if not _IDENTIFIER.match(row["identifier"]):
        raise where.problem("identifier", f'{row["identifier"]!r} is not a bill number such as "SB 775".')
    framework = row["framework"]
    if framework not in known.areas:
        raise where.problem("framework", f"{framework!r} is not a framework of frameworks.csv.")
    return PastBill(
        state=state,
        session=row["session"],
        session_name=row["session_name"],
        identifier=row["identifier"],
        title=row["title"],
        outcome=_outcome(row["outcome"], where),
        outcome_date=_outcome_date(row["outcome_date"], where),
        framework=framework,
        areas=_areas(row["areas"], known.areas[framework], framework, where),
        note=row["note"],
        sources=_sources(row["source"], where),
    )


def _outcome(value: str, where: _Where) -> PastOutcome:
    try:
        return PastOutcome(value)
    except ValueError:
        choices = ", ".join(outcome.value for outcome in PastOutcome)
        raise where.problem(
            "outcome",
            f"{value!r} is not an outcome; use one of {choices} (no-final-action-found when unsure).",
        ) from None


def _outcome_date(value: str, where: _Where) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise where.problem("outcome_date", f"{value!r} is not a date; write it as 2022-06-30.") from None


def _areas(value: str, codes: frozenset[str], framework: str, where: _Where) -> tuple[str, ...]:
    areas = tuple(code.strip() for code in value.split(";") if code.strip())
    if not areas:
        raise where.problem(
            "areas", "it is empty; give the issue-area codes the bill addressed, such as 2;6."
        )
    for code in areas:
        if code not in codes:
            raise where.problem(
                "areas",
                f"{code!r} is not an issue area of the {framework} framework; "
                f"use {', '.join(sorted(codes))}.",
            )
    return areas


def _sources(value: str, where: _Where) -> tuple[str, ...]:
    parts = [part.strip() for part in value.split(";") if part.strip()]
    if not parts:
        raise where.problem("source", "it is empty; give the web address that establishes the outcome.")
    for part in parts:
        if not outside_url(part):
            raise where.problem("source", f"{part!r} is not a web address (http or https).")
    return tuple(parts)


def past_bills_by_area(
    state_abbr: str, framework_key: str, current: Iterable[Bill]
) -> dict[str, list[PastBill]]:
    """Issue-area code → the state's past bills that addressed it, newest session first. A bill the
    state's current list already holds (same session and number) is left to that list."""
    kept = {(bill.session, _folded(bill.identifier)) for bill in current}
    found: dict[str, list[PastBill]] = {}
    mine = [
        bill
        for bill in past_bills()
        if bill.state == state_abbr
        and bill.framework == framework_key
        and (bill.session, _folded(bill.identifier)) not in kept
    ]
    for bill in sorted(mine, key=lambda bill: bill.session, reverse=True):
        for code in bill.areas:
            found.setdefault(code, []).append(bill)
    return found


def _folded(identifier: str) -> str:
    return " ".join(identifier.upper().split())
