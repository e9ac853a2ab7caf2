"""Caching: whole pages for anonymous visitors, invalidated by any write they show, and conditional GET.

A page marked `@cached_page` is kept, as sent, for visitors who are not logged in, under a key
that holds the cache's *generation*, the site's BASE_URL, the path and the query parameters the
page declares it reads. Any committed change to the data such pages show (report cards,
lawmakers, templates, campaigns; not letters, which every campaign writes by the thousand)
moves the generation on, so every process and every app server stops using the old pages at
their next request. The generation lives where all processes see it: in Redis when
ADVOCACY_REDIS_URL is set, otherwise in a file of the instance folder (one machine). Pages
that show counts of letters keep a short lifetime instead.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from collections.abc import Callable
from contextlib import suppress
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlencode

from cachetools import TLRUCache
from flask import (
    Flask,
    Request,
    Response,
    current_app,
    g,
    has_request_context,
    make_response,
    request,
    session,
)
from flask_caching import Cache
from flask_wtf.csrf import generate_csrf
from redis import RedisError
from sqlalchemy import event, func, select
from sqlalchemy.orm import ORMExecuteState, Session

from advocacy.extensions import limiter
from advocacy.metrics import PAGE_CACHE_HITS, PAGE_CACHE_MISSES
from advocacy.models import Letter, OutboxMessage, ReportCard
from advocacy.ready_pages import READY_KEY, ReadyPages, ReadyPlan

View = TypeVar("View", bound=Callable[..., object])
Kept = TypeVar("Kept")

cache = Cache()

# Committed changes to these tables leave every cached page as it was: what they hold is private
# or shown only with a short lifetime (letters, through counts); no page shows followers or alerts.
QUIET_TABLES = frozenset(
    {
        "letters",
        "outbox_messages",
        "audit_events",
        "users",
        "sync_runs",
        "contact_corrections",
        "campaign_tallies",
        "inbound_messages",
        "email_bounces",
        "followers",
        "alert_messages",
    }
)
GENERATION_KEY = "advocacy:generation"
HEADERS_KEPT = ("Content-Type", "ETag", "Last-Modified", "Cache-Control")
# A page with a visitor's token differs for each visitor: no ETag, which would be the same for all.
HEADERS_KEPT_WITH_FORM = ("Content-Type", "Cache-Control")
# Where a kept form page had its visitor's CSRF token; it cannot occur in a page by chance.
TOKEN_HOLE = b"\x00csrf-token\x00"
# Seconds. Edits move the generation on at once; this bounds what an edit made while Redis was
# unreachable (so the generation could not move) may leave behind.
LONG = 600
SHORT = 15  # for pages that count letters, which do not move the generation


def cached_page(
    ttl: int = LONG,
    form_token: bool = False,
    version: Callable[..., object] | None = None,
    params: tuple[str, ...] = (),
    day: Callable[[], date] | None = None,
) -> Callable[[View], View]:
    """Keep this view's answers for anonymous visitors; `ttl` bounds how long a page may be served.

    `params` names every query parameter the page reads: pages are kept per value of those, and
    a request with any other parameter is answered afresh and not kept, so made-up parameters
    cannot fill the cache. With `form_token`, the page holds a form: it is kept with its CSRF
    token cut out, and each visitor's own token is put back in as it is served. `version`,
    called with the view's arguments, names the state of what the page shows (a letter's number
    of changes, say): the page is kept per version, and not at all when it returns None. `day`
    names today for a page that changes with the date (a countdown): a kept copy, here or in the
    layer in front of Flask, serves only the day it was made on.
    """

    def mark(view: View) -> View:
        view.page_cache_ttl = ttl  # type: ignore[attr-defined]
        view.page_form_token = form_token  # type: ignore[attr-defined]
        view.page_version = version  # type: ignore[attr-defined]
        view.page_params = tuple(params)  # type: ignore[attr-defined]
        view.page_day = day  # type: ignore[attr-defined]
        return view

    return mark


def private_page(view: View) -> View:
    """No browser or proxy keeps a copy of this view's answers (`Cache-Control: no-store`): they
    hold a letter, an account or an organizer's figures. A view also marked `@cached_page` is
    still kept by the app, which serves it only to requests for the page's own secret address."""
    view.page_private = True  # type: ignore[attr-defined]
    return view


