"""Whatever an admin writes, a letter template renders within bounds and a deadline: through
render_letter, the template editor's preview, and its save (which renders some 64 trial letters)."""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from advocacy.extensions import db
from advocacy.letters import editing, render
from advocacy.letters.editing import TemplateProblem, check_text
from advocacy.letters.render import (
    AreaFacts,
    LetterContext,
    LetterRenderError,
    RecipientFacts,
    ReportCardFacts,
    SenderFacts,
    StateFacts,
    parse_template_file,
    render_letter,
)
from advocacy.models import LetterTemplate
from tests.builders import make_legislator
from tests.pages import csrf_token, text_of

SLUG = "ask-prevention-and-training"
TEMPLATES = Path(__file__).resolve().parents[1] / "letter_templates"

# What an outside probe sent, and what each now answers. Before, the first held a worker for
# 40 s in a preview, and each other one made 20 MB of letter, for every one of a save's 64 cases.
PROBE = {
    "squared sixteen times": (
        "{% set a = 999999**64 %}\n" + "{% set a = a*a %}\n" * 16 + "{{ a > 1 }}",
        "(line 1): the ** operator would make a number of more than 30 digits",
    ),
    "center": (
        "{{ 'x'|center(20000000) }}",
        "(line 1): center() would make a text of 20,000,000 characters; "
        "a letter template's texts may have at most 100,000",
    ),
    "%-format width": (
        "{{ '%20000000d' % 1 }}",
        "(line 1): a width or precision in a % format may be at most 1,000, not 20,000,000",
    ),
    "str.format width": (
        '{{ "{:>20000000}".format(1) }}',
        "(line 1): a width or precision in a format may be at most 1,000, not 20,000,000",
    ),
    "replace": (
        "{% set s = 'x' * 100000 %}{{ s|replace('x', 'xxxxxxxxxxxxxxxxxxxx') }}",
        "(line 1): replace() would make a text of 2,000,000 characters",
    ),
    "repeated ~": (
        "{% set s = 'x' * 100000 %}" + "{% set s = s ~ s %}" * 8 + "{{ s }}",
        "(line 1): joining with ~ would make a text of",
    ),
}


def facts() -> LetterContext:
    return LetterContext(
        state=StateFacts("mo", "Missouri"),
        report_card=ReportCardFacts(2023, "Report Cards", "F", None, None, ""),
        area=AreaFacts(2, "Identification of and Response to Victims", None),
        recipient=RecipientFacts("Senator", "Jane Roe", "Roe", "19", "Senate"),
        sender=SenderFacts("Pat Doe", "Columbia"),
        personal_paragraph="",
        today=date(2026, 11, 26),
    )


