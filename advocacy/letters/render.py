"""Letter templates: parsing template files and rendering them in a sandbox."""

from __future__ import annotations

import re
import time
import tomllib
import types
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence, Sized
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache, update_wrapper, wraps
from itertools import islice
from pathlib import Path
from string import Formatter
from typing import Any, NamedTuple

from jinja2 import StrictUndefined, Template, TemplateError, Undefined, nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.exceptions import SecurityError
from jinja2.runtime import Context
from jinja2.sandbox import (
    ImmutableSandboxedEnvironment,
    SandboxedEnvironment,
    SandboxedEscapeFormatter,
    SandboxedFormatter,
)
from jinja2.utils import Namespace
from markupsafe import Markup, escape

FRONT_MATTER_FENCE = "+++"
PURPOSES = ("ask", "thank-you", "follow-up", "phone")


class InvalidTemplateFile(ValueError):
    """A letter-template file whose front matter or body cannot be used."""


class LetterRenderError(ValueError):
    """A template that cannot be rendered with the facts at hand (syntax error, unknown variable)."""


@dataclass(frozen=True)
class TemplateFile:
    slug: str
    issue_area: int | None
    purpose: str
    title: str
    subject: str
    body: str


@dataclass(frozen=True)
class ReportCardFacts:
    year: int
    framework: str
    grade: str | None
    total: Decimal | None
    max_total: Decimal | None
    source: str


@dataclass(frozen=True)
class AreaFacts:
    number: int
    name: str
    max_points: Decimal | None
    score: Decimal | None = None
    percent: int | None = None
    points_to_gain: Decimal | None = None
    findings: list[str] = field(default_factory=list)
    finding_source: str = ""
    finding_year: int | None = None  # the report card the findings come from
    is_weakest: bool = False
    basis: str | None = None  # "scores", "published finding", or None when nothing is known


@dataclass(frozen=True)
class RecipientFacts:
    title: str
    name: str
    salutation_name: str
    district: str
    chamber_name: str
    # Their seat on the committee that decides the letter's bill now: "the chair of the House
    # Committee on Children and Families"; "" when they have none (or the letter names no bill).
    committee_seat: str = ""


@dataclass(frozen=True)
class SenderFacts:
    name: str
    town: str
    # True only when the address lookup found this recipient for the writer's own address.
    is_constituent: bool = False
    postal_address: str = ""  # the street address the writer chose to give, "" when none


@dataclass(frozen=True)
class BillFacts:
    """A bill the letter is about: the writer chose it, or the campaign backs it."""

    identifier: str  # "HB 2273"
    title: str
    sponsors: list[str]  # the primary sponsors' names
    latest_action: str
    latest_action_date: date | None
    latest_action_on: str  # the same date in words, "February 5, 2026"; "" when unknown
    url: str
    # The recipient sponsors it: the letter thanks them instead of asking them to support it.
    recipient_is_sponsor: bool = False
    # Its session has ended without a vote that passed it: ask for it to be filed again.
    session_over: bool = False
    # The committee that holds it now, "House Committee on Children and Families"; "" when unknown.
    committee: str = ""
    # Its next hearing: the day in words ("February 24, 2026"), the day and time ("February 24,
    # 2026 at 9:30 AM"), where, the committee that holds it, and the source; "" when none is set.
    hearing_on: str = ""
    hearing_time: str = ""
    hearing_location: str = ""
    hearing_committee: str = ""
    hearing_url: str = ""


@dataclass(frozen=True)
class StateFacts:
    abbr: str
    name: str


@dataclass(frozen=True)
class LetterContext:
    state: StateFacts
    report_card: ReportCardFacts | None
    area: AreaFacts | None
    recipient: RecipientFacts
    sender: SenderFacts
    personal_paragraph: str
    today: date
    bill: BillFacts | None = None

    def as_variables(self) -> dict[str, object]:
        return {
            "bill": self.bill,
            "state": self.state,
            "report_card": self.report_card,
            "area": self.area,
            "recipient": self.recipient,
            "sender": self.sender,
            "personal_paragraph": self.personal_paragraph,
            "today": self.today,
        }


# To a member of the committee that decides the letter's bill: their seat, and its hearing when one
# is set. A constituent says so too, only when the address lookup found the lawmaker for them.
COMMITTEE_SEAT = (
    "{% if bill and recipient.committee_seat %}{% if sender.is_constituent %}As your constituent, I"
    " am writing to you in particular: as{% else %}As{% endif %} {{ recipient.committee_seat }},"
    " which {% if bill.hearing_on and bill.hearing_committee == bill.committee %}hears"
    " {{ bill.identifier }} on {{ bill.hearing_on }}{% else %}holds {{ bill.identifier }} now{% endif %},"
    " you will help decide whether it moves forward.{% endif %}"
)

