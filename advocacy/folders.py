"""Where the folders the app reads at run time live.

In the source tree `templates/`, `letter_templates/`, `static/` and `migrations/` sit at the top
level, beside `advocacy/`. The wheel carries them inside the package (`advocacy/templates/`, …; see
`[tool.hatch.build.targets.wheel.force-include]` in pyproject.toml). Each name below is the copy
that exists: the package's own when installed from a wheel, the checkout's otherwise.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def _shipped(name: str) -> Path:
    inside = PACKAGE / name
    return inside if inside.is_dir() else PACKAGE.parent / name


TEMPLATES = _shipped("templates")
LETTER_TEMPLATES = _shipped("letter_templates")
STATIC = _shipped("static")
MIGRATIONS = _shipped("migrations")
