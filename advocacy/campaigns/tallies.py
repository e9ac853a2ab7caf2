"""Campaign tallies: each campaign's letters counted per figure, moved in the same transaction as the letter.

A letter counts once in each figure (its status, stage, channel, reply, outcome, issue area, day
and lawmaker; its stage per lawmaker and per day; its lawmaker's sent and answered when it is).
Every write to letters through the session moves it: the unit of work (a letter added, changed or
deleted, then flushed) and ORM bulk INSERT and DELETE statements
(`session.execute(insert(Letter), rows)`, `delete(Letter).where(…)`). Both take the letter out of
its old rows and put it in its new ones with one upsert that adds in SQL (`letters = letters + n`),
so two writers at once both count. A bulk UPDATE of letters must not
change a counted column (purging personal details changes none); `rebuild_tallies` repairs a
campaign from its letters.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Mapping
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    case,
    cast,
    delete,
    event,
    func,
    insert,
    inspect,
    literal,
    select,
    union_all,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

from advocacy.models.campaigns import CampaignTally
from advocacy.models.letters import Letter, LetterStatus, ReplyStatus, Stage, letter_stage

# The letter columns the tallies count by: a change to any other column moves no figure.
COUNTED = (
    "campaign_id",
    "status",
    "channel",
    "reply_status",
    "reply_outcome",
    "issue_area_id",
    "legislator_id",
    "created_at",
    "opened_at",
    "confirmed_at",
)
# What a new letter holds where its writer set nothing: the columns' own defaults.
DEFAULTS = {
    column.name: column.default.arg
    for column in Letter.__table__.columns
    if column.name in COUNTED and column.default is not None and column.default.is_scalar
}
UPSERT_ROWS = 500  # rows per statement, far below SQLite's limit on bound parameters

Key = tuple[int, str, str]  # campaign id, figure, value
# The stages that count toward a campaign's goal: the letter left the writer's hands and was not refused.
SENT = (Stage.SENT_REPORTED, Stage.SENT_CONFIRMED)


def stage_expression() -> ColumnElement[str]:
    """models.letters.letter_stage in SQL, for counting afresh in the database."""
    return case(
        (Letter.status == LetterStatus.NOT_DELIVERED, Stage.NOT_DELIVERED.value),
        (
            Letter.status != LetterStatus.DRAFT,
            case(
                (Letter.confirmed_at.is_not(None), Stage.SENT_CONFIRMED.value),
                else_=Stage.SENT_REPORTED.value,
            ),
        ),
        (Letter.opened_at.is_not(None), Stage.OPENED.value),
        else_=Stage.DRAFT.value,
    )


def letter_keys(letter: Mapping[str, Any]) -> list[Key]:
    """The tally rows one letter counts in, from its counted columns; none outside a campaign."""
    campaign = letter["campaign_id"]
    if campaign is None:
        return []
    status, reply, lawmaker = letter["status"], letter["reply_status"], letter["legislator_id"]
    area = letter["issue_area_id"]
    stage = letter_stage(status, letter["opened_at"], letter["confirmed_at"])
    day = str(letter["created_at"])[:10]  # as the database's date() writes it
    keys = [
        (campaign, "status", status),
        (campaign, "channel", letter["channel"] or ""),
        (campaign, "reply", reply),
        (campaign, "outcome", letter["reply_outcome"]),
        (campaign, "area", "" if area is None else str(area)),
        (campaign, "day", day),
        (campaign, "lawmaker", lawmaker),
        (campaign, "stage", stage),
        (campaign, "lawmaker-stage", f"{stage}|{lawmaker}"),
        (campaign, "day-stage", f"{day}|{stage}"),
    ]
    if stage in SENT:
        keys.append((campaign, "lawmaker-sent", lawmaker))
    if reply == ReplyStatus.YES:
        keys.append((campaign, "lawmaker-answered", lawmaker))
        keys.append((campaign, "day-answered", day))
    return keys


def move_letters(session: Session, changes: Mapping[Key, int]) -> None:
    """Add each change (+1 a letter in, -1 a letter out) to its tally row, in SQL.

    Rows go in key order, so two transactions touching the same rows lock them in the same order.
    """
    rows = [
        {"campaign_id": c, "figure": figure, "value": value, "letters": n}
        for (c, figure, value), n in sorted(changes.items())
        if n
    ]
    table = CampaignTally.__table__
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    for start in range(0, len(rows), UPSERT_ROWS):
        upsert = dialect.insert(table).values(rows[start : start + UPSERT_ROWS])
        session.execute(
            upsert.on_conflict_do_update(
                index_elements=[table.c.campaign_id, table.c.figure, table.c.value],
                set_={"letters": table.c.letters + upsert.excluded.letters},
            )
        )


def _with_defaults(values: Mapping[str, Any]) -> dict[str, Any]:
    """A new letter's counted columns, defaults filled in where nothing was set."""
    return {name: DEFAULTS.get(name) if values.get(name) is None else values[name] for name in COUNTED}


