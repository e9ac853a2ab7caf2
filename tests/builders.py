"""Builders for test data: small, made-up lawmakers, bulk files, forms and recorded answers."""

from __future__ import annotations

import csv
import io
import json
import uuid
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

from flask.testing import FlaskClient
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from advocacy.extensions import db
from advocacy.legislators.constituency import read_found
from advocacy.legislators.sync import BULK_COLUMNS
from advocacy.letters.render import (
    AreaFacts,
    LetterContext,
    RecipientFacts,
    ReportCardFacts,
    SenderFacts,
    StateFacts,
)
from advocacy.models import Bill, Committee, CommitteeMember, Hearing, IssueArea, Legislator
from tests.pages import csrf_token, save_letter

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


def make_bill(session: Session, identifier: str = "HB 1946", **overrides: object) -> Bill:
    """A pending bill of Missouri's 2026 session; `areas` takes IssueArea objects."""
    areas: list[IssueArea] = list(overrides.pop("areas", []))
    values = {
        "state_abbr": "mo",
        "session": "2026",
        "session_name": "2026 Regular Session",
        "identifier": identifier,
        "title": f"Relating to the protection of children ({identifier})",
        "url": f"https://house.mo.gov/Bill.aspx?bill={identifier.replace(' ', '')}&year=2026",
        "first_seen_at": datetime(2026, 1, 10),
    }
    values.update(overrides)
    bill = Bill(**values)
    bill.areas = areas
    session.add(bill)
    session.flush()
    return bill


def make_committee(
    session: Session, name: str = "Children and Families", chamber: str = "lower", **overrides: object
) -> Committee:
    """A committee of Missouri's legislature; `members` takes (Legislator, role) pairs."""
    members: list[tuple[Legislator, str]] = list(overrides.pop("members", []))
    committee = Committee(state_abbr="mo", chamber=chamber, name=name, **overrides)
    committee.members = [
        CommitteeMember(position=n, name=person.name, legislator_id=person.id, role=role)
        for n, (person, role) in enumerate(members)
    ]
    session.add(committee)
    session.flush()
    return committee


def make_hearing(
    session: Session, committee: Committee | None, starts_at: datetime, **overrides: object
) -> Hearing:
    """A hearing of Missouri's legislature; `bills` takes the bills on its agenda."""
    bills: list[Bill] = list(overrides.pop("bills", []))
    values = {
        "state_abbr": "mo",
        "committee_id": committee.id if committee is not None else None,
        "name": f"{committee.title} hearing" if committee is not None else "Hearing",
        "starts_at": starts_at,
        "location": "House Hearing Room 4, State Capitol",
        "url": "https://house.mo.gov/HearingsSchedule.aspx",
        "first_seen_at": datetime(2026, 1, 10),
    }
    values.update(overrides)
    hearing = Hearing(**values)
    hearing.bills = bills
    session.add(hearing)
    session.flush()
    return hearing


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


# The Census Geocoder stand-in: the path the app asks, an address, and its recorded answers.
CENSUS_FIXTURES = Path(__file__).parent / "fixtures" / "census"
GEOCODER = "/geocoder/geographies/onelineaddress"
ADDRESS = "100 Example St, Springtown, MO 65000"


def answer(name: str) -> dict:
    """A recorded Census Geocoder answer from tests/fixtures/census."""
    return json.loads((CENSUS_FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


def unsigned(write_url: str) -> tuple[str, set[str]]:
    """The letter-form link without its signed `found` part, and the lawmakers that part vouches for."""
    parts = urlsplit(write_url)
    query = parse_qsl(parts.query)
    found = read_found("test-secret", dict(query)["found"])
    rest = urlencode([(k, v) for k, v in query if k != "found"], safe="/")
    return f"{parts.path}?{rest}", set(found.ids)


def missouri_lawmakers() -> None:
    """The lawmakers the recorded Missouri answer leads to, one retired, and one elsewhere."""
    make_legislator(
        db.session,
        n=1,
        name="Ada Senator",
        district="19",
        party="Republican",
        links="https://senate.example.gov/ada",
    )
    make_legislator(
        db.session,
        n=2,
        name="Bo Representative",
        chamber="lower",
        district="44",
        party="Democratic",
        email="bo@house.example.gov",
        capitol_voice="573-555-0144",
    )
    make_legislator(
        db.session, n=3, name="Gone Member", chamber="lower", district="44", retired_at=datetime(2026, 1, 15)
    )
    make_legislator(db.session, n=4, name="Cy Elsewhere", district="20")
    db.session.commit()


def create_campaign(client: FlaskClient, **fields: object) -> TestResponse:
    """An organizer's new campaign through the form; `fields` change the defaults."""
    page = client.get("/campaigns/new")
    form = {
        "csrf_token": csrf_token(page),
        "title": "Safe Harbor for Missouri",
        "slug": "mo-safe-harbor",
        "description": "Ask your senator to end the arrest of trafficked children.",
        "state": "mo",
        "focus_areas": ["identification-and-response"],
        "template": "",
        "target": "upper",
        "target_districts": "",
        "goal": "10",
        "starts_on": "2026-12-01",
        "ends_on": "2027-05-15",
    }
    form.update(fields)
    return client.post("/campaigns/new", data=form)


def write_for_campaign(client: FlaskClient, campaign: str, person_id: str, **fields: str) -> str:
    """A letter through the campaign's form, about its focus area unless told otherwise."""
    fields.setdefault("area", "identification-and-response")
    return save_letter(client, person_id, campaign=campaign, **fields)


def letter_context(**overrides: object) -> LetterContext:
    """The facts a letter template is rendered with, for a made-up Missouri senator."""
    values = {
        "state": StateFacts("mo", "Missouri"),
        "report_card": ReportCardFacts(
            2022,
            "Report Cards on Child & Youth Sex Trafficking",
            "F",
            None,
            Decimal(110),
            "https://x",
        ),
        "area": AreaFacts(2, "Identification of and Response to Victims", Decimal("27.5")),
        "recipient": RecipientFacts("Senator", "Jane Roe", "Roe", "19", "Senate"),
        "sender": SenderFacts("Pat Doe", "Columbia"),
        "personal_paragraph": "",
        "today": date(2026, 11, 26),
    }
    values.update(overrides)
    return LetterContext(**values)


REPORT_CARD_SOURCE = "https://reportcards.sharedhope.org/missouri"


def card_form(page: TestResponse, **overrides: str) -> dict[str, str]:
    """The report-card form on `page` filled in with a whole Missouri card; `overrides` change fields."""
    form = {
        "csrf_token": csrf_token(page),
        "grade": "F",
        "total_score": "41",
        "rank": "",
        "area_1": "10",
        "area_2": "6",
        "area_3": "7",
        "area_4": "4.5",
        "area_5": "7.5",
        "area_6": "3",
        "extra_credit": "3",
        "source": REPORT_CARD_SOURCE,
        "notes": "Entered from the state's report card.",
    }
    form.update(overrides)
    return form
