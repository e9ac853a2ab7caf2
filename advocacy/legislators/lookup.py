"""Find my lawmakers: a Geocoder answer → the state, its districts, and the members who sit for them."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from advocacy.caching import LONG, kept
from advocacy.clients.census import (
    AddressMatch,
    CensusGeocoder,
    DistrictLayer,
    GeocoderAnswer,
    GuardedGeocoder,
)
from advocacy.legislators.districts import openstates_districts
from advocacy.models import Legislator, State
from advocacy.models.legislators import EmailStatus

# Seats elected by the whole jurisdiction (DC's at-large members and chairman, Puerto Rico's
# at-large legislators): they represent every address there, and the Census draws no district.
JURISDICTION_WIDE_DISTRICTS = ("At-Large", "Chairman")

# New Hampshire's House floterial districts, each elected by two or more neighbouring base districts
# of one county. The Census draws no polygon for them, so the Geocoder only ever names the base
# district; which floterial lies over which base district is not in the shipped data.
NH_FLOTERIAL_DISTRICTS = Path(__file__).resolve().parent.parent / "data" / "nh_floterial_districts.csv"


class NoAddressMatch(LookupError):
    """The Census found no address like the one given."""


class AddressOutsideStates(LookupError):
    """The address was found, but not in one of the states (or DC, Puerto Rico) the app covers."""


@dataclass(frozen=True)
class Member:
    """A sitting member as a lookup names them: plain data, kept between requests until a sync."""

    id: str
    name: str
    title: str
    chamber: str
    chamber_name: str
    district: str
    party: str
    email: str
    phone: str
    capitol_address: str
    district_address: str
    links: tuple[str, ...]
    state_abbr: str
    email_status: str = EmailStatus.OK  # BOUNCING once this site has stopped sending to the address

    @property
    def link_list(self) -> list[str]:
        return list(self.links)


@dataclass(frozen=True)
class Roster:
    """One state's chambers, every seat Open States lists, and the sitting members.

    A lookup reads it from the cache: the Geocoder's answer is the only thing a lookup has to wait
    for. States change with a seed and lawmakers with a sync or a correction, and every such write
    moves the cache's generation on, so a kept roster is never older than the data.
    """

    abbr: str
    name: str
    upper_chamber: str
    upper_title: str
    lower_chamber: str
    lower_title: str
    seats: tuple[tuple[str, str, bool], ...]  # (chamber, district, held by a sitting member)
    members: tuple[Member, ...]  # sitting members, by district then family name


@dataclass(frozen=True)
class ChamberLookup:
    chamber: str  # Open States chamber: upper, lower, or legislature (NE, DC)
    name: str  # Senate, House of Delegates, Council…
    title: str  # what a member is called: Senator, Delegate, Councilmember…
    districts: tuple[str, ...]  # Open States district names
    legislators: tuple[Member, ...]  # sitting members, every member of a multi-member district


@dataclass(frozen=True)
class MayAlsoRepresent:
    """Members who may represent the address too, though the lookup cannot tell whether they do.

    They are never among the writer's own lawmakers: a letter claims constituency only for those.
    """

    why: str  # in plain words: why they are named, and why we cannot say more
    districts: tuple[str, ...]  # every district one of which may cover the address, vacant ones too
    legislators: tuple[Member, ...]  # the sitting members of those districts


@dataclass(frozen=True)
class LookupResult:
    address: str  # as the Census matched it
    state: Roster
    upper: ChamberLookup  # NE's legislature and DC's council are here
    lower: ChamberLookup | None  # None where there is one chamber
    problems: tuple[str, ...]  # what we could not tell, in plain words
    may_also: MayAlsoRepresent | None = None  # NH House floterials; not part of `legislators`

    @property
    def chambers(self) -> tuple[ChamberLookup, ...]:
        return (self.upper,) if self.lower is None else (self.upper, self.lower)

    @property
    def legislators(self) -> tuple[Member, ...]:
        return tuple(person for chamber in self.chambers for person in chamber.legislators)


def look_up(session: Session, address: str, geocoder: GuardedGeocoder | CensusGeocoder) -> LookupResult:
    """The lawmakers for a home address (GeocoderUnavailable, GeocoderBusy, NoAddressMatch,
    AddressOutsideStates).

    The Census is asked before the database is touched: no transaction waits on the network.
    """
    return find_lawmakers(session, geocoder.locate(address))


def find_lawmakers(session: Session, answer: GeocoderAnswer) -> LookupResult:
    """The lawmakers for the first address the Census matched, and what could not be told."""
    if not answer.matches:
        raise NoAddressMatch("The Census found no address like that.")
    match = answer.matches[0]
    state = state_roster(session, _state_abbr(session, match))
    problems: list[str] = []
    if len(answer.matches) > 1:
        problems.append(
            f"The Census found {len(answer.matches)} addresses like yours. These lawmakers are for "
            f"the first, {match.matched_address}. If that is not your address, add your city and "
            "ZIP code and search again."
        )
    if state.lower_chamber:
        chambers = [
            _chamber(state, "upper", match.upper, problems),
            _chamber(state, "lower", match.lower, problems),
        ]
    else:  # NE's unicameral legislature and DC's council: Census SLDU, Open States "legislature"
        chambers = [_chamber(state, "legislature", match.upper, problems)]
    upper, *lower = chambers
    return LookupResult(
        address=match.matched_address,
        state=state,
        upper=upper,
        lower=lower[0] if lower else None,
        problems=tuple(problems),
        may_also=_nh_floterials(state, lower[0]) if lower else None,
    )


def _state_abbr(session: Session, match: AddressMatch) -> str:
    by_fips: dict[str, str] = kept("state-fips", LONG, lambda: _state_abbrs_by_fips(session))
    abbr = None
    if match.state_fips:
        abbr = by_fips.get(match.state_fips)
    elif match.state_postal and match.state_postal.lower() in by_fips.values():
        abbr = match.state_postal.lower()
    if abbr is None:
        raise AddressOutsideStates(
            f"The Census placed {match.matched_address or 'that address'} outside the 50 states, "
            "DC and Puerto Rico, whose lawmakers this site lists."
        )
    return abbr


def _state_abbrs_by_fips(session: Session) -> dict[str, str]:
    return {fips: abbr for fips, abbr in session.execute(select(State.fips, State.abbr))}


def state_roster(session: Session, abbr: str) -> Roster:
    """The state's roster, kept between requests until a write moves the cache generation on."""
    return kept(f"roster:{abbr}", LONG, lambda: _roster_in_database(session, abbr))


