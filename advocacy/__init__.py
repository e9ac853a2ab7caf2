"""Advocacy: turn a state's weakest report-card areas into letters to its lawmakers."""

import os
from pathlib import Path

from flask import Flask

from advocacy import config
from advocacy.extensions import csrf, db

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=os.environ.get("ADVOCACY_INSTANCE_PATH", str(PROJECT_ROOT / "instance")),
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.from_mapping(config.defaults(app.instance_path))
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_mapping(config.from_environment(os.environ))
    else:
        app.config.from_mapping(test_config)
    app.config["SQLALCHEMY_DATABASE_URI"] = app.config["DATABASE_URL"]
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"pool_pre_ping": True})
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    db.init_app(app)
    csrf.init_app(app)

    from advocacy import api, cli, errors, pages, security, templating
    from advocacy.legislators import views as legislator_views
    from advocacy.letters import views as letter_views
    from advocacy.reportcards import views as reportcard_views

    app.register_blueprint(pages.bp)
    app.register_blueprint(reportcard_views.bp)
    app.register_blueprint(legislator_views.bp)
    app.register_blueprint(letter_views.bp)
    app.register_blueprint(api.bp)
    errors.register(app)
    security.register(app)
    cli.register(app)
    templating.register(app)
    return app