@pytest.mark.parametrize(("body", "message"), PROBE.values(), ids=PROBE.keys())
def test_the_probes_payloads_stop_with_a_clear_error(body, message):
    with pytest.raises(LetterRenderError) as refused:
        render_letter("Subject", body, facts())

    assert str(refused.value).startswith("The letter template cannot be used (line 1): ")
    assert message in str(refused.value)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("{{ -1000000000000000000000000000000000 }}", "the unary - would make a number of more than 30"),
        ("{{ '1e300'|float }}", "float() would make a number of more than 30 digits"),
        ("{{ ('9' * 40)|int }}", "int() would make a number of more than 30 digits"),
        ("{{ 'x'.ljust(10**8) }}", "ljust() would make a text of 100,000,000 characters"),
        ("{{ '1'.zfill(10**6) }}", "zfill() would make a text of 1,000,000 characters"),
        ("{{ ('\t' * 50000).expandtabs(1000) }}", "expandtabs() would make a text of 50,050,000"),
        ("{{ ('ab' * 50000).replace('a', 'aaa') }}", "replace() would make a text of 200,000 characters"),
        ("{{ (1).to_bytes(10**9, 'big') }}", "to_bytes() would make a text of 1,000,000,000"),
        ("{{ today.strftime('%20000000Y') }}", "a width or precision in a format may be at most 1,000"),
        ("{{ '{:%20000000Y}'.format(today) }}", "a width or precision in a format may be at most 1,000"),
        ("{{ '{:.{}f}'.format(1.5, 10**6) }}", "a width or precision in a format may be at most 1,000"),
        ("{{ '%*d' % (20000000, 1) }}", "a width or precision given by * cannot be used"),
        ("{{ '%((a))20000000d' % {'(a)': 1} }}", "may be at most 1,000, not 20,000,000"),
        ("{{ '%20000000s'|format('x') }}", "a width or precision in a % format may be at most 1,000"),
        ("{{ ('%(a)s' * 1000) % {'a': 'x' * 1000} }}", "the % format would make a text of"),
        ("{{ '{0}{0}'.format('x' * 60000) }}", "format() would make a text of 120,000 characters"),
        ("{{ ('a\n' * 30000)|indent(100) }}", "indent() would make a text of 3,060,100 characters"),
        ("{{ ('x' * 100000)|wordwrap(1) }}", "wordwrap() would make a list of 200,002 items"),
        ("{{ ('x' * 100000)|list }}", "list() would make a list of 5,001 items"),
        ("{{ ('x' * 1000).join(('x' * 1000)|list) }}", "join() would make a text of"),
        ("{{ ('x' * 20)|map('center', 99999)|join }}", "join() would make a text of 199,998 characters"),
        ("{{ ([[1] * 10] * 10)|sum(start=[]) }}", "sum() adds numbers in a letter template"),
        ("{{ [0] * 5001 }}", "a repeated list would make a list of 5,001 items"),
        ("{{ (['x' * 50000] * 3)|string }}", "the * operator would make a value that prints as"),
        ("{{ [1]|batch(10**9, 0)|list }}", "batch() would make a list of 1,000,000,000 items"),
        ("{% for s in [1]|slice(10**9) %}{% endfor %}", "slice() would make a list of 1,000,000,000"),
        ("{{ 1.5|round(10**9, 'ceil') }}", "round() may keep at most 30 digits"),
        ("{{ [[[[1]]]]|tojson(indent=10**6) }}", "tojson() would make a text of"),
        ("{{ ('a.b ' * 2000)|urlize(target='x' * 1000) }}", "urlize() would make a text of"),
        ("{% set s = 'x' * 60000 %}{% set b %}{{ s }}{{ s }}{% endset %}", "this block would make a text"),
        ("{% set s = 'x' * 60000 %}{{ s }}\n{{ s }}", "the letter would be longer than 100,000 characters"),
        ("{{ lipsum(100000) }}", "'lipsum' is undefined"),
        ("{{ [1]|pprint }}", "No filter named 'pprint'"),
        ("{% set l = [1] %}{{ l.append(2) }}", "access to attribute 'append' of 'list' object is unsafe"),
        ("Hi " * 7000, "it is 21,000 characters long, and a letter template may be at most 20,000"),
    ],
)
def test_every_operator_call_filter_and_format_is_bounded(body, message):
    with pytest.raises(LetterRenderError, match="The letter template cannot be used") as refused:
        render_letter("Subject", body, facts())

    assert message in str(refused.value)


@pytest.mark.parametrize(
    ("body", "letter"),
    [
        ("{{ 10 ** 29 + 1 }}", "100000000000000000000000000001"),
        ("{{ (area.number * 1.5)|round(1) }} {{ '%05.1f' % 2.25 }}", "3.0 002.2"),
        ("{{ '{:>8}'.format('x') }}|{{ '%-4s' % 'ab' }}|", "x|ab  |"),
        ("{{ today.strftime('%B %d, %Y') }} {{ '{:%Y}'.format(today) }}", "November 26, 2026 2026"),
        ("{{ ['a', 'b']|join(' and ') }} {{ [1, 2]|sum }} {{ 'a b'|replace(' ', '-') }}", "a and b 3 a-b"),
        (
            "{% set ns = namespace(n=0) %}"
            "{% for i in range(3) %}{% set ns.n = ns.n + i %}{% endfor %}{{ ns.n }}",
            "3",
        ),
        ("{{ 'x' * 99999 ~ 'y' }}", "x" * 99999 + "y"),
    ],
)
def test_what_a_letter_computes_still_works(body, letter):
    assert render_letter("Subject", body, facts()).body == letter + "\n"


