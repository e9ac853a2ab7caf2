"""Links that leave the page (in mail, in boxes to copy and share) start with BASE_URL, never with
the Host the request named: a forged Host must not put its own address into a password-reset mail.
Addresses other sites give (bills, lawmakers' links, sources) are linked only when they are web
addresses: a javascript: or data: link would run in this site's pages."""

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


WEB_SCHEMES = ("http", "https")


def outside_url(value: object) -> str:
    """`value` when it is a web address (http or https, with a host), else "": the one test an
    address from another site passes before it is kept, linked or returned by the API."""
    if not isinstance(value, str):
        return ""
    url = value.strip()
    # Browsers drop tabs and line breaks inside an address ("java\tscript:"): refuse any control
    # character or space rather than guess what a browser would make of it.
    if not url or any(ord(c) <= 0x20 or ord(c) == 0x7F for c in url):
        return ""
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:  # a malformed port or IPv6 address
        return ""
    return url if parts.scheme.lower() in WEB_SCHEMES and host else ""


def register(app: Flask) -> None:
    app.add_template_global(site_url)
    app.add_template_filter(outside_url)
