"""Admins see each state's sync, run one, upload a file, and review contact corrections."""

from __future__ import annotations

import io
import json

import pytest
import redis
from rq import Queue, SimpleWorker
from sqlalchemy import func, select

from advocacy.extensions import db
from advocacy.models import AuditEvent, ContactCorrection, ContactOverride, Legislator, SyncRun
from tests.builders import bulk_csv, bulk_row, make_legislator, person_id
from tests.pages import csrf_token, text_of


@pytest.fixture
def admin(client, auth):
    auth.create("admin@example.org", role="admin")
    auth.login("admin@example.org")
    return client


def test_the_sync_page_shows_each_states_last_sync_and_flags_stale_data(admin, runner, tmp_path):
    (tmp_path / "mo.csv").write_bytes(bulk_csv([bulk_row(1), bulk_row(2)]))
    runner.invoke(args=["sync-legislators", "--state", "mo", "--source", str(tmp_path)])

    shown = text_of(admin.get("/admin/legislators"))

    assert "Missouri 2 " in shown and "(0 days ago) 2 added, 0 updated, 0 retired, 0 unchanged ok" in shown
    assert "Kansas 0 never" in shown


def test_an_admin_runs_a_sync_from_the_page(admin, app, tmp_path):
    (tmp_path / "de.csv").write_bytes(bulk_csv([bulk_row(1), bulk_row(4)]))
    app.config["OPENSTATES_URL"] = str(tmp_path)
    page = admin.get("/admin/legislators")

    answer = admin.post("/admin/legislators/sync", data={"csrf_token": csrf_token(page), "state": "de"})

    assert "de: 2 added, 0 updated, 0 retired, 0 unchanged" in text_of(admin.get(answer.headers["Location"]))
    assert db.session.scalar(select(func.count()).select_from(Legislator)) == 2
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "legislators.sync"))
    assert event.subject_id == "de"


def upload(admin, state: str, body: bytes):
    page = admin.get("/admin/legislators")
    return admin.post(
        "/admin/legislators/upload",
        data={"csrf_token": csrf_token(page), "state": state, "file": (io.BytesIO(body), "file.csv")},
        content_type="multipart/form-data",
    )


def test_an_uploaded_file_syncs_one_state_and_a_broken_one_changes_nothing(admin):
    good = upload(admin, "mo", bulk_csv([bulk_row(1), bulk_row(2), bulk_row(3)]))
    assert "mo: 3 added" in text_of(admin.get(good.headers["Location"]))

    broken = upload(admin, "mo", b"<html>Sign in</html>")

    assert "mo: failed: the file is an HTML or XML page, not CSV" in text_of(
        admin.get(broken.headers["Location"])
    )
    assert (
        db.session.scalar(select(func.count()).select_from(Legislator).where(Legislator.retired_at.is_(None)))
        == 3
    )
    runs = db.session.scalars(select(SyncRun.source)).all()
    assert runs == ["upload by admin@example.org", "upload by admin@example.org"]


def test_uploading_without_a_file_says_so(admin):
    page = admin.get("/admin/legislators")
    answer = admin.post("/admin/legislators/upload", data={"csrf_token": csrf_token(page), "state": "mo"})

    assert "Choose the state's CSV file." in text_of(admin.get(answer.headers["Location"]))


def report(client, legislator_id: str, **fields):
    page = client.get(f"/legislators/{legislator_id}")
    form = {"csrf_token": csrf_token(page), "field": "email", "proposed_value": "right@senate.example.gov"}
    form.update(fields)
    return client.post(f"/legislators/{legislator_id}/corrections", data=form)


def test_anyone_reports_a_wrong_contact_and_an_admin_applies_it(app, client, auth):
    senator = make_legislator(db.session, n=1, email="wrong@senate.example.gov")
    db.session.commit()

    reported = report(client, senator.id, note="See the senate's member page.")
    assert "An admin will check your correction" in text_of(client.get(reported.headers["Location"]))
    assert "wrong@senate.example.gov" in text_of(client.get(f"/legislators/{senator.id}"))

    auth.create("admin@example.org", role="admin")
    auth.login("admin@example.org")
    review = client.get("/admin/legislators")
    assert "Jordan Example1 (MO) Email wrong@senate.example.gov right@senate.example.gov" in text_of(review)
    correction = db.session.scalar(select(ContactCorrection))
    applied = client.post(
        f"/admin/corrections/{correction.id}/apply", data={"csrf_token": csrf_token(review)}
    )

    assert "Applied: Jordan Example1's email is corrected." in text_of(
        client.get(applied.headers["Location"])
    )
    assert "right@senate.example.gov" in text_of(client.get(f"/legislators/{senator.id}"))
    override = db.session.scalar(select(ContactOverride))
    assert (override.value, override.source_value) == ("right@senate.example.gov", "wrong@senate.example.gov")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "legislator.correction.apply"))
    assert json.loads(event.before) == {"email": "wrong@senate.example.gov"}
    again = client.post(
        f"/admin/corrections/{correction.id}/dismiss", data={"csrf_token": csrf_token(review)}
    )
    assert "This report was already applied." in text_of(client.get(again.headers["Location"]))


