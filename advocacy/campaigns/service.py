"""Creating and changing campaigns, and what they add up to (whom a campaign writes to is
advocacy/legislators/targets.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from advocacy.audit import record
from advocacy.campaigns.tallies import sent_letters
from advocacy.clock import utcnow
from advocacy.legislators.targets import parse_districts
from advocacy.models import Bill, Campaign, IssueArea, Letter, LetterTemplate, State, User
from advocacy.models.campaigns import CampaignTarget

TARGETS = {
    CampaignTarget.LEGISLATURE: "The whole legislature",
    CampaignTarget.UPPER: "The upper chamber (Senate)",
    CampaignTarget.LOWER: "The lower chamber (House, Assembly, House of Delegates)",
    CampaignTarget.DISTRICTS: "Chosen districts",
    CampaignTarget.LAWMAKERS: "Chosen lawmakers",
    CampaignTarget.COMMITTEE: "The members of the committee that holds the bill",
}
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


class CampaignProblem(ValueError):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class CampaignValues:
    slug: str
    title: str
    description: str
    state: State
    focus_areas: list[IssueArea]
    template: LetterTemplate | None
    target: str
    target_districts: str  # one "chamber district" per line, for target "districts"
    target_legislators: list[str]  # person ids, for target "lawmakers"
    goal: int | None
    starts_on: date | None
    ends_on: date | None
    bill: Bill | None = None  # sponsors are thanked, every other target asked to support it


def can_manage(user: User, campaign: Campaign) -> bool:
    return user.is_authenticated and (user.is_admin or campaign.owner_id == user.id)


def campaigns_for(session: Session, user: User) -> list[Campaign]:
    """The campaigns someone may manage: their own, or every one for an admin."""
    query = select(Campaign).options(selectinload(Campaign.state)).order_by(Campaign.created_at.desc())
    if not user.is_admin:
        query = query.where(Campaign.owner_id == user.id)
    return list(session.scalars(query))


def check_values(session: Session, values: CampaignValues, campaign: Campaign | None) -> None:
    problems = []
    if not SLUG.match(values.slug):
        problems.append("the short name may use only lowercase letters, digits and single hyphens")
    else:
        taken = session.scalar(select(Campaign).where(Campaign.slug == values.slug))
        if taken is not None and taken is not campaign:
            problems.append(f"the short name {values.slug!r} is taken; choose another")
    if values.target not in TARGETS:
        problems.append("choose whom the campaign writes to")
    if values.target == CampaignTarget.DISTRICTS:
        pairs, district_problems = parse_districts(session, values.state, values.target_districts)
        problems += district_problems
        if not pairs and not district_problems:
            problems.append("list at least one district, e.g. 'Senate 12'")
    if values.target == CampaignTarget.LAWMAKERS and not values.target_legislators:
        problems.append("choose at least one lawmaker")
    if values.target == CampaignTarget.COMMITTEE and values.bill is None:
        problems.append(
            "choose the bill whose committee the campaign writes to, or choose other lawmakers to write to"
        )
    if values.starts_on and values.ends_on and values.ends_on < values.starts_on:
        problems.append("the end date is before the start date")
    problems += _template_problems(values)
    if values.bill is not None:
        if values.bill.state_abbr != values.state.abbr:
            problems.append(
                f"{values.bill.identifier} is a bill of another state; choose one of {values.state.name}'s"
            )
        elif not set(values.bill.areas) & set(values.focus_areas):
            problems.append(
                f"{values.bill.identifier} addresses none of the campaign's focus areas; "
                "add one of its areas or choose another bill"
            )
    if problems:
        raise CampaignProblem(problems)


def _template_problems(values: CampaignValues) -> list[str]:
    """A campaign's own letter must be an ask letter about one of its focus areas: it stands in
    for the ask letter of that area, and a thank-you or a phone script cannot."""
    template = values.template
    if template is None:
        return []
    if template.purpose != "ask":
        return [f"“{template.current.title}” is a {template.purpose} template; choose an ask letter"]
    if template.issue_area is not None and template.issue_area not in values.focus_areas:
        return [
            f"“{template.current.title}” asks about {template.issue_area.name}, which is not one of the "
            "campaign's focus areas; add that area or choose another letter"
        ]
    return []


def save_campaign(
    session: Session, actor: User, values: CampaignValues, campaign: Campaign | None
) -> Campaign:
    check_values(session, values, campaign)
    before = _summary(campaign) if campaign else {}
    if campaign is None:
        campaign = Campaign(owner=actor, created_at=utcnow())
        session.add(campaign)
    campaign.slug = values.slug
    campaign.title = values.title
    campaign.description = values.description
    campaign.state_abbr = values.state.abbr
    campaign.focus_areas = list(values.focus_areas)
    campaign.template = values.template
    campaign.bill = values.bill
    campaign.target = values.target
    campaign.target_districts = (
        values.target_districts.strip() if values.target == CampaignTarget.DISTRICTS else ""
    )
    campaign.target_legislators = (
        "\n".join(values.target_legislators) if values.target == CampaignTarget.LAWMAKERS else ""
    )
    campaign.goal = values.goal
    campaign.starts_on = values.starts_on
    campaign.ends_on = values.ends_on
    session.flush()
    record(
        session,
        actor,
        "campaign.update" if before else "campaign.create",
        "campaign",
        campaign.slug,
        before,
        _summary(campaign),
    )
    return campaign


def _summary(campaign: Campaign) -> dict[str, object]:
    return {
        "title": campaign.title,
        "state": campaign.state_abbr,
        "target": campaign.target,
        "goal": campaign.goal,
        "areas": [a.slug for a in campaign.focus_areas],
        "bill": campaign.bill.identifier if campaign.bill else None,
    }


def letters_sent(session: Session, campaign: Campaign) -> int:
    """Letters that left the writer's hands (sent, answered or no answer): the count toward a goal.

    Drafts are left out: anyone may start a letter and walk away, and an unsent draft reaches no one.
    Read from the campaign's tallies, so a campaign of a million letters costs one small sum.
    """
    return sent_letters(session, campaign.id)


def campaign_letters(session: Session, campaign: Campaign) -> list[Letter]:
    return list(
        session.scalars(
            select(Letter)
            .where(Letter.campaign_id == campaign.id)
            .options(selectinload(Letter.legislator), selectinload(Letter.issue_area))
            .order_by(Letter.created_at, Letter.id)
        )
    )


def ask_templates(session: Session) -> list[LetterTemplate]:
    """The ask letters in use, one of which a campaign may use for its focus areas."""
    query = (
        select(LetterTemplate)
        .where(LetterTemplate.retired_at.is_(None), LetterTemplate.purpose == "ask")
        .order_by(LetterTemplate.slug)
    )
    return list(session.scalars(query))