# Passages every letter of a kind says the same way, written once: a template prints them as
# variables ({{ card_facts }}, {{ sponsor_thanks }}), each rendered from this text with the letter's
# own facts before the template is.
SHARED_PASSAGES: dict[str, str] = {
    "committee_seat": COMMITTEE_SEAT,
    # The state's grade, and the area's score or the published finding that names it weak.
    "card_facts": (
        "{% set has_grade = report_card and report_card.grade %}"
        "\n{% set has_score = area.score is not none %}"
        "\n{% set has_finding = not has_score and area.findings and area.is_weakest %}"
        "\n{% if has_grade %}In Shared Hope International's {{ report_card.year }}"
        " {{ report_card.framework }}, {{ state.name }} received a grade of {{ report_card.grade }}"
        "{% if report_card.total is not none and report_card.max_total is not none %}"
        ", with a total of {{ report_card.total }} out of {{ report_card.max_total }}"
        " points{% endif %}.{% endif %}{% if has_score %} {{ state.name }}"
        '\'s score in "{{ area.name }}" was {{ area.score }}{% if area.max_points is not none %}'
        " of {{ area.max_points }}{% endif %} points{% if area.percent is not none %}"
        " ({{ area.percent }}%){% endif %}{% if area.is_weakest %}"
        ", one of its lowest results{% endif %}.{% if area.points_to_gain %}"
        " That leaves {{ area.points_to_gain }} points that better laws could still earn.{% endif %}"
        "{% elif has_finding %}"
        " A published summary of {% if has_grade and area.finding_year == report_card.year %}"
        "that report card{% else %}{{ state.name }}'s {{ area.finding_year }} report card{% endif %}"
        ' listed "{{ area.name }}" among the areas where {{ state.name }} scored lowest.{% endif %}'
    ),
    # The paragraph a letter to one of the bill's sponsors opens its ask with ("" without a bill).
    "sponsor_thanks": (
        '{% if bill %}Thank you for sponsoring {{ bill.identifier }}, "{{ bill.title }}". '
        "It addresses this issue in {{ state.name }}{% if bill.latest_action %}"
        '; its latest step was "{{ bill.latest_action }}"{% if bill.latest_action_on %}'
        " on {{ bill.latest_action_on }}{% endif %}{% endif %}.{% if bill.session_over %}"
        " It did not pass before the session ended; I hope you will file it again.{% else %}"
        " I hope you will keep moving it forward.{% endif %}{% endif %}"
    ),
    # The last paragraph's question: will they support the bill (or such a bill), or help it pass;
    # to a member of the committee that decides the bill, it starts with their seat (and hearing).
    "closing_ask": (
        COMMITTEE_SEAT + "{% if bill and recipient.committee_seat %} {% endif %}"
        "Thank you for your time and for your service. {% if bill and bill.recipient_is_sponsor %}"
        "Would you let me know how people in {{ state.name }} can help it pass?{% else %}"
        "Would you let me know whether you will support {% if bill %}{{ bill.identifier }}{% else %}"
        "such a bill{% endif %}?{% endif %} I would be grateful for a reply."
    ),
}


@dataclass(frozen=True)
class RenderedLetter:
    subject: str
    body: str

    @property
    def html(self) -> Markup:
        return letter_html(self.body)


def letter_html(text: str) -> Markup:
    """The HTML rendition of a plain-text letter: paragraphs and line breaks, every character escaped."""
    paragraphs = (p for p in text.strip().split("\n\n") if p.strip())
    return Markup("\n").join(
        Markup("<p>{}</p>").format(Markup("<br>\n").join(escape(p).split("\n"))) for p in paragraphs
    )


# Bounds on what one letter may compute: far above anything a letter needs, far below what would
# hold a worker (9 ** (9 ** 8) alone takes a minute, and "x" * 10 ** 9 a gigabyte). Every value a
# template makes is checked against them where the sandbox sees it made: operators, calls,
# filters, formats, `~`, blocks and each printed value.
MAX_POWER_BASE = 10**6
MAX_EXPONENT = 64
MAX_RANGE = 1_000
MAX_DIGITS = 30  # a letter's figures are scores, years and counts; 10**30 serves only to slow a render
MAX_NUMBER = 10**MAX_DIGITS
MAX_TEXT = 100_000  # characters in any text a template makes, and in a rendered letter
MAX_ITEMS = 5_000  # items in any list a template makes
MAX_FORMAT_WIDTH = 1_000  # a width or precision in a format, "%5d" or "{:>5}"
# Jinja compiles about 6 µs a character, and no hook runs meanwhile: 2 MB (a form's limit) is 12 s.
# The longest shipped template is under 5,000 characters.
MAX_TEMPLATE_LENGTH = 20_000
# One render's time. A shipped template renders in about a millisecond; past this, the render stops.
RENDER_SECONDS = 0.25


class RenderOverBudget(SecurityError):
    """A render past its deadline; raised inside the template, so the error carries its line."""


@dataclass(frozen=True)
class _Budget:
    deadline: float  # on time.monotonic()
    reason: str  # what the error says after "took too long to render (line n): "


