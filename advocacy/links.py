"""Links that leave the page (in mail, in boxes to copy and share) start with BASE_URL, never with
the Host the request named: a forged Host must not put its own address into a password-reset mail."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, current_app, url_for


class SiteAddressProblem(ValueError):
    """BASE_URL is missing or is not an address a link can start with."""


def check_base_url(value: object) -> str:
    """BASE_URL as links use it (no trailing slash), or SiteAddressProblem saying what to set."""
    if not isinstance(value, str) or not value.strip():
        raise SiteAddressProblem(
            "BASE_URL is not set: set ADVOCACY_BASE_URL (or BASE_URL in instance/config.py) to the "
            "address people reach the site at, such as https://advocacy.example.org."
        )
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SiteAddressProblem(
            f"BASE_URL {value!r} is not a web address: write it as https://advocacy.example.org."
        )
    if parts.path.strip("/") or parts.query or parts.fragment or parts.username or parts.password:
        # A site served under a path has it from the proxy (SCRIPT_NAME), and url_for adds it.
        raise SiteAddressProblem(
            f"BASE_URL {value!r} may hold only the scheme, the host and a port, "
            "such as https://advocacy.example.org or http://127.0.0.1:8000."
        )
    return value.strip().rstrip("/")


def site_url(endpoint: str, **values: object) -> str:
    """The page's full address on the site's own BASE_URL, for mail and for links to share."""
    return current_app.config["BASE_URL"].rstrip("/") + url_for(endpoint, **values)


def register(app: Flask) -> None:
    app.add_template_global(site_url)