def _roster_in_database(session: Session, abbr: str) -> Roster:
    state = session.get_one(State, abbr)
    # Retired members still name real districts, so their seats count as districts that exist.
    seats = tuple(
        (chamber, district, bool(sitting))
        for chamber, district, sitting in session.execute(
            select(
                Legislator.chamber,
                Legislator.district,
                func.max(case((Legislator.retired_at.is_(None), 1), else_=0)),
            )
            .where(Legislator.state_abbr == abbr)
            .group_by(Legislator.chamber, Legislator.district)
        )
    )
    sitting = session.scalars(
        select(Legislator)
        .where(Legislator.state_abbr == abbr, Legislator.retired_at.is_(None))
        .order_by(func.length(Legislator.district), Legislator.district, Legislator.family_name)
    )
    members = tuple(
        Member(
            id=p.id,
            name=p.name,
            title=p.title,
            chamber=p.chamber,
            chamber_name=p.chamber_name,
            district=p.district,
            party=p.party,
            email=p.email,
            phone=p.phone,
            capitol_address=p.capitol_address,
            district_address=p.district_address,
            links=tuple(p.link_list),
            state_abbr=p.state_abbr,
            email_status=p.email_status,
        )
        for p in sitting
    )
    return Roster(
        abbr=state.abbr,
        name=state.name,
        upper_chamber=state.upper_chamber,
        upper_title=state.upper_title,
        lower_chamber=state.lower_chamber,
        lower_title=state.lower_title,
        seats=seats,
        members=members,
    )


