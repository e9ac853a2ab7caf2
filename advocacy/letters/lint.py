"""Checks a letter template before it is used: syntax, and only the documented variables."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import fields

from jinja2 import TemplateSyntaxError, nodes

from advocacy.letters.render import (
    MAX_TEMPLATE_LENGTH,
    AreaFacts,
    BillFacts,
    RecipientFacts,
    ReportCardFacts,
    SenderFacts,
    StateFacts,
    refused_tags,
    template_environment,
)

# The variables a template may use, and the attributes each one has.
VARIABLES: dict[str, frozenset[str] | None] = {
    "state": frozenset(f.name for f in fields(StateFacts)),
    "report_card": frozenset(f.name for f in fields(ReportCardFacts)),
    "area": frozenset(f.name for f in fields(AreaFacts)),
    "recipient": frozenset(f.name for f in fields(RecipientFacts)),
    "sender": frozenset(f.name for f in fields(SenderFacts)),
    "bill": frozenset(f.name for f in fields(BillFacts)),  # None when the letter names no bill
    "personal_paragraph": None,
    "today": None,  # a date: its methods and attributes are Python's
    # Passages rendered from render.SHARED_PASSAGES with the letter's facts: plain text.
    "card_facts": None,
    "sponsor_thanks": None,
    "closing_ask": None,
    "committee_seat": None,
}


# Words that tell a lawmaker the writer lives in their district. Only the address lookup can
# establish that, so a template may say them only where `sender.is_constituent` is true.
CONSTITUENCY_CLAIM = re.compile(r"\bconstituents?\b|\byour district\b", re.IGNORECASE)


def _tests_constituency(test: nodes.Node) -> bool:
    """True for `sender.is_constituent` and tests that require it (`sender.is_constituent and …`)."""
    if isinstance(test, nodes.Getattr):
        return (
            isinstance(test.node, nodes.Name) and test.node.name == "sender" and test.attr == "is_constituent"
        )
    if isinstance(test, nodes.And):
        return _tests_constituency(test.left) or _tests_constituency(test.right)
    return False


def _unguarded_text(node: nodes.Node, guarded: bool = False) -> Iterator[nodes.TemplateData]:
    """Literal text outside any `{% if sender.is_constituent %}` branch."""
    if isinstance(node, nodes.TemplateData):
        if not guarded:
            yield node
        return
    if isinstance(node, nodes.If):
        yield from _unguarded_text(node.test, guarded)
        for child in node.body:
            yield from _unguarded_text(child, guarded or _tests_constituency(node.test))
        for branch in (*node.elif_, *node.else_):
            yield from _unguarded_text(branch, guarded)
        return
    for child in node.iter_child_nodes():
        yield from _unguarded_text(child, guarded)


def _constituency_claims(tree: nodes.Template, prefix: str) -> list[str]:
    problems = []
    for data in _unguarded_text(tree):
        match = CONSTITUENCY_CLAIM.search(data.data)
        if match:
            line = data.lineno + data.data[: match.start()].count("\n")
            problems.append(
                f"{prefix}line {line}: “{match.group(0)}” claims the writer lives in the lawmaker's "
                "district; say it only inside {% if sender.is_constituent %}, which is true only when "
                "the address lookup found this lawmaker for the writer"
            )
    return problems


def lint_template(text: str, where: str = "") -> list[str]:
    """Every problem in one template text, each with its line number; empty when it is fine."""
    prefix = f"{where}: " if where else ""
    if len(text) > MAX_TEMPLATE_LENGTH:  # parsing alone would hold the worker for seconds
        return [
            f"{prefix}it is {len(text):,} characters long; a letter template may be at most "
            f"{MAX_TEMPLATE_LENGTH:,}"
        ]
    try:
        tree = template_environment().parse(text)
    except TemplateSyntaxError as error:
        return [f"{prefix}line {error.lineno}: {error.message}"]
    problems = []
    assigned = {target.name for target in tree.find_all(nodes.Name) if target.ctx in ("store", "param")}
    for name in tree.find_all(nodes.Name):
        if name.ctx == "load" and name.name not in VARIABLES and name.name not in assigned:
            problems.append(f"{prefix}line {name.lineno}: unknown variable {name.name!r}")
    for attribute in tree.find_all(nodes.Getattr):
        if isinstance(attribute.node, nodes.Name) and attribute.node.name in VARIABLES:
            allowed = VARIABLES[attribute.node.name]
            if allowed is not None and attribute.attr not in allowed:
                problems.append(
                    f"{prefix}line {attribute.lineno}: {attribute.node.name} has no "
                    f"{attribute.attr!r}; it has {', '.join(sorted(allowed))}"
                )
    problems += [f"{prefix}line {line}: {problem}" for line, problem in refused_tags(tree)]
    problems += _constituency_claims(tree, prefix)
    return sorted(set(problems), key=lambda p: (int(p.split("line ")[1].split(":")[0]), p))
