"""Admins change letter templates safely: checked, previewed on real lawmakers, revised, never lost."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from advocacy.extensions import db
from advocacy.models import AuditEvent, Letter, LetterTemplate, TemplateRevision
from tests.builders import make_legislator
from tests.pages import csrf_token, save_letter, text_of

SLUG = "ask-prevention-and-training"


@pytest.fixture
def admin(client, auth):
    auth.create("admin@example.org", role="admin")
    auth.login("admin@example.org")
    return client


pytestmark = pytest.mark.usefixtures("restore_templates")


def current(slug: str = SLUG) -> TemplateRevision:
    db.session.expire_all()
    return db.session.scalar(select(LetterTemplate).where(LetterTemplate.slug == slug)).current


def edit(admin, page, **fields):
    form = {
        "csrf_token": csrf_token(page),
        "title": "Ask: training",
        "subject": "Training in {{ state.name }}",
        "body": "Dear {{ recipient.title }} {{ recipient.salutation_name }},\n\nPlease fund training.\n",
        "note": "shorter",
        "base_revision": str(current().id),
        "preview_state": "mo",
        "action": "save",
    }
    form.update(fields)
    return admin.post(f"/admin/templates/{SLUG}/edit", data=form)


def test_preview_uses_a_real_lawmaker_and_saves_nothing(admin):
    senator = make_legislator(db.session, n=7, name="Ada Lovelace", family_name="Lovelace", district="7")
    db.session.commit()
    page = admin.get(f"/admin/templates/{SLUG}/edit")
    before = current().id

    shown = text_of(
        edit(
            admin,
            page,
            action="preview",
            preview_legislator=senator.id,
            body="Dear {{ recipient.title }} {{ recipient.salutation_name }} of district "
            "{{ recipient.district }}: {{ state.name }} got {{ report_card.grade }}.",
        )
    )

    assert "Dear Senator Lovelace of district 7: Missouri got F." in shown
    assert current().id == before


def test_saving_makes_a_revision_that_new_letters_use(admin, client):
    page = admin.get(f"/admin/templates/{SLUG}/edit")

    saved = edit(admin, page)

    assert saved.status_code == 302
    revision = current()
    assert (revision.title, revision.note, revision.author.email) == (
        "Ask: training",
        "shorter",
        "admin@example.org",
    )
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "template.update"))
    assert event.subject_id == SLUG
    senator = make_legislator(db.session, n=1)
    db.session.commit()
    save_letter(client, senator.id)
    letter = db.session.scalar(select(Letter))
    assert letter.body == "Dear Senator Example1,\n\nPlease fund training.\n"
    assert letter.revision_id == revision.id


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("Dear {{ recipient.shoe_size }}", "body: line 1: recipient has no 'shoe_size'"),
        ("Hello\n{% if %}", "body: line 2: Expected an expression"),
        (
            "{{ ''.__class__.__mro__[1].__subclasses__() }}",
            "access to attribute '__class__' of 'str' object is unsafe",
        ),
        ("{{ cycler.__init__.__globals__.os }}", "body: line 1: unknown variable 'cycler'"),
        ("{{ config.SECRET_KEY }}", "body: line 1: unknown variable 'config'"),
        ("{{ request.environ }}", "body: line 1: unknown variable 'request'"),
        ("{{ self.__dict__ }}", "body: line 1: unknown variable 'self'"),
        ("{{ state.__class__.__init__.__globals__ }}", "state has no '__class__'"),
        # Issue 13: each of these answered 500, or held a worker.
        ("Hi\n{% include 'base.html' %}", "body: line 2: {% include %} cannot be used in a letter template"),
        ("{% import 'x.html' as x %}", "body: line 1: {% import %} cannot be used in a letter template"),
        ("{% extends 'base.html' %}", "body: line 1: {% extends %} cannot be used in a letter template"),
        (
            "{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}",
            "{% macro %} cannot be used in a letter template",
        ),
        (
            "{% for a in area.findings %}{% for b in area.findings %}x{% endfor %}{% endfor %}",
            "body: line 1: a loop inside another loop cannot be used",
        ),
        ("{{ range(10**9) | list }}", "body: line 1: unknown variable 'range'"),
        (
            "{{ (9 ** (9 ** 8)) > 1 }}",
            "a power may have a base of at most 1,000,000 and an exponent of at most 64",
        ),
        ("{{ (9 ** (9 ** area.number)) > 1 }}", "(line 1): a power may have a base of at most 1,000,000"),
        ("{{ 'x' * 1000000 }}", "a repeated text may be at most 100,000 long"),
        ("Line one\n{{ 1 / 0 }}", "(line 2): division by zero"),
        ("{{ area.percent + 1 }}", "unsupported operand"),
        (
            "{% if state.abbr != 'mo' %}{{ 1 / 0 }}{% endif %}",
            "For a letter to a lawmaker in Alabama: The letter template cannot be used (line 1): division by",
        ),
        (
            "{% if area.percent == 100 %}{{ area.findings[5] }}{% endif %}",
            "For an area with full marks: The letter template cannot be used (line 1)",
        ),
        ("{{ report_card.grade.lower() }}", "For a state without a report card"),
    ],
)
def test_a_broken_or_hostile_template_is_refused_with_a_message(admin, body, message):
    page = admin.get(f"/admin/templates/{SLUG}/edit")
    before = current().id

    answer = edit(admin, page, body=body)

    assert answer.status_code == 200
    assert "Nothing was saved." in text_of(answer)
    assert message in text_of(answer)
    assert current().id == before


def test_a_hostile_preview_fails_safely(admin):
    make_legislator(db.session, n=1)
    db.session.commit()
    page = admin.get(f"/admin/templates/{SLUG}/edit")

    shown = text_of(edit(admin, page, action="preview", body="{{ ''.__class__.__mro__ }}"))

    assert "The letter template cannot be used" in shown
    assert "unsafe" in shown


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("{% for i in range(5000) %}x{% endfor %}", "range() may give at most 1,000 numbers"),
        ("{{ 'x' * 10 ** 6 }}", "a repeated text may be at most 100,000 long"),
        ("{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}", "{% macro %} cannot be used"),
    ],
)
def test_a_preview_stays_within_bounds(admin, body, message):
    make_legislator(db.session, n=1)
    db.session.commit()
    page = admin.get(f"/admin/templates/{SLUG}/edit")

    shown = text_of(edit(admin, page, action="preview", body=body))

    assert "The letter template cannot be used (line 1)" in shown
    assert message in shown


def test_a_save_from_a_stale_revision_shows_both_texts_and_loses_neither(admin, app, auth):
    first_page = admin.get(f"/admin/templates/{SLUG}/edit")
    base = current().id
    other = app.test_client()
    type(auth)(other).create("other@example.org", role="admin")
    type(auth)(other).login("other@example.org")
    edit(other, other.get(f"/admin/templates/{SLUG}/edit"), body="Their text.\n", base_revision=str(base))

    mine = edit(admin, first_page, body="My text.\n", base_revision=str(base))

    assert mine.status_code == 409
    shown = text_of(mine)
    assert "Someone saved a newer version while you were editing" in shown
    assert "other@example.org saved a newer version" in shown
    assert "Their text." in shown and "My text." in shown  # theirs above, mine still in the form
    assert current().body == "Their text.\n"
    again = edit(admin, mine, body="My text, merged.\n", base_revision=str(current().id))
    assert again.status_code == 302
    assert current().body == "My text, merged.\n"


def test_revisions_diff_and_restore(admin):
    original = current()
    edit(admin, admin.get(f"/admin/templates/{SLUG}/edit"), body="A new body.\n")
    changed = current()

    diff = admin.get(f"/admin/templates/{SLUG}/revisions?a={original.id}&b={changed.id}")
    assert "+A new body." in text_of(diff)
    assert '<span class="diff-added">+A new body.</span>' in diff.get_data(as_text=True)

    restored = admin.post(
        f"/admin/templates/{SLUG}/restore/{original.id}", data={"csrf_token": csrf_token(diff)}
    )
    assert f"Revision {original.id} is restored" in text_of(admin.get(restored.headers["Location"]))
    assert current().body == original.body
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(TemplateRevision)
            .where(TemplateRevision.template_id == original.template_id)
        )
        == 3
    )
    assert admin.get(f"/admin/templates/{SLUG}/revisions?a=999999&b={changed.id}").status_code == 404


def test_a_new_template_and_retiring_one(admin):
    page = admin.get("/admin/templates/new")
    created = admin.post(
        "/admin/templates/new",
        data={
            "csrf_token": csrf_token(page),
            "slug": "ask-schools",
            "purpose": "ask",
            "area": "prevention-and-training",
            "title": "Ask: school staff training",
            "subject": "School staff training",
            "body": "Dear {{ recipient.title }} {{ recipient.salutation_name }},\n",
            "action": "save",
        },
    )
    assert created.headers["Location"] == "/admin/templates/ask-schools/edit"
    bad = admin.post(
        "/admin/templates/new",
        data={
            "csrf_token": csrf_token(page),
            "slug": "Bad Slug!",
            "purpose": "ask",
            "title": "t",
            "subject": "s",
            "body": "b",
            "action": "save",
        },
    )
    assert "the short name may use only lowercase letters, digits and single hyphens" in text_of(bad)

    listing = admin.get("/admin/templates")
    admin.post("/admin/templates/ask-schools/retire", data={"csrf_token": csrf_token(listing)})
    template = db.session.scalar(select(LetterTemplate).where(LetterTemplate.slug == "ask-schools"))
    assert template.retired_at is not None
    assert "Ask: school staff training ask-schools retired" in text_of(admin.get("/admin/templates"))


def test_template_admin_is_for_admins(client, auth):
    auth.create("organizer@example.org", role="organizer")
    auth.login("organizer@example.org")

    for url in ("/admin/templates", "/admin/templates/new", f"/admin/templates/{SLUG}/edit"):
        assert client.get(url).status_code == 403
    assert client.get("/admin/templates/nope/edit").status_code == 403
