"""The OpenAPI 3.1 description of /api/v1, served at /api/v1/openapi.json.

Written by hand, beside serialisers.py whose shapes it describes; tests/test_openapi.py has
schemathesis send every route what the document allows (and what it does not) and check each
answer against it, so a change to either that the other lacks fails the suite.
"""

from __future__ import annotations

import csv

from advocacy.legislators.service import SORTS
from advocacy.models.committees import HearingStatus
from advocacy.models.legislators import CHAMBERS
from advocacy.pagination import MAX_PAGE
from advocacy.reportcards.loader import DATA_DIR

# Text a request may carry: control characters are refused with a 400 everywhere (request_checks).
TEXT = "^[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]*$"
NUMBER_OR_NULL = {"type": ["number", "null"]}
STRING_OR_NULL = {"type": ["string", "null"]}
STRINGS = {"type": "array", "items": {"type": "string"}}
AREA_NUMBER = {"type": ["integer", "null"], "description": "1 to 6; null for extra credit."}
COUNTS = {"type": "object", "additionalProperties": {"type": "integer"}}


def _object(properties: dict, required: list[str] | None = None) -> dict:
    return {"type": "object", "properties": properties, "required": required or list(properties)}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _listing(item: str) -> dict:
    return _object(
        {
            "items": {"type": "array", "items": _ref(item)},
            "total": {"type": "integer", "minimum": 0},
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1},
        }
    )


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _error(description: str) -> dict:
    return _json(_ref("Error"), description)


HEARING_BRIEF = {
    "starts_at": {
        "type": "string",
        "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}$",
        "description": "The legislature's own wall-clock time, with no time zone: 2026-02-24T09:30.",
    },
    "all_day": {"type": "boolean", "description": "true: only the day is known; starts_at is at 00:00."},
    "location": {"type": "string"},
    "committee": {**STRING_OR_NULL, "description": "The committee that holds it; null when not given."},
}

NOT_MODIFIED = {
    "description": "Not Modified: the copy named by If-None-Match or If-Modified-Since is current."
}
TOO_MANY = _error("Too Many Requests: wait for the time in Retry-After.")