# Gunicorn serves requests in threads, where signal timers cannot fire: the deadline is checked
# in every sandbox hook instead. A context variable keeps each thread to its own render's deadline.
_BUDGET: ContextVar[_Budget | None] = ContextVar("letter_render_budget", default=None)


@contextmanager
def render_budget(seconds: float, reason: str) -> Iterator[None]:
    """Renders inside the block share `seconds` (or the less an enclosing budget leaves); past it, a
    render stops with a LetterRenderError that ends with `reason`."""
    budget = _Budget(time.monotonic() + seconds, reason)
    enclosing = _BUDGET.get()
    if enclosing is not None and enclosing.deadline <= budget.deadline:
        budget = enclosing
    token = _BUDGET.set(budget)
    try:
        yield
    finally:
        _BUDGET.reset(token)


def _spend() -> None:
    budget = _BUDGET.get()
    if budget is not None and time.monotonic() >= budget.deadline:
        raise RenderOverBudget(budget.reason)


class _Size(NamedTuple):
    text: int  # about len(str(value)), counted to just past the limit asked for
    depth: int  # how deeply its lists and mappings nest


def _measure(value: object, limit: int = MAX_TEXT) -> _Size:
    """Roughly what str(value) would make, without making it: a list holding the same 100,000
    characters 5,000 times costs nothing to keep and half a gigabyte to print."""
    text = depth = 0
    pending: list[tuple[object, int]] = [(value, 0)]
    while pending and text <= limit:
        item, level = pending.pop()
        depth = max(depth, level)
        text += 1  # a bracket, a comma or a digit: every item counts, so the walk always ends
        if isinstance(item, (str, bytes, bytearray)):
            text += len(item)
        elif isinstance(item, int):
            text += item.bit_length() // 3  # at least its number of digits
        elif is_dataclass(item) and not isinstance(item, type):  # the facts: they print as their fields
            pending.extend((getattr(item, f.name), level + 1) for f in fields(item))
        elif isinstance(item, Namespace):  # it prints as its attributes, which Jinja keeps here
            pending.extend((nested, level + 1) for nested in item._Namespace__attrs.values())
        elif isinstance(item, Mapping):
            for key, nested in islice(item.items(), limit):
                pending.extend(((key, level + 1), (nested, level + 1)))
        elif isinstance(item, Collection) and not isinstance(item, (Undefined, range)):
            pending.extend((nested, level + 1) for nested in islice(item, limit))
        else:
            text += 24  # a float, a Decimal, a date, a range or another object: a short text
    return _Size(text, depth)


def _printed(value: object, limit: int = MAX_TEXT) -> int:
    """The length of str(value): exact for a text, measured for anything else."""
    return len(value) if isinstance(value, str) else _measure(value, limit).text


def _check_length(what: str, length: int) -> None:
    if length > MAX_TEXT:
        raise SecurityError(
            f"{what} would make a text of {length:,} characters; "
            f"a letter template's texts may have at most {MAX_TEXT:,}"
        )


def _check_items(what: str, count: int) -> None:
    if count > MAX_ITEMS:
        raise SecurityError(
            f"{what} would make a list of {count:,} items; a letter template's lists may have at most "
            f"{MAX_ITEMS:,}"
        )


def _check_value(value: object, what: str) -> None:
    """Refuse a value past the bounds: a number of more than MAX_DIGITS digits, a text longer than
    MAX_TEXT, a list of more than MAX_ITEMS items, anything that would print longer than MAX_TEXT."""
    if value is None or isinstance(value, bool):
        return
    if isinstance(value, (int, float, Decimal, complex)):
        if isinstance(value, Decimal) and value.is_nan():
            return  # NaN is no size, and a Decimal NaN refuses comparison
        if abs(value) >= MAX_NUMBER:
            raise SecurityError(
                f"{what} would make a number of more than {MAX_DIGITS} digits, "
                "far beyond any figure a letter needs"
            )
    elif isinstance(value, (str, bytes, bytearray)):
        _check_length(what, len(value))
    else:
        if isinstance(value, Sized) and not isinstance(value, Undefined):
            _check_items(what, len(value))
        printed = _measure(value).text
        if printed > MAX_TEXT:
            raise SecurityError(
                f"{what} would make a value that prints as {printed:,} characters; "
                f"a letter template's texts may have at most {MAX_TEXT:,}"
            )


def _checked(result: object, what: str) -> object:
    """A call's result within the bounds; an iterator is counted as it is read."""
    if isinstance(result, Iterator):
        return _counted(result, what)
    _check_value(result, what)
    return result


def _counted(items: Iterator[object], what: str) -> Iterator[object]:
    for count, item in enumerate(items, 1):
        _check_items(what, count)
        _spend()
        yield item


def _materialize(values: object, what: str) -> tuple[list[object], int]:
    """(items, their text's length) of an iterable, refused as soon as either passes its bound:
    `range(1000)|map("center", 99999)|join` must stop at the second item, not the thousandth."""
    items: list[object] = []
    text = 0
    for item in values:  # type: ignore[attr-defined]
        items.append(item)
        _check_items(what, len(items))
        text += _printed(item, MAX_TEXT - text)
        _check_length(what, text)
        _spend()
    return items, text


