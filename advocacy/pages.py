"""The home page (every state with its latest grade) and the health check."""

from flask import Blueprint, current_app, jsonify, redirect, render_template, request, url_for
from redis import RedisError
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wrappers import Response

from advocacy.caching import cached_page, conditional, report_cards_changed_at
from advocacy.clock import utcnow
from advocacy.extensions import db
from advocacy.inbound.health import inbound_health
from advocacy.legislators.service import count_sitting
from advocacy.letters.service import KEPT_AFTER_PURGE
from advocacy.redis_client import quick_redis
from advocacy.reportcards.charts import tile_map
from advocacy.reportcards.service import all_states, featured_framework, latest_cards_by_state

bp = Blueprint("pages", __name__)


@bp.get("/")
@cached_page(params=("state",))
def home() -> str | Response:
    chosen = request.args.get("state", "").strip().lower()
    if chosen:
        return redirect(url_for("reportcards.state", abbr=chosen))
    framework = featured_framework(db.session)
    cards = latest_cards_by_state(db.session, framework) if framework else {}
    states = all_states(db.session)
    page = render_template(
        "home.html", states=states, cards=cards, framework=framework, map=tile_map(states, cards)
    )
    return conditional(page, report_cards_changed_at(db.session))


@bp.get("/privacy")
@cached_page()
def privacy() -> str:
    return render_template(
        "privacy.html",
        retention_days=current_app.config["LETTER_RETENTION_DAYS"],
        draft_days=current_app.config["ANONYMOUS_DRAFT_DAYS"],
        kept=list(KEPT_AFTER_PURGE.values()),
        inbound_domain=current_app.config["INBOUND_DOMAIN"],
        inbound_log_days=current_app.config["INBOUND_LOG_DAYS"],
    )


def _inbound_report() -> dict[str, object] | str:
    """The last message each path brought, and the day's failures (messages not matched or read)."""
    if not current_app.config["INBOUND_DOMAIN"]:
        return "not configured"
    try:
        health = inbound_health(db.session, utcnow())
    except SQLAlchemyError as error:
        return f"unknown ({type(error).__name__})"
    return {
        "last_received": {
            str(p.path): p.last_received.isoformat() + "Z" if p.last_received else None for p in health.paths
        },
        "failures_last_day": health.failures_today,
    }


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    """Each dependency's state. 200 "ok": all well; 200 "degraded": Redis is down, and pages,
    letters and log-in still work (caching and shared rate limits do not); 503 "error": the
    database does not answer, and nothing works."""
    report: dict[str, object] = {"status": "ok"}
    try:
        db.session.execute(text("SELECT 1"))
        report["legislators"] = count_sitting(db.session)
        report["database"] = "ok"
    except SQLAlchemyError as error:
        report.update(status="error", database=f"down ({type(error).__name__})")
    redis_url = current_app.config["REDIS_URL"]
    if redis_url:
        try:
            quick_redis(redis_url).ping()
            report["redis"] = "ok"
        except RedisError as error:
            report["redis"] = f"down ({type(error).__name__})"
            if report["status"] == "ok":
                report["status"] = "degraded"
    else:
        report["redis"] = "not configured"
    report["smtp"] = "configured" if current_app.config["SMTP_URL"] else "not configured"
    report["inbound_mail"] = _inbound_report() if report.get("database") == "ok" else "unknown"
    return jsonify(report), 503 if report["status"] == "error" else 200
