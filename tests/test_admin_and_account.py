"""Admin pages answer only to admins; account holders see, download and delete only their own data."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from advocacy.audit import record
from advocacy.extensions import db
from advocacy.letters.service import BOOKKEEPING, KEPT_AFTER_PURGE, PURGED_VALUES
from advocacy.models import AuditEvent, Letter, OutboxMessage, User
from tests.builders import make_legislator
from tests.conftest import PASSWORD, AuthActions
from tests.pages import csrf_token, link_with_text, save_letter, text_of


@pytest.mark.parametrize("url", ["/admin/", "/admin/users", "/admin/audit"])
def test_admin_pages_send_visitors_to_log_in_and_refuse_other_roles(app, client, auth, url):
    assert client.get(url).headers["Location"] == f"/auth/login?next={url}"
    for role in ("citizen", "organizer"):
        other = app.test_client()
        AuthActions(other).create(f"{role}@example.org", role=role)
        AuthActions(other).login(f"{role}@example.org")
        denied = other.get(url)
        assert denied.status_code == 403
        assert "Your account does not have access to this page." in text_of(denied)


def test_an_admin_changes_a_role_and_the_audit_log_shows_it(client, auth):
    admin = auth.create("admin@example.org", role="admin")
    member = auth.create("member@example.org")
    auth.login("admin@example.org")

    users_page = client.get("/admin/users")
    assert "member@example.org" in text_of(users_page)
    changed = client.post(
        f"/admin/users/{member.id}/role",
        data={"csrf_token": csrf_token(users_page), "role": "organizer"},
    )

    assert changed.headers["Location"] == "/admin/users"
    assert "member@example.org is now organizer (was citizen)." in text_of(client.get("/admin/users"))
    db.session.refresh(member)
    assert member.role == "organizer"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.role"))
    assert (event.user_id, event.subject_id) == (admin.id, str(member.id))
    assert (json.loads(event.before), json.loads(event.after)) == ({"role": "citizen"}, {"role": "organizer"})
    audit = text_of(client.get("/admin/audit?action=user.role&actor=ADMIN@example.org"))
    assert "1 event." in audit
    assert "admin@example.org user.role user " in audit
    assert text_of(client.get("/admin/audit?actor=nobody@example.org")).count("0 events.") == 1


def test_an_admin_cannot_demote_themself_or_set_an_unknown_role(client, auth):
    admin = auth.create("admin@example.org", role="admin")
    member = auth.create("member@example.org")
    auth.login("admin@example.org")
    token = csrf_token(client.get("/admin/users"))

    client.post(f"/admin/users/{admin.id}/role", data={"csrf_token": token, "role": "citizen"})
    client.post(f"/admin/users/{member.id}/role", data={"csrf_token": token, "role": "king"})

    db.session.refresh(admin)
    db.session.refresh(member)
    assert (admin.role, member.role) == ("admin", "citizen")
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 0
    assert client.post("/admin/users/999/role", data={"csrf_token": token}).status_code == 404


def test_bad_admin_parameters_explain_themselves(client, auth):
    auth.create("admin@example.org", role="admin")
    auth.login("admin@example.org")

    assert "role must be one of citizen, organizer, admin" in text_of(client.get("/admin/users?role=boss"))
    assert "page must be a whole number" in text_of(client.get("/admin/audit?page=zero"))


def test_letters_written_while_logged_in_are_my_letters(client, auth):
    senator = make_legislator(db.session, n=1)
    db.session.commit()
    auth.create()
    auth.login()

    tracking = save_letter(client, senator.id)

    mine = client.get("/account/")
    assert link_with_text(mine, "Senator Jordan Example1") == tracking
    assert "Prevention and Training" in text_of(mine)


def test_a_letter_written_before_logging_in_can_be_claimed_once(app, client, auth):
    senator = make_legislator(db.session, n=1)
    db.session.commit()
    tracking = save_letter(client, senator.id)
    auth.create()
    auth.login()

    page = client.get(tracking)
    client.post(f"{tracking}/claim", data={"csrf_token": csrf_token(page)})

    assert "Senator Jordan Example1" in text_of(client.get("/account/"))
    thief = app.test_client()
    AuthActions(thief).create("thief@example.org")
    AuthActions(thief).login("thief@example.org")
    claimed = thief.post(f"{tracking}/claim", data={"csrf_token": csrf_token(thief.get(tracking))})
    assert "This letter belongs to another account." in text_of(thief.get(claimed.headers["Location"]))
    owner = db.session.scalar(select(User).where(User.email == "pat@example.org"))
    assert db.session.scalar(select(Letter.user_id)) == owner.id


def test_claiming_needs_an_account(client):
    senator = make_legislator(db.session, n=1)
    db.session.commit()
    tracking = save_letter(client, senator.id)

    answer = client.post(
        f"{tracking}/claim",
        data={"csrf_token": csrf_token(client.get(tracking))},
        headers={"Referer": f"http://localhost{tracking}"},
    )

    assert answer.headers["Location"] == f"/auth/login?next={tracking}"


def test_a_tracking_token_opens_only_its_own_letter(client):
    first = make_legislator(db.session, n=1)
    second = make_legislator(db.session, n=2)
    db.session.commit()
    one = save_letter(client, first.id)
    two = save_letter(client, second.id)

    assert "Senator Jordan Example1" in text_of(client.get(one))
    assert "Senator Jordan Example2" in text_of(client.get(two))
    assert client.get(one[:-1] + ("A" if one[-1] != "A" else "B")).status_code == 404
    assert client.get(one + "x").status_code == 404


def test_download_my_data(client, auth):
    senator = make_legislator(db.session, n=1)
    db.session.commit()
    auth.create()
    auth.login()
    save_letter(client, senator.id)

    download = client.get("/account/export")

    assert download.headers["Content-Disposition"] == 'attachment; filename="advocacy-my-data.json"'
    data = download.get_json()
    assert data["account"]["email"] == "pat@example.org"
    assert [(le["to"], le["sender_town"], le["personal_paragraph"]) for le in data["letters"]] == [
        ("Jordan Example1", "Columbia", "My own words.")
    ]


def test_deleting_my_account_needs_my_password_and_erases_my_letters(client, auth):
    senator = make_legislator(db.session, n=1)
    db.session.commit()
    auth.create("admin@example.org", role="admin")
    user_id = auth.create().id
    auth.login()
    save_letter(client, senator.id)
    record(db.session, db.session.get(User, user_id), "template.update", "template", "ask-x")
    db.session.commit()
    token = csrf_token(client.get("/account/"))

    wrong = client.post("/account/delete", data={"csrf_token": token, "password": "not my password"})
    assert wrong.status_code == 400
    assert "That is not your password; nothing was deleted." in text_of(wrong)
    assert db.session.get(User, user_id) is not None

    done = client.post("/account/delete", data={"csrf_token": token, "password": PASSWORD})

    assert done.headers["Location"] == "/"
    assert "Your account and its 1 letter(s) are deleted." in text_of(client.get("/"))
    db.session.expire_all()
    assert db.session.get(User, user_id) is None
    assert db.session.scalar(select(func.count()).select_from(Letter)) == 0
    kept = db.session.scalar(select(AuditEvent))  # the trail stays, no longer naming the account
    assert (kept.action, kept.user_id) == ("template.update", None)
    assert client.get("/account/").status_code == 302


def test_purge_removes_personal_details_after_the_retention_period(client, runner):
    senator = make_legislator(db.session, n=1)
    db.session.commit()
    old = save_letter(client, senator.id, sender_town="Hannibal")
    recent = save_letter(client, senator.id, sender_town="Rolla")
    letter = db.session.scalar(select(Letter).where(Letter.sender_town == "Hannibal"))
    letter.created_at = datetime.now() - timedelta(days=400)
    letter.status = "sent"  # a sent letter stays, and still counts; an old unsent draft would go
    db.session.commit()

    result = runner.invoke(args=["purge"])

    assert result.exit_code == 0, result.output
    assert result.output.startswith("removed personal details from 1 letter(s) written before ")
    db.session.expire_all()
    letters = {le.token: le for le in db.session.scalars(select(Letter))}
    purged = letters[old.rsplit("/", 1)[1]]
    kept = letters[recent.rsplit("/", 1)[1]]
    assert (purged.sender_name, purged.sender_town, purged.sender_email, purged.personal_paragraph) == (
        "",
        "",
        "",
        "",
    )
    assert "Hannibal" not in purged.body and "Pat Doe" not in purged.body
    assert (purged.legislator_id, purged.status, purged.issue_area_id) == (
        kept.legislator_id,
        "sent",
        kept.issue_area_id,
    )
    assert kept.sender_town == "Rolla"
    assert "were removed from this letter after the retention period" in text_of(client.get(old))
    assert runner.invoke(args=["purge", "--days", "-1"]).exit_code == 2


def test_unsent_drafts_saved_without_an_account_age_out(client, runner, auth):
    senator = make_legislator(db.session, n=1)
    db.session.commit()
    stale = save_letter(client, senator.id, sender_town="Hannibal")
    fresh = save_letter(client, senator.id, sender_town="Rolla")
    sent = save_letter(client, senator.id, sender_town="Sedalia")
    auth.create()
    auth.login()
    owned = save_letter(client, senator.id, sender_town="Joplin")
    month_ago = datetime.now() - timedelta(days=31)
    for letter in db.session.scalars(select(Letter).where(Letter.sender_town != "Rolla")):
        letter.created_at = month_ago
        letter.status = "sent" if letter.sender_town == "Sedalia" else letter.status
    db.session.commit()

    result = runner.invoke(args=["purge"])

    assert result.exit_code == 0, result.output
    assert "deleted 1 unsent draft(s) saved without an account before " in result.output
    db.session.expire_all()
    assert set(db.session.scalars(select(Letter.sender_town))) == {"Rolla", "Sedalia", "Joplin"}
    assert client.get(stale).status_code == 404
    assert all(client.get(link).status_code == 200 for link in (fresh, sent, owned))


def test_the_purge_and_the_privacy_page_account_for_every_column_of_a_letter(client):
    """Each column of a letter is cleared by the purge, kept (and named on the privacy page), or
    bookkeeping: a new column cannot slip past the retention period unnoticed."""
    columns = {column.name for column in Letter.__table__.columns}
    cleared = set(PURGED_VALUES)
    kept = set(KEPT_AFTER_PURGE)

    assert columns == cleared | kept | set(BOOKKEEPING)
    assert not cleared & kept
    page = text_of(client.get("/privacy"))
    for words in KEPT_AFTER_PURGE.values():
        assert words in page


def test_a_purged_letter_keeps_no_free_text_and_leaves_its_account(client, runner, auth):
    senator = make_legislator(db.session, n=1)
    db.session.commit()
    auth.create()
    auth.login()
    tracking = save_letter(client, senator.id, sender_town="Hannibal")
    letter = db.session.scalar(select(Letter))
    letter.reply_notes = "They called me back about my daughter."
    letter.status = "sent"
    letter.created_at = datetime.now() - timedelta(days=400)
    db.session.commit()

    assert runner.invoke(args=["purge"]).exit_code == 0

    db.session.expire_all()
    purged = db.session.scalar(select(Letter))
    assert purged.user_id is None
    for name, value in PURGED_VALUES.items():
        assert getattr(purged, name) == value, name
    assert "Hannibal" not in text_of(client.get("/account/"))
    assert client.get(tracking).status_code == 200  # the link still opens the counted, emptied letter


@pytest.mark.parametrize("status", ["queued", "sending", "waiting-confirmation"])
def test_the_purge_never_deletes_a_draft_whose_send_from_this_site_is_pending(client, runner, status):
    senator = make_legislator(db.session, n=1)
    db.session.commit()
    pending = save_letter(client, senator.id, sender_town="Hannibal")
    stale = save_letter(client, senator.id, sender_town="Rolla")
    month_ago = datetime.now() - timedelta(days=31)
    for letter in db.session.scalars(select(Letter)):
        letter.created_at = month_ago
    waiting = db.session.scalar(select(Letter).where(Letter.sender_town == "Hannibal"))
    db.session.add(
        OutboxMessage(
            letter=waiting,
            idempotency_key="pending-send",
            to_address=senator.email,
            status=status,
            created_at=month_ago,
        )
    )
    db.session.commit()

    result = runner.invoke(args=["purge"])

    assert "deleted 1 unsent draft(s)" in result.output
    assert client.get(stale).status_code == 404
    assert client.get(pending).status_code == 200  # the writer was told it would be sent
    assert db.session.scalar(select(OutboxMessage.status)) == status
