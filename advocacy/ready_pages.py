"""Kept pages served as ready bytes, in front of Flask, to visitors who are not logged in.

A page the cache keeps (advocacy/caching.py) is the same for every anonymous visitor until the
cache's generation moves on. The first time Flask serves it, this layer takes note of the answer
exactly as it left the app (status, every header, the body); later requests for the same address
are answered from that copy without building a request, a session or a response. What differs per
request is added here as Flask's hooks would: a request id, and the request counted in /metrics.

A page with a form (the letter form) holds each visitor's own CSRF token. It is kept with the
token cut out; a visitor without a session is given a new token and the session cookie that holds
it, made as Flask-WTF and Flask's own session make them (FormTokens), and Flask checks the token
as usual when the form comes back. A visitor who already has a session goes to Flask, which puts
their own token in.

Anything unusual goes to Flask, which answers it the usual way: a cookie that may hold a login or
a message to show, a conditional or ranged request, a proxy's header PROXY_COUNT does not expect,
a host name outside TRUSTED_HOSTS, a page with versions of its own.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from time import monotonic, perf_counter
from typing import TYPE_CHECKING

from cachetools import TLRUCache
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer
from redis import RedisError
from werkzeug.exceptions import SecurityError
from werkzeug.http import dump_cookie
from werkzeug.wsgi import get_host

from advocacy.logs import REQUEST_ID_HEADER, environ_request_id
from advocacy.metrics import PAGE_CACHE_HITS, count_answer

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment
    from flask import Flask

# Set by the page cache in a request's environ when its answer may be kept ready: a ReadyPlan.
READY_KEY = "advocacy.ready_page"
# Requests Flask must answer itself: a 304 or a part of the page depends on what the visitor has.
CONDITIONAL = (
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_IF_MATCH",
    "HTTP_IF_UNMODIFIED_SINCE",
    "HTTP_RANGE",
    "HTTP_IF_RANGE",
)
PER_REQUEST = frozenset({"x-request-id", "set-cookie"})
KNOWN_HOSTS = 64  # host names checked against TRUSTED_HOSTS once, then remembered


@dataclass(frozen=True, slots=True)
class ReadyPlan:
    """What the page cache tells this layer about an answer it may keep."""

    generation: str
    ttl: int  # seconds it may be served
    route: str  # the URL rule, for /metrics
    form_token: str = ""  # the visitor's token in the page, when it holds a form
    session: tuple[tuple[str, object], ...] = ()  # the rest of a new visitor's session, with the token
    day: Callable[[], date] | None = None  # today, for a page that changes with the date
    kept_on: date | None = None  # the day it was made on: it serves no other


@dataclass(frozen=True, slots=True)
class ReadyPage:
    generation: str
    expires: float  # monotonic seconds
    route: str
    status: str
    headers: list[tuple[str, str]]
    body: bytes  # empty for a form page, which has its parts
    parts: tuple[bytes, ...] = ()  # a form page: the body around its token
    session: tuple[tuple[str, object], ...] = ()
    day: Callable[[], date] | None = None
    kept_on: date | None = None

    def of_today(self) -> bool:
        return self.day is None or self.day() == self.kept_on


class FormTokens:
    """A new visitor's CSRF token, and the session cookie that holds its unsigned form, made as
    Flask-WTF's generate_csrf and Flask's session interface make them."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        config = app.config
        self.field = config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
        secret = config.get("WTF_CSRF_SECRET_KEY") or app.secret_key
        self.signer = URLSafeTimedSerializer(secret, salt="wtf-csrf-token")  # Flask-WTF's own salt
        interface = app.session_interface
        self.cookie = {
            "path": interface.get_cookie_path(app),
            "domain": interface.get_cookie_domain(app),
            "httponly": interface.get_cookie_httponly(app),
            "samesite": interface.get_cookie_samesite(app),
            "partitioned": interface.get_cookie_partitioned(app),
            "max_size": config["MAX_COOKIE_SIZE"],
        }
        self.cookie_name = interface.get_cookie_name(app)
        # The secure flag without a request: the setting, or HTTPS (see security.SessionInterface).
        self.always_secure = SecureCookieSessionInterface.get_cookie_secure(interface, app)  # type: ignore[arg-type]

    def mint(self, rest: tuple[tuple[str, object], ...], https: bool) -> tuple[bytes, str]:
        """(the token for the page, the Set-Cookie header's value)."""
        raw = secrets.token_hex(20)  # as long as Flask-WTF's own: a SHA-1 in hex
        session = SecureCookieSession({**dict(rest), self.field: raw})
        interface = self.app.session_interface
        value = interface.get_signing_serializer(self.app).dumps(dict(session))  # type: ignore[union-attr]
        cookie = dump_cookie(
            self.cookie_name,
            value,
            expires=interface.get_expiration_time(self.app, session),
            secure=self.always_secure or https,
            **self.cookie,
        )
        return self.signer.dumps(raw).encode(), cookie


