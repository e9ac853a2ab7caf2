"""Error pages: HTML for people, JSON for the API."""

from flask import Flask, Response, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, SecurityError
from werkzeug.exceptions import NotFound as HTTPNotFound

from advocacy.logs import request_id

# What a person should do next, for the errors people meet.
ADVICE = {
    404: "Check the address, or start again from the list of states.",
    400: "Please go back and check what you entered.",
    413: "That upload is too large.",
    429: "Please wait a minute before trying again.",
}


class NotFound(LookupError):
    """Something asked for by name or id does not exist; the message says what, in the user's words.

    Services raise a subclass; every view lets it through and the app answers 404 with the message,
    as a page or as JSON, so no view needs its own "or 404" helper.
    """


def json_error(status: int, code: str, message: str) -> tuple[Response, int]:
    return jsonify({"error": {"code": code, "message": message}}), status


def _wants_json() -> bool:
    return request.path.startswith("/api/")


# A form whose protection token is missing or out of date is nearly always an old tab.
FORM_EXPIRED = (
    "This form was open too long, or cookies are blocked. Go back, reload the page and send it again; "
    "anything you typed in a letter is usually still there."
)


def _handle_http(error: HTTPException) -> tuple[Response | str, int]:
    status = error.code or 500
    if isinstance(error, SecurityError):
        # A host name outside TRUSTED_HOSTS: no link can be built for it, so no page either.
        return Response("Unknown host name.\n", mimetype="text/plain"), status
    # The error's own headers stay: Allow on a 405 (RFC 9110), WWW-Authenticate, Retry-After.
    headers = [(name, value) for name, value in error.get_headers() if name.lower() != "content-type"]
    if _wants_json():
        code = (error.name or "error").lower().replace(" ", "_")
        body, status = json_error(status, code, error.description or error.name)
        body.headers.extend(headers)
        return body, status
    page = render_template(
        "errors/error.html",
        status=status,
        title=error.name,
        message=error.description,
        advice=FORM_EXPIRED if isinstance(error, CSRFError) else ADVICE.get(status, ""),
        # Our fault: the reference finds the log line of what went wrong.
        reference=request_id() if status >= 500 else None,
    )
    return Response(page, status=status, headers=headers, mimetype="text/html"), status


def _handle_not_found(error: NotFound) -> tuple[Response | str, int]:
    return _handle_http(HTTPNotFound(description=str(error)))


def register(app: Flask) -> None:
    app.register_error_handler(HTTPException, _handle_http)
    app.register_error_handler(NotFound, _handle_not_found)
