"""Rate-limit counters, kept here only when there is no Redis (see advocacy/rate_limits.py)."""

from __future__ import annotations

from sqlalchemy import Float, String
from sqlalchemy.orm import Mapped, mapped_column

from advocacy.extensions import db


class RateLimit(db.Model):
    __tablename__ = "rate_limits"

    name: Mapped[str] = mapped_column(String(255), primary_key=True)  # the limit and who it counts, hashed
    hits: Mapped[int]
    expires_at: Mapped[float] = mapped_column(Float)  # seconds since the epoch: the window's end
