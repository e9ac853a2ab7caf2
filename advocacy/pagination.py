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


def positive_int(raw: str, name: str, default: int) -> int:
    """A page number or size from a query string, or InvalidQuery saying what would work."""
    raw = raw.strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise InvalidQuery(f"{name} must be a whole number of at least 1, not {raw!r}.")
    return int(raw)
