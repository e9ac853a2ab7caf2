"""Campaign pages: the organizer's list, form and dashboard, exports, and the public action page."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from advocacy.auth.access import role_required
from advocacy.bills.service import get_bill, state_bills
from advocacy.caching import SHORT, cached_page, kept, private_page
from advocacy.campaigns import following
from advocacy.campaigns.forms import CampaignForm
from advocacy.campaigns.service import (
    CampaignProblem,
    CampaignValues,
    ask_templates,
    campaign_letters,
    campaigns_for,
    can_manage,
    letters_sent,
    save_campaign,
)
from advocacy.campaigns.stats import CampaignStats, campaign_stats, day_chart
from advocacy.campaigns.tallies import tallies_fingerprint
from advocacy.extensions import db
from advocacy.legislators.service import LegislatorQuery, search_legislators
from advocacy.legislators.targets import get_campaign, targets_of
from advocacy.letters.editing import get_template
from advocacy.links import site_url
from advocacy.models import Campaign, State
from advocacy.models.accounts import Role
from advocacy.reportcards.service import all_states, choose_report_card, featured_framework, summarize
from advocacy.spreadsheets import csv_download

bp = Blueprint("campaigns", __name__)
bp.add_app_template_filter(day_chart)


def _managed_or_403(slug: str) -> Campaign:
    campaign = get_campaign(db.session, slug)
    if not can_manage(current_user, campaign):
        abort(403, description="Only the campaign's organizer (or an admin) can see this.")
    return campaign


def _choices(form: CampaignForm) -> None:
    framework = featured_framework(db.session)
    form.state.choices = [
        SelectChoice("", "Choose a state…"),
        *(SelectChoice(s.abbr, s.name) for s in all_states(db.session)),
    ]
    form.focus_areas.choices = [
        SelectChoice(a.slug, f"{a.number}. {a.name}") for a in framework.issue_areas if not a.is_extra_credit
    ]
    templates = ask_templates(db.session)
    form.template.choices = [SelectChoice("", "The ask letter of the area the writer chooses")] + [
        SelectChoice(t.slug, t.current.title) for t in templates
    ]
    state = db.session.get(State, form.state.data or "mo") or db.session.get(State, "mo")
    people = search_legislators(db.session, state, LegislatorQuery(per_page=1000)).items
    form.target_legislators.choices = [
        SelectChoice(p.id, f"{p.name}, district {p.district}", optgroup=p.chamber_name) for p in people
    ]
    form.bill.choices = [SelectChoice("", "No particular bill")] + [
        SelectChoice(str(b.id), f"{b.identifier}: {b.title}") for b in state_bills(db.session, state)
    ]


def _values(form: CampaignForm) -> CampaignValues:
    framework = featured_framework(db.session)
    areas = [a for a in framework.issue_areas if a.slug in form.focus_areas.data]
    template = get_template(db.session, form.template.data) if form.template.data else None
    return CampaignValues(
        slug=form.slug.data.strip().lower(),
        title=form.title.data.strip(),
        description=(form.description.data or "").strip(),
        state=db.session.get(State, form.state.data),
        focus_areas=areas,
        template=template,
        target=form.target.data,
        target_districts=form.target_districts.data or "",
        target_legislators=list(form.target_legislators.data or []),
        goal=form.goal.data,
        starts_on=form.starts_on.data,
        ends_on=form.ends_on.data,
        bill=get_bill(db.session, int(form.bill.data)) if form.bill.data else None,
    )


def _edit(campaign: Campaign | None) -> tuple[str, int] | Response:
    form = CampaignForm(obj=None)
    if request.method == "GET" and campaign is not None:
        form.process(
            data={
                "title": campaign.title,
                "slug": campaign.slug,
                "description": campaign.description,
                "state": campaign.state_abbr,
                "focus_areas": [a.slug for a in campaign.focus_areas],
                "template": campaign.template.slug if campaign.template else "",
                "bill": str(campaign.bill_id) if campaign.bill_id else "",
                "target": campaign.target,
                "target_districts": campaign.target_districts,
                "target_legislators": campaign.target_legislators.split(),
                "goal": campaign.goal,
                "starts_on": campaign.starts_on,
                "ends_on": campaign.ends_on,
            }
        )
    _choices(form)
    problems: list[str] = []
    if form.validate_on_submit():
        try:
            saved = save_campaign(db.session, current_user, _values(form), campaign)
        except CampaignProblem as error:
            problems = error.problems
        else:
            db.session.commit()
            link = site_url("campaigns.public", slug=saved.slug)
            flash(f"The campaign is saved. Share its page: {link}")
            return redirect(url_for("campaigns.dashboard", slug=saved.slug))
    # A form that failed its checks (a field too long, a choice not offered) answers 400.
    status = 400 if form.is_submitted() and form.errors else 200
    return render_template("campaigns/form.html", form=form, campaign=campaign, problems=problems), status


@bp.get("/campaigns/")
@private_page
@role_required(Role.ORGANIZER, Role.ADMIN)
def index() -> str:
    return render_template("campaigns/index.html", campaigns=campaigns_for(db.session, current_user))


@bp.route("/campaigns/new", methods=["GET", "POST"])
@private_page
@role_required(Role.ORGANIZER, Role.ADMIN)
def new() -> tuple[str, int] | Response:
    return _edit(None)


@bp.route("/campaigns/<slug>/edit", methods=["GET", "POST"])
@private_page
@role_required(Role.ORGANIZER, Role.ADMIN)
def edit(slug: str) -> tuple[str, int] | Response:
    return _edit(_managed_or_403(slug))


def _today() -> date:
    """The public page counts down to its bill's hearing: a kept copy serves only its own day."""
    return following.today()