def test_an_admin_dismisses_a_report(client, auth):
    senator = make_legislator(db.session, n=1)
    db.session.commit()
    report(client, senator.id)
    auth.create("admin@example.org", role="admin")
    auth.login("admin@example.org")
    review = client.get("/admin/legislators")
    correction = db.session.scalar(select(ContactCorrection))

    client.post(f"/admin/corrections/{correction.id}/dismiss", data={"csrf_token": csrf_token(review)})

    db.session.refresh(correction)
    assert correction.status == "dismissed"
    assert db.session.get(Legislator, senator.id).email == "jordan1@senate.example.gov"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"proposed_value": ""}, "Enter the right email, phone number or address."),
        ({"proposed_value": "not an email"}, "Enter an email address such as name@senate.example.gov."),
        (
            {"field": "capitol_voice", "proposed_value": "call me"},
            "Enter a phone number such as 573-751-3623.",
        ),
        ({"field": "party", "proposed_value": "Whig"}, "Not a valid choice."),
    ],
)
def test_a_bad_correction_is_refused_with_a_reason(client, fields, message):
    senator = make_legislator(db.session, n=1)
    db.session.commit()

    answer = report(client, senator.id, **fields)

    assert answer.status_code == 400
    assert message in text_of(answer)
    assert db.session.scalar(select(func.count()).select_from(ContactCorrection)) == 0


def test_corrections_are_rate_limited(make_app):
    limited = make_app(RATELIMIT_ENABLED=True, RATE_LIMIT_CORRECTIONS="2 per hour")
    senator = make_legislator(db.session, n=1)
    db.session.commit()
    client = limited.test_client()

    statuses = [report(client, senator.id).status_code for _ in range(3)]

    assert statuses == [302, 302, 429]


def test_lawmaker_admin_is_for_admins(client, auth, no_csrf):
    """The role check alone: with form tokens off, only the role can refuse the sync."""
    auth.create("organizer@example.org", role="organizer")
    auth.login("organizer@example.org")

    assert client.get("/admin/legislators").status_code == 403
    assert client.post("/admin/legislators/sync", data={"state": "ri"}).status_code == 403


def test_a_sync_without_a_form_token_is_refused_even_for_an_admin(admin):
    """The CSRF check alone: the right role, no token."""
    refused = admin.post("/admin/legislators/sync", data={"state": "ri"})

    assert refused.status_code == 400
    assert "This form was open too long" in text_of(refused)


def test_with_redis_a_sync_is_queued_and_a_worker_runs_it(
    admin, app, tmp_path, monkeypatch, database_url, redis_url
):
    url = redis_url
    (tmp_path / "ri.csv").write_bytes(bulk_csv([bulk_row(1), bulk_row(2)]))
    app.config.update(REDIS_URL=url, OPENSTATES_URL=str(tmp_path))
    page = admin.get("/admin/legislators")

    answer = admin.post("/admin/legislators/sync", data={"csrf_token": csrf_token(page), "state": "ri"})

    assert "The sync is queued (job " in text_of(admin.get(answer.headers["Location"]))
    assert db.session.scalar(select(func.count()).select_from(Legislator)) == 0
    # The worker builds its own app from the environment, as `advocacy worker` does.
    monkeypatch.setenv("ADVOCACY_DATABASE_URL", database_url)
    monkeypatch.setenv("ADVOCACY_SECRET_KEY", "a long and random secret for the worker")
    monkeypatch.setenv("ADVOCACY_BASE_URL", "http://localhost")
    connection = redis.Redis.from_url(url)
    SimpleWorker([Queue("advocacy", connection=connection)], connection=connection).work(burst=True)
    db.session.expire_all()
    assert {p.id for p in db.session.scalars(select(Legislator))} == {person_id(1), person_id(2)}
