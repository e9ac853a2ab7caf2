"""The inbound SMTP listener (aiosmtpd): takes mail only for the inbound domain's addresses."""

from __future__ import annotations

import asyncio
import logging

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from flask import Flask
from sqlalchemy.exc import SQLAlchemyError

from advocacy.inbound.reading import MAX_MESSAGE_BYTES
from advocacy.inbound.service import Taken, receive_mail
from advocacy.letters.addresses import ForgedAddress, NotAnInboundAddress, read_inbound_address
from advocacy.models.inbound import MailPath, MailResult

log = logging.getLogger("advocacy.inbound")

# SMTP answers for the outcomes a sender should hear about; every other outcome is "250".
REFUSALS = {
    MailResult.TOO_LARGE: "552 5.3.4 Message too big: the limit is 2 MB",
    MailResult.UNREADABLE: "554 5.6.0 The message could not be read",
}


class InboundHandler:
    """aiosmtpd handler: recipients are checked at RCPT, messages taken at DATA in a worker thread."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        config = self.app.config
        try:
            read_inbound_address(config["SECRET_KEY"], config["INBOUND_DOMAIN"], address)
        except (NotAnInboundAddress, ForgedAddress) as error:
            log.warning("inbound SMTP refused a recipient: %s", error)
            return "550 5.1.1 No such recipient here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        loop = asyncio.get_running_loop()
        answers = []
        for recipient in envelope.rcpt_tos:
            try:
                taken = await loop.run_in_executor(None, self._take, raw, recipient)
            except SQLAlchemyError as error:
                log.error("inbound SMTP could not store a message: %s", error)
                return "451 4.3.0 Temporary failure: try again later"
            answers.append(REFUSALS.get(taken.result, "250 OK: taken"))
        # One answer covers every recipient: a refusal wins, so the sender hears of it.
        return next((answer for answer in answers if not answer.startswith("250")), "250 OK: taken")

    def _take(self, raw: bytes, recipient: str) -> Taken:
        with self.app.app_context():
            return receive_mail(raw, MailPath.SMTP, recipient)


def inbound_smtp_server(app: Flask, host: str, port: int) -> Controller:
    """A listener, not yet started. Messages far over the limit are refused by aiosmtpd itself; those
    just over it reach the handler, which records them before refusing."""
    return Controller(
        InboundHandler(app),
        hostname=host,
        port=port,
        data_size_limit=2 * MAX_MESSAGE_BYTES,
        server_hostname=app.config["INBOUND_DOMAIN"] or None,
        ident="Advocacy inbound mail",
        enable_SMTPUTF8=True,
    )
