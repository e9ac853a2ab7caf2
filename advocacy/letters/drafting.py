"""The letter form's work: which areas and lawmakers it offers, and the letters it drafts and saves."""

from __future__ import annotations

import pickle
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from advocacy.bills.service import pending, state_bills
from advocacy.caching import LONG, kept
from advocacy.legislators.constituency import FoundLawmakers
from advocacy.legislators.lookup import Member, state_roster
from advocacy.legislators.targets import UnknownCampaign, get_campaign, targets_of
from advocacy.letters.pick_list import PickList, pick_list
from advocacy.letters.render import RenderedLetter
from advocacy.letters.service import (
    Draft,
    Sender,
    active_templates,
    choose_template,
    draft_letters,
    own_words_share,
    save_letters,
    template_for,
)
from advocacy.models import (
    Bill,
    Campaign,
    Committee,
    CommitteeMember,
    Framework,
    Hearing,
    IssueArea,
    Legislator,
    Letter,
    LetterTemplate,
    State,
)
from advocacy.models.bills import BillStatus
from advocacy.models.campaigns import CampaignTarget
from advocacy.reportcards.service import (
    CardSummary,
    choose_report_card,
    featured_framework,
    find_issue_area,
    get_state,
    suggested_area,
    summarize,
)


class CannotWrite(LookupError):
    """The form cannot be offered as asked (an unknown area or lawmaker); the message says what to do."""


@dataclass(frozen=True)
class StateOffer:
    """What the letter form offers in a state whoever writes: the state, the framework, the
    report-card summary, the bills before the legislature and the letter templates. Kept between
    requests until a write moves the cache generation on, so a preview or a save reads none of it
    from the database."""

    state: State
    framework: Framework | None
    summary: CardSummary | None
    bills: list[Bill]  # pending bills of the current session, with their areas and sponsors
    templates: list[LetterTemplate]  # every template not retired, with its revisions


def state_offer(session: Session, abbr: str) -> StateOffer:
    """The offer for the state with this postal code (UnknownState when there is none).

    Each process keeps one offer per state and generation, and every request reads the same
    objects. They are detached copies (made through pickle) that belong to no session, so no
    request's commit expires them and nothing loads into them later: requests only read them,
    and the letters they save refer to them by id. A code no state has raises before anything
    is kept.
    """
    abbr = abbr.strip().lower()
    return kept(
        f"letter-offer:{abbr}",
        LONG,
        lambda: pickle.loads(pickle.dumps(_offer_in_database(session, abbr))),
        shared=False,
    )


def _offer_in_database(session: Session, abbr: str) -> StateOffer:
    state = get_state(session, abbr)
    templates = active_templates(session)
    framework = featured_framework(session)
    if framework is None:
        return StateOffer(state, None, None, [], templates)
    list(framework.issue_areas)  # loaded now: the kept copy has no session to load them later
    card = choose_report_card(session, state)
    bills = pending(state_bills(session, state))
    _load_whereabouts(session, bills)
    for bill in bills:
        bill.session_over  # noqa: B018 -- loads the bill's session, which a letter naming it reads
    return StateOffer(state, framework, summarize(session, card) if card else None, bills, templates)


def _load_whereabouts(session: Session, bills: list[Bill]) -> None:
    """Loads each bill's committee with its members, and its hearings with theirs: a letter to a
    committee member names their seat and the hearing, and the kept copy cannot load them later."""
    if bills:
        query = (
            select(Bill)
            .where(Bill.id.in_([b.id for b in bills]))
            .options(
                selectinload(Bill.committee)
                .selectinload(Committee.members)
                .joinedload(CommitteeMember.committee),
                selectinload(Bill.hearings)
                .selectinload(Hearing.committee)
                .selectinload(Committee.members)
                .joinedload(CommitteeMember.committee),
            )
        )
        session.scalars(query).all()


@dataclass(frozen=True)
class LetterSetup:
    """What the letter form offers for one state (and campaign), before anything is typed."""

    state: State
    campaign: Campaign | None
    framework: Framework
    summary: CardSummary | None
    areas: list[IssueArea]  # the areas a writer may choose
    area: IssueArea | None  # the one chosen for them: asked for, the campaign's, or the weakest
    # Who may receive it: the sitting members of the kept roster, or the campaign's targets.
    legislators: dict[str, Member | Legislator]
    requested: list[Member | Legislator]  # recipients chosen before the form opened (lookup, table, campaign)
    bills: list[Bill]  # the state's bills before the legislature now; the campaign's one in a campaign
    templates: list[LetterTemplate]  # every template not retired, to choose the letter's from

    @cached_property
    def pick_list(self) -> PickList:
        """The lawmakers to tick, drawn once per state (or campaign) and kept."""
        campaign = self.campaign.slug if self.campaign is not None else ""
        return pick_list(self.state.abbr, campaign, self.legislators.values())

    @property
    def nobody_to_ask(self) -> str:
        """Why a campaign's form offers no lawmaker at all, in words; "" when it offers some."""
        if self.campaign is None or self.legislators:
            return ""
        bill = self.campaign.bill
        if bill is not None and bill.status in (BillStatus.ENACTED, BillStatus.FAILED):
            became = "became law" if bill.status == BillStatus.ENACTED else "failed"
            return (
                f"{bill.identifier} {became}, so this campaign has no one left to ask about it. "
                f"You can still write to your own lawmakers about this issue from {self.state.name}'s page."
            )
        if bill is not None and self.campaign.target == CampaignTarget.COMMITTEE:
            return (
                f"This campaign writes to the committee that holds {bill.identifier}, and who sits on it "
                "is not known yet. Please come back in a day or two, or write to your own lawmakers now."
            )
        return "This campaign has no sitting lawmakers to write to now. You can write to your own lawmakers."

    def bills_on(self, area_key: str) -> list[Bill]:
        """The bills a letter about this area may name."""
        area = find_issue_area(self.framework, area_key) if area_key else self.area
        return [bill for bill in self.bills if area is not None and addresses(bill, area)]


