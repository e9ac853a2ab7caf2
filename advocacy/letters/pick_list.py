"""The letter form's list of lawmakers to tick: drawn once per state (or campaign), then kept.

A state's list is the longest part of the form (192 lawmakers in Missouri), and a Preview draws the
form again. Each lawmaker's item is drawn once, kept until a write moves the cache generation on,
and a request only leaves out the lawmakers already chosen.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import groupby
from operator import attrgetter

from flask import get_template_attribute
from markupsafe import Markup

from advocacy.caching import LONG, kept
from advocacy.legislators.lookup import Member
from advocacy.models import Legislator


@dataclass(frozen=True)
class PickChoices:
    """What one form shows: each chamber's name and its items, and how many lawmakers in all."""

    chambers: list[tuple[str, Markup]]
    count: int


@dataclass(frozen=True)
class PickList:
    """Each chamber's name and its lawmakers' ids and drawn items, in the form's order."""

    chambers: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]

    def without(self, chosen: Iterable[str]) -> PickChoices:
        """The list less the lawmakers already chosen (shown ticked above it)."""
        left_out = set(chosen)
        chambers, count = [], 0
        for chamber, items in self.chambers:
            shown = [item for person_id, item in items if person_id not in left_out]
            if shown:
                chambers.append((chamber, Markup("\n".join(shown))))
                count += len(shown)
        return PickChoices(chambers, count)


def pick_list(abbr: str, campaign: str, people: Iterable[Member | Legislator]) -> PickList:
    """The form's list for this state, or for this campaign's targets (`campaign`: its slug)."""
    return kept(f"pick-list:{abbr}:{campaign}", LONG, lambda: _drawn(people))


def _drawn(people: Iterable[Member | Legislator]) -> PickList:
    item = get_template_attribute("letters/_pick_list.html", "pick_item")
    by_chamber = sorted(people, key=attrgetter("chamber_name"))  # stable: each chamber keeps its order
    return PickList(
        tuple(
            (chamber, tuple((person.id, str(item(person))) for person in group))
            for chamber, group in groupby(by_chamber, key=attrgetter("chamber_name"))
        )
    )
