"""How the site writes a date in a sentence, on its pages, in letters and in their PDFs."""

from datetime import date, datetime


def long_date(day: date) -> str:
    """November 30, 2026: the site's one way of writing a date in a sentence."""
    return f"{day:%B} {day.day}, {day.year}"


def long_moment(moment: datetime) -> str:
    """November 30, 2026 at 14:05 UTC: a stored (naive UTC) time, to the minute."""
    return f"{long_date(moment)} at {moment:%H:%M} UTC"
