"""Commands and settings that behave well on a site set up only partly, or beside other servers."""

import os
import socket
import subprocess
import sys
from pathlib import Path

import click
import pytest
from flask.testing import FlaskCliRunner

from advocacy import create_app, doctor

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def test_send_outbox_on_a_site_without_mail_says_so_and_succeeds(runner: FlaskCliRunner):
    run = runner.invoke(args=["send-outbox"])

    assert run.exit_code == 0, run.output
    assert run.output == (
        "nothing sent: no mail server is set up: set ADVOCACY_SMTP_URL to send the outbox\n"
    )


def test_a_second_server_on_a_busy_port_refuses_to_start(tmp_path: Path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        address = f"127.0.0.1:{busy.getsockname()[1]}"
        environment = {k: v for k, v in os.environ.items() if not k.startswith("ADVOCACY_")}
        environment.update(
            ADVOCACY_INSTANCE_PATH=str(tmp_path),
            ADVOCACY_SECRET_KEY="not a secret",
            PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "metrics"),
        )
        command = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--no-control-socket"]
        server = subprocess.Popen(
            [*command, "--bind", address, "advocacy:create_app()"],
            cwd=PROJECT_ROOT,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            output, _ = server.communicate(timeout=60)
        finally:
            server.kill()
            server.wait()

    assert server.returncode == 1, output
    assert (
        f"Advocacy will not start: {address} is already in use by another server. "
        "Stop it or choose another --bind.\n"
    ) in output


def test_postgresql_without_its_driver_says_to_install_the_postgres_extra(monkeypatch, tmp_path: Path):
    for name in [name for name in os.environ if name.startswith(("ADVOCACY_", "FLASK_"))]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("ADVOCACY_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("ADVOCACY_SECRET_KEY", "a-long-random-secret-key-" + "0" * 40)
    monkeypatch.setenv("ADVOCACY_BASE_URL", "https://advocacy.example.org")
    monkeypatch.setenv("ADVOCACY_DATABASE_URL", "postgresql+psycopg://advocacy:db-secret@127.0.0.1/advocacy")
    monkeypatch.setitem(sys.modules, "psycopg", None)  # as on an install without the extra

    with pytest.raises(click.ClickException) as refused:
        doctor.explain_refusals(create_app)()

    assert refused.value.message.startswith(
        "Advocacy will not start: DATABASE_URL names PostgreSQL, whose driver (psycopg) is not installed: "
        "install Advocacy with PostgreSQL support, pip install 'advocacy[postgres]'"
    )
    assert "db-secret" not in refused.value.message
