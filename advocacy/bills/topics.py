"""The topic rubric (advocacy/data/bill_topics.csv): which bills to ask Open States for, and which
report-card issue areas a bill addresses, by the phrases its title and summary use."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

RUBRIC_FILE = Path(__file__).resolve().parent.parent / "data" / "bill_topics.csv"


@dataclass(frozen=True)
class Rubric:
    search: tuple[str, ...]  # phrases, any of which makes a bill a trafficking bill
    phrases: dict[str, tuple[str, ...]]  # issue-area code → phrases that point to it

    def query(self) -> str:
        """Open States' full-text `q`: the search phrases, quoted, joined by OR."""
        return " OR ".join(f'"{phrase}"' for phrase in self.search)

    def area_codes(self, *texts: str) -> list[str]:
        """The issue areas whose phrases begin a word in the texts, in area order."""
        text = " ".join(texts).lower().replace("’", "'")
        return [
            code for code, phrases in self.phrases.items() if any(_starts_a_word(p, text) for p in phrases)
        ]


def _starts_a_word(phrase: str, text: str) -> bool:
    return re.search(r"\b" + re.escape(phrase), text) is not None


@cache
def rubric(path: Path = RUBRIC_FILE) -> Rubric:
    search: list[str] = []
    phrases: dict[str, list[str]] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            area, phrase = row["area"].strip(), row["phrase"].strip().lower()
            if area == "search":
                search.append(phrase)
            else:
                phrases.setdefault(area, []).append(phrase)
    return Rubric(tuple(search), {code: tuple(found) for code, found in sorted(phrases.items())})
