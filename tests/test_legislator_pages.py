"""The legislator table and a lawmaker's page."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import event

from advocacy.extensions import db
from tests.builders import make_legislator
from tests.pages import link_with_text, text_of


def test_table_lists_sitting_lawmakers_with_contacts(client):
    make_legislator(db.session, n=1, name="Ada Senator", district="7", party="Republican")
    make_legislator(db.session, n=2, name="Gone Member", retired_at=datetime(2026, 3, 1))
    db.session.commit()

    page = client.get("/states/mo/legislators")

    seen = text_of(page)
    assert "1 lawmaker." in seen
    assert "Ada Senator Senate 7 Republican jordan1@senate.example.gov 573-555-0100 Write" in seen
    assert "Gone Member" not in seen
    assert (
        link_with_text(page, "Write")
        == "/letters/new?state=mo&to=ocd-person/00000000-0000-0000-0000-000000000001"
    )


def test_search_by_name_or_district_and_filter_by_chamber(client):
    make_legislator(db.session, n=1, name="Ada Senator", district="7")
    make_legislator(db.session, n=2, name="Bo Member", chamber="lower", district="7")
    make_legislator(db.session, n=3, name="Cy Member", chamber="lower", district="17")
    db.session.commit()

    by_district = text_of(client.get("/states/mo/legislators?q=7"))
    by_name = text_of(client.get("/states/mo/legislators?q=MEMBER&chamber=lower"))
    nothing = text_of(client.get("/states/mo/legislators?q=%25"))

    assert "2 lawmakers match." in by_district and "Cy Member" not in by_district
    assert "2 lawmakers match." in by_name and "Ada Senator" not in by_name
    assert "No lawmaker matches." in nothing  # a % is searched for, not a wildcard


def test_pagination_keeps_the_filters(client, app):
    app.config["LEGISLATORS_PER_PAGE"] = 2
    for n in range(1, 6):
        make_legislator(db.session, n=n, chamber="lower")
    db.session.commit()

    first = client.get("/states/mo/legislators?chamber=lower")
    last = client.get("/states/mo/legislators?chamber=lower&page=3")

    assert "Page 1 of 3" in text_of(first)
    assert link_with_text(first, "Next") == "/states/mo/legislators?page=2&chamber=lower"
    assert "Jordan Example5" in text_of(last)


def test_the_table_runs_a_fixed_number_of_queries(client):
    for n in range(1, 40):
        make_legislator(db.session, n=n)
    db.session.commit()
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        client.get("/states/mo/legislators")
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)

    assert len(statements) <= 4  # state, count, page, the page's states


def test_bad_table_parameters_explain_themselves(client):
    for query, message in (
        ("chamber=house", "chamber must be one of upper, lower, legislature, not 'house'."),
        ("page=-1", "page must be a whole number of at least 1, not '-1'."),
        ("q=" + "x" * 101, "the search can be at most 100 characters long."),
    ):
        page = client.get(f"/states/mo/legislators?{query}")
        assert page.status_code == 400
        assert message in text_of(page)
    assert client.get("/states/zz/legislators").status_code == 404


def test_a_lawmakers_page_shows_every_contact(client):
    person = make_legislator(
        db.session,
        n=4,
        district_address="9 Elm St, Rolla, MO",
        district_voice="573-555-0199",
        links="https://senate.example.gov/4;https://example.org/bio",
    )
    db.session.commit()

    page = client.get(f"/legislators/{person.id}")

    seen = text_of(page)
    assert "Senator Jordan Example4" in seen
    assert "Capitol office 201 W. Capitol Ave., Jefferson City, MO 65101 573-555-0100" in seen
    assert "District office 9 Elm St, Rolla, MO 573-555-0199" in seen
    assert "https://example.org/bio" in seen
    assert link_with_text(page, "Write to Senator Example4") == f"/letters/new?state=mo&to={person.id}"


def test_nebraska_and_dc_use_their_own_titles(client):
    ne = make_legislator(db.session, n=5, state_abbr="ne", chamber="legislature")
    dc = make_legislator(db.session, n=6, state_abbr="dc", chamber="legislature", district="Ward 3")
    md = make_legislator(db.session, n=7, state_abbr="md", chamber="lower")
    db.session.commit()

    assert "Senator Jordan Example5" in text_of(client.get(f"/legislators/{ne.id}"))
    assert "Councilmember Jordan Example6" in text_of(client.get(f"/legislators/{dc.id}"))
    assert "Delegate Jordan Example7" in text_of(client.get(f"/legislators/{md.id}"))


def test_unknown_lawmaker_is_a_404(client):
    page = client.get("/legislators/ocd-person/00000000-0000-0000-0000-00000000dead")

    assert page.status_code == 404
    assert "No lawmaker has the id" in text_of(page)
