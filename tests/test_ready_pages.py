"""Kept pages answered in front of Flask: the same bytes, never stale, never someone else's."""

from __future__ import annotations

from functools import partial

from advocacy.caching import move_generation_on, read_generation
from advocacy.extensions import db
from advocacy.ready_pages import ReadyPages
from tests.builders import make_legislator
from tests.conftest import PASSWORD
from tests.pages import csrf_token, text_of

PER_REQUEST = {"X-Request-ID", "Date"}


def ready_layer(app) -> ReadyPages:
    layer = app.wsgi_app
    assert isinstance(layer, ReadyPages)
    return layer


def headers_but_per_request(response) -> list[tuple[str, str]]:
    return sorted((name, value) for name, value in response.headers.items() if name not in PER_REQUEST)


def test_a_ready_page_is_the_page_flask_sent_with_a_new_request_id(app, client, count_queries):
    first = client.get("/states/mo")
    with count_queries() as statements:
        second = client.get("/states/mo")
        third = client.get("/states/mo")

    assert statements == []
    assert len(ready_layer(app).pages) == 1
    assert second.get_data() == third.get_data() == first.get_data()
    assert headers_but_per_request(second) == headers_but_per_request(first)
    assert second.headers["Content-Security-Policy"].startswith("default-src 'self'")
    ids = {first.headers["X-Request-ID"], second.headers["X-Request-ID"], third.headers["X-Request-ID"]}
    assert len(ids) == 3


def test_a_head_request_gets_the_headers_and_no_body(client):
    page = client.get("/national")
    head = client.head("/national")

    assert head.status_code == 200
    assert head.get_data() == b""
    assert head.headers["Content-Length"] == str(len(page.get_data()))


def test_a_conditional_request_still_gets_304(client):
    etag = client.get("/national").headers["ETag"]
    client.get("/national")

    assert client.get("/national", headers={"If-None-Match": etag}).status_code == 304


def test_a_write_elsewhere_is_seen_at_the_next_visit(app, client):
    client.get("/states/mo/legislators")
    assert "Rita Newcomer" not in text_of(client.get("/states/mo/legislators"))

    make_legislator(db.session, n=7, name="Rita Newcomer")  # as a sync in another process would
    db.session.commit()

    assert "Rita Newcomer" in text_of(client.get("/states/mo/legislators"))


def test_a_logged_in_visitor_never_gets_the_anonymous_copy(app, client, auth):
    client.get("/national")
    client.get("/national")
    auth.create("pat@example.org")
    page = client.get("/auth/login")
    client.post(
        "/auth/login", data={"csrf_token": csrf_token(page), "email": "pat@example.org", "password": PASSWORD}
    )

    assert "Log out" in text_of(client.get("/national"))
    assert "Log out" not in text_of(app.test_client().get("/national"))


def test_an_untrusted_host_is_refused_after_the_page_is_ready(make_app):
    site = make_app(TRUSTED_HOSTS=["advocacy.example.org"])
    client = site.test_client()
    for _ in range(2):
        assert client.get("/national", base_url="http://advocacy.example.org").status_code == 200

    refused = client.get("/national", base_url="http://elsewhere.example.com")

    assert refused.status_code == 400
    assert refused.get_data(as_text=True) == "Unknown host name.\n"


def test_https_and_plain_http_each_get_their_own_headers(client):
    for _ in range(2):
        secure = client.get("/national", base_url="https://localhost")
        plain = client.get("/national")

    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert "Strict-Transport-Security" not in plain.headers


FORM = "/letters/new?state=mo&area=prevention-and-training"


def session_cookie(response) -> str:
    (cookie,) = [value for name, value in response.headers.items() if name == "Set-Cookie"]
    return cookie