def _argument(
    args: Sequence[object], kwargs: Mapping[str, object], index: int, name: str, default: object
) -> object:
    return args[index] if len(args) > index else kwargs.get(name, default)


def _check_width(what: str, digits: str) -> int:
    if len(digits) > 6 or int(digits) > MAX_FORMAT_WIDTH:
        shown = f"{int(digits):,}" if len(digits) <= 18 else f"a number of {len(digits):,} digits"
        raise SecurityError(
            f"a width or precision in {what} may be at most {MAX_FORMAT_WIDTH:,}, not {shown}"
        )
    return int(digits)


_PERCENT_FLAGS_WIDTH = re.compile(r"[-+ #0]*(\*|\d*)(?:\.(\*|\d*))?[hlL]?")


def _percent_fields(fmt: str) -> Iterator[tuple[str | None, str, str, str]]:
    """(mapping key, width, precision, conversion) of each field of a %-format, read as Python reads
    them (a key may hold parentheses that balance)."""
    start = fmt.find("%")
    while start != -1:
        position, key = start + 1, None
        if fmt.startswith("(", position):
            depth, position = 1, position + 1
            opened = position
            while position < len(fmt) and depth:
                depth += (fmt[position] == "(") - (fmt[position] == ")")
                position += 1
            key = fmt[opened : position - 1]
        flags_width = _PERCENT_FLAGS_WIDTH.match(fmt, position)  # all optional: it always matches
        position = flags_width.end()
        yield key, flags_width[1], flags_width[2] or "", fmt[position : position + 1]
        start = fmt.find("%", position + 1)


def _check_percent_format(fmt: str, values: object) -> None:
    """Refuse a %-format whose widths, or the values it would repeat, make more than a text's bound."""
    length = len(fmt)
    positional = False
    for key, width, precision, conversion in _percent_fields(fmt):
        for digits in (width, precision):
            if digits == "*":
                raise SecurityError("a width or precision given by * cannot be used in a letter template")
            if digits:
                length += _check_width("a % format", digits)
        if conversion == "%":
            continue
        length += 32  # the digits of a number, the quotes of a repr
        if key is None:
            positional = True
        elif isinstance(values, Mapping):
            length += _printed(values.get(key))  # a key may be used any number of times
        if length > MAX_TEXT:
            break
    if positional or not isinstance(values, Mapping):
        length += _printed(values)
    _check_length("the % format", length)


_STRFTIME_WIDTH = re.compile(r"%[-_0^#]*(\d+)")
_DIGITS = re.compile(r"\d+")


def _check_format_spec(value: object, spec: str) -> None:
    # A date's format is strftime's, where only a number after % is a width; in any other format
    # spec ("0>5", ",.2f") every number is a fill digit, a width or a precision.
    widths = _STRFTIME_WIDTH.findall(spec) if isinstance(value, date) else _DIGITS.findall(spec)
    for digits in widths:
        _check_width("a format", digits)


class _BoundedFields(Formatter):
    """Mixed into Jinja's sandboxed formatters: each field is checked before it is made, and the
    fields of one format together stay within a text's bound."""

    _made = 0

    def vformat(self, format_string: str, args: Sequence[Any], kwargs: Mapping[str, Any]) -> str:
        self._made = 0
        return super().vformat(format_string, args, kwargs)

    def convert_field(self, value: object, conversion: str | None) -> object:
        _check_value(value, "format()")
        return super().convert_field(value, conversion)

    def format_field(self, value: object, format_spec: str) -> str:
        _spend()
        _check_value(value, "format()")
        _check_format_spec(value, format_spec)
        text = super().format_field(value, format_spec)
        self._made += len(text)
        _check_length("format()", self._made)
        return text


class _BoundedFormatter(_BoundedFields, SandboxedFormatter):
    pass


class _BoundedEscapeFormatter(_BoundedFields, SandboxedEscapeFormatter):
    pass


def _check_replace(text: str | bytes, old: object, new: object, count: object) -> None:
    if not (isinstance(old, type(text)) and isinstance(new, type(text))):
        return  # the call itself refuses mixed types
    occurrences = text.count(old) if old else len(text) + 1  # type: ignore[arg-type]
    if isinstance(count, int) and count >= 0:
        occurrences = min(occurrences, count)
    _check_length("replace()", len(text) + occurrences * max(len(new) - len(old), 0))  # type: ignore[arg-type]


# Checks made before a filter runs, for the filters whose arguments set the size of what they make.
# Each gets the filter's arguments (without the context or environment Jinja passes some filters)
# and may replace the value with a list it has read, so that an iterator is not read twice.


def _before_center(args: list[object], kwargs: dict[str, object]) -> None:
    width = _argument(args, kwargs, 1, "width", 80)
    if isinstance(width, int):
        _check_length("center()", width)


