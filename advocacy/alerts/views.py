"""Following bills by email: the follow form, its confirmation link, the one-click stop, and an
organizer following on behalf of their campaign."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from advocacy.alerts import mails
from advocacy.alerts.forms import CampaignFollowForm, FollowForm, StopForm
from advocacy.alerts.service import (
    UNCONFIRMED_DAYS,
    FollowProblem,
    ask_to_follow,
    campaign_follower,
    confirm_follow,
    find_follower,
    follow_for_campaign,
    follow_target,
    follower_words,
    stop_following,
    unfollow_campaign,
)
from advocacy.caching import no_store
from advocacy.clock import utcnow
from advocacy.extensions import csrf, db, limiter
from advocacy.jobs import send_after_answer
from advocacy.legislators.constituency import LookupExpired, read_found
from advocacy.legislators.targets import get_campaign
from advocacy.mail import mail_configured
from advocacy.models import Campaign, Follower

bp = Blueprint("alerts", __name__)
# Pages with a visitor's email address or their follower's key: no browser or proxy keeps a copy.
bp.after_request(no_store)

NOT_FOUND = (
    "This link is not valid any more: you may have stopped following, or a request not confirmed "
    f"within {UNCONFIRMED_DAYS} days was deleted. You can ask to follow the bills again from the "
    "state's page."
)


def _secret() -> str:
    return current_app.config["SECRET_KEY"]


def _lawmakers(form: FollowForm) -> list[str] | None:
    """The ids of the writer's own lawmakers when they chose to keep them; None (and a message on
    the form) when the lookup can no longer be read."""
    if not form.found.data or not form.keep_lawmakers.data:
        return []
    try:
        return sorted(read_found(_secret(), form.found.data).ids)
    except LookupExpired as error:
        form.keep_lawmakers.errors.append(
            f"{error} Look up your address again, or untick this box to follow without them."
        )
        return None


@bp.route("/follow", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATE_LIMIT_OUTBOX"], methods=["POST"])
def follow() -> str | tuple[str, int]:
    try:
        target = follow_target(db.session, request.args.get("state", ""), request.args.get("bill", ""))
    except FollowProblem as error:
        abort(400, description=str(error))
    form = FollowForm()
    if not form.is_submitted():
        form.found.data = request.args.get("found", "")
    if form.validate_on_submit() and (lawmakers := _lawmakers(form)) is not None:
        follower = ask_to_follow(db.session, target, form.email.data.strip(), lawmakers, utcnow())
        db.session.commit()
        # The same answer, after the same work, whether or not the address already follows.
        already = follower.confirmed_at is not None
        send_after_answer(
            mails.already_following(follower, target) if already else mails.confirmation(follower, target)
        )
        return render_template(
            "alerts/asked.html", target=target, email=form.email.data.strip(), mail=mail_configured()
        )
    status = 400 if form.errors else 200
    return render_template("alerts/follow.html", form=form, target=target), status


@bp.get("/follow/confirm/<token>")
def confirm(token: str) -> str:
    follower = confirm_follow(db.session, token, utcnow())
    if follower is None:
        abort(404, description=NOT_FOUND)
    db.session.commit()
    return render_template("alerts/confirmed.html", follower=follower, words=follower_words(follower))


@bp.route("/follow/stop/<token>", methods=["GET", "POST"])
@csrf.exempt  # RFC 8058: the mail app posts "List-Unsubscribe=One-Click", with no token
def stop(token: str) -> str:
    if request.method == "POST":
        words = stop_following(db.session, token)
        db.session.commit()
        return render_template("alerts/stopped.html", words=words)
    follower = _follower_or_404(token)
    return render_template(
        "alerts/stop.html", form=StopForm(), follower=follower, words=follower_words(follower)
    )


def _follower_or_404(token: str) -> Follower:
    follower = find_follower(db.session, token)
    if follower is None:
        abort(404, description=NOT_FOUND)
    return follower


@dataclass(frozen=True)
class CampaignFollow:
    """What the campaign dashboard's follow box shows."""

    form: CampaignFollowForm
    follower: Follower | None
    words: str


def _may_manage(campaign: Campaign) -> bool:
    # The rule of campaigns.service.can_manage, which this package sits below.
    return current_user.is_authenticated and (current_user.is_admin or campaign.owner_id == current_user.id)


@bp.app_template_global("campaign_follow")
def campaign_follow(campaign: Campaign) -> CampaignFollow:
    """For templates/alerts/_campaign_follow.html, included by the campaign's dashboard."""
    follower = campaign_follower(db.session, campaign)
    return CampaignFollow(CampaignFollowForm(), follower, follower_words(follower) if follower else "")


@bp.post("/campaigns/<slug>/follow")
def follow_campaign(slug: str) -> Response:
    campaign = get_campaign(db.session, slug)
    if not _may_manage(campaign):
        abort(403, description="Only the campaign's organizer (or an admin) can follow its bills for it.")
    form = CampaignFollowForm()
    if not form.validate_on_submit():
        abort(400, description="; ".join(e for errors in form.errors.values() for e in errors))
    if form.action.data == "follow":
        follower = follow_for_campaign(db.session, campaign, current_user, utcnow())
        flash(f"You follow {follower_words(follower)}: alerts go to {follower.email}, at most one a day.")
    elif unfollow_campaign(db.session, campaign):
        flash("You no longer follow these bills for the campaign.")
    db.session.commit()
    return redirect(url_for("campaigns.dashboard", slug=campaign.slug))
