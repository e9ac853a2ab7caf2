"""Source lines for report-card facts: Shared Hope International, who graded, always named first;
the outlet that reported the figure after it, never as the figure's source on its own."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from advocacy.links import outside_url

PUBLISHER = "Shared Hope International"
OUTLETS_FILE = Path(__file__).resolve().parent.parent / "data" / "outlets.csv"
# Dates as news sites put them in their addresses: /2024/02/04/, /2023/Nov/21/, /2022-08-31/.
_DATED_PATH = re.compile(
    r"/(?P<year>20\d\d)[/-](?P<month>\d\d|[A-Z][a-z]{2})(?:[/-]\d\d)?(?:/|$)", re.IGNORECASE
)
MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


@dataclass(frozen=True)
class SourceLine:
    """One source of a report-card fact, as a page says it:

    "Shared Hope International, 2023 Report Cards on …, as reported by Breitbart News (February 2024)".
    """

    work: str  # what Shared Hope published: "2023 Report Cards on Child & Youth Sex Trafficking"
    url: str  # the page to link: Shared Hope's own where the source names one; "" when none is a web address
    outlet: str  # who reported it, "" when the link is Shared Hope's own page
    when: str  # "February 2024" when the outlet's address dates it, else ""

    @property
    def publisher(self) -> str:
        return PUBLISHER


@cache
def outlet_names() -> dict[str, str]:
    """Site names by host, from advocacy/data/outlets.csv."""
    with OUTLETS_FILE.open(encoding="utf-8", newline="") as rows:
        return {row["host"]: row["name"] for row in csv.DictReader(rows)}


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").removeprefix("www.")


def _own(url: str) -> bool:
    host = _host(url)
    return host == "sharedhope.org" or host.endswith(".sharedhope.org")


def _month_of(url: str) -> str:
    found = _DATED_PATH.search(urlsplit(url).path)
    if not found:
        return ""
    month = found["month"]
    if month.isdigit():
        number = int(month)
    else:
        number = next((i + 1 for i, name in enumerate(MONTHS) if name[:3].lower() == month.lower()), 0)
    return f"{MONTHS[number - 1]} {found['year']}" if 1 <= number <= 12 else ""


def source_line(source: str | None, work: str) -> SourceLine:
    """The line for `source` (one address, or several separated by ";") about Shared Hope's `work`.

    Shared Hope's own page wins when the source lists one; otherwise the first web address is
    the outlet that reported the figure, named by its site and dated from its address.
    """
    urls = [url for part in (source or "").split(";") if (url := outside_url(part.strip()))]
    own = next((url for url in urls if _own(url)), "")
    if own or not urls:
        return SourceLine(work=work, url=own, outlet="", when="")
    first = urls[0]
    host = _host(first)
    return SourceLine(work=work, url=first, outlet=outlet_names().get(host, host), when=_month_of(first))
