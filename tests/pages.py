"""Reading pages the way a person does: forms, links and visible text, through an HTML parser."""

from __future__ import annotations

from html.parser import HTMLParser

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

# Elements whose content a reader never sees as text.
UNSEEN = {"script", "style"}


class _Page(HTMLParser):
    """One pass over a page: its visible text, its links with their text, its CSRF tokens."""

    def __init__(self, body: str) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.links: list[tuple[str, str]] = []
        self.csrf_tokens: list[str] = []
        self._unseen = 0
        self._link: tuple[str, list[str]] | None = None
        self.feed(body)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.text.append(" ")  # a tag separates words, as it does on screen
        fields = {name: value or "" for name, value in attrs}
        if tag in UNSEEN:
            self._unseen += 1
        elif tag == "a" and "href" in fields:
            self._link = (fields["href"], [])
        elif tag == "input" and fields.get("name") == "csrf_token" and fields.get("value"):
            self.csrf_tokens.append(fields["value"])

    def handle_endtag(self, tag: str) -> None:
        self.text.append(" ")
        if tag in UNSEEN:
            self._unseen = max(0, self._unseen - 1)
        elif tag == "a" and self._link is not None:
            href, inner = self._link
            self.links.append((href, "".join(inner)))
            self._link = None

    def handle_data(self, data: str) -> None:
        if self._unseen:
            return
        self.text.append(data)
        if self._link is not None:
            self._link[1].append(data)


def _page(response: TestResponse) -> _Page:
    return _Page(response.get_data(as_text=True))


def text_of(response: TestResponse) -> str:
    """The page's visible text with tags removed and white space folded."""
    return " ".join("".join(_page(response).text).split())


def csrf_token(response: TestResponse) -> str:
    """The CSRF token of the page's first form that has one."""
    tokens = _page(response).csrf_tokens
    assert tokens, "the page has no CSRF token"
    return tokens[0]


def csrf_token_or_blank(response: TestResponse) -> str:
    """The page's CSRF token, or "" where the app asks for none (`no_csrf`)."""
    tokens = _page(response).csrf_tokens
    return tokens[0] if tokens else ""


def link_with_text(response: TestResponse, label: str) -> str:
    """The address of the first link whose text contains `label`."""
    for href, inner in _page(response).links:
        if label in inner:
            return href
    raise AssertionError(f"no link labelled {label!r}")


def save_letter(client: FlaskClient, legislator_id: str, campaign: str = "", **fields: str) -> str:
    """Draft and save a letter through the form, as a citizen would; returns its tracking path."""
    url = f"/letters/new?state=mo&to={legislator_id}" + (f"&campaign={campaign}" if campaign else "")
    form = {
        "csrf_token": csrf_token_or_blank(client.get(url)),
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


class _Options(HTMLParser):
    """The visible text of each option of the select named `name`."""

    def __init__(self, body: str, name: str) -> None:
        super().__init__(convert_charrefs=True)
        self.name, self.options = name, []
        self._in_select = self._in_option = False
        self.feed(body)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "select":
            self._in_select = dict(attrs).get("name") == self.name
        elif tag == "option" and self._in_select:
            self._in_option = True
            self.options.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._in_select = False
        if tag in ("option", "select"):
            self._in_option = False

    def handle_data(self, data: str) -> None:
        if self._in_option:
            self.options[-1] += data


def options_of(response: TestResponse, name: str) -> list[str]:
    """The choices a person sees in the page's select `name`, white space folded."""
    return [" ".join(text.split()) for text in _Options(response.get_data(as_text=True), name).options]
