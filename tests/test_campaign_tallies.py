"""A campaign's figures come from tallies kept with every letter write, and always equal a fresh count."""

from __future__ import annotations

import importlib.util
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import delete, insert, select, text, update

from advocacy.campaigns.tallies import rebuild_tallies
from advocacy.extensions import db
from advocacy.letters.service import purge_personal_details
from advocacy.models import Campaign, IssueArea, Letter, TemplateRevision
from advocacy.models.campaigns import CampaignTally
from tests.builders import create_campaign, write_for_campaign
from tests.conftest import PASSWORD, AuthActions
from tests.pages import csrf_token, save_letter, text_of

VERSIONS = Path(__file__).parents[1] / "migrations" / "versions"
# The migrations that count campaigns' letters: 0008 made the tallies, 0013 added the stages.
MIGRATIONS = {f"migration_{n}": next(VERSIONS.glob(f"{n}_*.py")) for n in ("0008", "0013")}
AREA = "Identification of and Response to Victims"


def tallies(campaign_id: int) -> set[tuple[str, str, int]]:
    db.session.expire_all()
    rows = select(CampaignTally.figure, CampaignTally.value, CampaignTally.letters).where(
        CampaignTally.campaign_id == campaign_id, CampaignTally.letters != 0
    )
    return {tuple(row) for row in db.session.execute(rows)}


def recounted(campaign_id: int) -> set[tuple[str, str, int]]:
    """The tallies as a fresh count of the campaign's letters gives them."""
    rebuild_tallies(db.session, campaign_id)
    db.session.commit()
    return tallies(campaign_id)


def mark_sent(client, tracking: str, channel: str) -> None:
    client.post(f"{tracking}/sent", data={"csrf_token": csrf_token(client.get(tracking)), "channel": channel})


def reply(client, tracking: str, status: str, outcome: str = "") -> None:
    token = csrf_token(client.get(tracking))
    form = {"csrf_token": token, "reply_status": status, "reply_outcome": outcome, "reply_notes": ""}
    assert client.post(f"{tracking}/reply", data=form).status_code == 302


