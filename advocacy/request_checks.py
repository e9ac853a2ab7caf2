"""What every request must pass before a view, or the page cache, reads it."""

from __future__ import annotations

import re

from flask import Flask, abort, current_app, request
from werkzeug.datastructures import MultiDict

# C0 controls but tab, line feed and carriage return, and DEL. PostgreSQL refuses NUL in text
# outright; the others have no place in a name, a town, an address or a search.
CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def refuse_control_characters() -> None:
    """A 400 naming the field, before anything is looked up or stored."""
    # A body that is no form (a raw message posted to /inbound/mail) is its view's to read and limit.
    form = request.form if request.mimetype in FORM_TYPES else MultiDict()
    for kind, fields in (("query parameter", request.args), ("form field", form)):
        for name, value in fields.items(multi=True):
            if CONTROL_CHARACTER.search(name) or CONTROL_CHARACTER.search(value):
                abort(
                    400,
                    description=f"The {kind} {_shown(name)} holds a control character (such as a NUL "
                    "byte), which no text here may hold. Remove it and try again.",
                )
    for value in (request.view_args or {}).values():
        if isinstance(value, str) and CONTROL_CHARACTER.search(value):
            abort(400, description="The page address holds a control character. Check the link.")


def _shown(name: str) -> str:
    return repr(CONTROL_CHARACTER.sub("?", name)[:60])


WARNED_OF_PROXY = "advocacy.warned_of_proxy"  # in app.extensions once said


def notice_an_unconfigured_proxy() -> None:
    """Say once, in the log, when a proxy forwards requests but PROXY_COUNT says there is none.

    Every visitor then has the proxy's address: they share one set of rate limits, and one
    visitor's mistakes can lock out everyone. The header is not trusted either way.
    """
    app = current_app._get_current_object()
    if (
        app.config["PROXY_COUNT"]
        or "X-Forwarded-For" not in request.headers
        or WARNED_OF_PROXY in app.extensions
    ):
        return
    app.extensions[WARNED_OF_PROXY] = True
    app.logger.warning(
        "Requests arrive with X-Forwarded-For, but ADVOCACY_PROXY_COUNT is 0: every visitor counts as "
        "the proxy at %s, and shares its rate limits. Set ADVOCACY_PROXY_COUNT to the number of proxies "
        "in front of the app (1 for one nginx).",
        request.remote_addr,
    )


def register(app: Flask) -> None:
    """Call before the page cache registers: its lookups use the same values."""
    app.before_request(notice_an_unconfigured_proxy)
    app.before_request(refuse_control_characters)
