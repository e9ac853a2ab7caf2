"""Advocacy: turn a state's weakest report-card areas into letters to its lawmakers."""

import os
from functools import partial
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from advocacy import config, folders, jobs, rate_limits  # noqa: F401  (rate_limits registers its storage)
from advocacy.extensions import csrf, db, limiter, login_manager, watch_sqlite_connections


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        template_folder=folders.TEMPLATES,
        static_folder=folders.STATIC,
        # Flask's own default otherwise: <checkout>/instance, or <prefix>/var/advocacy-instance for
        # an installed package.
        instance_path=os.environ.get("ADVOCACY_INSTANCE_PATH") or None,
        instance_relative_config=True,
    )
    _configure(app, test_config)
    jobs.use_factory(partial(create_app, test_config))  # a worker's job makes its app with this
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    watch_sqlite_connections()
    db.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)
    _register_blueprints(app)
    _register_hooks(app)
    if app.config["PROXY_COUNT"]:
        # Outermost, so every layer (the ready pages' too) sees the visitor's address and scheme.
        count = int(app.config["PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)  # type: ignore[method-assign]
    return app


def _configure(app: Flask, test_config: dict | None) -> None:
    """Defaults, then instance/config.py and ADVOCACY_* (or the tests' settings), checked."""
    defaults = config.defaults(app.instance_path)
    app.config.from_mapping(defaults)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        # ADVOCACY_<NAME> for any setting, read as text; apply_types gives each its default's type.
        app.config.from_prefixed_env("ADVOCACY", loads=str)
    else:
        app.config.from_mapping(test_config)
    config.apply_types(app.config, defaults)
    config.check_for_serving(app.config, debug_or_testing=app.debug or app.testing)
    app.config["SQLALCHEMY_DATABASE_URI"] = app.config["DATABASE_URL"]
    if app.config["REDIS_URL"]:
        app.config.setdefault("RATELIMIT_STORAGE_URI", app.config["REDIS_URL"])
        app.config.setdefault(
            "RATELIMIT_STORAGE_OPTIONS", {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
        )
        # Redis down: limits are counted in this process's memory (logged), never a 500.
        app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    else:
        # Every worker and app server counts in the one database (advocacy/rate_limits.py).
        app.config.setdefault("RATELIMIT_STORAGE_URI", "advocacy-database://")
    app.config.setdefault("RATELIMIT_SWALLOW_ERRORS", True)
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"pool_pre_ping": True})


def _register_blueprints(app: Flask) -> None:
    """Every page and API route: one blueprint per package, each holding all of its package's routes."""
    from advocacy import metrics, pages
    from advocacy.account import views as account_views
    from advocacy.admin import views as admin_views
    from advocacy.alerts import views as alert_views
    from advocacy.api import views as api_views
    from advocacy.auth import views as auth_views
    from advocacy.bills import views as bill_views
    from advocacy.campaigns import views as campaign_views
    from advocacy.inbound import views as inbound_views
    from advocacy.legislators import views as legislator_views
    from advocacy.letters import views as letter_views
    from advocacy.reportcards import views as reportcard_views

    for blueprint in (
        pages.bp,
        reportcard_views.bp,
        legislator_views.bp,
        bill_views.bp,
        letter_views.bp,
        api_views.bp,
        auth_views.bp,
        account_views.bp,
        admin_views.bp,
        campaign_views.bp,
        inbound_views.bp,
        alert_views.bp,
        metrics.bp,
    ):
        app.register_blueprint(blueprint)


def _register_hooks(app: Flask) -> None:
    """Session listeners, request hooks, error pages, commands and template helpers, in the order
    they must run: the campaign tallies' listeners, then the page cache's (which watch the same
    flushes); the request checks before the page cache, which reads the same values; the metrics'
    clock first and last of all hooks."""
    from advocacy import (
        caching,
        cli,
        errors,
        links,
        logs,
        metrics,
        request_checks,
        security,
        static_files,
        templating,
    )
    from advocacy.campaigns import tallies

    tallies.watch_letters()
    request_checks.register(app)
    caching.register(app)
    errors.register(app)
    security.register(app)
    cli.register(app)
    templating.register(app)
    links.register(app)
    static_files.register(app)
    logs.register(app)
    metrics.register(app)
