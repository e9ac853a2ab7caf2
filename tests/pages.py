"""Reading pages the way a person does: forms, links and visible text."""

from __future__ import annotations

import html
import re

from werkzeug.test import TestResponse


def text_of(response: TestResponse) -> str:
    """The page's visible text with tags removed and white space folded."""
    body = response.get_data(as_text=True)
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def csrf_token(response: TestResponse) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', response.get_data(as_text=True))
    assert match, "the page has no CSRF token"
    return match.group(1)


def link_with_text(response: TestResponse, label: str) -> str:
    for href, inner in re.findall(
        r'<a [^>]*href="([^"]+)"[^>]*>(.*?)</a>', response.get_data(as_text=True), re.S
    ):
        if label in html.unescape(re.sub(r"<[^>]+>", "", inner)):
            return html.unescape(href)
    raise AssertionError(f"no link labelled {label!r}")


def save_letter(client, legislator_id: str, campaign: str = "", **fields: str) -> str:
    """Draft and save a letter through the form, as a citizen would; returns its tracking path."""
    url = f"/letters/new?state=mo&to={legislator_id}" + (f"&campaign={campaign}" if campaign else "")
    match = re.search(
        r'name="csrf_token" type="hidden" value="([^"]+)"', client.get(url).get_data(as_text=True)
    )
    form = {
        "csrf_token": match.group(1) if match else "",
        "area": "prevention-and-training",
        "to": [legislator_id],
        "sender_name": "Pat Doe",
        "sender_town": "Columbia",
        "sender_email": "pat@example.org",
        "personal_paragraph": "My own words.",
        "action": "save",
    }
    form.update(fields)
    saved = client.post(url, data=form)
    assert saved.status_code == 302, saved.get_data(as_text=True)
    return saved.headers["Location"].split("#")[0]
