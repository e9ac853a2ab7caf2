"""Who follows what: asking to follow (double opt-in), confirming, stopping, organizers following
for their campaign, the bills each follower follows, and forgetting what the retention rules say."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from advocacy.bills.service import pending, state_bills
from advocacy.errors import NotFound
from advocacy.models import AlertMessage, Bill, BillEvent, Campaign, Follower, State, User
from advocacy.models.alerts import AlertStatus
from advocacy.reportcards.service import choose_report_card, summarize

# Unconfirmed requests are deleted after this many days; their link stops working then.
UNCONFIRMED_DAYS = 7


class FollowProblem(ValueError):
    """The link does not say what to follow; the message says what to fix."""


class UnknownFollowTarget(NotFound):
    """The state or bill to follow does not exist here (a 404 page with the message)."""


@dataclass(frozen=True)
class FollowTarget:
    """What a follower follows: a state's weak-area bills (bill None), or one bill."""

    state: State
    bill: Bill | None = None

    @property
    def key(self) -> str:
        return f"{self.state.abbr}/bill/{self.bill.id}" if self.bill else self.state.abbr

    @property
    def words(self) -> str:
        """ "Missouri's bills on its weakest report-card areas", "HB 1946 in Missouri"."""
        if self.bill is not None:
            return f"{self.bill.identifier} in {self.state.name}"
        return f"{self.state.name}'s bills on its weakest report-card areas"


def follow_target(session: Session, state: str, bill: str) -> FollowTarget:
    """The target `/follow?state=mo` or `/follow?bill=12` names; FollowProblem or
    UnknownFollowTarget say what is wrong."""
    state, bill = state.strip(), bill.strip()
    if bill:
        found = session.get(Bill, int(bill)) if bill.isdigit() and len(bill) < 10 else None
        if found is None or found.hidden:
            raise UnknownFollowTarget(
                f"There is no bill {bill[:20]!r} on this site: follow a link from a bill."
            )
        return FollowTarget(found.state, found)
    if not state:
        raise FollowProblem(
            "Say what to follow: a state's bills (/follow?state=mo) or one bill (a bill's own link)."
        )
    found_state = session.get(State, state.lower()) if len(state) == 2 else None
    if found_state is None:
        raise UnknownFollowTarget(f"There is no state with the postal code {state[:20].upper()!r}.")
    return FollowTarget(found_state)


def target_of(follower: Follower) -> FollowTarget:
    return FollowTarget(follower.state, follower.bill)


def follower_words(follower: Follower) -> str:
    """What the follower follows, as the alert's footer and the pages name it."""
    if follower.campaign is not None:
        bill = follower.campaign.bill
        about = bill.identifier if bill else f"{follower.state.name}'s bills on its weakest report-card areas"
        return f"{about}, for the campaign {follower.campaign.title}"
    return target_of(follower).words


def ask_to_follow(
    session: Session, target: FollowTarget, email: str, lawmaker_ids: list[str], now: datetime
) -> Follower:
    """The address's follower of `target`, new and unconfirmed, or the one it already has. Nothing
    is sent to it until the link in the confirmation is opened. An unconfirmed request takes the
    new choice of lawmakers; a confirmed one is left as it is (only its owner may change it)."""
    follower = session.scalar(
        select(Follower).where(func.lower(Follower.email) == email.lower(), Follower.follows == target.key)
    )
    if follower is None:
        follower = Follower(
            email=email,
            token=secrets.token_urlsafe(32),
            state_abbr=target.state.abbr,
            bill_id=target.bill.id if target.bill else None,
            follows=target.key,
            created_at=now,
        )
        session.add(follower)
    if follower.confirmed_at is None:
        follower.lawmaker_ids = " ".join(sorted(set(lawmaker_ids)))
    session.flush()
    return follower


def newest_event_id(session: Session) -> int:
    return session.scalar(select(func.max(BillEvent.id))) or 0


