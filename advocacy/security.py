"""Response headers every page carries: a strict content policy and no framing."""

from urllib.parse import urlsplit

from flask import Flask, Response, flash, redirect, request, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_login import LoginManager
from itsdangerous import URLSafeTimedSerializer

from advocacy.auth.access import load_user, safe_next
from advocacy.extensions import login_manager

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)


def _add_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    # Same-origin only: other sites never see a private tracking link, while our own HTTPS form
    # posts still carry the Referer that the CSRF check compares with the host.
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


class SessionInterface(SecureCookieSessionInterface):
    """Session cookies are HttpOnly and SameSite=Lax always, and Secure whenever served over HTTPS.

    The cookie's signer is made once per set of keys, not twice a request: making one runs a trial
    serialisation, a tenth of a kept form page's cost.
    """

    def __init__(self) -> None:
        self._signers: dict[tuple[object, ...], URLSafeTimedSerializer | None] = {}

    def get_cookie_secure(self, app: Flask) -> bool:
        return super().get_cookie_secure(app) or request.is_secure

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, *(app.config["SECRET_KEY_FALLBACKS"] or ()))
        try:
            return self._signers[keys]
        except KeyError:
            signer = self._signers[keys] = super().get_signing_serializer(app)
            return signer


def _ask_to_log_in() -> Response:
    flash("Please log in to see that page.", "error")
    # Come back to the page after logging in; a form's POST cannot be replayed, so go to its page.
    back = request.full_path.rstrip("?") if request.method == "GET" else request.referrer
    return redirect(url_for("auth.login", next=safe_next(_path_of(back))))


def _path_of(url: str | None) -> str | None:
    if not url:
        return None
    parts = urlsplit(url)
    if parts.netloc and parts.netloc != request.host:
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _configure_login(manager: LoginManager) -> None:
    manager.user_loader(load_user)
    manager.unauthorized_handler(_ask_to_log_in)


def register(app: Flask) -> None:
    app.session_interface = SessionInterface()
    app.after_request(_add_headers)
    _configure_login(login_manager)