def _chamber(state: Roster, chamber: str, layer: DistrictLayer, problems: list[str]) -> ChamberLookup:
    """The chamber's districts for the address, and their sitting members."""
    name, title = (
        (state.lower_chamber, state.lower_title)
        if chamber == "lower"
        else (state.upper_chamber, state.upper_title)
    )
    short = name.split(" of ")[0]  # "House of Delegates" → "House district 12"
    seats = [(district, sitting) for kind, district, sitting in state.seats if kind == chamber]
    candidates = {district for district, _ in seats}
    held = {district for district, sitting in seats if sitting}
    districts: list[str] = []
    if not layer.known:
        problems.append(
            f"The Census could not say which {short} district this address is in right now. "
            f"Try again later, or find your {title.lower()} in the {state.name} lawmaker table."
        )
    elif not layer.districts:
        problems.append(f"The Census places this address in no {short} district.")
    assigned = [d for d in layer.districts if not d.unassigned]
    if len(assigned) < len(layer.districts):
        problems.append(
            f"The Census places this address in no {short} district (for example, it lies on water)."
        )
    if assigned and not candidates:
        problems.append(
            f"We have no {state.name} {short} members on file yet, so we cannot name your {title.lower()}."
        )
    for district in assigned if candidates else ():
        found = openstates_districts(district, candidates, state_abbr=state.abbr, chamber=chamber)
        if not found:
            problems.append(
                f"We could not match the Census's “{district.name or district.code}” "
                f"(code {district.geoid}) to a current {short} district, so we cannot name your "
                f"{title.lower()} for it. The {state.name} lawmaker table lists every member."
            )
        districts.extend(d for d in found if d not in districts)
    for district in districts:
        if district not in held:
            problems.append(f"{short} district {district} has no sitting {title.lower()} right now.")
    districts.extend(d for d in JURISDICTION_WIDE_DISTRICTS if d in held)
    wanted = set(districts)
    members = tuple(p for p in state.members if p.chamber == chamber and p.district in wanted)
    return ChamberLookup(chamber, name, title, districts=tuple(districts), legislators=members)


@cache
def nh_floterial_districts() -> dict[str, tuple[str, ...]]:
    """New Hampshire's House floterial districts by county, as the shipped data file lists them."""
    by_county: dict[str, list[str]] = {}
    with NH_FLOTERIAL_DISTRICTS.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            by_county.setdefault(row["county"].strip(), []).append(row["district"].strip())
    return {county: tuple(districts) for county, districts in by_county.items()}


def _nh_floterials(state: Roster, lower: ChamberLookup) -> MayAlsoRepresent | None:
    """The floterial districts over the address's NH House district may be any of its county's."""
    if state.abbr != "nh":
        return None
    by_county = nh_floterial_districts()
    floterials = {district for districts in by_county.values() for district in districts}
    counties: list[str] = []
    for district in lower.districts:
        county = district.rpartition(" ")[0]  # Open States names NH House districts "<County> <n>"
        if district not in floterials and county in by_county and county not in counties:
            counties.append(county)
    if not counties:
        return None
    districts = tuple(district for county in counties for district in by_county[county])
    wanted = set(districts)
    members = tuple(p for p in state.members if p.chamber == "lower" and p.district in wanted)
    named = "; or ".join(
        f"the {county} County floterial district, {by_county[county][0]}"
        if len(by_county[county]) == 1
        else f"one of the {county} County floterial districts: {_in_words(by_county[county])}"
        for county in counties
    )
    why = (
        f"{state.name} also elects floterial representatives, each for several neighbouring "
        f"{state.lower_chamber.split(' of ')[0]} districts together. The Census does not map floterial "
        f"districts, so we cannot tell whether one covers your address. If one does, it is {named}."
    )
    return MayAlsoRepresent(why=why, districts=districts, legislators=members)


def _in_words(items: tuple[str, ...]) -> str:
    """("A", "B", "C") → "A, B or C"."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} or {items[-1]}"