def _before_indent(args: list[object], kwargs: dict[str, object]) -> None:
    text, width = str(args[0]), _argument(args, kwargs, 1, "width", 4)
    indention = len(width) if isinstance(width, str) else width if isinstance(width, int) else 0
    _check_length("indent()", len(text) + (text.count("\n") + 1) * max(indention, 0))


def _before_wordwrap(args: list[object], kwargs: dict[str, object]) -> None:
    text, width = str(args[0]), _argument(args, kwargs, 1, "width", 79)
    if not isinstance(width, int) or width < 1:
        return  # textwrap refuses it
    # Two lines together hold more than `width` characters (else the second would have fitted on
    # the first), so there are at most this many; textwrap takes ~2.5 µs a line.
    lines = 2 * len(text) // width + 2 * (text.count("\n") + 1)
    _check_items("wordwrap()", lines)
    wrapstring = _argument(args, kwargs, 3, "wrapstring", None)
    _check_length("wordwrap()", len(text) + lines * len(str(wrapstring or "\n")))


def _before_format(args: list[object], kwargs: dict[str, object]) -> None:
    _check_percent_format(str(args[0]), kwargs or tuple(args[1:]))


def _before_replace(args: list[object], kwargs: dict[str, object]) -> None:
    old, new = _argument(args, kwargs, 1, "old", ""), _argument(args, kwargs, 2, "new", "")
    _check_replace(str(args[0]), str(old), str(new), _argument(args, kwargs, 3, "count", None))


def _before_join(args: list[object], kwargs: dict[str, object]) -> None:
    args[0], text = _materialize(args[0], "join()")
    separator = str(_argument(args, kwargs, 1, "d", ""))
    _check_length("join()", text + len(separator) * max(len(args[0]) - 1, 0))  # type: ignore[arg-type]


def _before_list(args: list[object], kwargs: dict[str, object]) -> None:
    args[0], _ = _materialize(args[0], "list()")


def _before_sum(args: list[object], kwargs: dict[str, object]) -> None:
    args[0], _ = _materialize(args[0], "sum()")
    if not isinstance(_argument(args, kwargs, 2, "start", 0), (int, float, Decimal)):
        # Adding up lists copies the growing total once per item.
        raise SecurityError("sum() adds numbers in a letter template; join() puts texts together")


def _before_batch(args: list[object], kwargs: dict[str, object]) -> None:
    linecount = _argument(args, kwargs, 1, "linecount", 1)
    if isinstance(linecount, int):
        _check_items("batch()", linecount)  # it pads the last batch to this many items


def _before_slice(args: list[object], kwargs: dict[str, object]) -> None:
    slices = _argument(args, kwargs, 1, "slices", 1)
    if isinstance(slices, int):
        _check_items("slice()", slices)  # it makes this many lists, even of nothing


def _before_round(args: list[object], kwargs: dict[str, object]) -> None:
    precision = _argument(args, kwargs, 1, "precision", 0)
    if isinstance(precision, (int, float, Decimal)) and abs(precision) > MAX_DIGITS:
        # "ceil" and "floor" compute 10 ** precision.
        raise SecurityError(f"round() may keep at most {MAX_DIGITS} digits")


def _before_tojson(args: list[object], kwargs: dict[str, object]) -> None:
    indent = _argument(args, kwargs, 1, "indent", None)
    width = len(indent) if isinstance(indent, str) else indent if isinstance(indent, int) else 0
    if width > 0:  # every item on a line of its own, indented by its depth
        size = _measure(args[0])
        _check_length("tojson()", size.text * (1 + size.depth * width))


def _before_urlize(args: list[object], kwargs: dict[str, object]) -> None:
    text = str(args[0])
    target, rel = _argument(args, kwargs, 3, "target", None), _argument(args, kwargs, 4, "rel", None)
    markup = len(str(target or "")) + len(str(rel or "")) + 64  # around each link: <a href="…" …>…</a>
    links = (word for word in text.split() if any(mark in word for mark in ".@:"))
    _check_length("urlize()", len(text) + sum(len(word) + markup for word in links))


_BEFORE_FILTER: dict[str, Callable[[list[object], dict[str, object]], None]] = {
    "center": _before_center,
    "indent": _before_indent,
    "wordwrap": _before_wordwrap,
    "format": _before_format,
    "replace": _before_replace,
    "join": _before_join,
    "list": _before_list,
    "sum": _before_sum,
    "batch": _before_batch,
    "slice": _before_slice,
    "round": _before_round,
    "tojson": _before_tojson,
    "urlize": _before_urlize,
}


def _bounded_filter(name: str, function: Callable[..., object]) -> Callable[..., object]:
    """The filter with its deadline, its arguments and its result checked."""
    before = _BEFORE_FILTER.get(name)
    # Jinja passes some filters the context, eval context or environment first, and marks them.
    passed = 1 if getattr(function, "jinja_pass_arg", None) is not None else 0
    what = f"{name}()"

    @wraps(function)
    def bounded(*args: object, **kwargs: object) -> object:
        _spend()
        arguments = list(args[passed:])
        for argument in (*arguments, *kwargs.values()):
            _check_value(argument, what)
        if before is not None:
            before(arguments, kwargs)
        return _checked(function(*args[:passed], *arguments, **kwargs), what)

    return bounded


