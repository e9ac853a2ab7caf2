"""What every request must pass before a view, or the page cache, reads it."""

from __future__ import annotations

import re

from flask import Flask, abort, request

# C0 controls but tab, line feed and carriage return, and DEL. PostgreSQL refuses NUL in text
# outright; the others have no place in a name, a town, an address or a search.
CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def refuse_control_characters() -> None:
    """A 400 naming the field, before anything is looked up or stored."""
    for kind, fields in (("query parameter", request.args), ("form field", request.form)):
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


def register(app: Flask) -> None:
    """Call before the page cache registers: its lookups use the same values."""
    app.before_request(refuse_control_characters)
