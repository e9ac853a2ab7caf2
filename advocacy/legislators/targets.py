"""Whom a campaign writes to: finding a campaign by its address, reading its district lines, and
the sitting lawmakers it targets. The letter form, the address lookup and the organizer's
dashboard all ask this."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from advocacy.bills.whereabouts import who_decides
from advocacy.errors import NotFound
from advocacy.models import Campaign, Legislator, State
from advocacy.models.campaigns import CampaignTarget

UPPER_WORDS = {"upper", "senate", "senator", "sd", "council", "legislature"}
LOWER_WORDS = {"lower", "house", "assembly", "delegates", "hd", "ad"}


class UnknownCampaign(NotFound):
    pass


def get_campaign(session: Session, slug: str) -> Campaign:
    # Its state, owner and focus areas load when first used, one query each as eager loading
    # would take, and none on a page that has them already (the dashboard's kept figures).
    campaign = session.scalar(select(Campaign).where(Campaign.slug == slug))
    if campaign is None:
        raise UnknownCampaign(f"There is no campaign called {slug!r}.")
    return campaign


def parse_districts(session: Session, state: State, text: str) -> tuple[list[tuple[str, str]], list[str]]:
    """("upper"|"lower"|"legislature", district) pairs from lines like "Senate 12", and problems."""
    known = set(
        session.execute(
            select(Legislator.chamber, Legislator.district)
            .where(Legislator.state_abbr == state.abbr)
            .distinct()
        ).all()
    )
    pairs, problems = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        words = line.strip().split(maxsplit=1)
        if not words:
            continue
        if len(words) < 2:
            problems.append(f"district line {number}: write the chamber and the district, e.g. 'Senate 12'")
            continue
        word, district = words[0].lower().strip(":"), words[1].strip()
        if not state.lower_chamber:
            chamber = "legislature"
        elif word in UPPER_WORDS:
            chamber = "upper"
        elif word in LOWER_WORDS:
            chamber = "lower"
        else:
            problems.append(f"district line {number}: {words[0]!r} is not a chamber; use Senate or House")
            continue
        if (chamber, district) not in known:
            problems.append(f"district line {number}: {state.name} has no {words[0]} district {district!r}")
            continue
        pairs.append((chamber, district))
    return pairs, problems


def targets_of(session: Session, campaign: Campaign) -> list[Legislator]:
    """The sitting lawmakers a campaign writes to, in table order; for a committee campaign, those
    who decide its bill's next step (none once it is law or has failed)."""
    query = select(Legislator).where(
        Legislator.state_abbr == campaign.state_abbr, Legislator.retired_at.is_(None)
    )
    if campaign.target in (CampaignTarget.UPPER, CampaignTarget.LOWER):
        query = query.where(Legislator.chamber == campaign.target)
    elif campaign.target == CampaignTarget.LAWMAKERS:
        query = query.where(Legislator.id.in_(campaign.target_legislators.split()))
    elif campaign.target == CampaignTarget.COMMITTEE:
        # Whoever decides the bill's next step now: it changes as the bill moves.
        deciding = who_decides(session, campaign.bill) if campaign.bill is not None else []
        query = query.where(Legislator.id.in_([p.id for p in deciding]))
    elif campaign.target == CampaignTarget.DISTRICTS:
        state = session.get(State, campaign.state_abbr)
        pairs, _ = parse_districts(session, state, campaign.target_districts)
        wanted = {f"{chamber}:{district}" for chamber, district in pairs}
        query = query.where((Legislator.chamber + ":" + Legislator.district).in_(wanted))
    return list(
        session.scalars(
            query.options(selectinload(Legislator.state)).order_by(
                Legislator.chamber.desc(),
                func.length(Legislator.district),
                Legislator.district,
                Legislator.name,
            )
        )
    )