def _stored(session: Session, where: ColumnElement[bool]) -> list[Mapping[str, Any]]:
    """The counted columns of letters as the database holds them, locked until the transaction ends."""
    columns = [Letter.id, *(getattr(Letter, name) for name in COUNTED)]
    return list(session.execute(select(*columns).where(where).with_for_update()).mappings())


def _moved(letter: Letter) -> bool:
    state = inspect(letter)
    return any(state.attrs[name].history.has_changes() for name in COUNTED)


def _move_changed_and_deleted_letters(session: Session, context: UOWTransaction, instances: Any) -> None:
    """Letters about to be updated or deleted leave the rows their stored values count in."""
    changed = {
        inspect(letter).identity[0]: letter
        for letter in session.dirty
        if isinstance(letter, Letter) and _moved(letter)
    }
    deleted = [inspect(letter).identity[0] for letter in session.deleted if isinstance(letter, Letter)]
    if not changed and not deleted:
        return
    changes: Counter[Key] = Counter()
    for row in _stored(session, Letter.id.in_([*changed, *deleted])):
        changes.subtract(letter_keys(row))
        letter = changed.get(row["id"])
        if letter is not None:
            state = inspect(letter)
            now = {
                name: (state.attrs[name].history.added or [row[name]])[0]  # set, or as stored
                for name in COUNTED
            }
            changes.update(letter_keys(now))
    move_letters(session, changes)


def _count_new_letters(session: Session, context: UOWTransaction) -> None:
    """New letters join their rows once flushed, when relationships have set their ids."""
    letters = [letter for letter in session.new if isinstance(letter, Letter)]
    if letters:
        changes: Counter[Key] = Counter()
        for letter in letters:
            changes.update(letter_keys(_with_defaults(inspect(letter).dict)))
        move_letters(session, changes)


def _move_letters_written_in_bulk(execution: ORMExecuteState) -> None:
    """ORM bulk INSERTs of letters join their rows; bulk DELETEs leave them, before the rows go."""
    if execution.bind_mapper is not Letter.__mapper__:
        return
    changes: Counter[Key] = Counter()
    if execution.is_delete:
        where = Letter.campaign_id.is_not(None)
        if execution.statement.whereclause is not None:
            where = where & execution.statement.whereclause
        for row in _stored(execution.session, where):
            changes.subtract(letter_keys(row))
    elif execution.is_insert:
        rows = execution.parameters
        for row in [rows] if isinstance(rows, Mapping) else rows or []:
            changes.update(letter_keys(_with_defaults(row)))
    move_letters(execution.session, changes)


