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
