"""People with accounts, and the audit trail of what they changed."""

from __future__ import annotations

import hashlib
from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from advocacy.extensions import db


class Role(StrEnum):
    CITIZEN = "citizen"
    ORGANIZER = "organizer"
    ADMIN = "admin"


ROLES = tuple(Role)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), default=Role.CITIZEN.value)
    created_at: Mapped[datetime]
    confirmed_at: Mapped[datetime | None]
    # Moved on at every log-out: sessions carry it, so every copy of an ended session stops working.
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")

    @property
    def password_fingerprint(self) -> str:
        """Changes whenever the password does: ends sessions and reset links made before it."""
        return hashlib.sha256(self.password_hash.encode()).hexdigest()[:16]

    def get_id(self) -> str:
        # The session names the password too, so a new password logs out every other device, and
        # the session version, so logging out ends every copy of the session cookie.
        return f"{self.id}:{self.password_fingerprint}:{self.session_version}"

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_organizer(self) -> bool:
        return self.role in (Role.ORGANIZER, Role.ADMIN)


class AuditEvent(db.Model):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # "web" or "command line": with user_id empty, tells a CLI action from a deleted account's.
    origin: Mapped[str] = mapped_column(String(16), default="web")
    action: Mapped[str] = mapped_column(String(64), index=True)  # e.g. "user.role", "template.update"
    subject_type: Mapped[str] = mapped_column(String(64))
    subject_id: Mapped[str] = mapped_column(String(128))
    before: Mapped[str] = mapped_column(Text, default="")  # JSON
    after: Mapped[str] = mapped_column(Text, default="")  # JSON
    created_at: Mapped[datetime] = mapped_column(index=True)

    user: Mapped[User | None] = relationship()