def _start(session: Session, follower: Follower, now: datetime) -> None:
    # Told only of moves from now on: what happened before is on the bill's page.
    follower.confirmed_at = now
    follower.told_up_to = newest_event_id(session)
    follower.last_alert_on = None
    follower.stopped_reason = ""


def find_follower(session: Session, token: str) -> Follower | None:
    if not token or len(token) > 60:
        return None
    return session.scalar(select(Follower).where(Follower.token == token))


def confirm_follow(session: Session, token: str, now: datetime) -> Follower | None:
    """The link in the confirmation was opened: alerts start. Opening it again changes nothing."""
    follower = find_follower(session, token)
    if follower is not None and follower.confirmed_at is None:
        _start(session, follower, now)
    return follower


def stop_following(session: Session, token: str) -> str:
    """Delete the follower at once, keeping nothing of it; returns what it followed, in words, or
    "" when there was no such follower."""
    follower = find_follower(session, token)
    if follower is None:
        return ""
    words = follower_words(follower)
    session.delete(follower)
    session.flush()
    return words


def campaign_follower(session: Session, campaign: Campaign) -> Follower | None:
    return session.scalar(select(Follower).where(Follower.campaign_id == campaign.id))


def follow_for_campaign(session: Session, campaign: Campaign, user: User, now: datetime) -> Follower:
    """The organizer follows the campaign's bill (or its state's weak-area bills) on the campaign's
    behalf, at their account's address, which is confirmed already: alerts start at once."""
    follower = campaign_follower(session, campaign)
    if follower is None:
        follower = Follower(
            email=user.email,
            token=secrets.token_urlsafe(32),
            state_abbr=campaign.state_abbr,
            bill_id=campaign.bill_id,
            follows=f"{campaign.state_abbr}/campaign/{campaign.id}",
            campaign_id=campaign.id,
            created_at=now,
        )
        session.add(follower)
        _start(session, follower, now)
        session.flush()
    return follower


def unfollow_campaign(session: Session, campaign: Campaign) -> bool:
    follower = campaign_follower(session, campaign)
    if follower is not None:
        session.delete(follower)
        session.flush()
    return follower is not None


def weak_area_bills(session: Session, state: State) -> list[Bill]:
    """The state's pending bills of its current session that address one of its weakest areas."""
    card = choose_report_card(session, state)
    if card is None:
        return []
    weakest = {weak.area.id for weak in summarize(session, card).weakest}
    return [bill for bill in pending(state_bills(session, state)) if any(a.id in weakest for a in bill.areas)]


def followed_bills(session: Session, follower: Follower, by_state: dict[str, list[Bill]]) -> list[Bill]:
    """The bills the follower follows now: its bill, or its state's weak-area bills, computed now
    (`by_state` keeps them for one run, so each state's are computed once)."""
    # A campaign's follower follows the campaign's bill as it is now, which its organizer may change.
    bill = follower.campaign.bill if follower.campaign is not None else follower.bill
    if bill is not None:
        return [bill]
    if follower.state_abbr not in by_state:
        by_state[follower.state_abbr] = weak_area_bills(session, follower.state)
    return by_state[follower.state_abbr]


def forget_unconfirmed_followers(session: Session, cutoff: datetime) -> int:
    """Delete requests to follow that were never confirmed and were made before `cutoff`."""
    result = session.execute(
        delete(Follower).where(Follower.confirmed_at.is_(None), Follower.created_at < cutoff)
    )
    return result.rowcount


def clear_sent_alerts(session: Session, cutoff: datetime) -> int:
    """Clear the text of alerts sent (or given up) before `cutoff`: it names the follower's lawmakers."""
    result = session.execute(
        update(AlertMessage)
        .where(AlertMessage.created_at < cutoff, AlertMessage.body != "")
        .where(AlertMessage.status.in_((AlertStatus.SENT.value, AlertStatus.FAILED.value)))
        .values(body="")
        .execution_options(synchronize_session=False)
    )
    return result.rowcount
