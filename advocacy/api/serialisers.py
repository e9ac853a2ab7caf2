"""Every JSON shape /api/v1 answers with, in one place. The OpenAPI document (openapi.py)
describes these same shapes, and tests/test_openapi.py sends every route through schemathesis
against it, so the two cannot drift apart unnoticed."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from advocacy.bills.hearings import agenda
from advocacy.bills.whereabouts import next_hearing
from advocacy.legislators.lookup import ChamberLookup, MayAlsoRepresent, Member
from advocacy.links import outside_url
from advocacy.models import Bill, Committee, Edition, Framework, Hearing, Legislator, ReportCard, State
from advocacy.models.bills import BillPlace, BillStatus
from advocacy.reportcards.service import CardSummary


def number(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def edition(edition: Edition) -> dict:
    return {
        "year": edition.year,
        "key": edition.key,
        "framework": edition.framework.name,
        "framework_key": edition.framework.key,
        "max_total": number(edition.max_total),
        "release_date": edition.release_date.isoformat() if edition.release_date else None,
        "source": edition.source,
    }


def framework(framework: Framework) -> dict:
    return {
        "key": framework.key,
        "name": framework.name,
        "short_name": framework.short_name,
        "description": framework.description,
        "grade_scale": framework.grade_scale or None,
        "grade_scale_note": framework.grade_scale_note,
        "editions": [edition.year for edition in framework.editions],
        "issue_areas": [
            {
                "number": area.number,
                "code": area.code,
                "slug": area.slug,
                "name": area.name,
                "max_points": number(area.max_points),
                "policy_goals": [
                    {"number": g.number, "title": g.title, "source": g.source} for g in area.policy_goals
                ],
                "source": area.source,
            }
            for area in framework.issue_areas
        ],
        "source": framework.source,
    }


def state(state: State, latest: dict[str, ReportCard]) -> dict:
    """A state with its newest grade under each framework (`latest`: framework name → card)."""
    return {
        "abbr": state.abbr,
        "name": state.name,
        "latest_grades": [
            {"framework": framework, "year": card.edition.year, "grade": card.grade}
            for framework, card in latest.items()
        ],
    }


def committee(bill: Bill) -> dict | None:
    """The committee that holds a pending bill, and since when; null anywhere else."""
    held = bill.committee
    if bill.status != BillStatus.PENDING or bill.place != BillPlace.COMMITTEE or held is None:
        return None
    return {
        "name": held.title,
        "chamber": held.chamber,
        "since": bill.place_since.isoformat() if bill.place_since else None,
    }


def _committee_title(held: Committee | None) -> str | None:
    return held.title if held is not None else None


def hearing_brief(hearing: Hearing | None) -> dict | None:
    """A hearing as a bill item names it: when (the legislature's own time, no zone), where, who."""
    if hearing is None:
        return None
    return {
        "starts_at": hearing.starts_at.isoformat(timespec="minutes"),
        "all_day": hearing.all_day,
        "location": hearing.location,
        "committee": _committee_title(hearing.committee),
    }


def hearing(hearing: Hearing) -> dict:
    """An upcoming hearing with the weak-area bills on its agenda."""
    return {
        "id": hearing.id,
        **(hearing_brief(hearing) or {}),
        "status": hearing.status,
        "source": outside_url(hearing.url) or None,
        "added_by_hand": hearing.added_by_hand,
        "bills": [
            {"id": b.id, "identifier": b.identifier, "title": b.title, "areas": [a.slug for a in b.areas]}
            for b in agenda(hearing)
        ],
    }


def bill(bill: Bill, today: date | None = None) -> dict:
    return {
        "id": bill.id,
        "ocd_id": bill.ocd_id,
        "identifier": bill.identifier,
        "title": bill.title,
        "session": bill.session,
        "url": outside_url(bill.url) or None,  # only a web address: never javascript: or data:
        "latest_action": bill.latest_action or None,
        "latest_action_date": bill.latest_action_date.isoformat() if bill.latest_action_date else None,
        "status": bill.status,
        "areas": [area.slug for area in bill.areas],
        "sponsors": [
            {"name": s.name, "legislator_id": s.legislator_id, "primary": s.primary} for s in bill.sponsors
        ],
        "added_by_hand": bill.added_by_hand,
        "committee": committee(bill),
        "next_hearing": hearing_brief(next_hearing(bill, today or date.today())),
    }


def report_card(summary: CardSummary, bills: list[Bill], today: date | None = None) -> dict:
    card = summary.card
    return {
        "state": card.state_abbr,
        "edition": card.edition.year,
        "framework": card.edition.framework.name,
        "grade": card.grade,
        "total": number(card.total_score),
        "extra_credit": number(card.extra_credit),
        "max": number(card.edition.max_total),
        "rank": card.rank,
        "source": card.source,
        "areas": [
            {
                "number": s.area.number,
                "code": s.area.code,
                "slug": s.area.slug,
                "name": s.area.name,
                "score": number(s.score),
                "max_points": number(s.max_points),
                "percent": number(s.percent),
                "findings": [
                    {
                        "finding": f.finding,
                        "area_grade": f.area_grade,
                        "lowest": f.lowest,
                        "source": f.source,
                    }
                    for f in s.findings
                ],
            }
            for s in summary.standings
        ],
        "weakest": [
            {
                "number": w.area.number,
                "slug": w.area.slug,
                "name": w.area.name,
                "score": number(w.standing.score),
                "max_points": number(w.standing.max_points),
                "percent": number(w.standing.percent),
                "basis": w.basis,
                "edition": w.year,
                "source": w.source,
            }
            for w in summary.weakest
        ],
        # The bills before the legislature now, whichever card is shown: their areas say which
        # weak area each would fix.
        "bills": [bill(b, today) for b in bills],
    }


def legislator(person: Legislator | Member) -> dict:
    return {
        "id": person.id,
        "name": person.name,
        "chamber": person.chamber,
        "district": person.district,
        "party": person.party,
        "title": person.title,
        "email": person.email,
        # "bouncing": letters to this address bounced, so this site has stopped sending there.
        "email_status": person.email_status,
        "phone": person.phone,
        "capitol_address": person.capitol_address,
        "district_address": person.district_address,
        "links": [link for link in person.link_list if outside_url(link)],
    }


def chamber(chamber: ChamberLookup | None) -> dict | None:
    if chamber is None:
        return None
    return {
        "chamber": chamber.chamber,
        "name": chamber.name,
        "districts": list(chamber.districts),
        "legislators": [legislator(p) for p in chamber.legislators],
    }


def may_also(may_also: MayAlsoRepresent | None) -> dict | None:
    if may_also is None:
        return None
    return {
        "why": may_also.why,
        "districts": list(may_also.districts),
        "legislators": [legislator(p) for p in may_also.legislators],
    }