def watch_letters() -> None:
    """Keep every campaign's tallies in step with its letters, in the same transaction as each
    write: new, changed and deleted letters, through the ORM or in bulk. The app factory calls it."""
    if not event.contains(Session, "before_flush", _move_changed_and_deleted_letters):
        event.listen(Session, "before_flush", _move_changed_and_deleted_letters)
        event.listen(Session, "after_flush", _count_new_letters)
        event.listen(Session, "do_orm_execute", _move_letters_written_in_bulk)


def _grouped(figure: str, value: ColumnElement[Any], where: ColumnElement[bool]) -> Select:
    return (
        select(
            Letter.campaign_id,
            cast(literal(figure), String),
            func.coalesce(cast(value, String), ""),
            func.count(),
        )
        .where(where)
        .group_by(Letter.campaign_id, value)
    )


def tally_query(where: ColumnElement[bool]) -> Select:
    """Every tally row of the letters `where` selects, counted from the letters themselves."""
    where = Letter.campaign_id.is_not(None) & where
    stage = stage_expression()
    day = cast(func.date(Letter.created_at), String)
    answered = where & (Letter.reply_status == ReplyStatus.YES)
    parts = [
        _grouped("status", Letter.status, where),
        _grouped("channel", Letter.channel, where),
        _grouped("reply", Letter.reply_status, where),
        _grouped("outcome", Letter.reply_outcome, where),
        _grouped("area", Letter.issue_area_id, where),
        _grouped("day", func.date(Letter.created_at), where),
        _grouped("lawmaker", Letter.legislator_id, where),
        _grouped("stage", stage, where),
        _grouped("lawmaker-stage", stage + "|" + Letter.legislator_id, where),
        _grouped("day-stage", day + "|" + stage, where),
        _grouped("lawmaker-sent", Letter.legislator_id, where & stage.in_([s.value for s in SENT])),
        _grouped("lawmaker-answered", Letter.legislator_id, answered),
        _grouped("day-answered", func.date(Letter.created_at), answered),
    ]
    return union_all(*parts)


def rebuild_tallies(session: Session, campaign_id: int) -> None:
    """Count one campaign's tallies afresh from its letters: the repair, and the tests' reference."""
    table = CampaignTally.__table__
    session.execute(delete(table).where(table.c.campaign_id == campaign_id))
    session.execute(
        insert(table).from_select(
            ["campaign_id", "figure", "value", "letters"], tally_query(Letter.campaign_id == campaign_id)
        )
    )


def campaign_tallies(session: Session, campaign_id: int) -> dict[str, dict[str, int]]:
    """A campaign's counts, figure → value → letters, leaving out rows that have fallen to zero."""
    figures: dict[str, dict[str, int]] = {}
    for figure, value, letters in session.execute(
        select(CampaignTally.figure, CampaignTally.value, CampaignTally.letters).where(
            CampaignTally.campaign_id == campaign_id, CampaignTally.letters != 0
        )
    ):
        figures.setdefault(figure, {})[value] = letters
    return figures


def sent_letters(session: Session, campaign_id: int) -> int:
    """Letters sent and not refused, reported or confirmed: the count toward a campaign's goal."""
    return (
        session.scalar(
            select(func.sum(CampaignTally.letters)).where(
                CampaignTally.campaign_id == campaign_id,
                CampaignTally.figure == "stage",
                CampaignTally.value.in_([s.value for s in SENT]),
            )
        )
        or 0
    )


def tallies_fingerprint(session: Session, campaign_id: int) -> str:
    """A short digest of the campaign's totals: it changes whenever a letter is written, sent,
    answered or deleted, so a dashboard drawn from the tallies can be kept until it does."""
    rows = session.execute(
        select(CampaignTally.figure, CampaignTally.value, CampaignTally.letters)
        .where(
            CampaignTally.campaign_id == campaign_id,
            CampaignTally.figure.in_(("status", "stage", "channel", "reply", "outcome", "day")),
        )
        .order_by(CampaignTally.figure, CampaignTally.value)
    ).all()
    return hashlib.sha256(repr(rows).encode()).hexdigest()[:16]
