"""The home page (every state with its latest grade) and the health check."""

from flask import Blueprint, current_app, jsonify, redirect, render_template, request, url_for
from sqlalchemy import func, select, text
from werkzeug.wrappers import Response

from advocacy.caching import cached_page, conditional, report_cards_changed_at
from advocacy.extensions import db
from advocacy.models import Legislator
from advocacy.reportcards.charts import tile_map
from advocacy.reportcards.service import all_states, featured_framework, latest_cards_by_state

bp = Blueprint("pages", __name__)


@bp.get("/")
@cached_page()
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
    return render_template("privacy.html", retention_days=current_app.config["LETTER_RETENTION_DAYS"])


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    try:
        db.session.execute(text("SELECT 1"))
        lawmakers = db.session.scalar(
            select(func.count()).select_from(Legislator).where(Legislator.retired_at.is_(None))
        )
    except Exception as error:
        return jsonify({"status": "error", "database": type(error).__name__}), 503
    return jsonify({"status": "ok", "database": "ok", "legislators": lawmakers}), 200
