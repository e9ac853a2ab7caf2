"""Pages of results, and the page numbers that come with a query string."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


class InvalidQuery(ValueError):
    """A table or API parameter that cannot be used; the message says what would work."""


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


# No table here has more pages than this; a larger number would only overflow the database's OFFSET.
MAX_PAGE = 100_000


def positive_int(raw: str, name: str, default: int, maximum: int = MAX_PAGE) -> int:
    """A page number or size from a query string, or InvalidQuery saying what would work.

    Only ASCII digits count: str.isdigit() also accepts superscripts and other scripts' digits,
    which int() refuses or reads as numbers nobody typed.
    """
    raw = raw.strip()
    if not raw:
        return default
    digits = raw.lstrip("0")
    if not (raw.isascii() and raw.isdigit()) or not digits:
        raise InvalidQuery(f"{name} must be a whole number of at least 1, not {raw[:40]!r}.")
    if len(digits) > len(str(maximum)) or int(digits) > maximum:
        raise InvalidQuery(f"{name} can be at most {maximum:,}, not {raw[:40]}.")
    return int(digits)
