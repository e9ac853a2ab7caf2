"""Hearing pages: one hearing with the bills on its agenda and the committee's members, and a
state's upcoming hearings."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, current_app, render_template

from advocacy.bills.hearings import agenda, get_hearing, sitting_members, state_for_hearings
from advocacy.bills.service import api_configured
from advocacy.bills.whereabouts import upcoming_hearings
from advocacy.caching import cached_page
from advocacy.extensions import db

bp = Blueprint("bills", __name__)


@bp.get("/hearings/<int:hearing_id>")
@cached_page()
def hearing(hearing_id: int) -> str:
    found = get_hearing(db.session, hearing_id)
    return render_template(
        "bills/hearing.html",
        hearing=found,
        bills=agenda(found),
        writers=sitting_members(found),
        today=date.today(),
    )


@bp.get("/states/<abbr>/hearings")
@cached_page()
def state_hearings(abbr: str) -> str:
    state = state_for_hearings(db.session, abbr)
    found = upcoming_hearings(db.session, state, date.today())
    return render_template(
        "bills/state_hearings.html",
        state=state,
        hearings=found,
        agendas={h.id: agenda(h) for h in found},
        asks_open_states=api_configured(current_app.config),
    )