@bp.get("/campaigns/<slug>")
# Kept briefly: the count of letters sent moves with every letter, which does not move the generation.
@cached_page(SHORT, day=_today)
def public(slug: str) -> str:
    campaign = get_campaign(db.session, slug)
    card = choose_report_card(db.session, campaign.state)
    targets = targets_of(db.session, campaign)
    bill = campaign.bill if campaign.bill_id else None
    return render_template(
        "campaigns/public.html",
        campaign=campaign,
        summary=summarize(db.session, card) if card else None,
        sent=letters_sent(db.session, campaign),
        targets=targets,
        deadline=following.hearing_deadline(bill, following.today()),
        whom=following.committee_words(campaign, len(targets)),
    )


# The key names the campaign's totals, which move with every letter; this bounds the rare change
# that leaves them as they were (a letter deleted and another written to someone else).
FIGURES_KEPT = 120


@bp.get("/campaigns/<slug>/dashboard")
@private_page
@role_required(Role.ORGANIZER, Role.ADMIN)
def dashboard(slug: str) -> str:
    campaign = _managed_or_403(slug)
    order = request.args.get("sort", "letters")
    if order not in ("letters", "name", "district"):
        order = "letters"

    def figures() -> str:
        stats = campaign_stats(db.session, campaign)
        if order == "name":
            stats.lawmakers.sort(key=lambda t: t.legislator.name)
        elif order == "district":
            stats.lawmakers.sort(
                key=lambda t: (t.legislator.chamber, len(t.legislator.district), t.legislator.district)
            )
        bill = campaign.bill if campaign.bill_id else None
        return render_template(
            "campaigns/_figures.html",
            campaign=campaign,
            stats=stats,
            order=order,
            bill=bill,
            moves=following.bill_moves(campaign) if bill else [],
            whom=following.committee_words(campaign, stats.targets),
        )

    # The figures change only when a letter does, or the campaign's bill moves (which changes whom
    # it writes to): kept until the campaign's totals or the bill's place move. Their links start
    # with the site's own address, never with the Host a request names.
    fingerprint = tallies_fingerprint(db.session, campaign.id)
    site = current_app.config["BASE_URL"] + request.script_root
    key = f"dashboard:{campaign.id}:{order}:{site}:{fingerprint}:{following.bill_fingerprint(campaign)}"
    return render_template(
        "campaigns/dashboard.html", campaign=campaign, figures=Markup(kept(key, FIGURES_KEPT, figures))
    )