SCHEMAS: dict[str, dict] = {
    "Error": _object(
        {"error": _object({"code": {"type": "string"}, "message": {"type": "string"}})},
    ),
    "Edition": _object(
        {
            "year": {"type": "integer"},
            "key": {"type": "string"},
            "framework": {"type": "string"},
            "framework_key": {"type": "string"},
            "max_total": NUMBER_OR_NULL,
            "release_date": {"type": ["string", "null"], "format": "date"},
            "source": {"type": "string"},
        }
    ),
    "Framework": _object(
        {
            "key": {"type": "string"},
            "name": {"type": "string"},
            "short_name": {"type": "string"},
            "description": {"type": "string"},
            "grade_scale": STRING_OR_NULL,
            "grade_scale_note": {"type": "string"},
            "editions": {"type": "array", "items": {"type": "integer"}},
            "issue_areas": {
                "type": "array",
                "items": _object(
                    {
                        "number": AREA_NUMBER,
                        "code": {"type": "string"},
                        "slug": {"type": "string"},
                        "name": {"type": "string"},
                        "max_points": NUMBER_OR_NULL,
                        "policy_goals": {
                            "type": "array",
                            "items": _object(
                                {
                                    "number": {"type": "string"},
                                    "title": {"type": "string"},
                                    "source": {"type": "string"},
                                }
                            ),
                        },
                        "source": {"type": "string"},
                    }
                ),
            },
            "source": {"type": "string"},
        }
    ),
    "StateSummary": _object(
        {
            "abbr": {"type": "string", "minLength": 2, "maxLength": 2},
            "name": {"type": "string"},
            "latest_grades": {
                "type": "array",
                "items": _object(
                    {"framework": {"type": "string"}, "year": {"type": "integer"}, "grade": STRING_OR_NULL}
                ),
            },
        }
    ),
    "ReportCard": _object(
        {
            "state": {"type": "string"},
            "edition": {"type": "integer"},
            "framework": {"type": "string"},
            "grade": STRING_OR_NULL,
            "total": NUMBER_OR_NULL,
            "extra_credit": NUMBER_OR_NULL,
            "max": NUMBER_OR_NULL,
            "rank": {"type": ["integer", "null"]},
            "source": {"type": "string"},
            "areas": {
                "type": "array",
                "items": _object(
                    {
                        "number": AREA_NUMBER,
                        "code": {"type": "string"},
                        "slug": {"type": "string"},
                        "name": {"type": "string"},
                        "score": NUMBER_OR_NULL,
                        "max_points": NUMBER_OR_NULL,
                        "percent": NUMBER_OR_NULL,
                        "findings": {
                            "type": "array",
                            "items": _object(
                                {
                                    "finding": {"type": "string"},
                                    "area_grade": STRING_OR_NULL,
                                    "lowest": {"type": "boolean"},
                                    "source": {"type": "string"},
                                }
                            ),
                        },
                    }
                ),
            },
            "weakest": {
                "type": "array",
                "description": "The areas a letter should ask about first, and the basis for each.",
                "items": _object(
                    {
                        "number": {"type": "integer"},
                        "slug": {"type": "string"},
                        "name": {"type": "string"},
                        "score": NUMBER_OR_NULL,
                        "max_points": NUMBER_OR_NULL,
                        "percent": NUMBER_OR_NULL,
                        "basis": {"type": "string"},
                        "edition": {"type": ["integer", "null"]},
                        "source": {"type": "string"},
                    }
                ),
            },
            "bills": {
                "type": "array",
                "description": "Bills before the legislature now; `areas` says which they address.",
                "items": _ref("Bill"),
            },
        }
    ),
    "Bill": _object(
        {
            "id": {"type": "integer"},
            "ocd_id": {**STRING_OR_NULL, "description": "Open States' id; null for a bill added by hand."},
            "identifier": {"type": "string", "description": "The legislature's number, such as HB 2273."},
            "title": {"type": "string"},
            "session": {"type": "string"},
            "url": {
                **STRING_OR_NULL,
                "description": "The legislature's page, else Open States': an http(s) address, or null.",
            },
            "latest_action": STRING_OR_NULL,
            "latest_action_date": {**STRING_OR_NULL, "format": "date"},
            "status": {
                "type": "string",
                "enum": ["pending", "enacted", "failed"],
                "description": "From its actions: signed or became law, failed or vetoed, or neither yet.",
            },
            "areas": {**STRINGS, "description": "Slugs of the issue areas the bill addresses."},
            "sponsors": {
                "type": "array",
                "items": _object(
                    {
                        "name": {"type": "string"},
                        "legislator_id": {
                            **STRING_OR_NULL,
                            "description": "The lawmaker's id when this site lists them.",
                        },
                        "primary": {"type": "boolean"},
                    }
                ),
            },
            "added_by_hand": {"type": "boolean"},
            "committee": {
                "description": "The committee that holds the bill now; null once out of committee, "
                "law or failed, or while nothing says.",
                "oneOf": [_ref("BillCommittee"), {"type": "null"}],
            },
            "next_hearing": {
                "description": "Its next hearing, not cancelled, from today on; null if none is known.",
                "oneOf": [_ref("HearingBrief"), {"type": "null"}],
            },
        }
    ),
    "BillCommittee": _object(
        {
            "name": {"type": "string", "description": "Such as House Committee on Children and Families."},
            "chamber": {"type": "string", "enum": list(CHAMBERS)},
            "since": {**STRING_OR_NULL, "format": "date", "description": "When it was referred there."},
        }
    ),
    "HearingBrief": _object(HEARING_BRIEF),
    "Hearing": _object(
        {
            "id": {"type": "integer"},
            **HEARING_BRIEF,
            "status": {"type": "string", "enum": [s.value for s in HearingStatus]},
            "source": {
                **STRING_OR_NULL,
                "description": "Where it can be checked: an http(s) address, or null.",
            },
            "added_by_hand": {"type": "boolean"},
            "bills": {
                "type": "array",
                "description": "The weak-area bills on its agenda: those that address an issue area.",
                "items": _object(
                    {
                        "id": {"type": "integer"},
                        "identifier": {"type": "string"},
                        "title": {"type": "string"},
                        "areas": {**STRINGS, "description": "Slugs of the issue areas the bill addresses."},
                    }
                ),
            },
        }
    ),
    "Legislator": _object(
        {
            "id": {"type": "string"},
            "name": {"type": "string"},
            "chamber": {"type": "string", "enum": list(CHAMBERS)},
            "district": {"type": "string"},
            "party": {"type": "string"},
            "title": {"type": "string"},
            "email": {"type": "string"},
            "email_status": {
                "type": "string",
                "enum": ["ok", "bouncing"],
                "description": "bouncing: letters sent from this site to it bounced, so it sends no more",
            },
            "phone": {"type": "string"},
            "capitol_address": {"type": "string"},
            "district_address": {"type": "string"},
            "links": {**STRINGS, "description": "Web pages about the lawmaker: http(s) addresses only."},
        }
    ),
    "FoundChamber": _object(
        {
            "chamber": {"type": "string"},
            "name": {"type": "string"},
            "districts": STRINGS,
            "legislators": {"type": "array", "items": _ref("Legislator")},
        }
    ),
    "MayAlsoRepresent": _object(
        {
            "why": {"type": "string", "description": "Why they are named; why the lookup cannot say more."},
            "districts": STRINGS,
            "legislators": {"type": "array", "items": _ref("Legislator")},
        }
    ),
    "Lookup": _object(
        {
            "address": {"type": "string", "description": "The address as the Census matched it."},
            "state": {"type": "string"},
            "upper": {"oneOf": [_ref("FoundChamber"), {"type": "null"}]},
            "lower": {"oneOf": [_ref("FoundChamber"), {"type": "null"}]},
            "problems": STRINGS,
            "may_also_represent": {
                "description": (
                    "Lawmakers who may also represent the address, though the lookup cannot tell "
                    "(New Hampshire's floterial House districts, which the Census does not map); "
                    "not in upper or lower, and not written to by write_url. Null when there are none."
                ),
                "oneOf": [_ref("MayAlsoRepresent"), {"type": "null"}],
            },
            "write_url": STRING_OR_NULL,
        }
    ),
    "CampaignStats": _object(
        {
            "campaign": {"type": "string"},
            "goal": {"type": ["integer", "null"]},
            "letters": {"type": "integer"},
            "sent": {
                "type": "integer",
                "description": "sent_reported + sent_confirmed: the count toward the goal",
            },
            "drafts": {"type": "integer", "description": "saved, never opened in an email app"},
            "opened": {"type": "integer", "description": "opened in an email app, not known to be sent"},
            "sent_reported": {"type": "integer", "description": "sent, as the writer reported"},
            "sent_confirmed": {
                "type": "integer",
                "description": "sent, as observed: a copy arrived, this site sent it, or an answer came",
            },
            "not_delivered": {"type": "integer", "description": "refused by the office's mail server"},
            "answered": {"type": "integer"},
            "timeline": {
                "type": "array",
                "items": _object(
                    {
                        "date": {"type": "string"},
                        **{
                            name: {"type": "integer"}
                            for name in ("drafts", "opened", "sent_reported", "sent_confirmed")
                        },
                        "not_delivered": {"type": "integer"},
                        "answered": {"type": "integer"},
                    }
                ),
            },
            "reply_rate": {"type": ["number", "integer", "null"]},
            "replies": COUNTS,
            "outcomes": COUNTS,
            "channels": COUNTS,
            "areas": COUNTS,
            "per_day": {
                "type": "array",
                "items": _object({"date": {"type": "string"}, "letters": {"type": "integer"}}),
            },
            "lawmakers": {"type": "array", "items": {"type": "object"}},
            "not_reached": STRINGS,
        }
    ),
}


