"""Template filters shared by every page."""

from decimal import Decimal
from urllib.parse import urlsplit

from flask import Flask

from advocacy.bills.whereabouts import hearing_time, place_words
from advocacy.dates import long_date
from advocacy.letters.render import letter_html
from advocacy.reportcards.service import plain_points
from advocacy.reportcards.sources import source_line


def points(value: Decimal | None) -> str:
    return "—" if value is None else str(plain_points(value))


def host(url: str) -> str:
    """A source's site name, for link text: https://www.rehope.org/post/… → rehope.org."""
    return urlsplit(url.strip()).netloc.removeprefix("www.") or url


def register(app: Flask) -> None:
    app.add_template_filter(points)
    app.add_template_filter(host)
    app.add_template_filter(long_date)
    app.add_template_filter(letter_html)
    app.add_template_filter(source_line)
    app.add_template_filter(place_words)
    app.add_template_filter(hearing_time)
