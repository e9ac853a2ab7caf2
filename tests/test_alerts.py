"""Following bills by email: double opt-in, at most one alert a day, each delivered once, with a
one-click stop (RFC 8058), links straight to the letter, bounces, organizers, and the purge."""

from __future__ import annotations

import smtplib
from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import func, select

from advocacy.alerts.sending import make_alerts, send_alerts
from advocacy.bills.service import api_from_config
from advocacy.bills.sync import refresh_state
from advocacy.caching import generation
from advocacy.clock import utcnow
from advocacy.extensions import db
from advocacy.inbound.smtp import inbound_smtp_server
from advocacy.letters.addresses import Purpose, inbound_address
from advocacy.letters.outbox import claim
from advocacy.models import AlertMessage, Bill, BillEvent, Campaign, Follower, Framework, IssueArea, State
from tests.builders import create_campaign, make_bill, make_committee, make_hearing, make_legislator
from tests.conftest import ReceivedMail, free_port
from tests.openstates_api import CHILDREN_AND_FAMILIES, HB_1946, StandIn, event, serve_open_states
from tests.pages import csrf_token, link_with_text, text_of

DOMAIN = "in.example.org"
SAMPLES = Path(__file__).parent / "fixtures" / "mail"
PLACEHOLDER = b"return-path@inbound.example"
TODAY = date(2027, 2, 10)
NOW = datetime(2027, 2, 10, 12, 0)


def weak_area(slug: str = "identification-and-response") -> IssueArea:
    """One of Missouri's weakest areas on its newest report card (an area the shipped facts name)."""
    return db.session.scalar(
        select(IssueArea).join(IssueArea.framework).where(Framework.featured, IssueArea.slug == slug)
    )


@pytest.fixture
def bill_in_committee(app):
    """HB 1946, on a weak area, before the House Committee on Children and Families (two members)."""
    chair = make_legislator(db.session, n=11, chamber="lower", name="Alex Chair")
    member = make_legislator(db.session, n=12, chamber="lower", name="Blair Member")
    committee = make_committee(db.session, members=[(chair, "chair"), (member, "member")])
    bill = make_bill(db.session, areas=[weak_area()], place="committee", place_chamber="lower")
    bill.committee = committee
    bill.place_since = date(2027, 1, 14)
    db.session.commit()
    return bill


def move(bill, key: str, kind: str, day: date, description: str, **extra) -> BillEvent:
    """A move of the bill, as a refresh notes it."""
    event = BillEvent(
        bill=bill,
        key=key,
        kind=kind,
        happened_on=day,
        description=description,
        source=f"https://house.mo.gov/BillActions.aspx?bill=HB1946&year=2027#{key}",
        seen_at=utcnow(),
        **extra,
    )
    db.session.add(event)
    db.session.commit()
    return event


def signed_lookup(app, ids: list[str]) -> str:
    """What the address lookup hands the next page: the lawmakers it found, signed."""
    return URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="advocacy.lookup").dumps(
        {"ids": ids, "town": "Jefferson City"}
    )


def ask(client, query: str, email: str = "sam@example.org", **fields):
    page = client.get(f"/follow?{query}")
    return client.post(f"/follow?{query}", data={"csrf_token": csrf_token(page), "email": email, **fields})


def confirmations(smtp: list[ReceivedMail]) -> list[ReceivedMail]:
    return [m for m in smtp if m.message["Subject"].startswith("Confirm")]


def alerts(smtp: list[ReceivedMail]) -> list[ReceivedMail]:
    return [m for m in smtp if "has moved" in m.message["Subject"] or "have moved" in m.message["Subject"]]


def follow(client, smtp, query: str = "state=mo", email: str = "sam@example.org", **fields) -> str:
    """Follow through the pages and the confirmation mail; returns the page the link opened."""
    ask(client, query, email, **fields)
    return text_of(client.get(confirmations(smtp)[-1].link()))


def run(today: date = TODAY, now: datetime = NOW):
    db.session.expire_all()
    return send_alerts(db.session, today, now)


