"""Rate-limit counters in the app's own database, so that every worker and every app server counts
together when there is no Redis (with Redis, limits live there and this is not used).

A storage backend for the `limits` library (Flask-Limiter's), registered under the scheme
advocacy-database://; the fixed-window strategy needs only what is here. Each key is stored hashed,
so every row has the same small size and fits the column, whatever the limit counts by. Windows
long over are forgotten by `forget_expired_limits`, which the daily job and `advocacy purge` run.
"""

from __future__ import annotations

import random
import time

from limits.storage import Storage
from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from advocacy.extensions import db
from advocacy.limit_keys import fixed_length

_INCREMENT = text(
    """
    INSERT INTO rate_limits (name, hits, expires_at) VALUES (:name, :amount, :expires)
    ON CONFLICT (name) DO UPDATE SET
        hits = CASE WHEN rate_limits.expires_at <= :now THEN :amount ELSE rate_limits.hits + :amount END,
        expires_at = CASE WHEN rate_limits.expires_at <= :now THEN :expires ELSE rate_limits.expires_at END
    RETURNING hits
    """
)
_FORGET_EXPIRED = text("DELETE FROM rate_limits WHERE expires_at < :now")


def forget_expired_limits(session: Session, now: float | None = None) -> int:
    """Delete the counts whose window is over; how many. The caller commits."""
    now = time.time() if now is None else now
    return session.execute(_FORGET_EXPIRED, {"now": now}).rowcount


class DatabaseStorage(Storage):
    STORAGE_SCHEME = ["advocacy-database"]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **_: object) -> None:
        super().__init__(uri, wrap_exceptions)

    @property
    def engine(self) -> Engine:
        """The serving app's own engine and connection pool (limits are checked inside requests)."""
        return db.engine

    @property
    def base_exceptions(self) -> type[Exception]:
        return SQLAlchemyError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        with self.engine.begin() as connection:
            hits = connection.execute(
                _INCREMENT, {"name": fixed_length(key), "amount": amount, "expires": now + expiry, "now": now}
            ).scalar_one()
            if random.random() < 0.01:  # between the daily sweeps too, now and then
                connection.execute(_FORGET_EXPIRED, {"now": now})
        return int(hits)

    def get(self, key: str) -> int:
        with self.engine.connect() as connection:
            hits = connection.execute(
                text("SELECT hits FROM rate_limits WHERE name = :name AND expires_at > :now"),
                {"name": fixed_length(key), "now": time.time()},
            ).scalar()
        return int(hits or 0)

    def get_expiry(self, key: str) -> float:
        with self.engine.connect() as connection:
            expires = connection.execute(
                text("SELECT expires_at FROM rate_limits WHERE name = :name"), {"name": fixed_length(key)}
            ).scalar()
        return float(expires) if expires is not None else time.time()

    def check(self) -> bool:
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1 FROM rate_limits WHERE 1 = 0"))
        except SQLAlchemyError:
            return False
        return True

    def reset(self) -> int | None:
        with self.engine.begin() as connection:
            return connection.execute(text("DELETE FROM rate_limits")).rowcount

    def clear(self, key: str) -> None:
        with self.engine.begin() as connection:
            connection.execute(
                text("DELETE FROM rate_limits WHERE name = :name"), {"name": fixed_length(key)}
            )
