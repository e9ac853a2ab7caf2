"""Builders for test data: small, made-up lawmakers and bulk files."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import datetime

from sqlalchemy.orm import Session

from advocacy.legislators.sync import BULK_COLUMNS
from advocacy.models import Legislator

# The places the app covers: every state, DC and Puerto Rico. A fact about the country, not about
# the shipped data, so tests may count on it.
JURISDICTIONS = frozenset(
    [
        "al",
        "ak",
        "az",
        "ar",
        "ca",
        "co",
        "ct",
        "de",
        "dc",
        "fl",
        "ga",
        "hi",
        "id",
        "il",
        "in",
        "ia",
        "ks",
        "ky",
        "la",
        "me",
        "md",
        "ma",
        "mi",
        "mn",
        "ms",
        "mo",
        "mt",
        "ne",
        "nv",
        "nh",
        "nj",
        "nm",
        "ny",
        "nc",
        "nd",
        "oh",
        "ok",
        "or",
        "pa",
        "pr",
        "ri",
        "sc",
        "sd",
        "tn",
        "tx",
        "ut",
        "vt",
        "va",
        "wa",
        "wv",
        "wi",
        "wy",
    ]
)


def person_id(n: int) -> str:
    return f"ocd-person/{uuid.UUID(int=n)}"


def make_legislator(session: Session, **overrides: object) -> Legislator:
    n = overrides.pop("n", 1)
    values = {
        "id": person_id(n),
        "state_abbr": "mo",
        "name": f"Jordan Example{n}",
        "given_name": "Jordan",
        "family_name": f"Example{n}",
        "chamber": "upper",
        "district": str(n),
        "party": "Independent",
        "email": f"jordan{n}@senate.example.gov",
        "capitol_address": "201 W. Capitol Ave., Jefferson City, MO 65101",
        "capitol_voice": "573-555-0100",
        "last_seen_at": datetime(2026, 1, 1),
    }
    values.update(overrides)
    legislator = Legislator(**values)
    session.add(legislator)
    session.flush()
    return legislator


def bulk_row(n: int, **overrides: str) -> dict[str, str]:
    row = dict.fromkeys(BULK_COLUMNS, "")
    row.update(
        id=person_id(n),
        name=f"Casey Sample{n}",
        given_name="Casey",
        family_name=f"Sample{n}",
        current_party="Democratic" if n % 2 else "Republican",
        current_district=str(n),
        current_chamber="upper" if n <= 3 else "lower",
        email=f"casey{n}@house.example.gov",
        capitol_address=f"Room {n}, 201 W. Capitol Ave., Jefferson City, MO 65101",
        capitol_voice=f"573-555-01{n:02d}",
    )
    row.update(overrides)
    return row


def bulk_csv(rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, BULK_COLUMNS)  # CRLF line ends, as Open States writes them
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")
