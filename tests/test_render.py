"""Letter templates: the files, the sandbox and strict variables."""

from __future__ import annotations

from dataclasses import fields
from decimal import Decimal
from pathlib import Path

import pytest

from advocacy.extensions import db
from advocacy.letters.lint import VARIABLES, lint_template
from advocacy.letters.render import (
    SHARED_PASSAGES,
    AreaFacts,
    InvalidTemplateFile,
    LetterContext,
    LetterRenderError,
    parse_template_file,
    render_letter,
)
from advocacy.letters.service import load_letter_templates
from advocacy.reportcards.service import featured_framework
from tests.builders import letter_context

TEMPLATES = Path(__file__).resolve().parents[1] / "letter_templates"


def test_every_shipped_template_renders_with_and_without_facts():
    for path in sorted(TEMPLATES.glob("*.md")):
        if path.name == "README.md":
            continue
        template = parse_template_file(path)
        assert template.slug == path.stem
        bare = render_letter(template.subject, template.body, letter_context(report_card=None))
        scored = render_letter(
            template.subject,
            template.body,
            letter_context(
                area=AreaFacts(
                    2,
                    "Area",
                    Decimal(15),
                    score=Decimal("4.5"),
                    percent=30,
                    points_to_gain=Decimal("10.5"),
                    is_weakest=True,
                    basis="scores",
                ),
                personal_paragraph="My own words.",
            ),
        )
        greeting = "Hello, my name is Pat Doe" if template.purpose == "phone" else "Dear Senator Roe,"
        assert bare.body.startswith(greeting)
        assert "grade" not in bare.body.split("\n\n")[1]  # no report card: no grade claimed
        assert "My own words." in scored.body
        assert "{" not in scored.body + scored.subject
        assert "\n\n\n" not in scored.body


def test_a_score_is_only_quoted_when_known():
    template = parse_template_file(TEMPLATES / "ask-identification-and-response.md")

    unknown = render_letter(template.subject, template.body, letter_context())
    known = render_letter(
        template.subject,
        template.body,
        letter_context(
            area=AreaFacts(
                2,
                "Identification of and Response to Victims",
                Decimal("27.5"),
                score=Decimal(12),
                percent=44,
                points_to_gain=Decimal("15.5"),
                is_weakest=True,
                basis="scores",
            )
        ),
    )

    assert "points" not in unknown.body
    assert "was 12 of 27.5 points (44%)" in known.body
    assert "15.5 points that better laws could still earn" in known.body


def test_an_undefined_variable_is_an_error_naming_it():
    with pytest.raises(
        LetterRenderError,
        match=r"cannot be used \(line 3\): 'RecipientFacts' has no attribute 'age'",
    ):
        render_letter("Hi", "Dear {{ recipient.name }},\n\n{{ recipient.age }}", letter_context())
    with pytest.raises(LetterRenderError, match="'mood' is undefined"):
        render_letter("{{ mood }}", "Body", letter_context())


@pytest.mark.parametrize(
    "body",
    [
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ state.__class__.__init__.__globals__ }}",
        "{{ cycler.__init__.__globals__.os }}",
        "{{ config }}",
        "{{ request.environ }}",
        "{{ self.__dict__ }}",
    ],
)
def test_the_sandbox_keeps_templates_away_from_python_internals(body):
    with pytest.raises(LetterRenderError):
        render_letter("Subject", body, letter_context())


def test_a_syntax_error_names_its_line():
    with pytest.raises(LetterRenderError, match=r"line 2"):
        render_letter("Subject", "Dear {{ recipient.name }},\n{% if %}", letter_context())


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Dear friend", "must start with TOML front matter"),
        ("+++\nslug = \n+++\nBody", "front matter is not valid TOML"),
        ('+++\nslug = "x"\npurpose = "ask"\n+++\nBody', "front matter lacks title, subject"),
        (
            '+++\nslug = "x"\npurpose = "rant"\ntitle = "t"\nsubject = "s"\n+++\nBody',
            "purpose must be one of ask, thank-you, follow-up, phone, not 'rant'",
        ),
        (
            '+++\nslug = "x"\npurpose = "ask"\ntitle = "t"\nsubject = "s"\n+++\n{% if %}',
            "Expected an expression",
        ),
    ],
)
def test_a_broken_template_file_is_refused_with_a_reason(tmp_path, text, message):
    path = tmp_path / "x.md"
    path.write_text(text)

    with pytest.raises(InvalidTemplateFile, match=message):
        parse_template_file(path)


def test_the_personal_paragraph_is_kept_as_typed():
    template = parse_template_file(TEMPLATES / "ask-prevention-and-training.md")
    words = 'I teach 8th grade & see "warning signs" <b>often</b>.'

    letter = render_letter(template.subject, template.body, letter_context(personal_paragraph=words))

    assert words in letter.body  # plain text; the page escapes it, the links encode it


def test_the_linter_knows_every_context_variable():
    assert set(VARIABLES) == {f.name for f in fields(LetterContext)} | set(SHARED_PASSAGES)


def test_the_linter_names_unknown_variables_and_attributes_with_their_lines():
    problems = lint_template(
        "Dear {{ recipient.title }} {{ recipient.age }},\n\n{{ mood }}\n{% set x = 1 %}{{ x }}"
    )

    assert problems == [
        "line 1: recipient has no 'age'; it has chamber_name, committee_seat, district, name, "
        "salutation_name, title",
        "line 3: unknown variable 'mood'",
    ]
    assert lint_template("{% if %}") == ["line 1: Expected an expression, got 'end of statement block'"]


def test_seeding_refuses_a_template_the_linter_rejects(tmp_path, app):
    (tmp_path / "bad.md").write_text(
        '+++\nslug = "bad"\npurpose = "ask"\ntitle = "t"\nsubject = "s"\n+++\nDear {{ recipient.shoe }}\n'
    )

    with pytest.raises(InvalidTemplateFile, match=r"bad.md: line 1: recipient has no 'shoe'"):
        load_letter_templates(db.session, tmp_path, featured_framework(db.session))


def test_the_html_rendition_escapes_and_keeps_paragraphs():
    letter = render_letter(
        "S",
        "Dear {{ recipient.name }},\n\n{{ personal_paragraph }}\nLine two",
        letter_context(personal_paragraph="<b>bold</b> & more"),
    )

    assert str(letter.html) == (
        "<p>Dear Jane Roe,</p>\n<p>&lt;b&gt;bold&lt;/b&gt; &amp; more<br>\nLine two</p>"
    )


def test_no_long_passage_is_copied_between_shipped_templates():
    """Passages every letter says alike live once, in SHARED_PASSAGES."""
    seen: dict[str, str] = {}
    copies = []
    for path in sorted(TEMPLATES.glob("*.md")):
        if path.name == "README.md":
            continue
        for line in parse_template_file(path).body.splitlines():
            if len(line) > 200:
                if line in seen:
                    copies.append(f"{path.name} repeats a line of {seen[line]}: {line[:60]}…")
                seen.setdefault(line, path.name)
    assert copies == []
    assert all(
        "{{ card_facts }}" in parse_template_file(path).body for path in sorted(TEMPLATES.glob("ask-*.md"))
    )
