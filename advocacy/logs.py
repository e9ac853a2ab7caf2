"""Log lines: plain or JSON, each with its request's id, and never an address typed into the lookup.

Every answer carries its request's id in `X-Request-ID`, and the 500 page shows it, so what a
person reports can be matched to the log line of what went wrong.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import sys
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, quote_plus

from flask import Flask, Response, g, has_request_context, request
from flask.logging import default_handler

from advocacy.config import ConfigurationProblem

REQUEST_ID_HEADER = "X-Request-ID"
# An id a proxy in front sends (nginx's $request_id) is kept when it is plainly an id; anything
# longer, or with characters a log line or a page would have to escape, is replaced.
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9-]{1,64}")
REQUEST_ID_KEY = "advocacy.request_id"  # in the request's WSGI environ
NO_REQUEST = "-"
LOG_FORMATS = ("plain", "json")
PLAIN_FORMAT = "[%(asctime)s] %(levelname)s %(name)s [%(request_id)s]: %(message)s"
# An address in a query string, whoever logs the URL (an HTTP library, a server's access line).
ADDRESS_PARAMETER = re.compile(r"(address=)[^&\s\"']+", re.IGNORECASE)
HIDDEN = "[address]"


def request_id() -> str:
    """This request's id: the one the proxy sent when it is sane, else a new one."""
    return environ_request_id(request.environ)  # kept there: it lives exactly as long


def environ_request_id(environ: dict[str, Any]) -> str:
    """The id of the request `environ` describes (for a WSGI layer in front of Flask, too)."""
    found = environ.get(REQUEST_ID_KEY)
    if found is None:
        given = environ.get("HTTP_X_REQUEST_ID", "")
        found = given if given and SANE_REQUEST_ID.fullmatch(given) else secrets.token_hex(8)
        environ[REQUEST_ID_KEY] = found
    return found


def _send_request_id(response: Response) -> Response:
    response.headers[REQUEST_ID_HEADER] = request_id()
    return response


def _looked_up_address() -> re.Pattern[str] | None:
    """The address this request asks about, whole (as typed or URL-encoded) or any word of it."""
    address = request.args.get("address", "").strip()
    if not address:
        return None
    known = g.get("address_pattern")
    if known is None or known[0] != address:
        forms = {address, quote_plus(address), quote(address), *re.findall(r"\w{3,}", address)}
        longest_first = sorted(forms, key=len, reverse=True)
        pattern = re.compile(
            r"(?<!\w)(?:" + "|".join(map(re.escape, longest_first)) + r")(?!\w)", re.IGNORECASE
        )
        known = g.address_pattern = (address, pattern)
    return known[1]


def _hide_addresses(text: str, looked_up: re.Pattern[str] | None) -> str:
    text = ADDRESS_PARAMETER.sub(r"\1…", text)
    return looked_up.sub(HIDDEN, text) if looked_up is not None else text


class _RequestFacts(logging.Filter):
    """Gives each record its request's id, and takes out of it (message, traceback) the address
    the request looks up: whatever a library or a careless line writes, the address stays out."""

    def filter(self, record: logging.LogRecord) -> bool:
        looked_up = None
        if has_request_context():
            record.request_id = request_id()
            looked_up = _looked_up_address()
        else:
            record.request_id = NO_REQUEST
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return True  # arguments that do not fit the message: the handler reports it, as always
        record.msg, record.args = _hide_addresses(message, looked_up), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = _hide_addresses(record.exc_text, looked_up)
        if record.stack_info:
            record.stack_info = _hide_addresses(record.stack_info, looked_up)
        return True


class JsonLines(logging.Formatter):
    """One JSON object a line: time, level, logger, message, request_id (in a request), exception."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if getattr(record, "request_id", NO_REQUEST) != NO_REQUEST:
            line["request_id"] = record.request_id
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line["exception"] = record.exc_text
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return json.dumps(line, ensure_ascii=False)


class _ErrorStream:
    """The server's error stream in a request; outside one, the process's own stderr, even while a
    command's output is being captured (a command's log lines are not its output)."""

    def write(self, text: str) -> int:
        stream = request.environ["wsgi.errors"] if has_request_context() else sys.__stderr__
        return stream.write(text) if stream is not None else 0

    def flush(self) -> None:
        stream = request.environ["wsgi.errors"] if has_request_context() else sys.__stderr__
        if stream is not None:
            stream.flush()


# One handler for the process, on the root logger, so libraries' lines (urllib3's retries, RQ)
# come out in the same form as the app's.
HANDLER = logging.StreamHandler(_ErrorStream())  # type: ignore[arg-type]
HANDLER.addFilter(_RequestFacts())


def register(app: Flask) -> None:
    """Log in LOG_FORMAT (a process serves one app: the last app made sets it) and send each
    answer's request id."""
    kind = str(app.config["LOG_FORMAT"]).strip().lower()
    if kind not in LOG_FORMATS:
        raise ConfigurationProblem(
            f"Advocacy will not start: LOG_FORMAT must be plain or json, not {app.config['LOG_FORMAT']!r}."
        )
    HANDLER.setFormatter(JsonLines() if kind == "json" else logging.Formatter(PLAIN_FORMAT))
    root = logging.getLogger()
    if HANDLER not in root.handlers:
        root.addHandler(HANDLER)
    # The app's lines reach HANDLER through the root logger, not twice through Flask's own too.
    app.logger.removeHandler(default_handler)
    app.after_request(_send_request_id)