def test_a_form_page_is_kept_with_a_new_token_and_session_for_each_new_visitor(app, lawmakers):
    made = app.test_client().get(FORM)
    visitors = [app.test_client() for _ in range(2)]
    pages = [visitor.get(FORM) for visitor in visitors]

    assert len(ready_layer(app).pages) == 1
    tokens = {csrf_token(page) for page in [made, *pages]}
    assert len(tokens) == 3
    cookies = [session_cookie(page) for page in [made, *pages]]
    assert len({cookie.split(";")[0] for cookie in cookies}) == 3
    # The same attributes as the cookie Flask made: HttpOnly, SameSite=Lax, the path.
    assert {tuple(cookie.split("; ")[1:]) for cookie in cookies} == {tuple(cookies[0].split("; ")[1:])}
    assert pages[0].get_data().replace(csrf_token(pages[0]).encode(), b"") == made.get_data().replace(
        csrf_token(made).encode(), b""
    )
    assert int(pages[0].headers["Content-Length"]) == len(pages[0].get_data())

    for visitor, page in zip(visitors, pages, strict=True):
        preview = visitor.post(
            FORM,
            data={
                "csrf_token": csrf_token(page),
                "area": "prevention-and-training",
                "to": [lawmakers[0].id],
                "sender_name": "Pat Doe",
                "sender_town": "Columbia",
                "action": "preview",
            },
        )
        assert preview.status_code == 200
        assert "Preview" in text_of(preview)
        assert "This form was open too long" not in text_of(preview)


def test_a_form_page_another_process_kept_is_made_ready_here_too(make_app, redis_url):
    elsewhere, here = make_app(REDIS_URL=redis_url), make_app(REDIS_URL=redis_url)
    elsewhere.test_client().get(FORM)  # kept in Redis, which both processes share
    here.test_client().get(FORM)

    page = here.test_client().get(FORM)

    assert len(ready_layer(here).pages) == 1
    assert session_cookie(page)
    assert csrf_token(page)


def test_another_visitors_token_is_refused(app, lawmakers):
    app.test_client().get(FORM)
    first, second = app.test_client(), app.test_client()
    first_page = first.get(FORM)
    second.get(FORM)

    refused = second.post(
        FORM,
        data={"csrf_token": csrf_token(first_page), "area": "prevention-and-training", "action": "preview"},
    )

    assert refused.status_code == 400
    assert "This form was open too long" in text_of(refused)


def test_a_visitor_with_a_session_keeps_it_and_gets_its_token(app, client):
    first = client.get(FORM)
    second = client.get(FORM)

    assert "Set-Cookie" not in second.headers  # the session Flask gave them is kept
    assert csrf_token(second) != ""
    assert session_cookie(first)


def test_a_secure_site_gives_new_visitors_a_secure_cookie(app):
    app.test_client().get(FORM, base_url="https://localhost")
    page = app.test_client().get(FORM, base_url="https://localhost")

    assert "; Secure" in session_cookie(page)


def test_a_made_up_parameter_is_answered_afresh_and_not_kept(app, client):
    client.get("/national?utm_source=one")
    client.get("/national?utm_source=one")

    assert ready_layer(app).pages == {}


def test_rate_limited_pages_are_counted_every_time(make_app, redis_url):
    site = make_app(REDIS_URL=redis_url, RATELIMIT_ENABLED=True, RATE_LIMIT_API="2 per minute")
    client = site.test_client()

    statuses = [client.get("/api/v1/editions").status_code for _ in range(3)]

    assert statuses == [200, 200, 429]
    assert ready_layer(site).pages == {}


def test_the_ready_layer_keeps_at_most_its_size(app, client):
    # Flask's own app, then a smaller layer in front of it, as the factory does.
    app.wsgi_app = ready_layer(app).wsgi_app
    layer = app.wsgi_app = ReadyPages(app, partial(read_generation, app), size=2)
    move_generation_on(app)
    for path in ("/", "/national", "/", "/privacy"):
        client.get(path)

    assert sorted(key[2] for key in layer.pages) == ["/", "/privacy"]  # /national was used least lately
