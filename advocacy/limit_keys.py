"""What rate limits count by, each hashed to a fixed length: nothing a visitor sends (an email of
any length, a forged X-Forwarded-For) makes a key, or the storage behind it, grow."""

from __future__ import annotations

import hashlib

from flask_limiter.util import get_remote_address


def fixed_length(value: str) -> str:
    """64 hexadecimal digits standing for `value`, whatever its length."""
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()


def visitor() -> str:
    """The default key: the visitor's address (ProxyFix has read it from the trusted proxies)."""
    return "address:" + fixed_length(get_remote_address())
