"""The app as a wheel: templates, static files, migrations and letter templates travel inside the
package, so an install anywhere (no checkout beside it) creates its database and serves pages."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

CHECKOUT = Path(__file__).resolve().parents[1]


def _run(*command: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [str(part) for part in command], cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, (
        f"{' '.join(map(str, command))}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    )
    return done.stdout


@pytest.mark.package
def test_the_wheel_holds_everything_and_serves_from_a_fresh_virtualenv(tmp_path):
    _run(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--no-deps",
        "-q",
        "-w",
        tmp_path,
        CHECKOUT,
        cwd=tmp_path,
    )
    wheel = next(tmp_path.glob("advocacy-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in (
        "advocacy/templates/base.html",
        "advocacy/static/css/site.css",
        "advocacy/migrations/env.py",
        "advocacy/migrations/versions/0001_create_the_domain_tables.py",
        "advocacy/letter_templates/ask-prevention-and-training.md",
        "advocacy/data/report_cards.csv",
    ):
        assert expected in names, expected

    venv = tmp_path / "venv"
    # A virtualenv without pip of its own: this pip installs into it (and its dependencies) directly.
    _run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp_path)
    _run(
        sys.executable, "-m", "pip", "--python", venv / "bin" / "python", "install", "-q", wheel, cwd=tmp_path
    )
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "ADVOCACY_INSTANCE_PATH": str(tmp_path / "instance"),
        "ADVOCACY_SECRET_KEY": "a long and random secret for this install",
        "ADVOCACY_BASE_URL": "https://advocacy.example.org",
    }
    advocacy = venv / "bin" / "advocacy"
    _run(advocacy, "init-db", cwd=tmp_path, env=environment)
    seeded = _run(advocacy, "seed", "--skip-legislators", cwd=tmp_path, env=environment)
    served = _run(
        venv / "bin" / "python",
        "-c",
        "from advocacy import create_app; "
        "page = create_app().test_client().get('/states/mo', base_url='https://advocacy.example.org'); "
        "print(page.status_code, 'Missouri' in page.get_data(as_text=True), page.headers['Content-Type'])",
        cwd=tmp_path,
        env=environment,
    )

    assert "letter templates:" in seeded
    assert served.split() == ["200", "True", "text/html;", "charset=utf-8"]
