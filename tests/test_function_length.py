"""No function in the app is longer than a screen: 60 lines, data tables aside (the migrations sit
outside the package, in migrations/)."""

from __future__ import annotations

import ast
from pathlib import Path

import advocacy

LONGEST = 60
PACKAGE = Path(advocacy.__file__).parent
# Tables written as code: every setting with its default, every kind of letter a template is tried on.
DATA_TABLES = {("config.py", "defaults"), ("letters/editing.py", "trial_cases")}


def functions_over(limit: int) -> list[str]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > limit and (relative.as_posix(), node.name) not in DATA_TABLES:
                    found.append(f"{relative}:{node.lineno} {node.name} ({length} lines)")
    return found


def test_no_function_is_longer_than_sixty_lines():
    assert functions_over(LONGEST) == []


def test_the_check_finds_a_long_function():
    assert functions_over(10), "the walk found no function over 10 lines: it reads nothing"
