"""Fixtures: one migrated, seeded database per run (SQLite, or PostgreSQL when configured)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import create_engine, delete, text

from advocacy import create_app
from advocacy.cli import migrate_database
from advocacy.extensions import db
from advocacy.letters.service import load_letter_templates
from advocacy.models import Legislator, Letter, SyncRun
from advocacy.reportcards.loader import load_report_cards
from advocacy.reportcards.service import featured_framework

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
LETTER_TEMPLATES = Path(__file__).resolve().parents[1] / "letter_templates"

# Tables tests write to; report-card facts and templates are loaded once and only read.
VOLATILE = (Letter, SyncRun, Legislator)


def shared_data(name: str) -> Path:
    """A folder of ../shared/data, or a skip that says why the test cannot run."""
    folder = SHARED_DATA / name
    if not folder.is_dir():
        pytest.skip(f"../shared/data/{name} is not present next to this checkout")
    return folder


def _database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("ADVOCACY_TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    engine = create_engine(url)
    with engine.begin() as connection:  # start from an empty schema every run
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = _database_url(tmp_path_factory)
    app = create_app(_config(url, tmp_path_factory.mktemp("instance")))
    with app.app_context():
        migrate_database()
        load_report_cards(db.session)
        load_letter_templates(db.session, LETTER_TEMPLATES, featured_framework(db.session))
        db.session.commit()
        db.engine.dispose()
    return url


def _config(url: str, instance: Path) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "DATABASE_URL": url,
        "OPENSTATES_URL": str(instance / "no-such-openstates-folder"),
        "LETTER_TEMPLATES_DIR": str(LETTER_TEMPLATES),
    }


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    app = create_app(_config(database_url, tmp_path))
    with app.app_context():
        for model in VOLATILE:
            db.session.execute(delete(model))
        db.session.commit()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def no_csrf(app: Flask) -> Flask:
    """Forms posted by the test client without scraping a token first."""
    app.config["WTF_CSRF_ENABLED"] = False
    return app
