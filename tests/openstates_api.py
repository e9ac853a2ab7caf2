"""A stand-in for Open States API v3 on pytest-httpserver, answering in the API's own shapes.

The shapes follow the API's OpenAPI document and its code (openstates/api-v3): the envelope
`{"results": [...], "pagination": {...}}`, at most 20 bills a page, includes that are omitted
unless asked for, errors as `{"detail": ...}` (403 without a key, 401 with a wrong one, 429 over
the rate limit). The Missouri bills are real (sources named on each); their ids are made up.
"""

from __future__ import annotations

import json
import math
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from flask import Flask
from pytest_httpserver import HTTPServer
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


# The session that follows, as Missouri's metadata would list it once it is added (pre-filing
# opens on 1 December; the session starts on the first Wednesday after the first Monday of January).
MISSOURI_2027 = {"identifier": "2027", "name": "2027 Regular Session", "classification": "primary",
                 "start_date": "2027-01-06", "end_date": "2027-05-14"}  # fmt: skip

HOUSE = {"id": f"ocd-organization/{uuid.UUID(int=9)}", "name": "House", "classification": "lower"}
SENATE = {"id": f"ocd-organization/{uuid.UUID(int=8)}", "name": "Senate", "classification": "upper"}


def person(n: int) -> str:
    return f"ocd-person/{uuid.UUID(int=n)}"


def organization(n: int) -> str:
    return f"ocd-organization/{uuid.UUID(int=n)}"


def committee(n: int, name: str, chamber: dict, members: list[tuple[str, int | None, str]] = ()) -> dict:
    """A committee as GET /committees returns it with include=memberships and sources."""
    return {
        "id": organization(n),
        "name": name,
        "classification": "committee",
        "parent_id": chamber["id"],
        "extras": {},
        "memberships": [
            {
                "person_name": member_name,
                "role": role,
                "person": None
                if number_ is None
                else {"id": person(number_), "name": member_name, "party": "Republican",
                      "current_role": None},
            }
            for member_name, number_, role in members
        ],
        "sources": [{"url": "https://www.house.mo.gov/Committees.aspx", "note": ""}],
    }  # fmt: skip


# Missouri's real committees (names from missouri-bills.csv: the House Children and Families
# Committee heard HB 1946; the House General Laws Committee voted HB 224 "Do Pass"); the ids and
# the memberships are made up.
CHILDREN_AND_FAMILIES = committee(
    20,
    "Children and Families",
    HOUSE,
    [("Alex Chair", 21, "Chair"), ("Sam Vice", 22, "Vice Chair"), ("Ed Lewis", 11, "member"),
     ("Unlisted Member", None, "member")],
)  # fmt: skip
GENERAL_LAWS = committee(21, "General Laws", HOUSE, [("Jeff Myers", 12, "member")])
SENATE_JUDICIARY = committee(
    22, "Judiciary and Civil and Criminal Jurisprudence", SENATE, [("Pat Senator", 23, "Chair")]
)


def action(
    day: str,
    description: str,
    classification: list[str] = (),
    committee_: dict | None = None,
    chamber: dict = HOUSE,
) -> tuple:
    """An action for bill(): with a referral's committee as its related entity."""
    return (day, description, list(classification), committee_, chamber)


def _action(
    number_: int,
    order: int,
    day: str,
    description: str,
    classification: list[str] = (),
    committee_: dict | None = None,
    chamber: dict = HOUSE,
) -> dict:
    return {
        "id": f"{uuid.UUID(int=7000 + number_)}",
        "organization": chamber,
        "description": description,
        "date": day,
        "classification": list(classification),
        "order": order,
        "related_entities": []
        if committee_ is None
        else [{"name": committee_["name"], "entity_type": "organization",
               "organization": {"id": committee_["id"], "name": committee_["name"],
                                "classification": "committee"},
               "person": None}],
    }  # fmt: skip


