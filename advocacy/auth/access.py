"""Who may see what: role checks, safe redirects, and the logged-in user for Flask-Login."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar
from urllib.parse import urlsplit

from flask import abort
from flask_login import current_user
from werkzeug.wrappers import Response

from advocacy.extensions import db, login_manager
from advocacy.models import User

P = ParamSpec("P")
R = TypeVar("R")


def load_user(session_id: str) -> User | None:
    """Sessions name the user, their password's fingerprint and their session version: a new
    password or a log-out ends every session made before it."""
    user_id, _, rest = session_id.partition(":")
    fingerprint, _, version = rest.partition(":")
    if not (user_id.isascii() and user_id.isdigit()):
        return None
    user = db.session.get(User, int(user_id))
    if user is None or (fingerprint, version) != (user.password_fingerprint, str(user.session_version)):
        return None
    return user


def require_role(*roles: str) -> Callable[[], Response | None]:
    """A check for a whole blueprint (`bp.before_request(require_role("admin"))`): anonymous
    visitors are sent to log in; signed-in users without the role get a 403."""

    def check() -> Response | None:
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if current_user.role not in roles:
            abort(403, description="Your account does not have access to this page.")
        return None

    return check


def role_required(*roles: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """The same check for one view."""
    check = require_role(*roles)

    def decorator(view: Callable[P, R]) -> Callable[P, R]:
        @wraps(view)
        def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
            refused = check()
            if refused is not None:
                return refused
            return view(*args, **kwargs)

        return wrapped

    return decorator


def safe_next(target: str | None) -> str | None:
    """A `next=` that stays on this site, or None: never an open redirect."""
    if not target or any(ord(c) < 32 for c in target) or "\\" in target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target