def test_the_shipped_templates_pass_a_saves_checks():
    for path in sorted(TEMPLATES.glob("*.md")):
        if path.name != "README.md":
            template = parse_template_file(path)
            check_text(template.subject, template.body, [("tx", "Texas")], template.slug)


def test_a_render_past_its_deadline_names_the_template_and_the_line(monkeypatch):
    monkeypatch.setattr(render, "RENDER_SECONDS", 0)  # the first hook to look finds the time spent

    with pytest.raises(
        LetterRenderError,
        match=r"^The letter template 'ask-prevention' took too long to render \(line 3\): "
        r"a letter may take at most 0 s",
    ):
        render_letter("", "{% set n = 3 %}\n{% set m = 4 %}\n{{ n * m }}", facts(), "ask-prevention")
    with pytest.raises(LetterRenderError, match=r"^The letter template took too long to render \(line 1\)"):
        render_letter("Subject", "Body", facts())


def test_renders_inside_one_budget_share_it():
    with render.render_budget(0, "the trial letters share 0 s"):
        with pytest.raises(
            LetterRenderError, match=r"took too long to render \(line 1\): the trial letters share"
        ):
            render_letter("", "{{ 1 + 1 }}", facts())
        with (
            render.render_budget(60, "a longer budget inside"),
            pytest.raises(LetterRenderError, match="share"),
        ):
            render_letter("", "{{ 1 + 1 }}", facts())

    assert render_letter("", "{{ 1 + 1 }}", facts()).body == "2\n"  # outside, each render has its own


# A small seeded fuzz: each kind makes a hostile body past one bound, with the words its error uses.
# No body names a global such as range(): the linter refuses those before a save renders anything.


def _power(rng: random.Random) -> tuple[str, str]:
    return f"{{{{ {rng.randint(1_000, 10**6)} ** {rng.randint(11, 64)} }}}}", "more than 30 digits"


def _product(rng: random.Random) -> tuple[str, str]:
    return f"{{% set a = {rng.randint(10**4, 10**6)} %}}" + "{% set a = a * a %}" * 3 + "{{ a }}", "30 digits"


def _width(rng: random.Random) -> int:
    return rng.randint(1_001, 10**7)


def _percent_width(rng: random.Random) -> tuple[str, str]:
    return "{{ '%" + str(_width(rng)) + "d' % 1 }}", "in a % format may be at most 1,000"


def _format_width(rng: random.Random) -> tuple[str, str]:
    return "{{ '{:>" + str(_width(rng)) + "}'.format(1) }}", "in a format may be at most 1,000"


def _nested_format(rng: random.Random) -> tuple[str, str]:
    return "{{ '{:>{}}'.format(1, " + str(_width(rng)) + ") }}", "in a format may be at most 1,000"


def _format_precision(rng: random.Random) -> tuple[str, str]:
    return "{{ '{:." + str(rng.randint(1_001, 10**5)) + "f}'.format(1.5) }}", "may be at most 1,000"


def _date_width(rng: random.Random) -> tuple[str, str]:
    return "{{ '{:%" + str(_width(rng)) + "Y}'.format(today) }}", "in a format may be at most 1,000"


def _format_filter(rng: random.Random) -> tuple[str, str]:
    return "{{ '%" + str(_width(rng)) + "s'|format('x') }}", "in a % format may be at most 1,000"


def _doublings(start: int) -> int:
    """How many doublings take `start` characters past a text's bound of 100,000."""
    return math.ceil(math.log2(100_000 / start)) + 1