def _timed_test(function: Callable[..., object]) -> Callable[..., object]:
    @wraps(function)
    def timed(*args: object, **kwargs: object) -> object:
        _spend()
        return function(*args, **kwargs)

    return timed


def _before_method(method: object, args: tuple[object, ...], kwargs: dict[str, object]) -> tuple[object, ...]:
    """Check a call of a method of a text, number or date whose arguments set the size of what it
    makes; returns the arguments to call it with."""
    owner, name = getattr(method, "__self__", None), getattr(method, "__name__", "")
    what = f"{name}()"
    if isinstance(owner, (str, bytes)):
        if name in ("center", "ljust", "rjust", "zfill"):
            width = _argument(args, kwargs, 0, "width", 0)
            if isinstance(width, int):
                _check_length(what, width)
        elif name == "expandtabs":
            tabsize = _argument(args, kwargs, 0, "tabsize", 8)
            if isinstance(tabsize, int):
                tabs = owner.count("\t" if isinstance(owner, str) else b"\t")  # type: ignore[arg-type]
                _check_length(what, len(owner) + tabs * max(tabsize, 0))
        elif name == "replace":
            old, new = _argument(args, kwargs, 0, "old", ""), _argument(args, kwargs, 1, "new", "")
            _check_replace(owner, old, new, _argument(args, kwargs, 2, "count", -1))
        elif name == "join" and args:
            items, text = _materialize(args[0], what)
            _check_length(what, text + len(owner) * max(len(items) - 1, 0))
            return (items, *args[1:])
        elif name == "translate" and args and isinstance(args[0], Mapping):
            longest = max((len(v) for v in args[0].values() if isinstance(v, (str, bytes))), default=1)
            _check_length(what, len(owner) * max(longest, 1))
    elif isinstance(owner, int) and name == "to_bytes":
        length = _argument(args, kwargs, 0, "length", 1)
        if isinstance(length, int):
            _check_length(what, length)
    elif isinstance(owner, date) and name == "strftime" and args:
        _check_format_spec(owner, str(args[0]))
    return args


def _bounded_output(value: object) -> object:
    """Jinja's `finalize`: every {{ … }} passes here before it becomes text."""
    _spend()
    _check_value(value, "this {{ … }}")
    return value


class _LetterCodeGenerator(CodeGenerator):
    """Jinja compiles `a ~ b` to a join of its own that no sandbox hook sees; this compiles it to
    the sandbox's `join_operands`, which measures the pieces before joining them."""

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        # The same choice of join as Jinja's own visit_Concat, handed to the sandbox with the pieces.
        if frame.eval_ctx.volatile:
            join = "(markup_join if context.eval_ctx.volatile else str_join)"
        elif frame.eval_ctx.autoescape:
            join = "markup_join"
        else:
            join = "str_join"
        self.write(f"environment.join_operands({join}, (")
        for operand in node.nodes:
            self.visit(operand, frame)
            self.write(", ")
        self.write("))")


