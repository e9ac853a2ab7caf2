"""`make run`'s settings: after it, every `advocacy` command works in the checkout without exports."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ADVOCACY = Path(sys.executable).parent / "advocacy"

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def make(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["make", "--no-print-directory", "-C", str(ROOT), *args],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )


def advocacy(instance: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """The console script as a person types it: no ADVOCACY_* setting but where the instance is."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("ADVOCACY_")}
    environment["ADVOCACY_INSTANCE_PATH"] = str(instance)
    return subprocess.run(
        [str(ADVOCACY), *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=environment,
        cwd=ROOT,
        timeout=120,
    )


def test_commands_work_after_the_settings_make_run_writes(tmp_path):
    make("settings", f"INSTANCE={tmp_path}", "HOST=127.0.0.1", "PORT=8123")

    settings = (tmp_path / "config.py").read_text(encoding="utf-8")
    assert "SECRET_KEY = '" in settings
    assert "BASE_URL = 'http://127.0.0.1:8123'" in settings
    assert advocacy(tmp_path, "init-db").returncode == 0
    created = advocacy(
        tmp_path, "create-user", "admin@example.org", "--role", "admin", stdin="a long pass phrase 93\n"
    )
    assert created.returncode == 0, created.stderr
    assert "Traceback" not in created.stderr


def test_make_run_keeps_a_key_and_an_address_given_by_hand_and_follows_its_own(tmp_path):
    (tmp_path / "config.py").write_text("SECRET_KEY = 'kept'\n", encoding="utf-8")
    make("settings", f"INSTANCE={tmp_path}", "PORT=8123")
    make("settings", f"INSTANCE={tmp_path}", "PORT=9000")  # its own address follows the port

    assert (tmp_path / "config.py").read_text(encoding="utf-8").splitlines() == [
        "SECRET_KEY = 'kept'",
        "BASE_URL = 'http://127.0.0.1:9000'  # written by make run",
    ]
    (tmp_path / "config.py").write_text("BASE_URL = 'https://advocacy.example.org'\n", encoding="utf-8")
    make("settings", f"INSTANCE={tmp_path}")
    assert "BASE_URL = 'https://advocacy.example.org'\n" in (tmp_path / "config.py").read_text()
    assert "127.0.0.1" not in (tmp_path / "config.py").read_text()


def test_make_run_ends_by_saying_how_to_make_the_first_admin(tmp_path):
    plan = make("-n", "run", f"INSTANCE={tmp_path}").stdout

    said = plan[: plan.index("gunicorn -c")]
    assert ".venv/bin/advocacy create-user you@example.org --role admin" in said
    assert "log in at http://127.0.0.1:8000/auth/login" in said