def no_store(response: Response) -> Response:
    """An answer no browser or proxy may keep a copy of (as a blueprint's after_request, too)."""
    response.headers["Cache-Control"] = "no-store"
    return response


class LocalPages:
    """The pages (and kept values) this process served lately: a hit costs no round trip to Redis.

    A cachetools TLRU cache, each entry expiring after its own ttl, least recently used first out
    beyond `size`; behind a lock, since a worker's threads share it. Keys carry the generation, so
    a page here is never served after an edit.
    """

    def __init__(self, size: int = 300) -> None:
        self._pages: TLRUCache[str, tuple[int, object]] = TLRUCache(
            maxsize=size, ttu=lambda _key, value, now: now + value[0], timer=time.monotonic
        )
        self._lock = threading.Lock()

    def get(self, key: str) -> Any:
        with self._lock:
            found = self._pages.get(key)
        return None if found is None else found[1]

    def set(self, key: str, page: object, ttl: int) -> None:
        with self._lock:
            self._pages[key] = (ttl, page)

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()


local_pages = LocalPages()


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


# --- the generation -------------------------------------------------------------------------


def _generation_file(app: Flask) -> Path:
    return Path(app.config["CACHE_GENERATION_FILE"])


def generation() -> str:
    """The current generation: cached pages of any other generation are never served.

    Read once per request (a page that keeps several values asks Redis once); a write in the
    request moves it on and forgets the copy.
    """
    known = g.get("cache_generation") if has_request_context() else None
    if known is not None:
        return known
    found = read_generation(current_app._get_current_object())
    if has_request_context():
        g.cache_generation = found
    return found


def read_generation(app: Flask) -> str:
    """The generation as Redis or the instance's file holds it now; needs no app context.

    RedisError when Redis is down: see _serve_cached.
    """
    if app.config["REDIS_URL"]:
        return str(app.extensions["cache"][cache].get(GENERATION_KEY) or 0)
    try:
        return str(os.stat(app.config["CACHE_GENERATION_FILE"]).st_mtime_ns)
    except FileNotFoundError:
        return "0"


def move_generation_on(app: Flask) -> None:
    """Every process, on every app server, stops serving the pages cached so far."""
    if has_request_context():
        g.pop("cache_generation", None)
    with app.app_context():
        if app.config["REDIS_URL"]:
            try:
                if not cache.cache.inc(GENERATION_KEY):
                    cache.set(GENERATION_KEY, 1, timeout=0)
            except RedisError as error:
                # The write is committed either way; pages cached before it expire within LONG.
                app.logger.warning("could not move the page cache's generation on: %s", error)
            return
    path = _generation_file(app)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch()
    # Two writes within the file system's time resolution must still differ.
    stamp = path.stat().st_mtime_ns
    os.utime(path, ns=(stamp, stamp + 1))


def kept(key: str, ttl: int, make: Callable[[], Kept], shared: bool = True) -> Kept:
    """A value (a piece of a page, plain data) kept under `key`, which must name everything it
    depends on but what the generation covers; made by `make` when no process has it.

    With `shared=False` the value stays in this process (each process makes its own once per
    generation) and is handed out as it is, not as a copy: for objects dear to copy that every
    request only reads.
    """
    try:
        full_key = f"kept:{current_app.config['CACHE_RELEASE']}:{generation()}:{key}"
    except RedisError:
        return make()  # Redis is unreachable: no generation to trust, so nothing is kept
    found = local_pages.get(full_key)
    if found is None and shared:
        with suppress(RedisError):
            found = cache.get(full_key)
    if found is None:
        found = (make(),)
        if shared:
            with suppress(RedisError):
                cache.set(full_key, found, timeout=ttl)
    local_pages.set(full_key, found, ttl)
    return found[0]


# --- watching the session for writes that pages show ----------------------------------------


def _tables_written(session: Session) -> set[str]:
    objects = [*session.new, *session.dirty, *session.deleted]
    return {obj.__table__.name for obj in objects if hasattr(obj, "__table__")}


