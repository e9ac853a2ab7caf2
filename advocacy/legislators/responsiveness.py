"""Which lawmakers answer their letters: reply rates that protect writers."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from advocacy.models import Legislator, Letter, State
from advocacy.models.letters import ReplyStatus


@dataclass(frozen=True)
class Responsiveness:
    legislator: Legislator
    told: int  # letters whose writers said whether an answer came
    answered: int

    @property
    def rate(self) -> int:
        return round(100 * self.answered / self.told)


def responsiveness(session: Session, state: State, minimum: int) -> list[Responsiveness]:
    """Reply rates per lawmaker, only where at least `minimum` writers answered: no one is singled out."""
    told = func.count()
    answered = func.count(case((Letter.reply_status == ReplyStatus.YES, 1)))
    rows = session.execute(
        select(Letter.legislator_id, told, answered)
        .where(Letter.state_abbr == state.abbr, Letter.reply_status.in_(tuple(ReplyStatus)))
        .group_by(Letter.legislator_id)
        .having(told >= minimum)
    ).all()
    people = {
        p.id: p for p in session.scalars(select(Legislator).where(Legislator.id.in_([r[0] for r in rows])))
    }
    found = [Responsiveness(people[pid], n, yes) for pid, n, yes in rows]
    return sorted(found, key=lambda r: (-r.rate, r.legislator.name))