@dataclass(frozen=True)
class LetterRequest:
    """What a link to the letter form asks for: /letters/new?state=mo&area=…&campaign=…&to=…"""

    abbr: str
    campaign: str = ""  # a campaign's slug
    area: str = ""  # an issue area's number or slug
    to: list[str] = field(default_factory=list)  # lawmakers' ids


def set_up_letter(session: Session, asked: LetterRequest) -> LetterSetup:
    """Everything the letter form offers for what the link asks: the state's kept offer, the
    campaign (which must be this state's), the area and the recipients. UnknownState,
    UnknownCampaign and CannotWrite say what is wrong."""
    offer = state_offer(session, asked.abbr)
    campaign = None
    if asked.campaign.strip():
        campaign = get_campaign(session, asked.campaign.strip())
        if campaign.state_abbr != offer.state.abbr:
            raise UnknownCampaign(f"There is no campaign called {asked.campaign!r} for {offer.state.name}.")
    return letter_setup(session, offer, campaign, asked.area, asked.to)


def addresses(bill: Bill, area: IssueArea) -> bool:
    """By id: a kept bill's areas and a campaign's are not the objects of this request's session."""
    return any(a.id == area.id for a in bill.areas)


def letter_setup(
    session: Session,
    offer: StateOffer,
    campaign: Campaign | None,
    requested_area: str,
    requested_to: list[str],
) -> LetterSetup:
    state, framework, summary = offer.state, offer.framework, offer.summary
    if framework is None:
        raise CannotWrite("Report cards are not loaded yet: run `advocacy seed`.")
    areas = [a for a in framework.issue_areas if not a.is_extra_credit]
    if campaign is not None and campaign.focus_areas:
        focus = {a.id for a in campaign.focus_areas}
        areas = [a for a in areas if a.id in focus]
    if campaign is not None and campaign.bill is not None:
        # Every letter names the campaign's bill, so each is about an issue the bill addresses.
        areas = [a for a in areas if addresses(campaign.bill, a)] or areas
    area = None
    if requested_area.strip():
        area = find_issue_area(framework, requested_area)
        if area is None or area not in areas:
            names = ", ".join(a.slug for a in areas)
            raise CannotWrite(
                f"There is no issue area {requested_area.strip()!r} to write about here: use one of {names}."
            )
    suggested = suggested_area(summary, framework)
    area = area or (suggested if suggested in areas else None) or (areas[0] if campaign else None)

    legislators = {person.id: person for person in _offered_recipients(session, state, campaign)}
    requested = []
    for person_id in dict.fromkeys(requested_to):
        if person_id not in legislators:
            if campaign is not None:
                raise CannotWrite(
                    f"The lawmaker {person_id!r} is not one of the lawmakers “{campaign.title}” writes to. "
                    "You can write to them outside the campaign from their page."
                )
            raise CannotWrite(
                f"No sitting {state.name} lawmaker has the id {person_id!r}. "
                "Find your lawmakers by address, or choose one from the state's lawmaker table."
            )
        requested.append(legislators[person_id])
    bills = [campaign.bill] if campaign is not None and campaign.bill is not None else offer.bills
    return LetterSetup(
        state, campaign, framework, summary, areas, area, legislators, requested, bills, offer.templates
    )


def _offered_recipients(
    session: Session, state: State, campaign: Campaign | None
) -> list[Member | Legislator]:
    """Who the form offers: the campaign's targets (see `targets_of`), read from the kept roster."""
    if campaign is not None and campaign.target in (CampaignTarget.DISTRICTS, CampaignTarget.COMMITTEE):
        # Districts are matched against the database; a committee's members change as its bill moves.
        return list(targets_of(session, campaign))
    members = _sitting_members(session, state)
    if campaign is None or campaign.target == CampaignTarget.LEGISLATURE:
        return list(members)
    if campaign.target == CampaignTarget.LAWMAKERS:
        wanted = set(campaign.target_legislators.split())
        return [p for p in members if p.id in wanted]
    return [p for p in members if p.chamber == campaign.target]