def _remember_writes(session: Session, *_: object) -> None:
    if _tables_written(session) - QUIET_TABLES:
        session.info["moves_generation"] = True
    _number_letter_changes(session)


def _number_letter_changes(session: Session) -> None:
    """A changed letter, or a change to its outbox message, gives the letter's page a new version."""
    changed = {obj for obj in session.dirty if isinstance(obj, Letter) and session.is_modified(obj)}
    with session.no_autoflush:
        for obj in [*session.new, *session.dirty]:
            if isinstance(obj, OutboxMessage) and obj.letter is not None:
                changed.add(obj.letter)
    for letter in changed:
        if letter.id is not None:
            letter.version = (letter.version or 0) + 1


def _remember_bulk_writes(execution: ORMExecuteState) -> None:
    if execution.is_select:
        return
    mapper = execution.bind_mapper
    # A Core statement on a table (the campaign tallies' upsert) names its table, not a mapper.
    table = (
        getattr(mapper, "local_table", None)
        if mapper is not None
        else getattr(execution.statement, "table", None)
    )
    name = getattr(table, "name", None)
    if name is None or name not in QUIET_TABLES:
        execution.session.info["moves_generation"] = True


def _after_commit(session: Session) -> None:
    if session.info.pop("moves_generation", False):
        app = session.info.get("app")
        if app is None and current_app:
            app = current_app._get_current_object()
        if app is not None:
            move_generation_on(app)


def _after_rollback(session: Session) -> None:
    session.info.pop("moves_generation", None)


def watch_writes() -> None:
    """Listen on every ORM session: a committed write that pages show moves the generation on."""
    if not event.contains(Session, "before_flush", _remember_writes):
        event.listen(Session, "before_flush", _remember_writes)
        event.listen(Session, "do_orm_execute", _remember_bulk_writes)
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_soft_rollback", lambda session, _: _after_rollback(session))


# --- serving and keeping pages ---------------------------------------------------------------


