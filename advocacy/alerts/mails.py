"""The followers' emails: the confirmation, and the daily alert. Plain text; links start with BASE_URL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from advocacy.alerts.service import UNCONFIRMED_DAYS, FollowTarget, follower_words
from advocacy.bills.whereabouts import hearing_time, next_hearing, place_words, who_decides
from advocacy.dates import long_date
from advocacy.letters.drafting import MAX_RECIPIENTS
from advocacy.links import outside_url, site_url
from advocacy.mail import OutgoingMail
from advocacy.models import Bill, BillEvent, Follower
from advocacy.models.bills import BillPlace

SIGN_OFF = "\n\nIf you did not ask for this, you can ignore this message: nothing will be sent.\n\nAdvocacy\n"


def confirmation(follower: Follower, target: FollowTarget) -> OutgoingMail:
    link = site_url("alerts.confirm", token=follower.token)
    return OutgoingMail(
        follower.email,
        "Confirm that you want bill alerts from Advocacy",
        f"Hello,\n\nSomeone, probably you, asked to follow {target.words} on Advocacy. We will email "
        "this address at most once a day when one of these bills moves: when it is sent to a "
        "committee, gets a hearing or a vote, becomes law or fails.\n\n"
        f"To start, open this link within {UNCONFIRMED_DAYS} days:\n\n{link}" + SIGN_OFF,
    )


def already_following(follower: Follower, target: FollowTarget) -> OutgoingMail:
    stop = site_url("alerts.stop", token=follower.token)
    return OutgoingMail(
        follower.email,
        "You already follow these bills on Advocacy",
        f"Hello,\n\nSomeone, probably you, asked again to follow {target.words} on Advocacy. "
        "This address already follows them, so nothing has changed.\n\n"
        f"To stop these alerts, open this link:\n\n{stop}\n\nAdvocacy\n",
    )


@dataclass(frozen=True)
class AlertText:
    subject: str
    body: str


def alert_text(
    session: Session, follower: Follower, news: dict[Bill, list[BillEvent]], today: date
) -> AlertText:
    """The day's alert: each bill that moved, what changed with dates and sources, where it is now,
    its next hearing, and a link straight to the letter."""
    names = [bill.identifier for bill in news]
    subject = (
        f"{names[0]} has moved" if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]} have moved"
    )
    parts = [f"Hello,\n\nThere is news about {'a bill' if len(names) == 1 else 'bills'} you follow."]
    parts += [_bill_news(session, follower, bill, events, today) for bill, events in news.items()]
    parts.append(_footer(follower))
    return AlertText(f"{subject} in the {follower.state.name} legislature", "\n\n".join(parts))


def _bill_news(session: Session, follower: Follower, bill: Bill, events: list[BillEvent], today: date) -> str:
    lines = [f"{bill.identifier}: {bill.title}"]
    for event in events:
        when = long_date(event.happened_on) if event.happened_on else "Recently"
        source = outside_url(event.source) or outside_url(bill.url)
        lines.append(
            f"- {when}: {event.description.strip() or event.kind}." + (f" Source: {source}" if source else "")
        )
    where = place_words(bill)
    if where:
        lines.append(f"Where it is now: {where}.")
    hearing = next_hearing(bill, today)
    if hearing is not None:
        place = f", {hearing.location}" if hearing.location else ""
        source = outside_url(hearing.url)
        lines.append(
            f"Next hearing: {hearing_time(hearing)}{place}." + (f" Source: {source}" if source else "")
        )
    lines.append(_letter_line(session, follower, bill))
    return "\n".join(line for line in lines if line)


def _letter_line(session: Session, follower: Follower, bill: Bill) -> str:
    """The link straight to the letter: the campaign's, else one to the follower's own lawmakers
    when they kept them, else one to whoever decides the bill's next step."""
    abbr = bill.state_abbr
    if follower.campaign is not None:
        link = site_url("letters.new", state=abbr, campaign=follower.campaign.slug)
        return f"Write for the campaign {follower.campaign.title}: {link}"
    own = follower.lawmaker_ids.split()
    if own:
        link = site_url("letters.new", state=abbr, bill=bill.id, to=own)
        return f"Write to your own lawmakers about it: {link}"
    deciders = who_decides(session, bill)
    if not deciders:
        return ""  # law, failed, or nobody knows where it is: no one to ask
    if bill.place == BillPlace.COMMITTEE and bill.committee is not None:
        if len(deciders) > MAX_RECIPIENTS:  # more than one letter may go to: the writer picks
            link = site_url("letters.new", state=abbr, bill=bill.id)
            return f"Write to members of the {bill.committee.title} (up to {MAX_RECIPIENTS}): {link}"
        link = site_url("letters.new", state=abbr, bill=bill.id, to=[person.id for person in deciders])
        return f"Write to the members of the {bill.committee.title}: {link}"
    # On the floor every member of the chamber votes: the writer picks their own lawmakers.
    return f"Write to your lawmakers about it: {site_url('letters.new', state=abbr, bill=bill.id)}"


KEPT_LAWMAKERS = ", and, as you chose, which lawmakers are yours"


def _footer(follower: Follower) -> str:
    stop = site_url("alerts.stop", token=follower.token)
    return (
        f"--\nYou get this email because this address follows {follower_words(follower)} on "
        "Advocacy. We send at most one email a day, only when a bill moves. We keep only this "
        f"address and what it follows{KEPT_LAWMAKERS if follower.lawmaker_ids else ''}.\n"
        f"To stop, open this link: {stop}"
    )