def _area_keys() -> list[str]:
    """What `area=` takes: each issue area's number and slug in the featured framework's data."""
    with (DATA_DIR / "frameworks.csv").open(encoding="utf-8", newline="") as handle:
        featured = next(row["key"] for row in csv.DictReader(handle) if row["featured"] == "yes")
    with (DATA_DIR / "issue_areas.csv").open(encoding="utf-8", newline="") as handle:
        areas = [
            row for row in csv.DictReader(handle) if row["framework"] == featured and row["code"].isdigit()
        ]
    return [row["code"] for row in areas] + [row["slug"] for row in areas]


def _state(description: str = "A two-letter postal code, such as mo or dc.") -> dict:
    return {
        "name": "abbr",
        "in": "path",
        "required": True,
        "description": description,
        "schema": {"type": "string", "pattern": "^[A-Za-z]{2}$"},
    }


def _query(name: str, schema: dict, description: str) -> dict:
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema}


def _get(
    summary: str, ok: dict, *extra: tuple[int, str], parameters: list | None = None, cached: bool = False
) -> dict:
    responses = {
        "200": ok,
        # Anywhere: a parameter (named or not) that holds a control character.
        "400": _error("Bad Request: a parameter holds a control character; the message names it."),
        **{str(code): _error(text) for code, text in extra},
        "429": TOO_MANY,
    }
    if cached:
        responses["304"] = NOT_MODIFIED
    operation = {"summary": summary, "responses": responses}
    if parameters:
        operation["parameters"] = parameters
    return {"get": operation}


