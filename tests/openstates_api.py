"""A stand-in for Open States API v3 on pytest-httpserver, answering in the API's own shapes.

The shapes follow the API's OpenAPI document and its code (openstates/api-v3): the envelope
`{"results": [...], "pagination": {...}}`, at most 20 bills a page, includes that are omitted
unless asked for, errors as `{"detail": ...}` (403 without a key, 401 with a wrong one, 429 over
the rate limit). The Missouri bills are real (sources named on each); their ids are made up.
"""

from __future__ import annotations

import json
import math
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from werkzeug.wrappers import Request, Response

KEY = "test-key-0123456789"
INVALID_KEY = "Invalid API Key. Login and visit https://openstates.org/account/profile/ for your API key."

# Missouri's sessions as its Open States metadata lists them (openstates-scrapers scrapers/mo):
# special sessions start after the regular one of their year and are classified alike.
MISSOURI_SESSIONS = [
    {"identifier": "2025", "name": "2025 Regular Session", "classification": "primary",
     "start_date": "2025-01-08", "end_date": "2025-05-30"},
    {"identifier": "2025S1", "name": "2025 First Extraordinary Session", "classification": "primary",
     "start_date": "2025-06-02", "end_date": "2025-06-16"},
    {"identifier": "2025S2", "name": "2025 Second Extraordinary Session", "classification": "primary",
     "start_date": "2025-09-03", "end_date": "2025-09-17"},
    {"identifier": "2026", "name": "2026 Regular Session", "classification": "primary",
     "start_date": "2026-01-07", "end_date": "2026-05-15"},
]  # fmt: skip


HOUSE = {"id": f"ocd-organization/{uuid.UUID(int=9)}", "name": "House", "classification": "lower"}


def person(n: int) -> str:
    return f"ocd-person/{uuid.UUID(int=n)}"


def bill(
    n: int,
    identifier: str,
    title: str,
    *,
    session: str = "2026",
    sponsors: list[tuple[str, int | None, bool]] = (),  # (name, person number or None, primary)
    actions: list[tuple[str, str]] = (),  # (date, description), oldest first
    abstract: str = "",
    updated_at: str = "2026-02-06T10:00:00+00:00",
) -> dict:
    """A bill as GET /bills returns it with include=sponsorships, actions, abstracts and sources."""
    chamber = "house" if identifier.startswith("H") else "senate"
    page = f"https://www.{chamber}.mo.gov/bill.aspx?bill={identifier.replace(' ', '')}&year={session}"
    return {
        "id": f"ocd-bill/{uuid.UUID(int=1000 + n)}",
        "session": session,
        "jurisdiction": {
            "id": "ocd-jurisdiction/country:us/state:mo/government",
            "name": "Missouri",
            "classification": "state",
        },
        "from_organization": HOUSE,
        "identifier": identifier,
        "title": title,
        "classification": ["bill"],
        "subject": [],
        "extras": {},
        "created_at": "2025-12-01T12:00:00+00:00",
        "updated_at": updated_at,
        "openstates_url": f"https://openstates.org/mo/bills/{session}/{identifier.replace(' ', '')}/",
        "first_action_date": actions[0][0] if actions else None,
        "latest_action_date": actions[-1][0] if actions else None,
        "latest_action_description": actions[-1][1] if actions else None,
        "latest_passage_date": None,
        "sponsorships": [
            {
                "id": f"{uuid.UUID(int=5000 + n * 10 + i)}",
                "name": name,
                "entity_type": "person",
                "organization": None,
                "person": None
                if number_ is None
                else {"id": person(number_), "name": name, "party": "Republican", "current_role": None},
                "primary": primary,
                "classification": "primary" if primary else "cosponsor",
            }
            for i, (name, number_, primary) in enumerate(sponsors)
        ],
        "actions": [
            {
                "id": f"{uuid.UUID(int=7000 + n * 10 + i)}",
                "organization": HOUSE,
                "description": description,
                "date": day,
                "classification": [],
                "order": i + 1,
            }
            for i, (day, description) in enumerate(actions)
        ],
        "abstracts": [{"abstract": abstract, "note": ""}] if abstract else [],
        "sources": [
            {"url": page, "note": ""}
        ],
    }  # fmt: skip


