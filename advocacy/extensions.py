"""Flask extensions, created unbound; the application factory binds them."""

import logging
import sqlite3

from flask_limiter import Limiter
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import Engine, MetaData, event
from sqlalchemy.orm import DeclarativeBase

from advocacy.limit_keys import visitor


class Base(DeclarativeBase):
    # Named constraints keep Alembic migrations identical on SQLite and PostgreSQL.
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_N_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


db = SQLAlchemy(model_class=Base)
csrf = CSRFProtect()
login_manager = LoginManager()
# Limits are declared where the routes are; the factory sets their storage (Redis or the database).
limiter = Limiter(key_func=visitor)
# With RATELIMIT_SWALLOW_ERRORS, a storage that fails is logged and the request goes on without the
# limit. Flask-Limiter logs that on a logger of its own, with only a NullHandler: unless the root
# logger has a handler, limits would stop counting unseen. Its records go to the app's log instead.
limiter.logger = logging.getLogger("advocacy.rate_limits")


# How long a SQLite connection waits for another's write to end before "database is locked": a
# campaign day's queue of saves (64 writers on 36 threads measured) must wait, not fail.
SQLITE_BUSY_MS = 20_000


def _set_up_sqlite(connection: object, _record: object) -> None:
    """SQLite checks foreign keys (and cascades deletes) only when each connection asks it to. In
    write-ahead-log mode readers never block a writer, nor a writer the readers, so pages keep
    answering while letters are saved; a writer waits its turn for up to SQLITE_BUSY_MS."""
    if isinstance(connection, sqlite3.Connection):
        cursor = connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
        cursor.execute("PRAGMA journal_mode=WAL")  # kept in the database file; an in-memory one ignores it
        cursor.close()


def watch_sqlite_connections() -> None:
    """Set up every new SQLite connection as _set_up_sqlite says. The app factory calls it."""
    if not event.contains(Engine, "connect", _set_up_sqlite):
        event.listen(Engine, "connect", _set_up_sqlite)