def _replace_chain(rng: random.Random) -> tuple[str, str]:
    n = rng.randint(500, 5_000)
    step = rng.choice(["{% set s = s|replace('a', 'aa') %}", "{% set s = s.replace('a', 'aa') %}"])
    return f"{{% set s = 'ab' * {n} %}}" + step * _doublings(
        n
    ) + "{{ s|length }}", "replace() would make a text"


def _tilde_chain(rng: random.Random) -> tuple[str, str]:
    n = rng.randint(1_000, 50_000)
    return f"{{% set s = 'x' * {n} %}}" + "{% set s = s ~ s %}" * _doublings(n) + "{{ s|length }}", "with ~"


def _joined(rng: random.Random) -> tuple[int, str]:
    count = rng.randint(200, 1_000)
    return count, "-" * (100_000 // (count - 1) + rng.randint(10, 50))


def _join_filter(rng: random.Random) -> tuple[str, str]:
    count, separator = _joined(rng)
    return f"{{{{ ('x' * {count})|list|join('{separator}') }}}}", "join() would make a text"


def _join_method(rng: random.Random) -> tuple[str, str]:
    count, separator = _joined(rng)
    return f"{{{{ '{separator}'.join(('x' * {count})|list) }}}}", "join() would make a text"


def _center(rng: random.Random) -> tuple[str, str]:
    return f"{{{{ 'x'|center({rng.randint(100_001, 5 * 10**7)}) }}}}", "center() would make a text"


def _indent(rng: random.Random) -> tuple[str, str]:
    lines = rng.randint(200, 2_000)
    width = 100_000 // lines + rng.randint(10, 100)
    return f"{{{{ ('line\n' * {lines})|indent({width}, true, true) }}}}", "indent() would make a text"


def _wordwrap(rng: random.Random) -> tuple[str, str]:
    return f"{{{{ ('x' * {rng.randint(2_600, 50_000)})|wordwrap(1) }}}}", "wordwrap() would make a list"


def _truncate_then_center(rng: random.Random) -> tuple[str, str]:
    length = rng.randint(1_000, 100_000)
    kept, width = rng.randint(100, length), rng.randint(100_001, 10**7)
    return f"{{{{ ('x' * {length})|truncate({kept})|center({width}) }}}}", "center() would make a text"


def _list(rng: random.Random) -> tuple[str, str]:
    return f"{{{{ ('x' * {rng.randint(5_001, 100_000)})|list|length }}}}", "list() would make a list"


def _string(rng: random.Random) -> tuple[str, str]:
    return f"{{{{ (['x' * 50000] * {rng.randint(3, 50)})|string }}}}", "prints as"


def _sum(rng: random.Random) -> tuple[str, str]:
    return f"{{{{ ([[1] * {rng.randint(10, 100)}] * {rng.randint(10, 100)})|sum(start=[]) }}}}", "sum() adds"


def _map_center_join(rng: random.Random) -> tuple[str, str]:
    count, width = rng.randint(3, 20), rng.randint(50_001, 100_000)
    return f"{{{{ ('x' * {count})|map('center', {width})|join }}}}", "join() would make a text"


def _repeated_list(rng: random.Random) -> tuple[str, str]:
    return f"{{{{ [0] * {rng.randint(5_001, 100_000)} }}}}", "a repeated list would make a list"


FUZZ_KINDS: list[Callable[[random.Random], tuple[str, str]]] = [
    _power,
    _product,
    _percent_width,
    _format_width,
    _nested_format,
    _format_precision,
    _date_width,
    _format_filter,
    _replace_chain,
    _tilde_chain,
    _join_filter,
    _join_method,
    _center,
    _indent,
    _wordwrap,
    _truncate_then_center,
    _list,
    _string,
    _sum,
    _map_center_join,
    _repeated_list,
]


def _fuzz() -> list[tuple[str, str, str]]:
    rng = random.Random(20261207)
    kinds = [*FUZZ_KINDS, *(rng.choice(FUZZ_KINDS) for _ in range(7))]
    return [(f"{kind.__name__[1:]}-{n}", *kind(rng)) for n, kind in enumerate(kinds)]


FUZZ = _fuzz()


@pytest.mark.parametrize(("body", "message"), [case[1:] for case in FUZZ], ids=[case[0] for case in FUZZ])
def test_hostile_expressions_stop_with_a_clear_error(body, message):
    with pytest.raises(LetterRenderError, match=r"^The letter template cannot be used \(line \d+\): "):
        render_letter("Subject", body, facts())

    with pytest.raises(LetterRenderError) as refused:
        render_letter("Subject", body, facts())
    assert message in str(refused.value)


# Through the template editor, as an admin uses it.


@pytest.fixture
def admin(client, auth):
    auth.create("admin@example.org", role="admin")
    auth.login("admin@example.org")
    make_legislator(db.session, n=1)  # a preview renders for a real lawmaker
    db.session.commit()
    return client


def current_revision() -> int:
    db.session.expire_all()
    return db.session.scalar(select(LetterTemplate).where(LetterTemplate.slug == SLUG)).current.id


def edit(admin, body: str, action: str) -> str:
    page = admin.get(f"/admin/templates/{SLUG}/edit")
    answer = admin.post(
        f"/admin/templates/{SLUG}/edit",
        data={
            "csrf_token": csrf_token(page),
            "title": "Ask: training",
            "subject": "Training in {{ state.name }}",
            "body": body,
            "note": "",
            "base_revision": str(current_revision()),
            "preview_state": "mo",
            "action": action,
        },
    )
    return text_of(answer)


@pytest.mark.parametrize("action", ["preview", "save"])
@pytest.mark.parametrize(("body", "message"), PROBE.values(), ids=PROBE.keys())
def test_the_editor_answers_the_probes_payloads_with_an_error_and_saves_nothing(admin, action, body, message):
    before = current_revision()

    shown = edit(admin, body, action)

    assert "The letter template cannot be used (line 1): " in shown
    assert message.removeprefix("(line 1): ") in shown
    if action == "save":
        assert "Nothing was saved." in shown
    assert current_revision() == before


@pytest.mark.parametrize("action", ["preview", "save"])
def test_the_editor_answers_every_hostile_expression_with_an_error_and_saves_nothing(admin, action):
    before = current_revision()

    for name, body, message in FUZZ:
        shown = edit(admin, body, action)

        assert "The letter template cannot be used (line " in shown, name
        assert message in shown, name
        assert action == "preview" or "Nothing was saved." in shown, name
    assert current_revision() == before


def test_a_preview_past_its_deadline_says_which_template_and_line(admin, monkeypatch):
    monkeypatch.setattr(render, "RENDER_SECONDS", 0)

    shown = edit(admin, "Dear {{ recipient.title }},\n\nPlease fund training.\n", "preview")

    assert (
        f"The letter template '{SLUG}' took too long to render (line 1): a letter may take at most 0 s"
        in shown
    )


def test_a_save_whose_trial_letters_together_take_too_long_saves_nothing(admin, monkeypatch):
    monkeypatch.setattr(editing, "TRIAL_RENDER_SECONDS", 0)  # the 64 letters share one budget
    before = current_revision()

    shown = edit(admin, "Dear {{ recipient.title }},\n\nPlease fund training.\n", "save")

    assert "Nothing was saved." in shown
    assert f"The letter template '{SLUG}' took too long to render (line 1): the " in shown
    assert "trial letters a save renders may take at most 0 s together" in shown
    assert current_revision() == before


def test_a_template_too_long_to_compile_is_refused_before_it_is_parsed():
    with pytest.raises(TemplateProblem, match="body: it is 21,000 characters long; a letter template may be"):
        check_text("Subject", "Hi " * 7_000)