def letter_link(mail: ReceivedMail) -> dict[str, list[str]]:
    url = next(word for word in mail.body.split() if "/letters/new?" in word)
    return parse_qs(urlsplit(url).query)


# --- following: double opt-in ------------------------------------------------------------------


def test_nothing_is_sent_before_the_link_and_a_second_request_adds_no_follower(
    client, smtp, bill_in_committee
):
    shown = text_of(ask(client, "state=mo"))
    assert "We sent a message to sam@example.org" in shown
    move(bill_in_committee, "a1", "referred", date(2027, 1, 14), "Referred to House Children and Families")
    assert run().made == 0 and alerts(smtp) == []  # not confirmed: nothing but the confirmation

    again = text_of(ask(client, "state=mo"))
    assert again == shown  # the same answer: no one can tell whether the address follows
    assert db.session.scalar(select(func.count()).select_from(Follower)) == 1
    assert len({m.link() for m in confirmations(smtp)}) == 1  # the same link again

    opened = text_of(client.get(confirmations(smtp)[-1].link()))
    assert "You are following Missouri's bills on its weakest report-card areas" in opened
    assert run().made == 0  # told only of moves after confirming
    move(bill_in_committee, "h1", "hearing", date(2027, 2, 9), "Hearing set for February 17, 2027")
    assert run().made == 1 and len(alerts(smtp)) == 1


def test_following_and_alerts_leave_the_kept_pages_alone(app, client, smtp, bill_in_committee):
    with app.app_context():
        before = generation()

    follow(client, smtp, "state=mo", "kept-pages@example.org")
    with app.app_context():
        followed = generation()
    move(bill_in_committee, "a1", "referred", date(2027, 1, 14), "Referred to House Children and Families")
    with app.app_context():
        moved = generation()  # a bill's move is on its pages: it moves the generation on
    run()

    assert len(alerts(smtp)) == 1
    with app.app_context():
        assert followed == before and moved != followed
        assert generation() == moved  # no page shows followers or their alerts


def test_asking_again_once_confirmed_says_the_same_and_mails_only_the_owner(client, smtp, bill_in_committee):
    follow(client, smtp)
    shown = text_of(ask(client, "state=mo"))

    assert "We sent a message to sam@example.org" in shown
    [told] = [m for m in smtp if "already follow" in m.message["Subject"]]
    assert told.recipients == ["sam@example.org"] and "/follow/stop/" in told.body
    assert db.session.scalar(select(func.count()).select_from(Follower)) == 1


@pytest.mark.parametrize(
    ("query", "fields", "status", "message"),
    [
        ("state=mo", {"email": "not an address"}, 400, "Enter an email address such as name@example.org."),
        ("state=mo", {"email": ""}, 400, "Enter an email address such as name@example.org."),
        ("state=zz", {"email": "sam@example.org"}, 404, "There is no state with the postal code 'ZZ'."),
        ("bill=99999", {"email": "sam@example.org"}, 404, "There is no bill '99999' on this site"),
        ("bill=HB1", {"email": "sam@example.org"}, 404, "There is no bill 'HB1' on this site"),
        ("", {"email": "sam@example.org"}, 400, "Say what to follow: a state's bills (/follow?state=mo)"),
    ],
)
def test_bad_input_gets_a_clear_error_and_changes_nothing(client, smtp, query, fields, status, message):
    page = client.get("/follow?state=mo")
    response = client.post(f"/follow?{query}", data={"csrf_token": csrf_token(page), **fields})

    assert response.status_code == status
    assert message in text_of(response)
    assert db.session.scalar(select(func.count()).select_from(Follower)) == 0
    assert smtp == []


def test_the_state_page_links_to_following_its_weak_area_bills(client):
    page = client.get("/states/mo")
    followed = client.get(link_with_text(page, "Follow these bills by email"))

    assert "Follow Missouri's bills on its weakest report-card areas by email" in text_of(followed)
    assert "Keep my lawmakers" not in text_of(followed)  # only after an address lookup


