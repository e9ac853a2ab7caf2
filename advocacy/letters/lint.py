"""Checks a letter template before it is used: syntax, and only the documented variables."""

from __future__ import annotations

from dataclasses import fields

from jinja2 import TemplateSyntaxError, nodes

from advocacy.letters.render import (
    AreaFacts,
    RecipientFacts,
    ReportCardFacts,
    SenderFacts,
    StateFacts,
    template_environment,
)

# The variables a template may use, and the attributes each one has.
VARIABLES: dict[str, frozenset[str] | None] = {
    "state": frozenset(f.name for f in fields(StateFacts)),
    "report_card": frozenset(f.name for f in fields(ReportCardFacts)),
    "area": frozenset(f.name for f in fields(AreaFacts)),
    "recipient": frozenset(f.name for f in fields(RecipientFacts)),
    "sender": frozenset(f.name for f in fields(SenderFacts)),
    "personal_paragraph": None,
    "today": None,  # a date: its methods and attributes are Python's
}


def lint_template(text: str, where: str = "") -> list[str]:
    """Every problem in one template text, each with its line number; empty when it is fine."""
    prefix = f"{where}: " if where else ""
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
    return sorted(set(problems), key=lambda p: (int(p.split("line ")[1].split(":")[0]), p))
