"""POST /inbound/mail: a raw message from a mail provider's forwarder, with the shared bearer secret."""

from __future__ import annotations

import hmac

from flask import Blueprint, Response, current_app, jsonify, request

from advocacy.errors import json_error
from advocacy.extensions import csrf
from advocacy.inbound.reading import MAX_MESSAGE_BYTES
from advocacy.inbound.service import receive_mail
from advocacy.models.inbound import MailPath, MailResult

bp = Blueprint("inbound", __name__)

STATUS_FOR = {MailResult.TOO_LARGE: 413, MailResult.UNREADABLE: 400}


@bp.post("/inbound/mail")
@csrf.exempt  # a machine posts here, with a bearer secret instead of a form
def mail() -> tuple[Response, int]:
    config = current_app.config
    secret = str(config["INBOUND_SECRET"])
    if not config["INBOUND_DOMAIN"] or not secret:
        return json_error(404, "not_found", "Inbound mail is not set up on this site.")
    given = request.headers.get("Authorization", "")
    if not hmac.compare_digest(given.encode(), f"Bearer {secret}".encode()):
        response, status = json_error(
            401, "unauthorized", "Send the inbound secret as 'Authorization: Bearer <secret>'."
        )
        response.headers["WWW-Authenticate"] = 'Bearer realm="inbound mail"'
        return response, status
    # Room for a message just over the limit, so it is recorded as too large, not cut off unseen.
    request.max_content_length = MAX_MESSAGE_BYTES + 64 * 1024
    raw = request.get_data(cache=False)
    taken = receive_mail(raw, MailPath.HTTP, request.args.get("recipient", "").strip() or None)
    return jsonify({"result": str(taken.result), "detail": taken.detail}), STATUS_FOR.get(taken.result, 200)