class ReadyPages:
    """The WSGI layer: `app.wsgi_app = ReadyPages(app, generation)`, inside any ProxyFix."""

    def __init__(self, app: Flask, generation: Callable[[], str], size: int = 300) -> None:
        self.wsgi_app: WSGIApplication = app.wsgi_app
        self.generation = generation
        self.trusted_hosts = app.config["TRUSTED_HOSTS"]
        self.expects_proxy = bool(app.config["PROXY_COUNT"])
        session_cookie = app.config["SESSION_COOKIE_NAME"]
        remember_cookie = app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
        self.cookie_names = (f"{session_cookie}=", f"{remember_cookie}=")
        # Each page until its own expiry, the least recently used out first beyond `size`.
        self.pages: TLRUCache[tuple[str, str, str, str], ReadyPage] = TLRUCache(
            maxsize=size, ttu=lambda _key, page, _now: page.expires, timer=monotonic
        )
        self.known_hosts: set[str] = set()
        self._lock = threading.Lock()
        self.app = app
        self._tokens: FormTokens | None = None  # made at the first form page: the app is set up by then

    @property
    def tokens(self) -> FormTokens:
        if self._tokens is None:
            self._tokens = FormTokens(self.app)
        return self._tokens

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        started = perf_counter()
        key = self._key(environ)
        if key is None:
            return self.wsgi_app(environ, start_response)
        with self._lock:
            page = self.pages.get(key)
        if page is not None and self._host_trusted(environ):
            try:
                current = self.generation()
            except RedisError:
                current = None  # no generation to trust: Flask makes the page afresh
            if page.generation == current and page.of_today():
                return self._serve(page, environ, start_response, started)
        return self._answer_and_note(key, environ, start_response)

    def _key(self, environ: WSGIEnvironment) -> tuple[str, str, str, str] | None:
        """Where a ready page may be used: the address asked for, or None when Flask must answer."""
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            return None
        cookies = environ.get("HTTP_COOKIE")
        if cookies and any(name in cookies for name in self.cookie_names):
            return None
        if any(header in environ for header in CONDITIONAL):
            return None
        if not self.expects_proxy and "HTTP_X_FORWARDED_FOR" in environ:
            return None  # Flask logs, once, that a proxy nobody declared is in front
        return (
            environ.get("wsgi.url_scheme", "http"),  # HTTPS pages carry Strict-Transport-Security
            environ.get("SCRIPT_NAME", ""),
            environ.get("PATH_INFO", ""),
            environ.get("QUERY_STRING", ""),
        )

    def _host_trusted(self, environ: WSGIEnvironment) -> bool:
        host = environ.get("HTTP_HOST")
        if host is not None and host in self.known_hosts:
            return True
        try:
            get_host(environ, self.trusted_hosts or None)
        except SecurityError:
            return False  # Flask answers 400
        if host is not None and len(self.known_hosts) < KNOWN_HOSTS:
            self.known_hosts.add(host)
        return True

    def _serve(
        self, page: ReadyPage, environ: WSGIEnvironment, start_response: StartResponse, started: float
    ) -> Iterable[bytes]:
        method = environ["REQUEST_METHOD"]
        headers = [*page.headers, (REQUEST_ID_HEADER, environ_request_id(environ))]
        body = page.body
        if page.parts:
            token, cookie = self.tokens.mint(page.session, environ.get("wsgi.url_scheme") == "https")
            body = token.join(page.parts)
            headers += [("Content-Length", str(len(body))), ("Set-Cookie", cookie)]
        start_response(page.status, headers)
        PAGE_CACHE_HITS.inc()
        count_answer(page.route, method, 200, perf_counter() - started)
        return [body] if method == "GET" else []

    def _answer_and_note(
        self, key: tuple[str, str, str, str], environ: WSGIEnvironment, start_response: StartResponse
    ) -> Iterable[bytes]:
        sent: list[object] = []

        def note_start(status: str, headers: list[tuple[str, str]], exc_info: object = None) -> object:
            sent[:] = [status, headers]
            return start_response(status, headers, exc_info)  # type: ignore[arg-type]

        answer = self.wsgi_app(environ, note_start)
        plan: ReadyPlan | None = environ.get(READY_KEY)
        if plan is None or environ["REQUEST_METHOD"] != "GET" or not str(sent[0]).startswith("200"):
            return answer
        status, headers = sent
        cookies = [value for name, value in headers if name.lower() == "set-cookie"]  # type: ignore[attr-defined]
        # A form page's only cookie is the new session holding its token; any other page has none.
        if cookies and not (plan.form_token and len(cookies) == 1 and self._is_session(cookies[0])):
            return answer
        try:
            body = b"".join(answer)
        finally:
            close = getattr(answer, "close", None)
            if close is not None:
                close()
        left_out = PER_REQUEST | ({"content-length"} if plan.form_token else set())
        kept = [(name, value) for name, value in headers if name.lower() not in left_out]  # type: ignore[attr-defined]
        parts = tuple(body.split(plan.form_token.encode())) if plan.form_token else ()
        if plan.form_token and len(parts) < 2:
            return [body]  # the token is not in the page after all: nothing to put a new one in
        page = ReadyPage(
            plan.generation,
            monotonic() + plan.ttl,
            plan.route,
            str(status),
            kept,
            b"" if parts else body,  # a form page is kept only as the parts around its token
            parts,
            plan.session,
            plan.day,
            plan.kept_on,
        )
        self._keep(key, page)
        return [body]

    def _is_session(self, cookie: str) -> bool:
        return cookie.startswith(self.cookie_names[0])

    def _keep(self, key: tuple[str, str, str, str], page: ReadyPage) -> None:
        with self._lock:
            self.pages[key] = page