def document() -> dict:
    """The whole OpenAPI document."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Advocacy API",
            "version": "1",
            "description": (
                "Read-only facts behind the site: report cards with their sources, and each state's "
                "lawmakers. Lists answer {items, total, page, per_page}; errors answer "
                "{error: {code, message}} with a message that says what to change. Anonymous callers "
                "are limited per address (429 with Retry-After)."
            ),
        },
        "servers": [{"url": "/"}],
        "paths": {**_report_card_paths(), **_lawmaker_paths()},
        "components": {"schemas": SCHEMAS},
    }


def _report_card_paths() -> dict:
    """Editions, frameworks, states, a state's report card and its bills."""
    edition = _query(
        "edition",
        {"type": "string", "pattern": "^[0-9]{4}$"},
        "A report-card year such as 2023; the state's latest card when left out.",
    )
    return {
        "/api/v1/editions": _get(
            "Every report-card edition, oldest first.",
            _json(_listing("Edition"), "The editions."),
            cached=True,
        ),
        "/api/v1/frameworks": _get(
            "Every grading framework with its issue areas and policy goals.",
            _json(_listing("Framework"), "The frameworks."),
            cached=True,
        ),
        "/api/v1/states": _get(
            "Every state, DC and Puerto Rico, with its latest grade per framework.",
            _json(_listing("StateSummary"), "The states."),
            cached=True,
        ),
        "/api/v1/states/{abbr}/report-card": _get(
            "A state's report card: each area's score and findings, and its weakest areas.",
            _json(_ref("ReportCard"), "The report card."),
            (400, "Bad Request: the edition is not a four-digit year."),
            (404, "Not Found: no such state, or no card for that year."),
            parameters=[_state(), edition],
            cached=True,
        ),
        "/api/v1/states/{abbr}/bills": _get(
            "The trafficking bills before a state's legislature in its current session.",
            _json(_listing("Bill"), "Every bill, newest action first."),
            (400, "Bad Request: no such issue area."),
            (404, "Not Found: no such state."),
            parameters=[
                _state(),
                _query(
                    "area",
                    {"type": "string", "enum": _area_keys()},
                    "Only bills on this issue area: its number (1 to 6) or slug.",
                ),
            ],
            cached=True,
        ),
        "/api/v1/states/{abbr}/hearings": _get(
            "A state's upcoming committee hearings, soonest first, with the weak-area bills on each agenda.",
            _json(_listing("Hearing"), "Every hearing from today on that is not cancelled."),
            (404, "Not Found: no such state."),
            parameters=[_state()],
            cached=True,
        ),
    }


def _lawmaker_paths() -> dict:
    """A state's lawmakers, the address lookup, a campaign's figures, and this document."""
    return {
        "/api/v1/states/{abbr}/legislators": _get(
            "A state's sitting lawmakers, by chamber and district, a page at a time.",
            _json(_listing("Legislator"), "A page of lawmakers."),
            (400, "Bad Request: a parameter is out of range, or holds a control character."),
            (404, "Not Found: no such state."),
            parameters=_legislator_parameters(),
            cached=True,
        ),
        "/api/v1/lookup": _get(
            "The lawmakers for a home address, found through the US Census Geocoder.",
            _json(_ref("Lookup"), "The state, its districts for the address and their members."),
            (400, "Bad Request: no address, or one over 200 characters."),
            (404, "Not Found: the Census found no such address, or found it outside the states."),
            (
                503,
                "Service Unavailable: the Census Geocoder is not answering, or (code `busy`, with "
                "Retry-After) this server is already looking up as many addresses as it allows.",
            ),
            parameters=[
                {
                    "name": "address",
                    "in": "query",
                    "required": True,
                    "description": "Street address with city and state, or a ZIP code.",
                    # At least one character that is not a space; no control characters.
                    "schema": {
                        "type": "string",
                        "maxLength": 200,
                        "pattern": "^[^\\s\\x00-\\x1f\\x7f][^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]*$",
                    },
                }
            ],
        ),
        "/api/v1/campaigns/{slug}/stats": _get(
            "A campaign's figures, for its organizer or an admin (the session cookie of the site).",
            _json(_ref("CampaignStats"), "The campaign's figures."),
            (401, "Unauthorized: log in first."),
            (403, "Forbidden: only the campaign's organizer or an admin."),
            (404, "Not Found: no such campaign."),
            parameters=[
                {
                    "name": "slug",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string", "pattern": "^[a-z0-9-]+$"},
                }
            ],
        ),
        "/api/v1/openapi.json": _get(
            "This document.", _json({"type": "object"}, "The OpenAPI 3.1 description of /api/v1.")
        ),
    }


def _legislator_parameters() -> list[dict]:
    """What a state's lawmaker list may be asked for."""
    return [
        _state(),
        _query(
            "q",
            {"type": "string", "maxLength": 100, "pattern": TEXT},
            "Part of a name, or a district; empty: any.",
        ),
        _query("chamber", {"type": "string", "enum": list(CHAMBERS)}, "One chamber only."),
        _query(
            "district",
            {"type": "string", "pattern": TEXT},
            "One district, as the state names it; empty: any.",
        ),
        _query("party", {"type": "string", "pattern": TEXT}, "One party; empty: any."),
        _query("sort", {"type": "string", "enum": list(SORTS)}, "The order; district by default."),
        _query("page", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE}, "From 1."),
        _query("per_page", {"type": "integer", "minimum": 1, "maximum": 500}, "100 by default."),
    ]
