"""Find my lawmakers by home address: what the /lookup page and /api/v1/lookup share (the form, the
Geocoder, what the visitor came to write about, and where "Write to them" leads)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Response, current_app, request, url_for
from wtforms import Form, StringField
from wtforms.validators import DataRequired, Length

from advocacy.clients.census import GuardedGeocoder
from advocacy.extensions import db
from advocacy.legislators.constituency import sign_found
from advocacy.legislators.lookup import LookupResult, look_up
from advocacy.legislators.targets import UnknownCampaign, get_campaign, targets_of
from advocacy.models import Campaign, IssueArea, Legislator, State
from advocacy.reportcards.service import featured_framework, find_issue_area

MAX_ADDRESS_LENGTH = 200


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class AddressForm(Form):
    """Read from the query string: a search changes nothing, so it is a GET without a CSRF token."""

    address = StringField(
        "Your home address",
        filters=[_strip],
        validators=[
            DataRequired("Type your street address with the city and state, or the ZIP code."),
            Length(
                max=MAX_ADDRESS_LENGTH,
                message=f"An address can be at most {MAX_ADDRESS_LENGTH} characters long.",
            ),
        ],
    )


def lookup_limit() -> str:
    return current_app.config["RATE_LIMIT_LOOKUP"]


# What a visitor is told when every Geocoder slot of this process is taken (GEOCODER_CONCURRENCY).
BUSY_MESSAGE = "This site is busy looking up other addresses; try again in a moment."
BUSY_RETRY_SECONDS = 5


def geocoder() -> GuardedGeocoder:
    """This app's Geocoder, shared by the process's threads: the concurrency limit and kept answers.

    One per setting, so a changed CENSUS_URL never answers from another service's kept answers.
    """
    config = current_app.config
    setting = (config["CENSUS_URL"], float(config["HTTP_TIMEOUT"]), int(config["GEOCODER_CONCURRENCY"]))
    kept: dict[tuple[str, float, int], GuardedGeocoder] = current_app.extensions.setdefault("geocoders", {})
    if setting not in kept:
        # Two first requests may both make one; setdefault keeps whichever came first for everyone.
        kept.setdefault(setting, GuardedGeocoder(*setting))
    return kept[setting]


def look_up_address(address: str) -> LookupResult:
    return look_up(db.session, address, geocoder())


def private(response: Response) -> Response:
    # The page holds the visitor's address: no browser or proxy cache may keep a copy.
    response.headers["Cache-Control"] = "no-store"
    return response


@dataclass(frozen=True)
class Intent:
    """What the visitor came to write about, carried from the page that sent them here."""

    state: State | None
    area: IssueArea | None
    campaign: Campaign | None
    problem: str  # a parameter that could not be used, in words that say what to do


def read_intent() -> Intent:
    problems = []
    state = area = campaign = None
    if abbr := request.args.get("state", "").strip():
        state = db.session.get(State, abbr.lower())
        if state is None:
            problems.append(f"There is no state {abbr!r}: use a two-letter postal code such as mo.")
    if key := request.args.get("area", "").strip():
        framework = featured_framework(db.session)
        area = find_issue_area(framework, key) if framework else None
        if area is None:
            problems.append(
                f"There is no issue area {key!r}: use a number from 1 to 6, "
                "or the area's name as links give it."
            )
    if slug := request.args.get("campaign", "").strip():
        try:
            campaign = get_campaign(db.session, slug)
        except UnknownCampaign as error:
            problems.append(str(error))
    return Intent(state or (campaign.state if campaign else None), area, campaign, " ".join(problems))


@dataclass(frozen=True)
class WritingPlan:
    """Where "Write to them" leads: the writer's own lawmakers, and a campaign's targets among them."""

    write_url: str | None  # letters to the lawmakers the lookup found (the campaign's, in a campaign)
    target_ids: frozenset[str]  # the campaign's targets, to mark them; empty without a campaign
    others_url: str | None  # in a campaign: the writer's own lawmakers it does not write to
    targets: tuple[Legislator, ...]  # offered when none of the writer's own lawmakers is a target
    # Following the state's bills by email, able to keep these lawmakers for the alerts' letters.
    follow_url: str | None = None


def _write_url(
    result: LookupResult, people: list[Legislator], campaign: Campaign | None, intent: Intent
) -> str:
    return url_for(
        "letters.new",
        state=result.state.abbr,
        to=[p.id for p in people],
        area=intent.area.slug if intent.area else None,
        campaign=campaign.slug if campaign else None,
        found=sign_found(current_app.config["SECRET_KEY"], result),
    )


def _follow_url(result: LookupResult) -> str | None:
    if not result.legislators:
        return None
    return url_for(
        "alerts.follow", state=result.state.abbr, found=sign_found(current_app.config["SECRET_KEY"], result)
    )


def writing_plan(result: LookupResult, intent: Intent) -> WritingPlan:
    found = list(result.legislators)
    campaign = intent.campaign
    if campaign is None or campaign.state_abbr != result.state.abbr:
        url = _write_url(result, found, None, intent) if found else None
        return WritingPlan(url, frozenset(), None, (), _follow_url(result))
    targets = targets_of(db.session, campaign)
    ids = frozenset(p.id for p in targets)
    theirs = [p for p in found if p.id in ids]
    others = [p for p in found if p.id not in ids]
    return WritingPlan(
        write_url=_write_url(result, theirs, campaign, intent) if theirs else None,
        target_ids=ids,
        others_url=_write_url(result, others, None, intent) if others else None,
        targets=() if theirs else tuple(targets),
        follow_url=_follow_url(result),
    )
