"""Finding lawmakers: the searchable, paginated table of a state's sitting legislators."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from advocacy.models import Legislator, State
from advocacy.models.legislators import CHAMBERS
from advocacy.pagination import InvalidQuery, Page, positive_int


class UnknownLegislator(LookupError):
    pass


@dataclass(frozen=True)
class LegislatorQuery:
    q: str = ""
    chamber: str = ""
    district: str = ""
    page: int = 1
    per_page: int = 50

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
        return cls(
            q=q,
            chamber=chamber,
            district=args.get("district", "").strip(),
            page=page,
            per_page=size,
        )


def search_legislators(session: Session, state: State, query: LegislatorQuery) -> Page[Legislator]:
    """Sitting lawmakers matching a name or district search, ordered by chamber, district, name."""
    conditions = [Legislator.state_abbr == state.abbr, Legislator.retired_at.is_(None)]
    if query.chamber:
        conditions.append(Legislator.chamber == query.chamber)
    if query.district:
        conditions.append(func.lower(Legislator.district) == query.district.lower())
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
            .order_by(
                Legislator.chamber.desc(),  # upper before lower
                func.length(Legislator.district),
                Legislator.district,
                Legislator.family_name,
                Legislator.name,
            )
            .limit(query.per_page)
            .offset((query.page - 1) * query.per_page)
        )
    )
    return Page(items=items, total=total, page=query.page, per_page=query.per_page)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def get_legislator(session: Session, person_id: str) -> Legislator:
    legislator = session.get(Legislator, person_id)
    if legislator is None:
        raise UnknownLegislator(f"No lawmaker has the id {person_id!r}.")
    return legislator


def sitting_legislators(session: Session, state: State) -> list[Legislator]:
    return search_legislators(session, state, LegislatorQuery(per_page=10_000)).items