def test_every_way_a_letter_changes_moves_the_figures(organizer, app, lawmakers, smtp):
    create_campaign(organizer)
    campaign = db.session.scalar(select(Campaign))
    ada, bo = lawmakers[0].id, lawmakers[1].id
    visitor = app.test_client()
    sent_by_email = write_for_campaign(visitor, "mo-safe-harbor", ada)
    write_for_campaign(visitor, "mo-safe-harbor", ada)  # stays a draft
    answered = write_for_campaign(visitor, "mo-safe-harbor", bo)
    not_expected = write_for_campaign(visitor, "mo-safe-harbor", ada)
    deleted = write_for_campaign(visitor, "mo-safe-harbor", bo)
    from_this_site = write_for_campaign(app.test_client(), "mo-safe-harbor", bo)
    writer = app.test_client()
    AuthActions(writer).create("writer@example.org")
    AuthActions(writer).login("writer@example.org")
    write_for_campaign(writer, "mo-safe-harbor", ada)
    mark_sent(writer, write_for_campaign(writer, "mo-safe-harbor", bo), "print")
    save_letter(visitor, lawmakers[2].id)  # outside the campaign: counts nowhere

    mark_sent(visitor, sent_by_email, "email")
    mark_sent(visitor, answered, "print")
    reply(visitor, answered, "yes", "supportive")
    mark_sent(visitor, not_expected, "phone")
    reply(visitor, not_expected, "no")
    page = visitor.get(from_this_site)
    visitor.post(f"{from_this_site}/outbox", data={"csrf_token": csrf_token(page)})
    [confirm] = [mail.link() for mail in smtp if "Confirm" in mail.message["Subject"]]
    visitor.get(confirm)  # delivered there and then: the outbox marks it sent
    page = visitor.get(f"{deleted}/delete")
    visitor.post(f"{deleted}/delete", data={"csrf_token": csrf_token(page)})
    page = writer.get("/account/")
    gone = writer.post("/account/delete", data={"csrf_token": csrf_token(page), "password": PASSWORD})
    assert gone.status_code == 302, text_of(gone)

    stats = organizer.get("/api/v1/campaigns/mo-safe-harbor/stats").get_json()

    today = datetime.now(UTC).date().isoformat()
    assert (stats["letters"], stats["sent"], stats["drafts"], stats["reply_rate"]) == (5, 4, 1, 50)
    assert stats["channels"] == {"email": 1, "print": 1, "phone": 1, "outbox": 1}
    assert (stats["replies"], stats["outcomes"]) == ({"yes": 1, "no": 1}, {"supportive": 1})
    assert (stats["areas"], stats["per_day"]) == ({AREA: 5}, [{"date": today, "letters": 5}])
    assert [(t["id"], t["letters"], t["sent"], t["answered"]) for t in stats["lawmakers"]] == [
        (ada, 3, 2, 0),
        (bo, 2, 2, 1),
    ]
    assert stats["not_reached"] == []
    # The outbox's delivery is observed; the rest are the writers' word.
    observed = ("opened", "sent_reported", "sent_confirmed", "not_delivered", "answered")
    assert [stats[name] for name in observed] == [0, 3, 1, 0, 1]
    assert [[t[name] for name in observed] for t in stats["lawmakers"]] == [[0, 2, 0, 0, 0], [0, 1, 1, 0, 1]]
    assert stats["timeline"] == [
        {"date": today, "drafts": 1, "opened": 0, "sent_reported": 3, "sent_confirmed": 1}
        | {"not_delivered": 0, "answered": 1}
    ]
    shown = text_of(organizer.get("/campaigns/mo-safe-harbor/dashboard"))
    assert (
        "4 of 10 letters sent: 1 confirmed (a copy reached this site, or this site sent it), "
        "3 as their writers reported 0 letters opened in an email app, not known to be sent "
        "1 draft not sent yet 0 letters not delivered (refused by the office's mail server) "
        "1 letter answered 2 lawmakers reached"
    ) in shown
    assert "Senator Ada Senator 1 3 0 2 0 0 0 Senator Bo Senator 2 2 0 1 1 0 1" in shown
    assert "Email 1 Printed and posted 1 Phone call 1 Sent from this site 1" in shown

    kept = tallies(campaign.id)
    assert kept == recounted(campaign.id)
    assert organizer.get("/api/v1/campaigns/mo-safe-harbor/stats").get_json() == stats

    # Purging writers' details keeps every figure.
    assert purge_personal_details(db.session, datetime.now() + timedelta(days=1)) == 6
    db.session.commit()
    assert tallies(campaign.id) == kept
    assert organizer.get("/api/v1/campaigns/mo-safe-harbor/stats").get_json() == stats


def add_letters(campaign: Campaign, person_ids: list[str], count: int) -> None:
    """Letters added through the session, as any code may: the flush counts them."""
    revision = db.session.scalar(select(TemplateRevision.id))
    for n in range(count):
        db.session.add(
            Letter(
                token=f"{campaign.slug}-{n}",
                batch=f"{campaign.slug}-{n}",
                revision_id=revision,
                state_abbr="mo",
                legislator_id=person_ids[n % len(person_ids)],
                campaign_id=campaign.id,
                subject="s",
                body="b",
                status="sent" if n % 2 else "draft",
                channel="email" if n % 2 else None,
                created_at=datetime(2026, 12, 1) + timedelta(days=n % 7),
            )
        )
    db.session.commit()


def test_the_dashboard_costs_the_same_few_queries_for_any_number_of_letters(
    organizer, app, lawmakers, count_queries
):
    create_campaign(organizer)
    create_campaign(organizer, slug="mo-big", title="Big")
    small, big = db.session.scalars(select(Campaign).order_by(Campaign.id)).all()
    people = [lawmakers[0].id, lawmakers[1].id]
    add_letters(small, people, 3)
    add_letters(big, people, 200)
    counts = {}
    for slug in ("mo-safe-harbor", "mo-big"):
        with count_queries() as statements:
            page = organizer.get(f"/campaigns/{slug}/dashboard")
        with count_queries() as api_statements:
            organizer.get(f"/api/v1/campaigns/{slug}/stats")
        assert page.status_code == 200
        assert not [s for s in statements + api_statements if "FROM letters" in s]  # no letter is read
        counts[slug] = (len(statements), len(api_statements))

    assert "100 of 10 letters sent: 0 confirmed" in text_of(page)
    assert "100 drafts not sent yet" in text_of(page)
    assert counts["mo-safe-harbor"] == counts["mo-big"]
    # The user, the campaign, the totals' fingerprint (3), then the figures: the campaign's state
    # and focus areas, framework, areas, tallies, targets and their states (7), and its lawmakers
    # outside the targets when there are any.
    assert counts["mo-big"][0] <= 11, counts
    with count_queries() as again:
        assert "100 of 10 letters sent" in text_of(organizer.get("/campaigns/mo-big/dashboard"))
    # The user, the campaign and its totals (the figures are kept), and whether it is followed by email.
    assert len(again) == 4


