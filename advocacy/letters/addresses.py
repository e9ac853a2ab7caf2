"""The inbound addresses of one letter: its copy address, its bounce (VERP) address, its answer address;
and the bounce address of one follower's alerts.

The local part names the purpose and the letter and carries a signature, so nobody can make an
address for a letter that is not theirs: `answer-2s-kq3v7m2x5d4ab@in.example.org`. It is all
lower case and short, since some mail systems lower-case local parts and some cut long ones.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass
from enum import StrEnum

SIGNATURE_LENGTH = 13  # base32 characters: 65 bits
ADDRESS = re.compile(r"^(copy|bounce|answer|alert)-([0-9a-z]{1,12})-([a-z2-7]{13})$")


class Purpose(StrEnum):
    COPY = "copy"  # in Bcc of every email hand-off: its arrival confirms the send
    BOUNCE = "bounce"  # the return path of letters the outbox sends
    ANSWER = "answer"  # where the writer forwards the lawmaker's answer
    ALERT = "alert"  # the return path of a follower's alerts: keyed by the follower's id, not a letter's


class NotAnInboundAddress(ValueError):
    """Not one of the inbound domain's address forms."""


class ForgedAddress(ValueError):
    """The form is right but the signature is not: someone made the address up."""


@dataclass(frozen=True)
class InboundKey:
    purpose: Purpose
    letter_id: int  # with Purpose.ALERT, the follower's id


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while True:
        number, rest = divmod(number, 36)
        text = digits[rest] + text
        if not number:
            return text


def _signature(secret: str, purpose: Purpose, letter_id: int) -> str:
    digest = hmac.new(
        secret.encode(), f"advocacy.inbound|{purpose}|{letter_id}".encode(), hashlib.sha256
    ).digest()
    return base64.b32encode(digest).decode().lower()[:SIGNATURE_LENGTH]


def inbound_address(secret: str, domain: str, purpose: Purpose, letter_id: int) -> str:
    return f"{purpose}-{_base36(letter_id)}-{_signature(secret, purpose, letter_id)}@{domain.lower()}"


def read_inbound_address(secret: str, domain: str, address: str) -> InboundKey:
    """The letter an address stands for; NotAnInboundAddress or ForgedAddress otherwise."""
    local, _, host = address.strip().strip("<>").lower().rpartition("@")
    if not domain or host != domain.lower():
        raise NotAnInboundAddress(f"{address[:100]!r} is not at the inbound domain")
    match = ADDRESS.match(local)
    if match is None:
        raise NotAnInboundAddress(f"{address[:100]!r} is not a copy, bounce, answer or alert address")
    purpose, letter_id = Purpose(match[1]), int(match[2], 36)
    if not hmac.compare_digest(match[3], _signature(secret, purpose, letter_id)):
        raise ForgedAddress(f"the signature of {address[:100]!r} does not match")
    return InboundKey(purpose, letter_id)
