"""Letter templates: parsing template files and rendering them in a sandbox."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from jinja2 import StrictUndefined, Template, TemplateError, nodes
from jinja2.exceptions import SecurityError
from jinja2.runtime import Context
from jinja2.sandbox import SandboxedEnvironment
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
# hold a worker (9 ** (9 ** 8) alone takes a minute, and "x" * 10 ** 9 a gigabyte).
MAX_POWER_BASE = 10**6
MAX_EXPONENT = 64
MAX_REPEATED_LENGTH = 100_000
MAX_RANGE = 1_000


class LetterSandbox(SandboxedEnvironment):
    """Jinja's sandbox (no Python internals), with arithmetic and loops bounded."""

    intercepted_binops = frozenset({"**", "*"})

    def call_binop(self, context: Context, operator: str, left: object, right: object) -> object:
        if operator == "**":
            base, exponent = _number(left), _number(right)
            if base is None or exponent is None or abs(base) > MAX_POWER_BASE or abs(exponent) > MAX_EXPONENT:
                raise SecurityError(
                    f"a power may have a base of at most {MAX_POWER_BASE:,} and an exponent of at most "
                    f"{MAX_EXPONENT}"
                )
        elif operator == "*":
            for sequence, count in ((left, right), (right, left)):
                repeated = isinstance(sequence, (str, list, tuple)) and isinstance(count, int)
                if repeated and len(sequence) * max(count, 0) > MAX_REPEATED_LENGTH:
                    raise SecurityError(f"a repeated text may be at most {MAX_REPEATED_LENGTH:,} long")
        return super().call_binop(context, operator, left, right)


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
    environment = LetterSandbox(
        undefined=StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    environment.globals["range"] = _bounded_range
    return environment


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


def render_letter(subject: str, body: str, context: LetterContext) -> RenderedLetter:
    """Render a template's subject and body; any failure raises LetterRenderError, never half a letter."""
    variables = context.as_variables()
    try:
        rendered_subject = _render(subject, variables)
        rendered_body = _render(body, variables)
    except LetterRenderError:
        raise
    except Exception as error:  # any failure of an admin's text is reported, never a 500
        line = getattr(error, "lineno", None) or _template_line(error)
        where = f" (line {line})" if line else ""
        # "'advocacy.letters.render.RecipientFacts object'" reads better as "'RecipientFacts'".
        message = re.sub(r"'(?:[\w]+\.)*(\w+) object'", r"'\1'", str(error)) or type(error).__name__
        if isinstance(error, RecursionError):
            message = "it calls itself without end"
        raise LetterRenderError(f"The letter template cannot be used{where}: {message}") from None
    return RenderedLetter(
        subject=" ".join(rendered_subject.split()),
        body=_tidy(rendered_body),
    )


def _render(text: str, variables: dict[str, object]) -> str:
    return _compiled(text).render(variables)


@lru_cache(maxsize=256)  # a batch of letters, and every preview, renders the same few texts
def _compiled(text: str) -> Template:
    tree = _ENV.parse(text)
    refused = refused_tags(tree)
    if refused:
        line, problem = refused[0]
        raise LetterRenderError(f"The letter template cannot be used (line {line}): {problem}")
    return _ENV.from_string(tree)


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
