"""Organizers run campaigns: create one, share its page, watch who has been reached, export results."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta

import pytest
import redis
from rq import Queue
from rq.registry import ScheduledJobRegistry
from sqlalchemy import func, select

from advocacy.extensions import db
from advocacy.models import AuditEvent, Campaign, Letter
from tests.builders import create_campaign, write_for_campaign
from tests.conftest import PASSWORD, AuthActions
from tests.pages import csrf_token, link_with_text, save_letter, text_of


def test_an_organizer_creates_a_campaign_and_people_write_from_its_page(organizer, app, lawmakers):
    created = create_campaign(organizer)
    assert created.headers["Location"] == "/campaigns/mo-safe-harbor/dashboard"
    assert db.session.scalar(select(AuditEvent.action)) == "campaign.create"

    visitor = app.test_client()
    page = visitor.get("/campaigns/mo-safe-harbor")
    shown = text_of(page)
    assert "Safe Harbor for Missouri" in shown and "0 of 10 letters sent" in shown
    assert "Identification of and Response to Victims" in shown
    assert "http://localhost/campaigns/mo-safe-harbor" in page.get_data(as_text=True)  # share link
    write_link = link_with_text(page, "Ada Senator")
    assert write_link == f"/letters/new?state=mo&to={lawmakers[0].id}&campaign=mo-safe-harbor"

    form = visitor.get(write_link)
    assert '<option selected value="identification-and-response">' in form.get_data(as_text=True)
    write_for_campaign(visitor, "mo-safe-harbor", lawmakers[0].id, area="identification-and-response")

    letter = db.session.scalar(select(Letter))
    campaign = db.session.scalar(select(Campaign))
    assert letter.campaign_id == campaign.id
    assert "0 of 10 letters sent" in text_of(visitor.get("/campaigns/mo-safe-harbor"))  # a draft


def test_the_dashboard_shows_who_has_been_reached(organizer, app, lawmakers):
    create_campaign(organizer)
    visitor = app.test_client()
    first = write_for_campaign(visitor, "mo-safe-harbor", lawmakers[0].id)
    write_for_campaign(visitor, "mo-safe-harbor", lawmakers[0].id)
    # Not a target (the campaign writes to the Senate): refused under the campaign, written outside it.
    refused = visitor.get(f"/letters/new?state=mo&to={lawmakers[2].id}&campaign=mo-safe-harbor")
    assert refused.status_code == 404
    assert "is not one of the lawmakers “Safe Harbor for Missouri” writes to" in text_of(refused)
    save_letter(visitor, lawmakers[2].id)
    visitor.post(f"{first}/sent", data={"csrf_token": csrf_token(visitor.get(first)), "channel": "email"})

    page = organizer.get("/campaigns/mo-safe-harbor/dashboard")

    shown = text_of(page)
    assert "1 of 10 letters sent: 0 confirmed" in shown and "1 as their writers reported" in shown
    assert "1 draft not sent yet" in shown and "1 lawmaker reached 1 target with no letter yet" in shown
    assert "Senator Ada Senator 1 2 0 1 0 0 0" in shown
    assert "Cy Member" not in shown  # the letter outside the campaign is not the campaign's
    assert "No letter yet (1) Senator Bo Senator (2)" in shown
    assert "District 1 ✓ 2 letters District 2 No letter" in shown
    stats = organizer.get("/api/v1/campaigns/mo-safe-harbor/stats").get_json()
    assert (stats["letters"], stats["sent"], stats["channels"]) == (2, 1, {"email": 1})
    assert [t["letters"] for t in stats["lawmakers"]] == [2]
    assert stats["not_reached"] == [lawmakers[1].id]


def test_the_dashboard_runs_a_fixed_number_of_queries(organizer, app, lawmakers, count_queries):
    create_campaign(organizer)
    campaign = db.session.scalar(select(Campaign))
    for n in range(60):
        db.session.add(
            Letter(
                token=f"t{n}",
                batch="b",
                revision_id=1,
                state_abbr="mo",
                legislator_id=lawmakers[n % 4].id,
                campaign_id=campaign.id,
                subject="s",
                body="b",
                status="sent" if n % 2 else "draft",
                channel="email" if n % 2 else None,
                created_at=datetime(2026, 12, 1) + timedelta(days=n % 7),
            )
        )
    db.session.commit()

    with count_queries() as statements:
        page = organizer.get("/campaigns/mo-safe-harbor/dashboard")

    assert "30 of 10 letters sent" in text_of(page)
    assert len(statements) <= 15, statements


def test_organizers_see_only_their_own_campaigns(organizer, app, auth):
    create_campaign(organizer)
    other = app.test_client()
    AuthActions(other).create("other@example.org", role="organizer")
    AuthActions(other).login("other@example.org")
    citizen = app.test_client()
    AuthActions(citizen).create("citizen@example.org")
    AuthActions(citizen).login("citizen@example.org")

    for url in (
        "/campaigns/mo-safe-harbor/dashboard",
        "/campaigns/mo-safe-harbor/edit",
        "/campaigns/mo-safe-harbor/letters.csv",
        "/campaigns/mo-safe-harbor/lawmakers.csv",
    ):
        assert other.get(url).status_code == 403, url
        assert citizen.get(url).status_code == 403, url
    assert other.get("/api/v1/campaigns/mo-safe-harbor/stats").get_json()["error"]["code"] == "forbidden"
    assert app.test_client().get("/api/v1/campaigns/mo-safe-harbor/stats").status_code == 401
    assert "Safe Harbor" not in text_of(other.get("/campaigns/"))
    assert app.test_client().get("/campaigns/mo-safe-harbor").status_code == 200  # the public page is public


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"slug": "Bad Slug"}, "the short name may use only lowercase letters, digits and single hyphens"),
        ({"target": "districts", "target_districts": "Senate 99"}, "Missouri has no Senate district '99'"),
        ({"target": "districts", "target_districts": "Parliament 1"}, "'Parliament' is not a chamber"),
        ({"target": "lawmakers"}, "choose at least one lawmaker"),
        ({"ends_on": "2026-11-01"}, "the end date is before the start date"),
        ({"goal": "0"}, "Enter a goal of at least 1 letter."),
        ({"focus_areas": []}, "Choose at least one issue area."),
        ({"state": ""}, "Choose the state whose lawmakers you write to."),
    ],
)
def test_a_bad_campaign_is_refused_with_a_reason(organizer, lawmakers, fields, message):
    answer = create_campaign(organizer, **fields)

    assert message in text_of(answer)
    assert db.session.scalar(select(func.count()).select_from(Campaign)) == 0


def test_chosen_districts_are_the_targets(organizer, lawmakers):
    create_campaign(organizer, target="districts", target_districts="Senate 2\nHouse 4")

    shown = text_of(organizer.get("/campaigns/mo-safe-harbor/dashboard"))

    assert "No letter yet (2) Senator Bo Senator (2), Representative Di Member (4)" in shown


def test_exports_protect_writers_and_spreadsheets(organizer, app, lawmakers):
    create_campaign(organizer)
    visitor = app.test_client()
    write_for_campaign(visitor, "mo-safe-harbor", lawmakers[0].id, sender_name="=cmd|calc", share_contact="y")
    write_for_campaign(visitor, "mo-safe-harbor", lawmakers[1].id, sender_name="Private Person")

    rows = list(
        csv.reader(io.StringIO(organizer.get("/campaigns/mo-safe-harbor/letters.csv").get_data(as_text=True)))
    )
    tallies = list(
        csv.reader(
            io.StringIO(organizer.get("/campaigns/mo-safe-harbor/lawmakers.csv").get_data(as_text=True))
        )
    )

    writers = {r[1]: r[9:] for r in rows[1:]}
    assert writers["Ada Senator"] == ["'=cmd|calc", "Columbia", "pat@example.org"]
    assert writers["Bo Senator"] == ["", "", ""]  # did not agree to share
    assert tallies[0] == [
        *("lawmaker", "chamber", "district", "party", "letters", "drafts", "opened"),
        *("sent_reported", "sent_confirmed", "not_delivered", "answered"),
    ]
    assert {r[0] for r in tallies[1:]} == {"Ada Senator", "Bo Senator"}


def test_writers_say_whether_the_lawmaker_answered(organizer, app, lawmakers):
    create_campaign(organizer)
    visitor = app.test_client()
    tracking = write_for_campaign(visitor, "mo-safe-harbor", lawmakers[0].id)
    page = visitor.get(tracking)
    visitor.post(f"{tracking}/sent", data={"csrf_token": csrf_token(page), "channel": "email"})

    visitor.post(
        f"{tracking}/reply",
        data={
            "csrf_token": csrf_token(visitor.get(tracking)),
            "reply_status": "yes",
            "reply_outcome": "supportive",
            "reply_notes": "Will co-sponsor.",
        },
    )

    letter = db.session.scalar(select(Letter))
    assert (letter.status, letter.reply_status, letter.reply_outcome) == ("answered", "yes", "supportive")
    stats = organizer.get("/api/v1/campaigns/mo-safe-harbor/stats").get_json()
    assert (stats["replies"], stats["outcomes"], stats["reply_rate"]) == ({"yes": 1}, {"supportive": 1}, 100)
    bad = visitor.post(
        f"{tracking}/reply", data={"csrf_token": csrf_token(visitor.get(tracking)), "reply_status": "maybe"}
    )
    assert bad.status_code == 400


def test_one_reminder_per_letter_after_the_waiting_period(app, client, smtp, runner, lawmakers):
    tracking = save_letter(client, lawmakers[0].id)
    client.post(f"{tracking}/sent", data={"csrf_token": csrf_token(client.get(tracking)), "channel": "email"})
    letter = db.session.scalar(select(Letter))
    letter.sent_at = datetime.now() - timedelta(days=15)
    db.session.commit()

    first = runner.invoke(args=["send-reminders"])
    second = runner.invoke(args=["send-reminders"])

    assert first.output == "reminders: 1 sent, 0 could not be sent\n"
    assert second.output == "reminders: 0 sent, 0 could not be sent\n"
    assert len(smtp) == 1
    assert smtp[0].message["Subject"] == "Did Senator Ada Senator answer your letter?"
    landing = client.get(smtp[0].link())
    assert landing.headers["Location"] == f"{tracking}#reply"
    assert "Did the lawmaker answer?" in text_of(client.get(tracking))
    assert client.get("/letters/reply/forged-link").status_code == 404


def test_reply_rates_show_only_above_a_minimum_of_letters(client, app, lawmakers):
    for n, person in enumerate(lawmakers[:2]):
        for i in range(5 if n == 0 else 2):
            db.session.add(
                Letter(
                    token=f"r{n}{i}",
                    batch="b",
                    revision_id=1,
                    state_abbr="mo",
                    legislator_id=person.id,
                    subject="s",
                    body="b",
                    status="answered" if i % 2 else "no-answer",
                    reply_status="yes" if i % 2 else "no",
                    created_at=datetime(2026, 12, 1),
                )
            )
    db.session.commit()

    shown = text_of(client.get("/states/mo/responsiveness"))

    assert "Senator Ada Senator 5 40%" in shown
    assert "Bo Senator" not in shown


def test_an_organizer_with_campaigns_cannot_just_vanish(organizer):
    create_campaign(organizer)
    page = organizer.get("/account/")

    answer = organizer.post("/account/delete", data={"csrf_token": csrf_token(page), "password": PASSWORD})

    assert answer.status_code == 400
    assert "You still organize campaigns" in text_of(answer)
    assert db.session.scalar(select(func.count()).select_from(Campaign)) == 1


def test_with_redis_the_worker_sends_reminders_daily(client, smtp, lawmakers, redis_url, run_worker):
    tracking = save_letter(client, lawmakers[0].id)
    client.post(f"{tracking}/sent", data={"csrf_token": csrf_token(client.get(tracking)), "channel": "email"})
    letter = db.session.scalar(select(Letter))
    letter.sent_at = datetime.now() - timedelta(days=20)
    db.session.commit()
    run_worker(ADVOCACY_BASE_URL="https://advocacy.example")

    assert [m.message["Subject"] for m in smtp] == ["Did Senator Ada Senator answer your letter?"]
    assert "https://advocacy.example/letters/reply/" in smtp[0].body
    scheduled = ScheduledJobRegistry(queue=Queue("advocacy", connection=redis.Redis.from_url(redis_url)))
    assert "daily-reminders" in scheduled.get_job_ids()  # tomorrow's run is booked


def test_a_campaigns_own_letter_is_an_ask_about_one_of_its_focus_areas(organizer):
    form = organizer.get("/campaigns/new").get_data(as_text=True)
    assert 'value="thank-you"' not in form and 'value="phone-script"' not in form  # not offered

    thanks = create_campaign(organizer, template="thank-you")
    elsewhere = create_campaign(organizer, template="ask-prevention-and-training")

    assert thanks.status_code == 400 and "Not a valid choice" in text_of(thanks)
    assert elsewhere.status_code == 200
    assert "which is not one of the campaign's focus areas" in text_of(elsewhere)
    assert db.session.scalar(select(func.count()).select_from(Campaign)) == 0


def test_a_campaigns_ask_stands_in_only_for_its_own_area(organizer, app, lawmakers):
    create_campaign(
        organizer,
        focus_areas=["identification-and-response", "prevention-and-training"],
        template="ask-identification-and-response",
    )
    visitor = app.test_client()

    write_for_campaign(visitor, "mo-safe-harbor", lawmakers[0].id, area="prevention-and-training")
    write_for_campaign(visitor, "mo-safe-harbor", lawmakers[0].id, area="identification-and-response")

    letters = db.session.scalars(select(Letter).order_by(Letter.id)).all()
    assert [letter.revision.template.slug for letter in letters] == [
        "ask-prevention-and-training",
        "ask-identification-and-response",
    ]
