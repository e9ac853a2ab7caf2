"""Census state legislative districts → the district names Open States gives them."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from advocacy.clients.census import LegislativeDistrict

# Idaho elects two representatives per legislative district, to seats Open States calls "1A" and
# "1B", while the Census draws the district once. Elsewhere (MN 1A, MD 47B) a letter after the
# number marks an area of its own, so a bare number must not stand for all its lettered areas.
SEATS_SHARING_A_DISTRICT = frozenset({("id", "lower")})

ORDINAL_WORDS = {
    word: f"{n}{'st' if n == 1 else 'nd' if n == 2 else 'rd' if n == 3 else 'th'}"
    for n, word in enumerate(
        [
            "first",
            "second",
            "third",
            "fourth",
            "fifth",
            "sixth",
            "seventh",
            "eighth",
            "ninth",
            "tenth",
            "eleventh",
            "twelfth",
            "thirteenth",
            "fourteenth",
            "fifteenth",
            "sixteenth",
            "seventeenth",
            "eighteenth",
            "nineteenth",
            "twentieth",
        ],
        start=1,
    )
}
# Words the Census puts around a district's name ("State House District Belknap 01",
# "Addison Senatorial District") that Open States leaves out; "and" because the Census writes
# "Norfolk-Plymouth-Bristol" where Open States writes "Norfolk, Plymouth and Bristol".
FILLER_WORDS = frozenset(
    {"and", "assembly", "district", "house", "legislative", "senate", "senatorial", "state", "subdistrict"}
)


def openstates_districts(
    district: LegislativeDistrict, candidates: Iterable[str], *, state_abbr: str, chamber: str
) -> tuple[str, ...]:
    """The Open States district(s) that a Census district is, chosen among `candidates`.

    `candidates` are the district names Open States uses for that state's chamber. The answer is
    empty for the Census's "no district" code (ZZZ) and whenever the district cannot be told with
    certainty: the caller reports it, and nobody is guessed.
    """
    if district.unassigned:
        return ()
    choices = set(candidates)
    by_key: dict[str, list[str]] = {}
    for candidate in choices:
        by_key.setdefault(_key(candidate), []).append(candidate)
    by_key.pop("", None)
    # The code settles numbered districts (019 → 19, 01A → 1A, 00A → A); the name settles MA, the
    # NH House, VT and DC wards, whose Census codes (D08, 101, A-1) bear no relation to the names.
    # Should code and name point at different districts, neither is trusted.
    found: set[str] = set()
    for text in (district.code, district.name, district.basename):
        matches = by_key.get(_key(text), [])
        if len(matches) == 1:
            found.add(matches[0])
    if found:
        return tuple(found) if len(found) == 1 else ()
    if (state_abbr, chamber) in SEATS_SHARING_A_DISTRICT:
        number = _key(district.code)
        if number.isdigit():
            return tuple(sorted(c for c in choices if re.fullmatch(rf"{number}[a-z]", _key(c))))
    return ()


@lru_cache(maxsize=16_384)  # every lookup keys all of a chamber's district names: 7,000 in all
def _key(text: str) -> str:
    """What identifies a district name: "Second Worcester District" and "2nd Worcester" → "2nd worcester"."""
    text = re.sub(r"[\W_]+", " ", text.casefold().replace("&", " and "))
    text = re.sub(r"\b(north|south) (east|west)\b", r"\1\2", text)  # VT "South East" = "Southeast"
    words = (ORDINAL_WORDS.get(word, word) for word in text.split() if word not in FILLER_WORDS)
    return " ".join(word.lstrip("0") or "0" for word in words)  # "Belknap 01", code "019"
