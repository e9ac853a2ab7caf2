"""Finding lawmakers: the searchable, paginated table of a state's sitting legislators."""

from __future__ import annotations

from dataclasses import dataclass, fields

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from advocacy.errors import NotFound
from advocacy.models import Legislator, Letter, State
from advocacy.models.legislators import CHAMBERS
from advocacy.models.letters import LetterStatus
from advocacy.pagination import InvalidQuery, Page, positive_int


class UnknownLegislator(NotFound):
    pass


SORTS = ("district", "name", "party")


@dataclass(frozen=True)
class LegislatorQuery:
    q: str = ""
    chamber: str = ""
    district: str = ""
    party: str = ""
    sort: str = "district"
    page: int = 1
    per_page: int = 50

    def args(self, **changes: object) -> dict[str, object]:
        """The query string for this table view, with some parameters changed (for links)."""
        values = {"q": self.q, "chamber": self.chamber, "party": self.party, "sort": self.sort}
        values.update(changes)
        return {k: v for k, v in values.items() if v and not (k == "sort" and v == "district")}

    @classmethod
    def from_args(cls, args: dict[str, str], per_page: int, max_per_page: int) -> LegislatorQuery:
        chamber = args.get("chamber", "").strip().lower()
        if chamber and chamber not in CHAMBERS:
            raise InvalidQuery(f"chamber must be one of {', '.join(CHAMBERS)}, not {chamber!r}.")
        page = positive_int(args.get("page", ""), "page", default=1)
        size = positive_int(args.get("per_page", ""), "per_page", default=per_page)
        if size > max_per_page:
            raise InvalidQuery(f"per_page can be at most {max_per_page}.")
        q = args.get("q", "").strip()
        if len(q) > 100:
            raise InvalidQuery("the search can be at most 100 characters long.")
        sort = args.get("sort", "").strip() or "district"
        if sort not in SORTS:
            raise InvalidQuery(f"sort must be one of {', '.join(SORTS)}, not {sort!r}.")
        return cls(
            q=q,
            chamber=chamber,
            district=args.get("district", "").strip(),
            party=args.get("party", "").strip()[:100],
            sort=sort,
            page=page,
            per_page=size,
        )


# The query-string parameters from_args reads: one for each field.
QUERY_PARAMS = tuple(field.name for field in fields(LegislatorQuery))


def search_legislators(session: Session, state: State, query: LegislatorQuery) -> Page[Legislator]:
    """Sitting lawmakers matching a name or district search, ordered by chamber, district, name."""
    conditions = [Legislator.state_abbr == state.abbr, Legislator.retired_at.is_(None)]
    if query.chamber:
        conditions.append(Legislator.chamber == query.chamber)
    if query.district:
        conditions.append(func.lower(Legislator.district) == query.district.lower())
    if query.party:
        conditions.append(Legislator.party == query.party)
    if query.q:
        pattern = f"%{_escape_like(query.q.lower())}%"
        conditions.append(
            or_(
                func.lower(Legislator.name).like(pattern, escape="\\"),
                func.lower(Legislator.district) == query.q.lower(),
            )
        )
    total = session.scalar(select(func.count()).select_from(Legislator).where(*conditions)) or 0
    items = list(
        session.scalars(
            select(Legislator)
            .where(*conditions)
            .options(selectinload(Legislator.state))
            .order_by(*_ORDER[query.sort])
            .limit(query.per_page)
            .offset((query.page - 1) * query.per_page)
        )
    )
    return Page(items=items, total=total, page=query.page, per_page=query.per_page)


_BY_DISTRICT = (
    Legislator.chamber.desc(),  # upper before lower
    func.length(Legislator.district),  # 2 before 10
    Legislator.district,
)
_BY_NAME = (Legislator.family_name, Legislator.name)
_ORDER = {
    "district": (*_BY_DISTRICT, *_BY_NAME),
    "name": (*_BY_NAME, *_BY_DISTRICT),
    "party": (Legislator.party, *_BY_NAME),
}


def parties(session: Session, state: State) -> list[str]:
    return list(
        session.scalars(
            select(Legislator.party)
            .where(
                Legislator.state_abbr == state.abbr, Legislator.retired_at.is_(None), Legislator.party != ""
            )
            .distinct()
            .order_by(Legislator.party)
        )
    )


def letters_sent_to(session: Session, legislator: Legislator) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(Letter)
            .where(Letter.legislator_id == legislator.id, Letter.status != LetterStatus.DRAFT)
        )
        or 0
    )


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def get_legislator(session: Session, person_id: str) -> Legislator:
    legislator = session.get(Legislator, person_id)
    if legislator is None:
        raise UnknownLegislator(f"No lawmaker has the id {person_id!r}.")
    return legislator


def sitting_legislators(session: Session, state: State) -> list[Legislator]:
    return search_legislators(session, state, LegislatorQuery(per_page=10_000)).items


def count_sitting(session: Session) -> int:
    """Sitting lawmakers in every state."""
    return (
        session.scalar(select(func.count()).select_from(Legislator).where(Legislator.retired_at.is_(None)))
        or 0
    )


def sitting_by_state(session: Session) -> dict[str, int]:
    """Sitting lawmakers per state, by postal code; states without any are absent."""
    query = (
        select(Legislator.state_abbr, func.count())
        .where(Legislator.retired_at.is_(None))
        .group_by(Legislator.state_abbr)
    )
    return {abbr: count for abbr, count in session.execute(query)}