def test_each_pending_bill_line_links_to_following_that_bill(client, bill_in_committee):
    page = client.get("/states/mo")
    link = link_with_text(page, "Follow this bill by email")

    assert link == f"/follow?bill={bill_in_committee.id}"
    assert "Follow HB 1946 in Missouri by email" in text_of(client.get(link))


# --- the alerts ------------------------------------------------------------------------------


def test_one_alert_a_day_names_each_change_with_its_date_source_place_and_hearing(
    client, smtp, bill_in_committee
):
    follow(client, smtp)
    committee = bill_in_committee.committee
    hearing = make_hearing(db.session, committee, datetime(2027, 2, 17, 9, 30), bills=[bill_in_committee])
    move(bill_in_committee, "a1", "referred", date(2027, 1, 14), "Referred to House Children and Families")
    move(bill_in_committee, "h1", "hearing", date(2027, 2, 9), "Hearing set", hearing=hearing)

    assert run().made == 1
    assert run(now=NOW + timedelta(hours=6)).made == 0  # the same day: nothing more

    [mail] = alerts(smtp)
    assert mail.message["Subject"] == "HB 1946 has moved in the Missouri legislature"
    assert (
        "- January 14, 2027: Referred to House Children and Families. Source: https://house.mo.gov/"
        in mail.body
    )
    assert "- February 9, 2027: Hearing set. Source: https://house.mo.gov/" in mail.body
    assert (
        "Where it is now: In the House Committee on Children and Families since January 14, 2027."
        in mail.body
    )
    assert (
        "Next hearing: February 17, 2027 at 9:30 AM, House Hearing Room 4, State Capitol. "
        "Source: https://house.mo.gov/HearingsSchedule.aspx" in mail.body
    )
    assert "at most one email a day" in mail.body and "To stop, open this link" in mail.body

    move(bill_in_committee, "v1", "committee-vote", date(2027, 2, 10), "Voted do pass by the committee")
    assert run(now=NOW + timedelta(hours=7)).made == 0  # still the same day
    assert run(TODAY + timedelta(days=1), NOW + timedelta(days=1)).made == 1
    second = alerts(smtp)[1]
    assert "Voted do pass by the committee" in second.body and "Hearing set" not in second.body


def test_a_hearing_added_between_two_runs_makes_exactly_one_alert_per_follower(
    client, smtp, bill_in_committee
):
    follow(client, smtp, "state=mo", "sam@example.org")
    follow(client, smtp, f"bill={bill_in_committee.id}", "kim@example.org")
    assert run().made == 0

    hearing = make_hearing(db.session, bill_in_committee.committee, datetime(2027, 2, 17, 9, 30))
    hearing.bills = [bill_in_committee]
    move(
        bill_in_committee, "h1", "hearing", date(2027, 2, 10), "Hearing set for February 17", hearing=hearing
    )
    first, again = run(), run(now=NOW + timedelta(minutes=5))

    assert (first.made, again.made) == (2, 0)
    assert sorted(m.recipients[0] for m in alerts(smtp)) == ["kim@example.org", "sam@example.org"]
    assert all("Hearing set for February 17" in m.body for m in alerts(smtp))


def test_an_alert_is_delivered_once_whoever_runs_and_claims_it(app, client, runner, smtp, bill_in_committee):
    follow(client, smtp)
    move(bill_in_committee, "a1", "referred", date(2027, 1, 14), "Referred to House Children and Families")
    with app.test_request_context():  # the alert's links are built as a run builds them
        assert make_alerts(db.session, utcnow().date(), utcnow()) == 1
        assert make_alerts(db.session, utcnow().date(), utcnow()) == 0  # a second worker makes none
    db.session.commit()
    message = db.session.scalar(select(AlertMessage))

    assert claim(db.session, AlertMessage, message.id, utcnow()) is True
    assert claim(db.session, AlertMessage, message.id, utcnow()) is False  # the other worker loses
    db.session.rollback()
    first = runner.invoke(args=["send-alerts"])
    second = runner.invoke(args=["send-alerts"])

    assert first.exit_code == 0, first.output
    assert first.output.endswith("sent 1, retrying 0, failed 0\n")
    assert "sam@example.org" not in first.output  # command output names followers by id only
    assert second.output == "alerts: 0 made; sent 0, retrying 0, failed 0\n"
    [mail] = alerts(smtp)
    assert mail.message["Message-ID"] == f"<{message.idempotency_key}@advocacy.local>"


