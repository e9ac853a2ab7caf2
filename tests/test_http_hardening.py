"""HTTP hardening from a security review: cache keys, private pages, proxy headers, the secret key,
empty API parameters and the length of every text a form takes."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
import requests
from sqlalchemy import func, select

from advocacy import create_app
from advocacy.config import ConfigurationProblem
from advocacy.extensions import db
from advocacy.models import Bill, Campaign, ContactCorrection, Letter, LetterTemplate
from tests.builders import make_legislator, person_id
from tests.conftest import free_port, stop, wait_until_answering
from tests.pages import csrf_token, save_letter, text_of

CHECKOUT = Path(__file__).resolve().parents[1]


def count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def current_revision(slug: str) -> int:
    db.session.expire_all()
    return db.session.scalar(select(LetterTemplate).where(LetterTemplate.slug == slug)).current.id


# --- 1. Page-cache keys: the site's own address and the parameters a page reads -----------------


def test_a_made_up_host_name_gets_the_sites_one_kept_page(client, count_queries):
    first = client.get("/states/mo", headers={"Host": "first-made-up.example"})
    with count_queries() as statements:
        second = client.get("/states/mo", headers={"Host": "second-made-up.example"})

    assert second.status_code == 200
    assert statements == []  # kept under BASE_URL, not under whichever Host a request names
    assert second.get_data() == first.get_data()


def test_made_up_query_parameters_are_answered_but_never_kept(make_app, redis_url):
    app = make_app(
        REDIS_URL=redis_url,
        CACHE_TYPE="RedisCache",
        CACHE_REDIS_URL=redis_url,
        CACHE_KEY_PREFIX="advocacy:",
    )
    store = redis.Redis.from_url(redis_url)
    visitor = app.test_client()
    visitor.get("/states/nh/legislators")
    kept = len(store.keys("advocacy:page:*"))

    answers = [visitor.get(f"/states/nh/legislators?junk={n}").status_code for n in range(50)]

    assert answers == [200] * 50
    assert len(store.keys("advocacy:page:*")) == kept  # the review's 200 requests kept 8 MB for 600 s


def test_a_made_up_parameter_is_answered_afresh_every_time(client, count_queries):
    client.get("/states/mo?utm_source=review")
    with count_queries() as statements:
        again = client.get("/states/mo?utm_source=review")

    assert again.status_code == 200
    assert statements  # made afresh: a page kept for it would be one more page per made-up value


def test_the_parameters_a_page_reads_keep_a_page_for_each_value(client, count_queries):
    older, newer = client.get("/states/mo?edition=2022"), client.get("/states/mo?edition=2023")
    with count_queries() as statements:
        assert client.get("/states/mo?edition=2022").get_data() == older.get_data()
        assert client.get("/states/mo?edition=2023").get_data() == newer.get_data()

    assert statements == []
    assert older.get_data() != newer.get_data()


@pytest.fixture
def production(monkeypatch, tmp_path):
    """create_app() as gunicorn calls it: settings from the environment, not debug, not testing."""
    for name in ("ADVOCACY_TRUSTED_HOSTS", "ADVOCACY_PROXY_COUNT", "FLASK_DEBUG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ADVOCACY_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("ADVOCACY_DATABASE_URL", f"sqlite:///{tmp_path / 'x.sqlite3'}")
    monkeypatch.setenv("ADVOCACY_SECRET_KEY", "a long and random production secret")
    monkeypatch.setenv("ADVOCACY_BASE_URL", "https://advocacy.example.org")
    return monkeypatch


def test_outside_debug_only_base_urls_host_name_is_answered(production):
    site = create_app().test_client()

    forged = site.get("/static/css/site.css", base_url="https://evil.example")
    own = site.get("/static/css/site.css", base_url="https://advocacy.example.org")

    assert forged.status_code == 400 and forged.get_data(as_text=True) == "Unknown host name.\n"
    assert own.status_code == 200
    own.close()


def test_a_site_on_this_machine_answers_each_name_of_the_loopback_address(production):
    production.setenv("ADVOCACY_BASE_URL", "http://127.0.0.1:8000")  # as `make run` serves
    site = create_app().test_client()

    for name in ("http://127.0.0.1:8000", "http://localhost:8000"):
        answer = site.get("/static/css/site.css", base_url=name)
        assert answer.status_code == 200
        answer.close()
    assert site.get("/static/css/site.css", base_url="http://evil.example").status_code == 400


def test_trusted_hosts_may_name_more_host_names(production):
    production.setenv("ADVOCACY_TRUSTED_HOSTS", "advocacy.example.org, www.advocacy.example.org")

    assert create_app().config["TRUSTED_HOSTS"] == ["advocacy.example.org", "www.advocacy.example.org"]


# --- 2. Private pages: no browser or proxy keeps a copy -------------------------------------------


def test_a_letters_pages_are_kept_by_no_browser_even_when_the_app_keeps_them(client, count_queries):
    make_legislator(db.session, n=1)
    db.session.commit()
    tracking = save_letter(client, person_id(1))
    client.get(tracking)  # shows "Your letter is saved" once: a page with a message is never kept
    made = client.get(tracking)

    with count_queries() as statements:
        kept = client.get(tracking)

    assert len(statements) == 1  # only: has the letter changed? The app still keeps the page.
    assert made.headers["Cache-Control"] == kept.headers["Cache-Control"] == "no-store"
    batch = db.session.scalar(select(Letter.batch))
    for page in (
        f"{tracking}/print",
        f"{tracking}/letter.pdf",
        f"{tracking}/phone",
        f"/letters/batch/{batch}",
    ):
        answer = client.get(page)
        assert answer.status_code == 200, page
        assert answer.headers["Cache-Control"] == "no-store", page


def test_accounts_dashboards_admin_and_log_in_pages_are_kept_by_no_browser(client, auth, lawmakers):
    assert client.get("/auth/login").headers["Cache-Control"] == "no-store"
    auth.create("admin@example.org", role="admin")
    auth.login("admin@example.org")
    page = client.get("/campaigns/new")
    created = client.post(
        "/campaigns/new",
        data={
            "csrf_token": csrf_token(page),
            "title": "Safe Harbor",
            "slug": "safe-harbor",
            "state": "mo",
            "focus_areas": ["identification-and-response"],
            "target": "upper",
        },
    )
    assert created.status_code == 302, text_of(created)

    for private in (
        "/account/",
        "/campaigns/",
        "/campaigns/safe-harbor/dashboard",
        "/campaigns/safe-harbor/lawmakers.csv",
        "/campaigns/safe-harbor/letters.csv",
        "/api/v1/campaigns/safe-harbor/stats",
        "/admin/",
        "/admin/templates",
    ):
        answer = client.get(private)
        assert answer.status_code == 200, private
        assert answer.headers["Cache-Control"] == "no-store", private
    assert "no-store" not in client.get("/campaigns/safe-harbor").headers.get("Cache-Control", "")
    assert "no-store" not in client.get("/states/mo").headers.get("Cache-Control", "")


# --- 3. Proxy headers only from the proxies PROXY_COUNT names ----------------------------------


@pytest.fixture
def gunicorn(database_url: str, tmp_path: Path) -> Iterator:
    """Start the app as deployed (gunicorn with gunicorn.conf.py) with some settings; yields its URL."""
    started: list[subprocess.Popen] = []

    def start(**settings: str) -> str:
        port = free_port()
        instance = tmp_path / f"instance-{port}"
        instance.mkdir()
        environment = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith("ADVOCACY_") and k != "FORWARDED_ALLOW_IPS"
        }
        environment.update(
            ADVOCACY_INSTANCE_PATH=str(instance),
            ADVOCACY_DATABASE_URL=database_url,
            ADVOCACY_SECRET_KEY="a long and random secret for this test",
            ADVOCACY_BASE_URL=f"http://127.0.0.1:{port}",
            **settings,
        )
        command = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--workers", "1"]
        command += ["--no-control-socket", "--bind", f"127.0.0.1:{port}", "advocacy:create_app()"]
        with (instance / "server.log").open("wb") as log:  # the server keeps its own copy open
            server = subprocess.Popen(
                command, cwd=CHECKOUT, env=environment, stdout=log, stderr=subprocess.STDOUT
            )
        started.append(server)
        url = f"http://127.0.0.1:{port}"
        wait_until_answering(f"{url}/privacy", server, instance / "server.log")
        return url

    try:
        yield start
    finally:
        stop(*started)


@pytest.mark.committed  # the server is another process
@pytest.mark.parametrize(("proxy_count", "https"), [("0", False), ("1", True)])
def test_a_forwarded_scheme_counts_only_when_proxy_count_names_a_proxy(gunicorn, proxy_count, https):
    url = gunicorn(ADVOCACY_PROXY_COUNT=proxy_count)

    answer = requests.get(f"{url}/auth/login", headers={"X-Forwarded-Proto": "https"}, timeout=30)

    assert answer.status_code == 200
    assert ("Strict-Transport-Security" in answer.headers) is https
    assert ("Secure" in answer.headers["Set-Cookie"]) is https


@pytest.mark.parametrize(
    ("environment", "instance_config", "trusted"),
    [
        ({"ADVOCACY_PROXY_COUNT": "0"}, "", "[]"),
        ({}, "", "[]"),
        ({"ADVOCACY_PROXY_COUNT": "1"}, "", "['127.0.0.1', '::1']"),
        ({}, "PROXY_COUNT = 1\n", "['127.0.0.1', '::1']"),
        ({"ADVOCACY_PROXY_COUNT": "0"}, "PROXY_COUNT = 1\n", "[]"),  # the environment wins, as in the app
    ],
)
def test_gunicorn_takes_proxy_headers_as_the_app_reads_proxy_count(
    tmp_path, environment, instance_config, trusted
):
    if instance_config:
        (tmp_path / "config.py").write_text(instance_config, encoding="utf-8")
    settings = {k: v for k, v in os.environ.items() if not k.startswith("ADVOCACY_")}
    settings.pop("FORWARDED_ALLOW_IPS", None)
    settings.update(ADVOCACY_INSTANCE_PATH=str(tmp_path), **environment)

    shown = subprocess.run(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "gunicorn.conf.py",
            "--print-config",
            "advocacy:create_app()",
        ],
        cwd=CHECKOUT,
        env=settings,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    setting = next(line for line in shown.splitlines() if line.startswith("forwarded_allow_ips "))

    assert setting.split(" = ", 1)[1] == trusted


# --- 4. The secret key ---------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["a", " ", " " * 40, "x" * 31])
def test_a_short_secret_key_stops_the_app_saying_how_to_make_one(production, key):
    production.setenv("ADVOCACY_SECRET_KEY", key)

    with pytest.raises(ConfigurationProblem) as refused:
        create_app()

    message = str(refused.value)
    assert "SECRET_KEY is shorter than 32 characters" in message
    assert "python -c 'import secrets; print(secrets.token_hex(32))'" in message
    assert "\n" not in message


def test_a_secret_key_of_32_characters_serves_and_debug_and_tests_take_any(production, tmp_path):
    production.setenv("ADVOCACY_SECRET_KEY", "x" * 32)
    assert create_app().config["SECRET_KEY"] == "x" * 32

    for mode in ("TESTING", "DEBUG"):
        settings = {mode: True, "SECRET_KEY": "a", "DATABASE_URL": f"sqlite:///{tmp_path / 'y.sqlite3'}"}
        assert create_app(settings).config["SECRET_KEY"] == "a"


# --- 5. Empty parameters in the JSON API ---------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("/api/v1/states/mo/report-card?edition=", "edition"),
        ("/api/v1/states/mo/report-card?edition=%20", "edition"),
        ("/api/v1/states/mo/bills?area=", "area"),
        ("/api/v1/states/mo/legislators?chamber=", "chamber"),
        ("/api/v1/states/mo/legislators?sort=", "sort"),
        ("/api/v1/states/mo/legislators?page=", "page"),
        ("/api/v1/states/mo/legislators?per_page=", "per_page"),
    ],
)
def test_an_empty_api_parameter_is_refused_like_any_other_bad_value(client, url, name):
    answer = client.get(url)

    assert answer.status_code == 400
    assert answer.get_json()["error"]["message"] == f"{name} is empty: give it a value, or leave it out."


@pytest.mark.parametrize("area", ["%201", "1%20", "PREVENTION-AND-TRAINING"])
def test_an_api_area_is_taken_only_as_the_document_lists_it(client, area):
    answer = client.get(f"/api/v1/states/mo/bills?area={area}")

    assert answer.status_code == 400
    assert "area must be an issue area's number (1 to 6) or slug" in answer.get_json()["error"]["message"]


def test_what_the_document_allows_empty_and_the_pages_forms_still_work(client):
    assert client.get("/api/v1/states/mo/legislators?q=&district=&party=").status_code == 200
    assert client.get("/api/v1/states/mo/bills?area=prevention-and-training").status_code == 200
    assert client.get("/states/mo/legislators?q=&chamber=&party=&sort=").status_code == 200  # a form
    assert client.get("/states/mo?edition=").status_code == 200


# --- 6. Every text a form takes has a limit, and a message that says it --------------------------


@pytest.fixture
def admin(client, auth):
    auth.create("admin@example.org", role="admin")
    auth.login("admin@example.org")
    return client


def post_campaign(client, **fields):
    page = client.get("/campaigns/new")
    form = {
        "csrf_token": csrf_token(page),
        "title": "Safe Harbor",
        "slug": "safe-harbor",
        "state": "mo",
        "focus_areas": ["identification-and-response"],
        "target": "districts",
        "target_districts": "Senate 1",
    }
    form.update(fields)
    return client.post("/campaigns/new", data=form)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (
            "target_districts",
            "Senate 1\n" * 1200,
            "The districts can be at most 10,000 characters long in all.",
        ),
        ("description", "x" * 2001, "A description can be at most 2,000 characters long."),
        ("title", "x" * 201, "A title can be at most 200 characters long."),
    ],
)
def test_a_campaign_field_over_its_limit_is_refused_and_nothing_is_saved(
    organizer, lawmakers, field, value, message
):
    answer = post_campaign(organizer, **{field: value})

    assert answer.status_code == 400
    assert message in text_of(answer)
    assert count(Campaign) == 0
    assert post_campaign(organizer).status_code == 302  # the same form within its limits


def test_a_correction_over_its_limit_is_refused_and_nothing_is_saved(client):
    make_legislator(db.session, n=1)
    db.session.commit()
    page = client.get(f"/legislators/{person_id(1)}")

    answer = client.post(
        f"/legislators/{person_id(1)}/corrections",
        data={
            "csrf_token": csrf_token(page),
            "field": "email",
            "proposed_value": "right@senate.example.gov",
            "note": "x" * 1001,
        },
    )

    assert answer.status_code == 400
    assert "A note can be at most 1,000 characters long." in text_of(answer)
    assert count(ContactCorrection) == 0


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("note", "x" * 301, "A note can be at most 300 characters long."),
        (
            "body",
            "Dear {{ recipient.name }},\n" + "x" * 20_000,
            "A body can be at most 20,000 characters long.",
        ),
    ],
)
def test_a_template_field_over_its_limit_is_refused_and_nothing_is_saved(admin, field, value, message):
    slug = "ask-prevention-and-training"
    page = admin.get(f"/admin/templates/{slug}/edit")
    before = current_revision(slug)
    form = {
        "csrf_token": csrf_token(page),
        "title": "Ask: training",
        "subject": "Training in {{ state.name }}",
        "body": "Dear {{ recipient.title }} {{ recipient.salutation_name }},\n\nPlease fund training.\n",
        "base_revision": str(before),
        "preview_state": "mo",
        "action": "save",
        field: value,
    }

    answer = admin.post(f"/admin/templates/{slug}/edit", data=form)

    assert answer.status_code == 400
    assert message in text_of(answer)
    assert current_revision(slug) == before


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("identifier", "HB " + "1" * 40, "A bill number can be at most 40 characters long."),
        ("title", "x" * 1001, "A title can be at most 1,000 characters long."),
        ("latest_action", "x" * 501, "The latest action can be at most 500 characters long."),
    ],
)
def test_a_bill_field_over_its_limit_is_refused_and_nothing_is_saved(admin, field, value, message):
    page = admin.get("/admin/bills?state=mo")
    form = {"csrf_token": csrf_token(page), "identifier": "HB 2273", "title": "Protects children"}
    form.update(session="2026", **{field: value})

    answer = admin.post("/admin/bills/mo/new", data=form)

    assert answer.status_code == 400
    assert message in text_of(answer)
    assert count(Bill) == 0
