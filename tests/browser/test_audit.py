"""Every page a person can reach, on a phone and a desktop: no axe-core violation, no sideways scroll."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from urllib.parse import quote_plus

import pytest
from pytest_httpserver import HTTPServer
from sqlalchemy import delete, select

from advocacy import create_app
from advocacy.auth.service import create_user
from advocacy.extensions import db
from advocacy.models import Bill, BillSponsor, Campaign, Committee, CommitteeMember, Hearing, IssueArea
from advocacy.reportcards.service import featured_framework
from tests.browser.conftest import ADDRESS, census_url, make_home_lawmakers, serve
from tests.browser.harness import audit, log_in
from tests.conftest import PASSWORD, VOLATILE, _config
from tests.pages import save_letter

pytestmark = pytest.mark.browser

TEMPLATE = "ask-prevention-and-training"
CAMPAIGN = "mo-safe-harbor"
# A lawmaker's page lists their links; long ones must wrap on a phone.
LONG_LINK = "https://www.senate.mo.gov/members/district-19/about-the-senator-and-the-committees-they-serve-on"


@dataclass
class Site:
    """The app served once for the whole module, with a little made-up data in it."""

    url: str
    names: dict[str, str]  # {lawmaker}, {letter}, {batch}, {campaign}, {template} in page paths
    cookies: dict[str, list]  # a logged-in browser's cookies, per role


# (name, path, who is logged in, HTTP status)
PAGES = [
    ("home", "/", None, 200),
    ("national", "/national", None, 200),
    ("state", "/states/mo", None, 200),
    ("state-writing-about-an-area", "/states/mo?area=access-to-justice", None, 200),
    ("territory", "/states/pr", None, 200),
    ("lawmakers", "/states/mo/legislators", None, 200),
    ("responsiveness", "/states/mo/responsiveness", None, 200),
    ("lawmaker", "/legislators/{lawmaker}", None, 200),
    ("hearing", "/hearings/{hearing}", None, 200),
    ("state-hearings", "/states/mo/hearings", None, 200),
    ("lookup", "/lookup", None, 200),
    ("lookup-answer", f"/lookup?address={quote_plus(ADDRESS)}", None, 200),
    ("letter-form", "/letters/new?state=mo&to={lawmaker}", None, 200),
    ("letter-form-all-lawmakers", "/letters/new?state=mo", None, 200),
    ("letter-form-campaign", "/letters/new?state=mo&to={lawmaker}&campaign={campaign}", None, 200),
    ("letter", "{letter}", None, 200),
    ("letter-print", "{letter}/print", None, 200),
    ("letter-phone", "{letter}/phone", None, 200),
    ("letter-delete", "{letter}/delete", None, 200),
    ("letter-batch", "{batch}", None, 200),
    ("letter-form-no-state", "/letters/new", None, 200),
    ("campaign", "/campaigns/{campaign}", None, 200),
    ("campaigns", "/campaigns/", "organizer", 200),
    ("campaign-dashboard", "/campaigns/{campaign}/dashboard", "organizer", 200),
    ("campaign-new", "/campaigns/new", "organizer", 200),
    ("campaign-edit", "/campaigns/{campaign}/edit", "organizer", 200),
    ("login", "/auth/login", None, 200),
    ("register", "/auth/register", None, 200),
    ("password-reset", "/auth/reset", None, 200),
    ("password-change", "/auth/password", "organizer", 200),
    ("account", "/account/", "organizer", 200),
    ("admin", "/admin/", "admin", 200),
    ("admin-templates", "/admin/templates", "admin", 200),
    ("admin-template-new", "/admin/templates/new", "admin", 200),
    ("admin-template-edit", "/admin/templates/{template}/edit", "admin", 200),
    ("admin-template-revisions", "/admin/templates/{template}/revisions", "admin", 200),
    ("admin-report-cards", "/admin/report-cards", "admin", 200),
    ("admin-report-card", "/admin/report-cards/mo/2023", "admin", 200),
    ("admin-lawmakers", "/admin/legislators", "admin", 200),
    ("admin-bills", "/admin/bills?state=mo", "admin", 200),
    ("admin-bill-places", "/admin/bills/mo/places", "admin", 200),
    ("admin-users", "/admin/users", "admin", 200),
    ("admin-audit", "/admin/audit", "admin", 200),
    ("privacy", "/privacy", None, 200),
    ("not-found", "/no-such-page", None, 404),
]


def _in_committee_with_a_hearing(bill: Bill, member_id: str, member_name: str) -> Hearing:
    """The bill in the Senate Judiciary Committee, the senator its chair, and a hearing next week:
    on the state page, the hearing's pages and the senator's page."""
    committee = Committee(
        state_abbr="mo", chamber="upper", name="Judiciary and Civil and Criminal Jurisprudence"
    )
    committee.members = [CommitteeMember(name=member_name, legislator_id=member_id, role="Chair")]
    bill.place, bill.place_chamber, bill.place_since, bill.committee = (
        "committee",
        "upper",
        date(2026, 1, 15),
        committee,
    )
    hearing = Hearing(
        state_abbr="mo",
        committee=committee,
        name="Senate Judiciary hearing",
        starts_at=datetime.combine(date.today() + timedelta(days=7), time(9, 30)),
        location="Senate Lounge, State Capitol",
        url="https://www.senate.mo.gov/hearingsschedule/hrings.htm",
        first_seen_at=datetime(2026, 11, 1),
        bills=[bill],
    )
    db.session.add(hearing)
    db.session.flush()
    return hearing


@pytest.fixture(scope="module")
def site(database_url: str, tmp_path_factory, census_server: HTTPServer, browser) -> Iterator[Site]:
    """One app and one set of data for every page of the module: the pages only read it."""
    config = _config(database_url, tmp_path_factory.mktemp("audit-instance"))
    config["CENSUS_URL"] = census_url(census_server)
    app = create_app(config)
    with app.app_context():
        for model in VOLATILE:
            db.session.execute(delete(model))
        senator, representative = make_home_lawmakers()
        senator.links = f"{LONG_LINK};https://example.org/ada"
        create_user(db.session, "admin@example.org", PASSWORD, "admin", confirmed=True)
        organizer = create_user(db.session, "org@example.org", PASSWORD, "organizer", confirmed=True)
        area = db.session.scalar(
            select(IssueArea).where(
                IssueArea.framework_id == featured_framework(db.session).id,
                IssueArea.slug == "identification-and-response",
            )
        )
        # A bill on the campaign's area, sponsored by the senator: on the state page, the senator's
        # page, the letter form and the admin's bills page.
        bill = Bill(
            state_abbr="mo",
            session="2026",
            session_name="2026 Regular Session",
            identifier="SB 1",
            title="Modifies provisions relating to the protection of children and vulnerable persons",
            url="https://www.senate.mo.gov/26info/BTS_Web/Bill.aspx?SessionType=R&BillID=1",
            latest_action="Second Read and Referred S Judiciary Committee",
            latest_action_date=date(2026, 1, 15),
            first_seen_at=datetime(2026, 11, 1),
            areas=[area],
            sponsors=[BillSponsor(name=senator.name, legislator_id=senator.id, primary=True)],
        )
        db.session.add(bill)
        hearing = _in_committee_with_a_hearing(bill, senator.id, senator.name)
        db.session.add(
            Campaign(
                slug=CAMPAIGN,
                title="Safe Harbor for Missouri",
                description="Ask your senator to end the arrest of trafficked children.",
                state_abbr="mo",
                focus_areas=[area],
                target="upper",
                goal=10,
                starts_on=date(2026, 12, 1),
                ends_on=date(2027, 5, 15),
                owner=organizer,
                created_at=datetime(2026, 11, 1),
            )
        )
        db.session.commit()
        names = {
            "lawmaker": senator.id,
            "campaign": CAMPAIGN,
            "template": TEMPLATE,
            "hearing": str(hearing.id),
        }
        both = [senator.id, representative.id]
    names["letter"] = save_letter(
        app.test_client(), names["lawmaker"], campaign=CAMPAIGN, area="identification-and-response"
    )
    names["batch"] = save_letter(app.test_client(), names["lawmaker"], to=both)  # one page for both
    with serve(app) as url:
        cookies = {}
        for role, email in (("organizer", "org@example.org"), ("admin", "admin@example.org")):
            context = browser.new_context()
            log_in(context.new_page(), url, email, PASSWORD)
            cookies[role] = context.cookies()
            context.close()
        yield Site(url, names, cookies)
    with app.app_context():  # the next module's tests start from empty tables, as this one did
        for model in VOLATILE:
            db.session.execute(delete(model))
        db.session.commit()
        db.engine.dispose()


@pytest.mark.parametrize(("path", "role", "status"), [pytest.param(*p[1:], id=p[0]) for p in PAGES])
def test_the_page_passes_the_audit(site: Site, page, path: str, role: str | None, status: int):
    if role:
        page.context.add_cookies(site.cookies[role])

    response = page.goto(site.url + path.format(**site.names))

    assert response.status == status, f"{page.url} answered {response.status}"
    audit(page)