def test_every_alert_carries_a_one_click_stop_that_needs_no_token(client, smtp, bill_in_committee):
    follow(client, smtp)
    move(bill_in_committee, "a1", "referred", date(2027, 1, 14), "Referred to House Children and Families")
    run()
    [mail] = alerts(smtp)
    token = db.session.scalar(select(Follower.token))

    assert mail.message["List-Unsubscribe"].strip() == f"<http://localhost/follow/stop/{token}>"
    assert mail.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    stop = urlsplit(mail.message["List-Unsubscribe"].strip().strip("<>")).path
    assert "Stop emails about Missouri's bills" in text_of(client.get(stop))

    # As a mail provider posts it (RFC 8058): no cookie, no CSRF token.
    done = client.post(stop, data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200
    assert "You no longer follow Missouri's bills on its weakest report-card areas" in text_of(done)
    assert db.session.scalar(select(func.count()).select_from(Follower)) == 0
    assert db.session.scalar(select(func.count()).select_from(AlertMessage)) == 0  # nothing kept

    repeated = client.post(stop, data={"List-Unsubscribe": "One-Click"})
    assert repeated.status_code == 200 and "You are not following these bills" in text_of(repeated)
    gone = client.get(stop)
    assert gone.status_code == 404 and "This link is not valid any more" in text_of(gone)


def test_links_go_to_the_followers_own_lawmakers_when_kept_else_to_the_committee(
    app, client, smtp, bill_in_committee
):
    own = [make_legislator(db.session, n=21, name="Own Senator").id]
    db.session.commit()
    found = signed_lookup(app, own)
    form = text_of(client.get(f"/follow?state=mo&found={found}"))
    assert "Keep my lawmakers so alerts can link to a letter to them" in form
    follow(client, smtp, f"state=mo&found={found}", "kept@example.org", found=found, keep_lawmakers="y")
    follow(client, smtp, f"state=mo&found={found}", "unticked@example.org", found=found)
    follow(client, smtp, "state=mo", "plain@example.org")
    move(bill_in_committee, "a1", "referred", date(2027, 1, 14), "Referred to House Children and Families")
    run()

    links = {m.recipients[0]: letter_link(m) for m in alerts(smtp)}
    bill = str(bill_in_committee.id)
    assert links["kept@example.org"] == {"state": ["mo"], "bill": [bill], "to": own}
    members = sorted(m.legislator_id for m in bill_in_committee.committee.members)
    for email in ("unticked@example.org", "plain@example.org"):
        assert links[email]["bill"] == [bill] and sorted(links[email]["to"]) == members
    kept = db.session.scalar(select(Follower).where(Follower.email == "kept@example.org"))
    assert kept.lawmaker_ids == own[0]
    assert db.session.scalar(select(Follower).where(Follower.email == "plain@example.org")).lawmaker_ids == ""
    # Each footer says what is kept: the lawmakers too only where the follower chose it.
    kept_words = (
        "We keep only this address and what it follows, and, as you chose, which lawmakers are yours."
    )
    said = {m.recipients[0]: " ".join(m.body.split()) for m in alerts(smtp)}
    assert kept_words in said["kept@example.org"]
    assert "We keep only this address and what it follows." in said["plain@example.org"]


def test_a_lookup_too_old_to_read_is_said_and_follows_nothing(app, client, smtp, bill_in_committee):
    query = "state=mo&found=forged"
    response = ask(client, query, found="forged", keep_lawmakers="y")

    assert response.status_code == 400
    assert "Your address lookup could not be read. Look up your address again" in text_of(response)
    assert db.session.scalar(select(func.count()).select_from(Follower)) == 0 and smtp == []


# --- bounces ---------------------------------------------------------------------------------


@pytest.fixture
def inbound(app):
    app.config["INBOUND_DOMAIN"] = DOMAIN
    server = inbound_smtp_server(app, "127.0.0.1", free_port())
    server.start()
    yield server
    server.stop()


def bounce_through_smtp(server, sample: str, to: str) -> None:
    raw = (SAMPLES / sample).read_bytes().replace(PLACEHOLDER, to.encode())
    with smtplib.SMTP("127.0.0.1", server.port, timeout=10) as smtp:
        smtp.sendmail("mailer-daemon@example.net", [to], raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"))


def test_a_permanent_bounce_stops_the_follower_and_a_temporary_one_sends_again(
    app, client, smtp, inbound, bill_in_committee
):
    follow(client, smtp, "state=mo", "sam@example.org")
    move(bill_in_committee, "a1", "referred", date(2027, 1, 14), "Referred to House Children and Families")
    run()
    [mail] = alerts(smtp)
    follower = db.session.scalar(select(Follower))
    assert mail.sender == inbound_address(app.config["SECRET_KEY"], DOMAIN, Purpose.ALERT, follower.id)

    bounce_through_smtp(inbound, "gmail-soft.eml", mail.sender)
    db.session.expire_all()
    message = db.session.scalar(select(AlertMessage))
    assert (message.status, message.attempts) == ("queued", 1)  # sent again on the outbox's schedule
    assert message.last_error.startswith("452 4.2.2")

    bounce_through_smtp(inbound, "gmail-hard.eml", mail.sender)
    db.session.expire_all()
    assert db.session.scalar(select(Follower)).stopped_reason.startswith("550 5.1.1")
    move(bill_in_committee, "h1", "hearing", date(2027, 2, 11), "Hearing set")
    assert run(TODAY + timedelta(days=1), NOW + timedelta(days=1)).made == 0  # no more alerts go


# --- organizers ------------------------------------------------------------------------------


def test_an_organizer_follows_for_the_campaign_and_alerts_link_to_its_letter(
    client, organizer, smtp, bill_in_committee
):
    create_campaign(organizer)
    dashboard = organizer.get("/campaigns/mo-safe-harbor/dashboard")
    assert "Follow for this campaign" in text_of(dashboard)
    organizer.post(
        "/campaigns/mo-safe-harbor/follow", data={"csrf_token": csrf_token(dashboard), "action": "follow"}
    )
    shown = text_of(organizer.get("/campaigns/mo-safe-harbor/dashboard"))
    assert "alerts go to org@example.org" in shown and "Stop following" in shown
    assert confirmations(smtp) == []  # the account's address is confirmed already

    move(bill_in_committee, "a1", "referred", date(2027, 1, 14), "Referred to House Children and Families")
    run()
    [mail] = alerts(smtp)
    assert mail.recipients == ["org@example.org"]
    assert letter_link(mail) == {"state": ["mo"], "campaign": ["mo-safe-harbor"]}
    assert "for the campaign Safe Harbor for Missouri" in mail.body

    page = organizer.get("/campaigns/mo-safe-harbor/dashboard")
    organizer.post(
        "/campaigns/mo-safe-harbor/follow", data={"csrf_token": csrf_token(page), "action": "stop"}
    )
    assert db.session.scalar(select(func.count()).select_from(Follower)) == 0


def test_only_the_campaigns_organizer_may_follow_for_it(client, auth, organizer, bill_in_committee):
    create_campaign(organizer)
    auth.logout()
    auth.create("other@example.org", role="organizer")
    auth.login("other@example.org")
    page = client.get("/campaigns/new")
    refused = client.post(
        "/campaigns/mo-safe-harbor/follow", data={"csrf_token": csrf_token(page), "action": "follow"}
    )

    assert refused.status_code == 403
    assert "Only the campaign's organizer" in text_of(refused)
    assert db.session.scalar(select(func.count()).select_from(Follower)) == 0
    assert db.session.scalar(select(Campaign.slug)) == "mo-safe-harbor"


# --- privacy ---------------------------------------------------------------------------------


def test_the_purge_deletes_unconfirmed_requests_after_a_week_and_old_alert_texts(
    client, runner, smtp, bill_in_committee
):
    follow(client, smtp, "state=mo", "sam@example.org")
    ask(client, "state=mo", "stale@example.org")
    ask(client, "state=mo", "fresh@example.org")
    stale = db.session.scalar(select(Follower).where(Follower.email == "stale@example.org"))
    stale.created_at = utcnow() - timedelta(days=8)
    move(bill_in_committee, "a1", "referred", date(2027, 1, 14), "Referred to House Children and Families")
    run(now=utcnow() - timedelta(days=400))

    result = runner.invoke(args=["purge"])

    assert "deleted 1 request(s) to follow bills not confirmed" in result.output
    assert "cleared the text of 1 bill alert(s)" in result.output
    db.session.expire_all()
    assert sorted(db.session.scalars(select(Follower.email))) == ["fresh@example.org", "sam@example.org"]
    assert db.session.scalar(select(AlertMessage.body)) == ""


def test_the_privacy_page_says_what_is_kept_of_a_follower(client):
    shown = text_of(client.get("/privacy"))

    assert "we keep your email address and what you follow, nothing else" in shown
    assert "one click deletes your address and what it followed at once" in shown


# --- end to end: Open States' stand-in, two refreshes, one alert each ------------------------


@pytest.fixture
def open_states(app, httpserver):
    """The local stand-in for Open States API v3, with Missouri's real bills and committees."""
    serving = StandIn()
    serve_open_states(app, httpserver, serving.handle)
    return serving


def refresh_missouri(app, today: date) -> None:
    with api_from_config(app.config) as api:
        outcome = refresh_state(db.session, api, db.session.get(State, "mo"), today)
    assert outcome.counts is not None, outcome.error
    db.session.expire_all()


def test_a_hearing_the_refresh_finds_reaches_each_follower_once(app, client, smtp, open_states):
    today, noon = date(2026, 12, 8), datetime(2026, 12, 8, 12, 0)
    refresh_missouri(app, today)
    hb_1946 = db.session.scalar(select(Bill).where(Bill.identifier == "HB 1946"))
    follow(client, smtp, "state=mo", "sam@example.org")
    follow(client, smtp, f"bill={hb_1946.id}", "kim@example.org")
    assert run(today, noon).made == 0  # the referral came before they followed

    open_states.events = [event(1, "2026-12-15T12:00:00-06:00", CHILDREN_AND_FAMILIES, [HB_1946])]
    refresh_missouri(app, today)
    refresh_missouri(app, today)
    run(today, noon)
    run(today + timedelta(days=1), noon + timedelta(days=1))

    sent = alerts(smtp)
    assert sorted(m.recipients[0] for m in sent) == ["kim@example.org", "sam@example.org"]
    for mail in sent:
        assert (
            "Hearing of the House Committee on Children and Families on December 15, 2026 at 12:00 PM, "
            "House Hearing Room 4. Source: https://www.house.mo.gov/HearingsTimeOrder.aspx?n=1" in mail.body
        )
        assert "Next hearing: December 15, 2026 at 12:00 PM, House Hearing Room 4." in mail.body


def test_a_committee_too_large_for_one_letter_lets_the_writer_pick_its_members(client, smtp):
    members = [(make_legislator(db.session, n=30 + n, chamber="lower"), "member") for n in range(11)]
    committee = make_committee(db.session, "Judiciary", members=members)
    bill = make_bill(db.session, "HB 7", areas=[weak_area()], place="committee", place_chamber="lower")
    bill.committee = committee
    db.session.commit()
    follow(client, smtp, f"bill={bill.id}")
    move(bill, "a7", "referred", date(2027, 1, 14), "Referred to House Judiciary")
    run()

    [mail] = alerts(smtp)
    assert "Write to members of the House Committee on Judiciary (up to 10):" in mail.body
    assert letter_link(mail) == {"state": ["mo"], "bill": [str(bill.id)]}
