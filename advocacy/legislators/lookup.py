"""Find my lawmakers: a Geocoder answer → the state, its districts, and the members who sit for them."""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import case, func, select, tuple_
from sqlalchemy.orm import Session

from advocacy.caching import LONG, kept
from advocacy.clients.census import AddressMatch, DistrictLayer, GeocoderAnswer
from advocacy.legislators.districts import openstates_districts
from advocacy.models import Legislator, State

# Seats elected by the whole jurisdiction (DC's at-large members and chairman, Puerto Rico's
# at-large legislators): they represent every address there, and the Census draws no district.
JURISDICTION_WIDE_DISTRICTS = ("At-Large", "Chairman")


class NoAddressMatch(LookupError):
    """The Census found no address like the one given."""


class AddressOutsideStates(LookupError):
    """The address was found, but not in one of the states (or DC, Puerto Rico) the app covers."""


@dataclass(frozen=True)
class ChamberLookup:
    chamber: str  # Open States chamber: upper, lower, or legislature (NE, DC)
    name: str  # Senate, House of Delegates, Council…
    title: str  # what a member is called: Senator, Delegate, Councilmember…
    districts: tuple[str, ...]  # Open States district names
    legislators: tuple[Legislator, ...]  # sitting members, every member of a multi-member district

    @property
    def seats(self) -> list[tuple[str, str]]:
        return [(self.chamber, district) for district in self.districts]


@dataclass(frozen=True)
class LookupResult:
    address: str  # as the Census matched it
    state: State
    upper: ChamberLookup  # NE's legislature and DC's council are here
    lower: ChamberLookup | None  # None where there is one chamber
    problems: tuple[str, ...]  # what we could not tell, in plain words

    @property
    def chambers(self) -> tuple[ChamberLookup, ...]:
        return (self.upper,) if self.lower is None else (self.upper, self.lower)

    @property
    def legislators(self) -> tuple[Legislator, ...]:
        return tuple(person for chamber in self.chambers for person in chamber.legislators)


def find_lawmakers(session: Session, answer: GeocoderAnswer) -> LookupResult:
    """The lawmakers for the first address the Census matched, and what could not be told."""
    if not answer.matches:
        raise NoAddressMatch("The Census found no address like that.")
    match = answer.matches[0]
    state = _state_of(session, match)
    problems: list[str] = []
    if len(answer.matches) > 1:
        problems.append(
            f"The Census found {len(answer.matches)} addresses like yours. These lawmakers are for "
            f"the first, {match.matched_address}. If that is not your address, add your city and "
            "ZIP code and search again."
        )
    seats = _seats_of(session, state)
    if state.lower_chamber:
        chambers = [
            _chamber(state, "upper", match.upper, seats, problems),
            _chamber(state, "lower", match.lower, seats, problems),
        ]
    else:  # NE's unicameral legislature and DC's council: Census SLDU, Open States "legislature"
        chambers = [_chamber(state, "legislature", match.upper, seats, problems)]
    members = _sitting_members(session, state, chambers)
    upper, *lower = (
        replace(c, legislators=tuple(p for p in members if (p.chamber, p.district) in c.seats))
        for c in chambers
    )
    return LookupResult(
        address=match.matched_address,
        state=state,
        upper=upper,
        lower=lower[0] if lower else None,
        problems=tuple(problems),
    )


def _state_of(session: Session, match: AddressMatch) -> State:
    state = None
    if match.state_fips:
        state = session.scalar(select(State).where(State.fips == match.state_fips))
    elif match.state_postal:
        state = session.get(State, match.state_postal.lower())
    if state is None:
        raise AddressOutsideStates(
            f"The Census placed {match.matched_address or 'that address'} outside the 50 states, "
            "DC and Puerto Rico, whose lawmakers this site lists."
        )
    return state


def _seats_of(session: Session, state: State) -> list[tuple[str, str, bool]]:
    """(chamber, district, held by a sitting member) for every seat Open States has listed.

    Retired members still name real districts, so their seats count as districts that exist.
    They change only with a sync, which moves the cache's generation on: kept until then.
    """
    return kept(f"seats:{state.abbr}", LONG, lambda: _seats_in_database(session, state))


def _seats_in_database(session: Session, state: State) -> list[tuple[str, str, bool]]:
    return [
        (chamber, district, bool(sitting))
        for chamber, district, sitting in session.execute(
            select(
                Legislator.chamber,
                Legislator.district,
                func.max(case((Legislator.retired_at.is_(None), 1), else_=0)),
            )
            .where(Legislator.state_abbr == state.abbr)
            .group_by(Legislator.chamber, Legislator.district)
        )
    ]


def _sitting_members(session: Session, state: State, chambers: list[ChamberLookup]) -> list[Legislator]:
    """The sitting members of the districts found, loaded at once (a state has up to 400 members)."""
    wanted = [seat for chamber in chambers for seat in chamber.seats]
    if not wanted:
        return []
    return list(
        session.scalars(
            select(Legislator)
            .where(
                Legislator.state_abbr == state.abbr,
                Legislator.retired_at.is_(None),
                tuple_(Legislator.chamber, Legislator.district).in_(wanted),
            )
            .order_by(func.length(Legislator.district), Legislator.district, Legislator.family_name)
        )
    )


def _chamber(
    state: State, chamber: str, layer: DistrictLayer, seats: list[tuple[str, str, bool]], problems: list[str]
) -> ChamberLookup:
    """The chamber's districts for the address; its members are filled in by the caller."""
    name, title = (
        (state.lower_chamber, state.lower_title)
        if chamber == "lower"
        else (state.upper_chamber, state.upper_title)
    )
    short = name.split(" of ")[0]  # "House of Delegates" → "House district 12"
    candidates = {district for seat_chamber, district, _ in seats if seat_chamber == chamber}
    held = {district for seat_chamber, district, sitting in seats if seat_chamber == chamber and sitting}
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
    return ChamberLookup(chamber=chamber, name=name, title=title, districts=tuple(districts), legislators=())
