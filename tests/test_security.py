"""Attacks the site must shrug off: forged posts, floods, hostile text, huge bodies, insecure cookies."""

from __future__ import annotations

import re

import pytest
import redis
from sqlalchemy import func, select

from advocacy.extensions import db
from advocacy.models import Letter, User
from tests.builders import make_legislator
from tests.conftest import PASSWORD, AuthActions
from tests.pages import csrf_token, save_letter, text_of

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def letter_url(client) -> str:
    senator = make_legislator(db.session, n=1)
    db.session.commit()
    return save_letter(
        client, senator.id, sender_name=HOSTILE, sender_town=HOSTILE, personal_paragraph=HOSTILE
    )


def test_every_state_change_without_a_csrf_token_is_refused(app, client, letter_url):
    auth = AuthActions(client)
    admin = auth.create("admin@example.org", role="admin")
    auth.login("admin@example.org")
    app.config["WTF_CSRF_ENABLED"] = True
    senator_id = db.session.scalar(select(Letter.legislator_id))
    posts = {
        "/auth/register": {"email": "x@example.org", "password": PASSWORD, "password_again": PASSWORD},
        "/auth/login": {"email": "admin@example.org", "password": PASSWORD},
        "/auth/reset": {"email": "admin@example.org"},
        "/auth/password": {"current": PASSWORD, "password": "x" * 12, "password_again": "x" * 12},
        "/auth/logout": {},
        f"/letters/new?state=mo&to={senator_id}": {"to": senator_id, "action": "save"},
        f"{letter_url}/sent": {"channel": "email"},
        f"{letter_url}/claim": {},
        f"{letter_url}/delete": {},
        f"/admin/users/{admin.id}/role": {"role": "citizen"},
        "/account/delete": {"password": PASSWORD},
    }
    for url, form in posts.items():
        answer = client.post(url, data=form)
        assert answer.status_code == 400, url
        assert "The CSRF token is missing." in text_of(answer), url
    assert client.get("/account/").status_code == 200  # still logged in
    assert (count(User), count(Letter)) == (1, 1)
    db.session.refresh(admin)
    assert admin.role == "admin"
    assert db.session.scalar(select(Letter.status)) == "draft"


def test_hostile_text_comes_back_escaped_everywhere(client, letter_url, auth):
    pages = [letter_url, f"{letter_url}/print"]
    auth.create()
    auth.login()
    client.post(f"{letter_url}/claim", data={"csrf_token": csrf_token(client.get(letter_url))})
    pages += ["/account/", "/states/mo/legislators?q=" + HOSTILE]
    for url in pages:
        body = client.get(url).get_data(as_text=True)
        assert "<script>alert" not in body and "<img src=x" not in body, url
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in client.get(letter_url).get_data(as_text=True)
    # The mailto link carries the same text, percent-encoded: nothing in it can break out of the URL.
    mailto = re.search(r'href="(mailto:[^"]+)"', client.get(letter_url).get_data(as_text=True)).group(1)
    assert "<" not in mailto and '"' not in mailto and "%3Cscript%3E" in mailto


def test_an_oversize_body_is_refused(client, app):
    app.config["MAX_CONTENT_LENGTH"] = 10_000

    answer = client.post("/auth/login", data={"email": "x" * 20_000, "password": "y"})

    assert answer.status_code == 413
    assert "That upload is too large." in text_of(answer)


def test_an_https_post_from_another_site_is_refused(client, auth):
    auth.create()
    page = client.get("/auth/login", base_url="https://advocacy.example")

    answer = client.post(
        "/auth/login",
        base_url="https://advocacy.example",
        headers={"Referer": "https://evil.example/phish"},
        data={"csrf_token": csrf_token(page), "email": "pat@example.org", "password": PASSWORD},
    )

    assert answer.status_code == 400
    assert "The referrer does not match the host." in text_of(answer)


def test_session_cookie_is_httponly_lax_and_secure_over_https(client, auth):
    auth.create()
    page = client.get("/auth/login", base_url="https://advocacy.example")
    answer = client.post(
        "/auth/login",
        base_url="https://advocacy.example",
        headers={"Referer": "https://advocacy.example/auth/login"},
        data={"csrf_token": csrf_token(page), "email": "pat@example.org", "password": PASSWORD},
    )

    cookie = answer.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie
    assert answer.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert answer.headers["Location"] == "/account/"
    plain = client.get("/auth/login").headers
    assert "Strict-Transport-Security" not in plain
    assert "Secure" not in (plain.get("Set-Cookie") or "")


@pytest.mark.parametrize(
    ("setting", "url", "form"),
    [
        ("RATE_LIMIT_LOGIN", "/auth/login", {"email": "a@example.org", "password": "nope"}),
        ("RATE_LIMIT_REGISTER", "/auth/register", {"email": "a@example.org"}),
        ("RATE_LIMIT_RESET", "/auth/reset", {"email": "a@example.org"}),
        ("RATE_LIMIT_LETTERS", "/letters/new?state=mo", {"sender_name": "x"}),
    ],
)
def test_floods_get_a_friendly_429(make_app, setting, url, form):
    limited = make_app(RATELIMIT_ENABLED=True, **{setting: "3 per minute"})
    limited.config["WTF_CSRF_ENABLED"] = False
    client = limited.test_client()

    answers = [client.post(url, data=form).status_code for _ in range(4)]

    assert 429 not in answers[:3] and answers[3] == 429
    flooded = client.post(url, data=form)
    assert "Too Many Requests" in text_of(flooded)
    assert "Please wait a minute before trying again." in text_of(flooded)
    assert client.get(url).status_code == 200  # reading the page is never limited


def test_the_api_answers_floods_in_json(make_app):
    client = make_app(RATELIMIT_ENABLED=True, RATE_LIMIT_API="2 per minute").test_client()

    statuses = [client.get("/api/v1/editions").status_code for _ in range(3)]

    assert statuses == [200, 200, 429]
    flooded = client.get("/api/v1/editions")
    assert flooded.get_json()["error"]["code"] == "too_many_requests"
    assert flooded.headers["Retry-After"]


def test_limits_are_kept_in_redis_when_it_is_configured(make_app, redis_url):
    url = redis_url
    limits = {"REDIS_URL": url, "RATELIMIT_ENABLED": True, "RATE_LIMIT_API": "2 per minute"}
    first = make_app(**limits)
    second = make_app(**limits)

    statuses = [
        first.test_client().get("/api/v1/editions").status_code,
        second.test_client().get("/api/v1/editions").status_code,
        first.test_client().get("/api/v1/editions").status_code,
    ]

    assert statuses == [200, 200, 429]  # two app processes, one shared count
    assert redis.Redis.from_url(url).keys("LIMITS:*")


def test_every_admin_page_is_for_admins_only(app, client, auth):
    """The guard sits on the admin blueprint: no admin page, whichever module adds it, can miss it."""
    pages = sorted(
        rule.rule.replace("<abbr>", "mo").replace("<int:year>", "2023").replace("<slug>", "x")
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/admin")
        and "GET" in rule.methods
        and "<" not in rule.rule.replace("<abbr>", "").replace("<int:year>", "").replace("<slug>", "")
    )
    assert len(pages) >= 8
    anonymous = {page: client.get(page) for page in pages}
    auth.create("organizer@example.org", role="organizer")
    auth.login("organizer@example.org")
    organizer = {page: client.get(page).status_code for page in pages}

    assert all(
        answer.status_code == 302 and "/auth/login" in answer.headers["Location"]
        for answer in anonymous.values()
    )
    assert set(organizer.values()) == {403}