def _sitting_members(session: Session, state: State) -> list[Member]:
    """The kept roster's members in the lawmaker table's order: upper chamber first."""
    # sorted() keeps the roster's order (district, then name) within each chamber.
    return sorted(state_roster(session, state.abbr).members, key=lambda p: p.chamber, reverse=True)


def chosen_legislators(session: Session, ids: list[str]) -> list[Legislator]:
    """The recipients as full rows, in the order chosen: only they are read to render letters."""
    # Their state in the same query: a letter's salutation names the chamber.
    query = select(Legislator).where(Legislator.id.in_(ids)).options(joinedload(Legislator.state))
    rows = {p.id: p for p in session.scalars(query)}
    return [rows[pid] for pid in ids]


@dataclass(frozen=True)
class WrittenLetters:
    """What one press of Preview (or Save) made."""

    template: LetterTemplate
    area: IssueArea
    drafts: list[Draft]
    template_share: int  # percent of the first letter that is the template's wording (0 for a save)
    saved: list[Letter]  # empty for a preview
    bill: Bill | None = None  # the bill the letters name


# One submission writes at most this many letters: enough for a writer's own lawmakers (one to
# five) or a campaign's few targets, and too few to turn one anonymous request into a flood of rows
# and renders (New Hampshire alone has 400 lawmakers).
MAX_RECIPIENTS = 10


def too_many_recipients(count: int) -> str:
    return (
        f"Choose at most {MAX_RECIPIENTS} lawmakers for one letter (you chose {count}). "
        "A few letters to the lawmakers who represent you count for more than many to everyone."
    )


def compose_letters(
    session: Session,
    setup: LetterSetup,
    area_key: str,
    variant: str,
    recipient_ids: list[str],
    sender: Sender,
    found: FoundLawmakers,
    today: date,
    save: bool = False,
    user_id: int | None = None,
    share_contact: bool = False,
    bill_id: str = "",
) -> WrittenLetters:
    """Draft one letter per recipient (LetterRenderError if the template fails), and save when asked.

    The letter says the writer is a constituent only to lawmakers the address lookup found.
    """
    area = find_issue_area(setup.framework, area_key)
    if area is None or area not in setup.areas:
        raise CannotWrite("Choose the issue your letter is about.")
    template = choose_template(setup.templates, area, variant)
    campaign = setup.campaign
    own = campaign.template if campaign is not None else None
    if own is not None and variant == "ask" and own.issue_area_id in (None, area.id):
        template = own  # the campaign's ask stands in for this area's; other areas keep their own
    if template is None:
        raise CannotWrite(f"There is no letter of that kind for {area.name} yet. Choose another kind.")
    bill = _chosen_bill(setup, area, bill_id)
    chosen = list(dict.fromkeys(recipient_ids))
    if len(chosen) > MAX_RECIPIENTS:
        raise CannotWrite(too_many_recipients(len(chosen)))
    recipients = chosen_legislators(session, [pid for pid in chosen if pid in setup.legislators])
    drafts = draft_letters(template, setup.summary, setup.state, area, recipients, sender, today, found, bill)
    # How much is the writer's own is shown beside a preview; a save goes straight to the letter.
    share = (
        0
        if save
        else own_words_share(template, setup.summary, setup.state, area, drafts, sender, today, bill)
    )
    saved = []
    if save:
        saved = save_letters(
            session,
            template,
            drafts,
            setup.state,
            area,
            sender,
            user_id,
            campaign_id=campaign.id if campaign else None,
            share_contact=share_contact,
            bill=bill,
        )
    return WrittenLetters(template, area, drafts, share, saved, bill)


def _chosen_bill(setup: LetterSetup, area: IssueArea, bill_id: str) -> Bill | None:
    """The campaign's bill, or the one the writer chose, which must address the letter's issue."""
    if setup.campaign is not None and setup.campaign.bill is not None:
        return setup.campaign.bill
    if not bill_id:
        return None
    bill = next((b for b in setup.bills if str(b.id) == bill_id), None)
    if bill is None:
        raise CannotWrite(
            "That bill is not before the legislature now: choose one of the bills listed, or none."
        )
    if not addresses(bill, area):
        raise CannotWrite(
            f"{bill.identifier} is not about {area.name}: choose one of the bills listed for it, or none."
        )
    return bill


def phone_script(session: Session, letter: Letter, today: date) -> RenderedLetter:
    """What to say on the phone about a saved letter, claiming no more than the letter did."""
    template = template_for(session, letter.issue_area, "phone") if letter.issue_area else None
    if template is None:
        raise CannotWrite("There is no phone script yet.")
    card = choose_report_card(session, letter.state)
    sender = Sender(
        letter.sender_name, letter.sender_town, "", letter.personal_paragraph, letter.sender_address
    )
    found = FoundLawmakers(frozenset({letter.legislator_id} if letter.is_constituent else ()), "")
    drafts = draft_letters(
        template,
        summarize(session, card) if card else None,
        letter.state,
        letter.issue_area,
        [letter.legislator],
        sender,
        today,
        found,
        letter.bill,
    )
    return drafts[0].letter