# HB 2273 and HB 1946 (2026): KBIA / Missouri News Network, 2026-02-05; MO House, Children and
# Families Committee hearing of 2026-01-20 (as listed in ../shared/data/openstates-bills).
HB_2273 = bill(
    1,
    "HB 2273",
    "Modifies provisions relating to the protection of children and vulnerable persons",
    sponsors=[("Ed Lewis", 11, True)],
    actions=[("2026-01-07", "Introduced and Read First Time (H)"), ("2026-02-05", "Perfected (H)")],
    abstract=(
        "Lets victims of child sex trafficking bring a civil action for damages up to twenty years after "
        "turning twenty-one; allows expungement of prostitution offenses committed as a trafficking "
        "victim; raises penalties for patronizing prostitution involving a minor."
    ),
)
HB_1946 = bill(
    2,
    "HB 1946",
    "Relating to anti-trafficking efforts",
    sponsors=[("Jeff Myers", 12, True), ("Unknown Cosponsor", 99, False)],
    actions=[
        ("2026-01-07", "Introduced and Read First Time (H)"),
        ("2026-01-20", "Public Hearing Completed (H)"),
    ],
    abstract=(
        "Requires sex and human trafficking training for law enforcement, prosecutors and juvenile officers."
    ),
)
# A 2025 bill, in a session the app must not pick: HB 224 (2025), MO House newsroom.
HB_224 = bill(
    3,
    "HB 224",
    "Modifies provisions relating to the protection of vulnerable persons",
    session="2025",
    sponsors=[("Jeff Myers", 12, True)],
    actions=[("2025-02-13", "Voted Do Pass with HCS (H)")],
    abstract="Creates the Committee on Sex and Human Trafficking Training.",
    updated_at="2025-02-14T10:00:00+00:00",
)


def made_up_bills(count: int, start: int = 100) -> list[dict]:
    """Invented 2026 trafficking bills, to fill several pages."""
    return [
        bill(
            start + i,
            f"HB {3000 + i}",
            f"Relating to human trafficking prevention training, part {i + 1}",
            actions=[("2026-03-01", "Referred to Committee (H)")],
        )
        for i in range(count)
    ]


@dataclass
class StandIn:
    """What the stand-in serves and what it was asked."""

    bills: list[dict] = field(default_factory=lambda: [HB_2273, HB_1946, HB_224])
    sessions: list[dict] = field(default_factory=lambda: list(MISSOURI_SESSIONS))
    failures: list[tuple[int, str]] = field(default_factory=list)  # answered first, one per request
    asked: list[Request] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)

    def handle(self, request: Request) -> Response:
        self.asked.append(request)
        key = request.headers.get("X-API-KEY") or request.args.get("apikey")
        self.keys.append(key or "")
        if self.failures:
            status, detail = self.failures.pop(0)
            return _json({"detail": detail}, status)
        if not key:
            return _json(
                {"detail": "Must provide API Key as ?apikey or X-API-KEY. Login and visit "
                 "https://openstates.org/account/profile/ for your API key."},
                403,
            )  # fmt: skip
        if key != KEY:
            return _json({"detail": INVALID_KEY}, 401)
        if request.path.startswith("/jurisdictions/"):
            return self._jurisdiction(request)
        if request.path == "/bills":
            return self._bills(request)
        return _json({"detail": "Not Found"}, 404)

    def _jurisdiction(self, request: Request) -> Response:
        answer = {
            "id": "ocd-jurisdiction/country:us/state:mo/government",
            "name": "Missouri",
            "classification": "state",
            "division_id": "ocd-division/country:us/state:mo",
            "url": "https://www.mo.gov",
        }
        if "legislative_sessions" in request.args.getlist("include"):
            answer["legislative_sessions"] = [{**s, "downloads": []} for s in self.sessions]
        return _json(answer)

    def _bills(self, request: Request) -> Response:
        args = request.args
        per_page = int(args.get("per_page", "10"))
        if not 1 <= per_page <= 20:
            return _json({"detail": "invalid per_page, must be in [1, 20]"}, 400)
        found = [
            b
            for b in self.bills
            if b["session"] == args.get("session", b["session"])
            and args.get("jurisdiction") == "mo"
            and (
                "updated_since" not in args
                or datetime.fromisoformat(b["updated_at"]).replace(tzinfo=None)
                >= datetime.fromisoformat(args["updated_since"])
            )
        ]
        found.sort(key=lambda b: b["updated_at"], reverse=True)
        max_page = max(1, math.ceil(len(found) / per_page))
        page = int(args.get("page", "1"))
        if not 1 <= page <= max_page:
            return _json({"detail": f"invalid page, must be in [1, {max_page}]"}, 404)
        includes = set(args.getlist("include"))
        results = [
            {
                k: v
                for k, v in b.items()
                if k not in {"sponsorships", "actions", "abstracts", "sources"} or k in includes
            }
            for b in found[(page - 1) * per_page : page * per_page]
        ]
        pagination = {"per_page": per_page, "page": page, "max_page": max_page, "total_items": len(found)}
        return _json({"results": results, "pagination": pagination})


def _json(body: dict, status: int = 200) -> Response:
    return Response(json.dumps(body), status=status, content_type="application/json")