def bill(
    n: int,
    identifier: str,
    title: str,
    *,
    session: str = "2026",
    sponsors: list[tuple[str, int | None, bool]] = (),  # (name, person number or None, primary)
    actions: list[tuple] = (),  # (date, description) or action(...), oldest first
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
        "actions": [_action(n * 10 + i, i + 1, *a) for i, a in enumerate(actions)],
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
    actions=[
        ("2026-01-07", "Introduced and Read First Time (H)"),
        action(
            "2026-01-08", "Referred: Children and Families (H)", ["referral-committee"], CHILDREN_AND_FAMILIES
        ),
        action("2026-01-27", "Voted Do Pass (H)", ["committee-passage-favorable"]),
        action("2026-02-05", "Perfected (H)", ["reading-2"]),
    ],
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
        action(
            "2026-01-08", "Referred: Children and Families (H)", ["referral-committee"], CHILDREN_AND_FAMILIES
        ),
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


def moved(record: dict, *actions_: tuple) -> dict:
    """The bill after more actions (made with action()): updated now, so the next refresh asks for it."""
    added = [
        dict(
            _action(0, len(record["actions"]) + i + 1, *a),
            id=str(uuid.uuid5(uuid.NAMESPACE_URL, f"{record['id']}/{i}")),
        )
        for i, a in enumerate(actions_)
    ]
    latest = added[-1] if added else record["actions"][-1]
    return dict(
        record,
        actions=[*record["actions"], *added],
        latest_action_date=latest["date"],
        latest_action_description=latest["description"],
        updated_at="2099-01-01T00:00:00+00:00",
    )


def event(
    n: int,
    starts: str,
    committee_: dict,
    bills: list[dict],
    *,
    status: str = "confirmed",
    location: str = "House Hearing Room 4",
) -> dict:
    """A committee hearing as GET /events returns it with include=agenda, sources and participants."""
    return {
        "id": f"ocd-event/{uuid.UUID(int=9000 + n)}",
        "name": f"{committee_['name']} Hearing",
        "jurisdiction": {"id": "ocd-jurisdiction/country:us/state:mo/government", "name": "Missouri",
                         "classification": "state"},
        "description": "Public hearing on the bills listed",
        "classification": "committee-meeting",
        "start_date": starts,
        "end_date": "",
        "all_day": False,
        "status": status,
        "upstream_id": f"mo-{n}",
        "deleted": False,
        "location": {"name": location, "url": ""},
        "sources": [{"url": f"https://www.house.mo.gov/HearingsTimeOrder.aspx?n={n}", "note": ""}],
        "participants": [{"note": "host", "name": committee_["name"], "entity_type": "organization",
                          "organization": {"id": committee_["id"], "name": committee_["name"],
                                           "classification": "committee"},
                          "person": None}],
        "agenda": [
            {"description": b["identifier"], "classification": [], "order": i + 1, "subjects": [],
             "notes": [], "extras": {}, "media": [],
             "related_entities": [{"note": "", "name": b["identifier"], "entity_type": "bill",
                                   "bill": {"id": b["id"], "session": b["session"],
                                            "identifier": b["identifier"], "title": b["title"]}}]}
            for i, b in enumerate(bills)
        ],
    }  # fmt: skip


@dataclass
class StandIn:
    """What the stand-in serves and what it was asked."""

    bills: list[dict] = field(default_factory=lambda: [HB_2273, HB_1946, HB_224])
    sessions: list[dict] = field(default_factory=lambda: list(MISSOURI_SESSIONS))
    committees: list[dict] = field(
        default_factory=lambda: [CHILDREN_AND_FAMILIES, GENERAL_LAWS, SENATE_JUDICIARY]
    )
    events: list[dict] = field(default_factory=list)
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
        if request.path == "/committees":
            chamber = request.args.get("chamber")
            parents = {"upper": SENATE["id"], "lower": HOUSE["id"]}
            found = [c for c in self.committees if chamber is None or c["parent_id"] == parents.get(chamber)]
            return _page(request, found, {"memberships", "sources", "links"})
        if request.path == "/events":
            return _page(request, self._events(request), {"agenda", "sources", "participants", "links"})
        return _json({"detail": "Not Found"}, 404)

    def _events(self, request: Request) -> list[dict]:
        after, before = request.args.get("after", ""), request.args.get("before", "9999")
        return [
            e
            for e in self.events
            if after <= e["start_date"] < before
            and (e["agenda"] or request.args.get("require_bills") != "true")
        ]

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


def _page(request: Request, found: list[dict], includes: set[str]) -> Response:
    """A list in the API's envelope (CommitteeList, EventList): 20 at most a page (10 unless
    asked), includes omitted unless asked for, 404 past the last page."""
    per_page = int(request.args.get("per_page", "10"))
    if not 1 <= per_page <= 20:
        return _json({"detail": "invalid per_page, must be in [1, 20]"}, 400)
    max_page = max(1, math.ceil(len(found) / per_page))
    page = int(request.args.get("page", "1"))
    if not 1 <= page <= max_page:
        return _json({"detail": f"invalid page, must be in [1, {max_page}]"}, 404)
    asked = set(request.args.getlist("include"))
    results = [
        {k: v for k, v in item.items() if k not in includes or k in asked}
        for item in found[(page - 1) * per_page : page * per_page]
    ]
    pagination = {"per_page": per_page, "page": page, "max_page": max_page, "total_items": len(found)}
    return _json({"results": results, "pagination": pagination})


def _json(body: dict, status: int = 200) -> Response:
    return Response(json.dumps(body), status=status, content_type="application/json")


def serve_open_states(app: Flask, httpserver: HTTPServer, handler: Callable[[Request], Response]) -> None:
    """Point the app at `handler` on the local server, as Open States API v3 with a key it accepts."""
    httpserver.expect_request(re.compile(r"^/(jurisdictions|bills|committees|events)")).respond_with_handler(
        handler
    )
    app.config.update(
        OPENSTATES_API_URL=httpserver.url_for("/").rstrip("/"),
        OPENSTATES_API_KEY=KEY,
        OPENSTATES_API_PER_MINUTE=0,  # no spacing between requests in tests
        OPENSTATES_API_BACKOFF=0.01,
    )