def test_letters_inserted_or_deleted_in_bulk_are_counted_and_a_recount_repairs(
    organizer, app, lawmakers, runner
):
    create_campaign(organizer)
    campaign = db.session.scalar(select(Campaign))
    revision = db.session.scalar(select(TemplateRevision.id))
    area = db.session.scalar(select(IssueArea.id).where(IssueArea.slug == "identification-and-response"))
    rows = [
        {
            "token": f"bulk-{n}",
            "batch": "bulk",
            "revision_id": revision,
            "state_abbr": "mo",
            "issue_area_id": area,
            "legislator_id": lawmakers[n % 2].id,
            "campaign_id": campaign.id,
            "subject": "s",
            "body": "b",
            "status": "answered" if n % 3 == 0 else "sent",
            "channel": "print",
            "reply_status": "yes" if n % 3 == 0 else "",
            "created_at": datetime(2026, 12, 1, 23, 59) + timedelta(hours=n),
        }
        for n in range(30)
    ]
    db.session.execute(insert(Letter), rows)
    db.session.commit()
    counted = tallies(campaign.id)
    assert ("status", "answered", 10) in counted and ("lawmaker-answered", lawmakers[0].id, 5) in counted
    assert counted == recounted(campaign.id)

    db.session.execute(delete(Letter).where(Letter.token.in_([f"bulk-{n}" for n in range(10)])))
    db.session.commit()
    stats = organizer.get("/api/v1/campaigns/mo-safe-harbor/stats").get_json()
    assert (stats["letters"], stats["sent"], stats["replies"], stats["areas"]) == (
        20,
        20,
        {"yes": 6},
        {AREA: 20},
    )
    # An hour apart from December 1 at 23:59: bulk-10…24 on December 2, bulk-25…29 on December 3.
    assert [(d["date"], d["letters"]) for d in stats["per_day"]] == [("2026-12-02", 15), ("2026-12-03", 5)]
    assert tallies(campaign.id) == recounted(campaign.id)

    # Whatever went wrong, the command counts the tallies afresh from the letters.
    kept = tallies(campaign.id)
    db.session.execute(update(CampaignTally).values(letters=99))
    db.session.commit()
    with app.app_context():
        run = runner.invoke(args=["recount-campaigns", "mo-safe-harbor"])
    assert run.exit_code == 0, run.output
    assert run.output == "mo-safe-harbor: 20 letters counted\n"
    assert tallies(campaign.id) == kept


def test_the_migration_counts_the_letters_campaigns_already_have(organizer, app, lawmakers):
    create_campaign(organizer)
    campaign = db.session.scalar(select(Campaign))
    add_letters(campaign, [lawmakers[0].id, lawmakers[1].id], 12)
    kept = tallies(campaign.id)
    db.session.execute(delete(CampaignTally))
    for name, path in MIGRATIONS.items():  # the first counts, then the figures a later one added
        spec = importlib.util.spec_from_file_location(name, path)
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        db.session.execute(text(migration.FILL))
    db.session.commit()

    assert tallies(campaign.id) == kept == recounted(campaign.id)


@pytest.mark.parametrize("status", ["sent", "answered"])
def test_a_letter_changed_after_it_was_loaded_elsewhere_moves_from_what_is_stored(
    organizer, app, lawmakers, status
):
    create_campaign(organizer)
    campaign = db.session.scalar(select(Campaign))
    add_letters(campaign, [lawmakers[0].id], 1)
    letter = db.session.scalar(select(Letter))
    # Another request changes the stored letter after this session read it (and never set the
    # status it now overwrites): the move starts from the stored row, not from the stale copy.
    with app.app_context():
        db.session.scalar(select(Letter)).channel = "phone"
        db.session.commit()
    letter.status = status
    db.session.commit()

    assert tallies(campaign.id) == recounted(campaign.id)