def _anonymous() -> bool:
    """No one is logged in and nothing waits to be flashed: the page is the same for everyone."""
    if request.cookies.get(current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")):
        return False
    return "_user_id" not in session and "_flashes" not in session


def release(app: Flask) -> str:
    """What this deployment serves pages from: a new release never uses pages an older one cached."""
    digest = hashlib.sha256()
    for folder in (app.template_folder, app.static_folder):
        for path in sorted(Path(app.root_path, folder or "").rglob("*")):
            if path.is_file():
                stat = path.stat()
                digest.update(f"{path}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:12]


def _page_key(app: Flask, asked: Request, params: tuple[str, ...], version: object = "") -> str:
    """The page's key: the site's own address (never the Host a request names), the path, and
    the values of the parameters the page reads, in the order it declares them."""
    args = asked.args
    query = urlencode([(name, value) for name in params if name in args for value in args.getlist(name)])
    site = app.config["BASE_URL"] + asked.script_root
    return f"page:{app.config['CACHE_RELEASE']}:{generation()}:{version}:{site}{asked.path}?{query}"


def _serve_cached() -> Response | None:
    asked = request._get_current_object()  # one context lookup, not one per attribute
    if asked.method not in ("GET", "HEAD") or not asked.endpoint:
        return None
    app = current_app._get_current_object()
    view = app.view_functions.get(asked.endpoint)
    ttl = getattr(view, "page_cache_ttl", None)
    if ttl is None or not _anonymous() or not all(name in view.page_params for name in asked.args):
        return None
    version_of = view.page_version
    version = version_of(**(asked.view_args or {})) if version_of else ""
    if version is None:
        return None
    if view.page_day is not None:
        version = f"{version}@{view.page_day().isoformat()}"
    try:
        key = _page_key(app, asked, view.page_params, version)
        kept = local_pages.get(key) or cache.get(key)
    except RedisError:
        return None  # Redis is unreachable: the page is made afresh, and not kept
    form_token = view.page_form_token
    if kept is None:
        PAGE_CACHE_MISSES.inc()
        g.page_cache = (key, ttl, form_token)
        return None
    PAGE_CACHE_HITS.inc()
    local_pages.set(key, kept, ttl)
    status, headers, body = kept
    if form_token:
        # Each visitor's own token; such a page has no ETag or date to compare (see _keep).
        body = body.replace(TOKEN_HOLE, generate_csrf().encode())
        _may_be_ready(view, ttl)
        return Response(body, status=status, headers=headers)
    _may_be_ready(view, ttl)
    return Response(body, status=status, headers=headers).make_conditional(asked)


def _keep(response: Response) -> Response:
    plan = g.pop("page_cache", None)
    if plan is None:
        return response
    key, ttl, form_token = plan
    # Nothing of this visitor's may be kept. Their session may hold a form token and the flag
    # Flask-Login leaves in any anonymous session ("not freshly logged in"), but nothing else
    # (no message waiting to be shown), and their token may be in the page only where it is cut
    # out again.
    cacheable = (
        response.status_code == 200
        and not response.direct_passthrough
        and set(session) <= {"csrf_token", "_fresh"}
        and (form_token or not g.get("csrf_token"))
        and "Set-Cookie" not in response.headers
        and not response.cache_control.no_store
        and not response.cache_control.private
    )
    if cacheable:
        body = response.get_data()
        token = g.get("csrf_token")
        if form_token and token:
            body = body.replace(token.encode(), TOKEN_HOLE)
        kept_headers = HEADERS_KEPT_WITH_FORM if form_token else HEADERS_KEPT
        headers = [(name, response.headers[name]) for name in kept_headers if name in response.headers]
        local_pages.set(key, (200, headers, body), ttl)
        with suppress(RedisError):
            cache.set(key, (200, headers, body), timeout=ttl)
        _may_be_ready(current_app.view_functions[request.endpoint], ttl)
    return response


def _may_be_ready(view: Callable[..., object], ttl: int) -> None:
    """The answer is the same for every anonymous visitor until the generation moves on (but for a
    form's token, which it may put in): the layer in front of Flask may keep it as sent
    (advocacy/ready_pages.py). Not a page with versions of its own or a private one; not one that
    counts each visitor's requests against a rate limit, which only Flask's hooks can do."""
    if view.page_version is not None or getattr(view, "page_private", False) or limiter.current_limits:
        return
    token, rest = "", ()
    if view.page_form_token:
        token = g.get("csrf_token") or ""
        if not token:
            return
        rest = tuple((name, value) for name, value in session.items() if name != "csrf_token")
    day = view.page_day
    request.environ[READY_KEY] = ReadyPlan(
        generation(), ttl, request.url_rule.rule, token, rest, day, day() if day is not None else None
    )


def _forbid_storing_private_pages(response: Response) -> Response:
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    return no_store(response) if getattr(view, "page_private", False) else response


def register(app: Flask) -> None:
    app.config.setdefault("CACHE_GENERATION_FILE", str(Path(app.instance_path) / "cache-generation"))
    if app.config["REDIS_URL"]:
        app.config.setdefault("CACHE_TYPE", "RedisCache")
        app.config.setdefault("CACHE_REDIS_URL", app.config["REDIS_URL"])
        app.config.setdefault("CACHE_KEY_PREFIX", "advocacy:")
        if app.config["CACHE_TYPE"] == "RedisCache":
            # A Redis that stops answering costs a page half a second, then it is made afresh.
            app.config.setdefault("CACHE_OPTIONS", {"socket_connect_timeout": 0.5, "socket_timeout": 0.5})
    else:
        app.config.setdefault("CACHE_TYPE", "SimpleCache")
        app.config.setdefault("CACHE_THRESHOLD", 2000)
    app.config.setdefault("CACHE_DEFAULT_TIMEOUT", LONG)
    app.config.setdefault("CACHE_RELEASE", release(app))
    cache.init_app(app)
    watch_writes()
    app.before_request(_serve_cached)
    # Flask runs after_request functions last-registered first: a private page is kept as made,
    # then sent with no-store, whether it was made now or served from the cache.
    app.after_request(_forbid_storing_private_pages)
    app.after_request(_keep)
    app.wsgi_app = ReadyPages(app, partial(read_generation, app))  # type: ignore[method-assign]