def stats_json(campaign: Campaign, stats: CampaignStats) -> dict:
    return {
        "campaign": campaign.slug,
        "goal": campaign.goal,
        "letters": stats.letters,
        "sent": stats.sent,
        "drafts": stats.stages.drafts,  # saved, never opened in an email app
        # What became of the letters, observed or reported: sent = sent_reported + sent_confirmed.
        "opened": stats.stages.opened,
        "sent_reported": stats.stages.sent_reported,
        "sent_confirmed": stats.stages.sent_confirmed,
        "not_delivered": stats.stages.not_delivered,
        "answered": stats.stages.answered,
        "timeline": [
            {
                "date": day.day.isoformat(),
                "drafts": day.counts.drafts,
                "opened": day.counts.opened,
                "sent_reported": day.counts.sent_reported,
                "sent_confirmed": day.counts.sent_confirmed,
                "not_delivered": day.counts.not_delivered,
                "answered": day.counts.answered,
            }
            for day in stats.timeline
        ],
        "reply_rate": stats.reply_rate,
        "replies": stats.replies,
        "outcomes": stats.outcomes,
        "channels": stats.channels,
        "areas": stats.areas,
        "per_day": [{"date": d, "letters": n} for d, n in stats.per_day],
        "lawmakers": [
            {
                "id": t.legislator.id,
                "name": t.legislator.name,
                "chamber": t.legislator.chamber,
                "district": t.legislator.district,
                "letters": t.letters,
                "sent": t.sent,
                "opened": t.stages.opened,
                "sent_reported": t.stages.sent_reported,
                "sent_confirmed": t.stages.sent_confirmed,
                "not_delivered": t.stages.not_delivered,
                "answered": t.answered,
            }
            for t in stats.lawmakers
        ],
        "not_reached": [p.id for p in stats.not_reached],
    }


@bp.get("/api/v1/campaigns/<slug>/stats")
@private_page
def api_stats(slug: str) -> Response:
    campaign = get_campaign(db.session, slug)
    if not current_user.is_authenticated:
        abort(401, description="Log in as the campaign's organizer to see its figures.")
    if not can_manage(current_user, campaign):
        abort(403, description="Only the campaign's organizer (or an admin) can see its figures.")
    return jsonify(stats_json(campaign, campaign_stats(db.session, campaign)))


@bp.get("/campaigns/<slug>/lawmakers.csv")
@private_page
@role_required(Role.ORGANIZER, Role.ADMIN)
def lawmakers_csv(slug: str) -> Response:
    campaign = _managed_or_403(slug)
    stats = campaign_stats(db.session, campaign)
    rows = [
        [
            t.legislator.name,
            t.legislator.chamber_name,
            t.legislator.district,
            t.legislator.party,
            t.letters,
            t.stages.drafts,
            t.stages.opened,
            t.stages.sent_reported,
            t.stages.sent_confirmed,
            t.stages.not_delivered,
            t.answered,
        ]
        for t in stats.lawmakers
    ] + [[p.name, p.chamber_name, p.district, p.party, 0, 0, 0, 0, 0, 0, 0] for p in stats.not_reached]
    return csv_download(
        f"{campaign.slug}-lawmakers.csv",
        [
            "lawmaker",
            "chamber",
            "district",
            "party",
            "letters",
            "drafts",
            "opened",
            "sent_reported",
            "sent_confirmed",
            "not_delivered",
            "answered",
        ],
        rows,
    )


@bp.get("/campaigns/<slug>/letters.csv")
@private_page
@role_required(Role.ORGANIZER, Role.ADMIN)
def letters_csv(slug: str) -> Response:
    campaign = _managed_or_403(slug)
    letters = campaign_letters(db.session, campaign)
    return csv_download(
        f"{campaign.slug}-letters.csv",
        [
            "written",
            "lawmaker",
            "district",
            "issue",
            "channel",
            "status",
            "stage",
            "reply",
            "outcome",
            "writer",
            "town",
            "email",
        ],
        (
            [
                letter.created_at.date().isoformat(),
                letter.legislator.name,
                letter.legislator.district,
                letter.issue_area.name if letter.issue_area else "",
                letter.channel or "",
                letter.status,
                letter.stage,
                letter.reply_status,
                letter.reply_outcome,
                # Personal details only where the writer agreed to share them with the organizer.
                letter.sender_name if letter.share_contact else "",
                letter.sender_town if letter.share_contact else "",
                letter.sender_email if letter.share_contact else "",
            ]
            for letter in letters
        ),
    )