class LetterSandbox(ImmutableSandboxedEnvironment):
    """Jinja's sandbox (no Python internals, no changing lists or dicts), with every operator, call,
    filter, format and printed value bounded, and each render held to a deadline."""

    intercepted_binops = frozenset({"+", "-", "*", "/", "//", "%", "**"})
    intercepted_unops = frozenset({"+", "-"})
    code_generator_class = _LetterCodeGenerator

    def __init__(self, **options: Any) -> None:
        super().__init__(finalize=_bounded_output, **options)
        # pprint indents each item by the keys above it: its text can be the square of its input's.
        del self.filters["pprint"]
        self.filters = {name: _bounded_filter(name, f) for name, f in self.filters.items()}
        self.tests = {name: _timed_test(f) for name, f in self.tests.items()}
        # Lorem ipsum has no place in a letter, and lipsum(100000) makes megabytes of it.
        del self.globals["lipsum"]
        self.globals["range"] = _bounded_range

    def call_binop(self, context: Context, operator: str, left: object, right: object) -> object:
        _spend()
        what = f"the {operator} operator"
        _check_value(left, what)
        _check_value(right, what)
        if operator == "**":
            base, exponent = _number(left), _number(right)
            if base is None or exponent is None or abs(base) > MAX_POWER_BASE or abs(exponent) > MAX_EXPONENT:
                raise SecurityError(
                    f"a power may have a base of at most {MAX_POWER_BASE:,} and an exponent of at most "
                    f"{MAX_EXPONENT}"
                )
        elif operator == "*":
            for sequence, count in ((left, right), (right, left)):
                if not isinstance(count, int):
                    continue
                if isinstance(sequence, (str, bytes)) and len(sequence) * max(count, 0) > MAX_TEXT:
                    raise SecurityError(f"a repeated text may be at most {MAX_TEXT:,} long")
                if isinstance(sequence, (list, tuple)):
                    _check_items("a repeated list", len(sequence) * max(count, 0))
        elif operator == "%" and isinstance(left, str):
            _check_percent_format(left, right)
        # "+" of two texts or lists within the bounds makes at most twice a bound: checked after.
        result = super().call_binop(context, operator, left, right)
        _check_value(result, what)
        return result

    def call_unop(self, context: Context, operator: str, arg: object) -> object:
        _spend()
        _check_value(arg, f"the unary {operator}")
        result = super().call_unop(context, operator, arg)
        _check_value(result, f"the unary {operator}")
        return result

    def call(self, context: Context, obj: object, /, *args: object, **kwargs: object) -> object:
        _spend()
        what = f"{getattr(obj, '__name__', 'the call')}()"
        for argument in (*args, *kwargs.values()):
            _check_value(argument, what)
        args = _before_method(obj, args, kwargs)
        return _checked(super().call(context, obj, *args, **kwargs), what)

    def getattr(self, obj: object, attribute: str) -> object:
        _spend()
        return super().getattr(obj, attribute)

    def getitem(self, obj: object, argument: object) -> object:
        _spend()
        return super().getitem(obj, argument)

    def wrap_str_format(self, value: object) -> Callable[..., str] | None:
        """Jinja's own wrapper for `str.format`, with a formatter that bounds each field."""
        if not isinstance(value, (types.MethodType, types.BuiltinMethodType)) or value.__name__ not in (
            "format",
            "format_map",
        ):
            return None
        owner = value.__self__
        if not isinstance(owner, str):
            return None
        formatter = (
            _BoundedEscapeFormatter(self, escape=owner.escape)
            if isinstance(owner, Markup)
            else _BoundedFormatter(self)
        )
        is_format_map = value.__name__ == "format_map"

        def bounded(*args: object, **kwargs: object) -> str:
            if is_format_map:
                if kwargs:
                    raise TypeError("format_map() takes no keyword arguments")
                if len(args) != 1:
                    raise TypeError(f"format_map() takes exactly one argument ({len(args)} given)")
                args, kwargs = (), args[0]  # type: ignore[assignment]
            return type(owner)(formatter.vformat(owner, args, kwargs))

        return update_wrapper(bounded, value)

    def join_operands(self, join: Callable[[Iterable[object]], str], operands: tuple[object, ...]) -> str:
        """`a ~ b ~ …`, measured before it is joined."""
        _spend()
        length = 0
        for operand in operands:  # stopping at the bound, so that a long chain costs no more than it
            length += _printed(operand, MAX_TEXT - length)
            _check_length("joining with ~", length)
        result = join(operands)
        _check_length("joining with ~", len(result))  # Markup escapes as it joins
        return result

    def concat(self, pieces: Iterable[str]) -> str:  # type: ignore[override]
        """What Jinja joins a {% set %} or {% filter %} block's pieces with."""
        kept, length = [], 0
        for piece in pieces:
            length += len(piece)
            _check_length("this block", length)
            kept.append(piece)
        _spend()
        return "".join(kept)


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return None
    return float(value)


def _bounded_range(*args: int) -> range:
    numbers = range(*args)
    if len(numbers) > MAX_RANGE:
        raise SecurityError(f"range() may give at most {MAX_RANGE:,} numbers in a letter template")
    return numbers


def template_environment() -> SandboxedEnvironment:
    # Letters are plain text: HTML escaping happens where a page shows them, URL encoding in links.
    return LetterSandbox(
        undefined=StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )


# Tags a letter has no use for, each a way out of the one text being checked: another template
# (include, import, extends) or code that calls itself (macro, call), whose cost no bound can see.
REFUSED_TAGS = {
    nodes.Include: "include",
    nodes.Import: "import",
    nodes.FromImport: "from … import",
    nodes.Extends: "extends",
    nodes.Macro: "macro",
    nodes.CallBlock: "call",
}


def refused_tags(tree: nodes.Template) -> list[tuple[int, str]]:
    """(line, problem) for each tag a letter template may not use, and loops inside loops."""
    problems = [
        (
            node.lineno,
            f"{{% {REFUSED_TAGS[type(node)]} %}} cannot be used in a letter template; write the text here",
        )
        for node in tree.find_all(tuple(REFUSED_TAGS))
    ]
    for loop in tree.find_all(nodes.For):
        for inner in loop.find_all(nodes.For):
            problems.append((inner.lineno, "a loop inside another loop cannot be used in a letter template"))
    return problems


_ENV = template_environment()


