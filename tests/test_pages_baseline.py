"""What every page promises: a strict content policy, nothing from other sites, a quick exit."""

from __future__ import annotations

import re

import pytest

from advocacy.extensions import db
from tests.builders import make_legislator
from tests.pages import save_letter


@pytest.fixture
def page_urls(client, auth) -> list[str]:
    senator = make_legislator(db.session, n=1)
    db.session.commit()
    tracking = save_letter(client, senator.id)
    auth.create("admin@example.org", role="admin")
    public = ["/auth/login", "/auth/register", "/auth/reset", "/privacy"]
    for url in public:
        assert client.get(url).status_code == 200
    auth.login("admin@example.org")
    return [
        *public,
        "/account/",
        "/admin/",
        "/admin/users",
        "/admin/audit",
        "/",
        "/states/mo",
        "/states/pr",
        "/states/mo/legislators",
        f"/legislators/{senator.id}",
        "/letters/new?state=mo&area=6",
        tracking,
        f"{tracking}/print",
        "/states/zz",
    ]


def test_every_page_has_a_strict_policy_and_loads_nothing_from_elsewhere(client, page_urls):
    for url in page_urls:
        response = client.get(url)
        policy = response.headers["Content-Security-Policy"]
        assert "'unsafe-inline'" not in policy and "script-src 'self'" in policy, url
        assert "frame-ancestors 'none'" in policy
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"
        body = response.get_data(as_text=True)
        loaded = re.findall(r'<(?:script|img|link|iframe|source)\b[^>]*\b(?:src|href)="([^"]+)"', body)
        assert loaded and all(src.startswith("/") for src in loaded), (url, loaded)
        assert not re.search(r"<script>|<script [^>]*>[^<]+</script>|\sstyle=|<style", body), url


def test_every_page_has_a_quick_exit(client, page_urls):
    for url in page_urls:
        body = client.get(url).get_data(as_text=True)
        # A link that acts as a button: it leaves even without JavaScript, and site.js adds Space and Esc.
        assert re.search(
            r'<a class="quick-exit" href="https://[^"]+"[^>]* role="button" data-quick-exit', body
        ), url


def test_an_area_can_be_named_by_its_number(client):
    make_legislator(db.session, n=1)
    db.session.commit()

    body = client.get("/letters/new?state=mo&area=4").get_data(as_text=True)

    assert '<option selected value="access-to-justice">' in body
