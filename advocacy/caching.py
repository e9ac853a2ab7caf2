"""Conditional responses: an ETag and Last-Modified on report-card pages, so a repeat visit is a 304."""

from __future__ import annotations

from datetime import datetime

from flask import Response, make_response, request
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from advocacy.models import ReportCard


def report_cards_changed_at(session: Session, state_abbr: str | None = None) -> datetime | None:
    """When any report card (or one state's) last changed: seeding, import or an admin's edit."""
    query = select(func.max(ReportCard.updated_at))
    if state_abbr:
        query = query.where(ReportCard.state_abbr == state_abbr)
    return session.scalar(query)


def conditional(body: str | Response, last_modified: datetime | None) -> Response:
    """Answer 304 when the visitor's copy is current; browsers revalidate on every visit.

    The ETag hashes the page itself, so anything that differs between visitors (the account
    links, a form token) changes it too; Last-Modified says when the figures last changed.
    """
    response = make_response(body)
    response.cache_control.no_cache = True
    if last_modified is not None:
        response.last_modified = last_modified
    response.add_etag()
    return response.make_conditional(request)