def render_letter(subject: str, body: str, context: LetterContext, slug: str = "") -> RenderedLetter:
    """Render a template's subject and body; any failure raises LetterRenderError, never half a letter.

    Within RENDER_SECONDS, or less inside a `render_budget`; `slug` names the template when it
    takes too long.
    """
    variables = context.as_variables()
    try:
        variables.update(_shared_passages(variables))
        reason = (
            f"a letter may take at most {RENDER_SECONDS:g} s; look for a loop, filter or calculation "
            "doing far more work than a letter needs"
        )
        with render_budget(RENDER_SECONDS, reason):
            rendered_subject = _render(subject, variables)
            rendered_body = _render(body, variables)
    except LetterRenderError:
        raise
    except Exception as error:  # any failure of an admin's text is reported, never a 500
        line = getattr(error, "lineno", None) or _template_line(error)
        where = f" (line {line})" if line else ""
        if isinstance(error, RenderOverBudget):
            named = f" {slug!r}" if slug else ""
            raise LetterRenderError(
                f"The letter template{named} took too long to render{where}: {error}"
            ) from None
        # "'advocacy.letters.render.RecipientFacts object'" reads better as "'RecipientFacts'".
        message = re.sub(r"'(?:[\w]+\.)*(\w+) object'", r"'\1'", str(error)) or type(error).__name__
        if isinstance(error, RecursionError):
            message = "it calls itself without end"
        raise LetterRenderError(f"The letter template cannot be used{where}: {message}") from None
    return RenderedLetter(
        subject=" ".join(rendered_subject.split()),
        body=_tidy(rendered_body),
    )


def _shared_passages(variables: dict[str, object]) -> dict[str, str]:
    """SHARED_PASSAGES with this letter's facts: our own text, bounded, so off any template's clock."""
    token = _BUDGET.set(None)
    try:
        return {name: _render(passage, variables) for name, passage in SHARED_PASSAGES.items()}
    finally:
        _BUDGET.reset(token)


def _render(text: str, variables: dict[str, object]) -> str:
    """The text rendered chunk by chunk, stopped past MAX_TEXT characters or past the deadline."""
    chunks = _compiled(text).generate(variables)
    pieces: list[str] = []
    length = 0
    for chunk in chunks:
        length += len(chunk)
        try:
            if length > MAX_TEXT:
                raise SecurityError(f"the letter would be longer than {MAX_TEXT:,} characters")
            _spend()
        except SecurityError as error:
            # Thrown in where the template paused, so that the error carries that line.
            chunks.throw(error)  # type: ignore[attr-defined]
            raise
        pieces.append(chunk)
    return "".join(pieces)


@lru_cache(maxsize=256)  # a batch of letters, and every preview, renders the same few texts
def _compiled(text: str) -> Template:
    if len(text) > MAX_TEMPLATE_LENGTH:
        raise LetterRenderError(
            f"The letter template cannot be used: it is {len(text):,} characters long, and a letter "
            f"template may be at most {MAX_TEMPLATE_LENGTH:,}"
        )
    # Compiling folds constant expressions through the sandbox's hooks: work bounded by the text's
    # length, not the render's, so it runs off the clock.
    token = _BUDGET.set(None)
    try:
        tree = _ENV.parse(text)
        refused = refused_tags(tree)
        if refused:
            line, problem = refused[0]
            raise LetterRenderError(f"The letter template cannot be used (line {line}): {problem}")
        return _ENV.from_string(tree)
    finally:
        _BUDGET.reset(token)


def _template_line(error: BaseException) -> int | None:
    """The template line a runtime error happened on; Jinja maps template frames to "<template>"."""
    line = None
    tb = error.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _tidy(text: str) -> str:
    """Collapse the blank lines that optional blocks leave behind."""
    paragraphs = [block.strip() for block in text.strip().split("\n\n")]
    return "\n\n".join(p for p in paragraphs if p) + "\n"


def parse_template_file(path: Path) -> TemplateFile:
    text = path.read_text(encoding="utf-8")
    parts = text.split(FRONT_MATTER_FENCE + "\n", 2)
    if len(parts) != 3 or parts[0].strip():
        raise InvalidTemplateFile(f"{path.name}: must start with TOML front matter between '+++' lines")
    try:
        meta = tomllib.loads(parts[1])
    except tomllib.TOMLDecodeError as error:
        raise InvalidTemplateFile(f"{path.name}: front matter is not valid TOML: {error}") from error
    missing = [key for key in ("slug", "purpose", "title", "subject") if not meta.get(key)]
    if missing:
        raise InvalidTemplateFile(f"{path.name}: front matter lacks {', '.join(missing)}")
    if meta["purpose"] not in PURPOSES:
        raise InvalidTemplateFile(
            f"{path.name}: purpose must be one of {', '.join(PURPOSES)}, not {meta['purpose']!r}"
        )
    issue_area = meta.get("issue_area")
    if issue_area is not None and not isinstance(issue_area, int):
        raise InvalidTemplateFile(f"{path.name}: issue_area must be a number from 1 to 6")
    body = parts[2].strip() + "\n"
    try:
        _ENV.parse(body)
        _ENV.parse(meta["subject"])
    except TemplateError as error:
        raise InvalidTemplateFile(f"{path.name}: {error}") from error
    return TemplateFile(
        slug=meta["slug"],
        issue_area=issue_area,
        purpose=meta["purpose"],
        title=meta["title"],
        subject=meta["subject"],
        body=body,
    )
