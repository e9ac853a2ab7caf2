"""Pages kept for anonymous visitors: fast on a campaign day, and never stale after an edit."""

from __future__ import annotations

import re
from datetime import datetime

from advocacy.caching import LocalPages, generation
from advocacy.extensions import db
from advocacy.letters.service import purge_personal_details
from tests.builders import card_form, make_legislator, person_id
from tests.conftest import PASSWORD
from tests.pages import csrf_token, save_letter, text_of


def test_a_second_visit_to_a_cached_page_runs_no_query(client, count_queries):
    first = client.get("/states/mo")
    with count_queries() as statements:
        second = client.get("/states/mo")

    assert second.status_code == 200
    assert second.get_data() == first.get_data()
    assert statements == []
    assert second.headers["ETag"] == first.headers["ETag"]
    assert client.get("/states/mo", headers={"If-None-Match": first.headers["ETag"]}).status_code == 304


def test_every_cached_page_costs_at_most_three_queries_and_the_next_visit_none(client, count_queries):
    make_legislator(db.session, n=1)
    db.session.commit()
    for url in (
        "/",
        "/national",
        "/states/mo",
        "/states/mo/legislators",
        "/api/v1/states/mo/legislators?per_page=50",
        "/api/v1/states/mo/report-card",
        "/privacy",
    ):
        client.get(url)
        with count_queries() as statements:
            assert client.get(url).status_code == 200
        assert len(statements) <= 3, (url, statements)


def test_an_admin_edit_shows_at_the_next_visit(client, auth, app, report_cards_restored):
    before = text_of(client.get("/states/mo"))
    assert "Prevention and Training — 3 of 15 points" not in before

    auth.create("admin@example.org", role="admin")
    admin = app.test_client()
    page = admin.get("/auth/login")
    admin.post(
        "/auth/login",
        data={"csrf_token": csrf_token(page), "email": "admin@example.org", "password": PASSWORD},
    )
    form = admin.get("/admin/report-cards/mo/2023")
    assert admin.post("/admin/report-cards/mo/2023", data=card_form(form)).status_code == 302

    after = text_of(client.get("/states/mo"))
    assert "Prevention and Training — 3 of 15 points (20.0%); 12 points still to gain." in after


def test_a_write_from_another_process_moves_every_cached_page_on(client):
    assert "No lawmaker matches" in text_of(client.get("/states/mo/legislators"))

    make_legislator(db.session, n=7, name="Rita Newcomer")  # committed by another app, as a sync would
    db.session.commit()

    assert "Rita Newcomer" in text_of(client.get("/states/mo/legislators"))


def test_letters_leave_the_cached_pages_alone(client, app):
    make_legislator(db.session, n=1)
    db.session.commit()
    with app.app_context():
        before = generation()

    save_letter(client, person_id(1))

    with app.app_context():
        assert generation() == before  # thousands of letters on a campaign day keep the pages cached


def test_logged_in_visitors_and_pending_messages_never_get_the_anonymous_copy(client, auth):
    anonymous = client.get("/states/mo")
    assert "Log in" in text_of(anonymous)

    auth.create()
    auth.login()
    mine = text_of(client.get("/states/mo"))
    assert "Log out" in mine and "My letters" in mine


def test_the_letter_form_is_kept_but_every_visitor_gets_a_form_token_of_their_own(app, client, count_queries):
    make_legislator(db.session, n=1)
    db.session.commit()
    url = f"/letters/new?state=mo&to={person_id(1)}"
    first = client.get(url)
    other = app.test_client()

    with count_queries() as statements:
        second = other.get(url)

    assert statements == []
    tokens = [csrf_token(page) for page in (first, second)]
    assert tokens[0] != tokens[1]
    assert "\x00" not in second.get_data(as_text=True)
    preview = other.post(
        url,
        data={
            "csrf_token": tokens[1],
            "area": "prevention-and-training",
            "variant": "ask",
            "to": [person_id(1)],
            "sender_name": "Pat Doe",
            "sender_town": "Columbia",
            "action": "preview",
        },
    )
    assert "Dear Senator Example1," in text_of(preview)  # the served token is the visitor's own


def test_a_letters_page_is_kept_until_the_letter_changes(client, count_queries):
    make_legislator(db.session, n=1)
    db.session.commit()
    tracking = save_letter(client, person_id(1))
    client.get(tracking)  # shows "Your letter is saved" once: a page with a message is never kept
    first = client.get(tracking)

    with count_queries() as statements:
        again = client.get(tracking)
    assert len(statements) == 1 and "version" in statements[0]  # only: has the letter changed?
    # This visitor's own token, put back in: the same payload (its signature carries the second
    # it was signed in, so two requests a second apart sign it differently).
    assert csrf_token(again).split(".")[0] == csrf_token(first).split(".")[0]

    client.post(f"{tracking}/sent", data={"csrf_token": csrf_token(again), "channel": "print"})
    assert "Posted (you said so) on" in text_of(client.get(tracking))


def test_a_purged_letters_page_forgets_the_writer_at_once(client):
    make_legislator(db.session, n=1)
    db.session.commit()
    tracking = save_letter(client, person_id(1), sender_name="Pat Doe")
    assert "Pat Doe" in text_of(client.get(tracking))

    purge_personal_details(db.session, datetime(2100, 1, 1))
    db.session.commit()

    assert "Pat Doe" not in text_of(client.get(tracking))


def test_static_files_have_fingerprinted_links_kept_for_a_year(client):
    page = client.get("/").get_data(as_text=True)
    css = re.search(r'href="(/static/css/site\.css\?v=[0-9a-f]{12})"', page).group(1)

    with client.get(css) as fingerprinted, client.get("/static/css/site.css") as plain:
        assert fingerprinted.cache_control.max_age == 365 * 24 * 3600
        assert plain.cache_control.max_age in (None, 0)
        assert fingerprinted.get_data() == plain.get_data()


def test_clearing_the_cache_serves_every_page_afresh(app, client, runner, count_queries):
    client.get("/states/mo")

    assert runner.invoke(args=["clear-cache"]).output == "cached pages: cleared\n"
    with count_queries() as statements:
        client.get("/states/mo")
    assert statements  # made afresh


def test_a_host_name_outside_the_trusted_ones_is_refused_plainly(app, client):
    app.config["TRUSTED_HOSTS"] = ["advocacy.example.org"]

    answer = client.get("/states/mo", headers={"Host": "evil.example"})

    assert answer.status_code == 400
    assert answer.get_data(as_text=True) == "Unknown host name.\n"
    assert client.get("/states/mo", headers={"Host": "advocacy.example.org"}).status_code == 200


def test_the_process_keeps_its_latest_pages_each_for_its_own_time():
    pages = LocalPages(size=2)
    pages.set("home", "first", 600)
    pages.set("state", "second", 600)
    pages.get("home")  # read lately: kept before the other
    pages.set("national", "third", 600)
    pages.set("gone", "at once", 0)

    assert (pages.get("home"), pages.get("state"), pages.get("national")) == ("first", None, "third")
    assert pages.get("gone") is None
