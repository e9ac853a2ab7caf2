"""Report cards: the shipped facts, the state page and how the weakest areas are chosen."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select

from advocacy.extensions import db
from advocacy.models import (
    AreaFinding,
    AreaScore,
    Edition,
    Framework,
    IssueArea,
    ReportCard,
    State,
)
from advocacy.reportcards.service import AreaStanding, weakest_areas
from tests.builders import JURISDICTIONS
from tests.conftest import LETTER_TEMPLATES
from tests.pages import csrf_token, link_with_text, text_of

THREE_LOWEST = "Shared Hope's 2022 report card named this among Missouri's three lowest-scoring areas."


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_shipped_facts_cover_every_place_and_hold_together(app):
    assert set(db.session.scalars(select(State.abbr))) == JURISDICTIONS
    assert db.session.scalar(select(Framework).where(Framework.featured)) is not None
    for edition in db.session.scalars(select(Edition)):
        assert edition.source.startswith("https://"), edition.year
    for score in db.session.scalars(select(AreaScore)):
        assert 0 <= score.score <= score.issue_area.max_points, score.id
        assert score.issue_area.framework_id == score.report_card.edition.framework_id
    for finding in db.session.scalars(select(AreaFinding)):
        assert finding.source.startswith("https://"), finding.id
        assert finding.issue_area.framework_id == finding.report_card.edition.framework_id
    rc = db.session.scalar(select(Framework).where(Framework.key == "rc"))
    assert [(a.code, a.max_points) for a in rc.issue_areas] == [
        ("1", Decimal("17.5")),
        ("2", Decimal("27.5")),
        ("3", Decimal("15")),
        ("4", Decimal("15")),
        ("5", Decimal("10")),
        ("6", Decimal("15")),
        ("EC", Decimal("10")),
    ]


def test_every_state_and_dc_has_a_2021_grade(app):
    graded = db.session.scalars(
        select(ReportCard.state_abbr)
        .join(ReportCard.edition)
        .where(Edition.year == 2021, ReportCard.grade.is_not(None))
    ).all()
    assert set(graded) == JURISDICTIONS - {"pr"}  # the 2021 cards graded every state and DC


def test_seed_twice_changes_nothing(runner):
    shipped = [path for path in LETTER_TEMPLATES.glob("*.md") if path.name != "README.md"]

    result = runner.invoke(args=["seed", "--skip-legislators"])

    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "report cards: nothing to change",
        f"letter templates: 0 added, 0 revised, {len(shipped)} unchanged",
    ]


def test_home_lists_every_state_with_its_latest_grade(client):
    page = client.get("/")

    seen = text_of(page)
    assert page.status_code == 200
    assert "F Missouri 2023" in seen
    assert "A Tennessee 2023" in seen
    assert "? Puerto Rico not graded" in seen
    listing = page.get_data(as_text=True).split('<ul class="state-grid">')[1].split("</ul>")[0]
    assert listing.count('href="/states/') == len(JURISDICTIONS)


def test_the_state_picker_goes_to_the_state_page(client):
    page = client.get("/?state=mo")

    assert page.status_code == 302
    assert page.headers["Location"] == "/states/mo"


def test_missouri_names_its_weakest_areas_from_the_published_finding(client):
    page = client.get("/states/mo?edition=2022")

    seen = text_of(page)
    assert "Missouri received a grade of F in Shared Hope International's 2022" in seen
    for name in (
        "Identification of and Response to Victims",
        "Access to Justice for Trafficking Survivors",
        "Prevention and Training",
    ):
        assert f"{name} — {THREE_LOWEST}" in seen
    # The basis of each claim, in plain words, under its "How we know", the publisher first.
    basis = (
        "From what was published about the 2022 report card: its area scores are not known here. "
        "Source: Shared Hope International, 2022 Report Cards on Child & Youth Sex Trafficking, "
        "as reported by ReHope ."
    )
    assert seen.count(basis) == 3
    assert "the areas that scored the lowest" not in seen and "“" not in seen  # no quotes in quotes
    assert "The scores for each area of this report card have not been published" in seen
    assert "Criminal Provisions Whether buyers" in seen  # every area is listed…
    assert "Score not published (out of 17.5 points)" in seen  # …and says its score is unknown


def test_scores_rank_the_weakest_areas_and_show_points_to_gain(client):
    page = client.get("/states/ia?edition=2021")

    seen = text_of(page)
    assert "Prevention and Training — 3 of 15 points (20.0%); 12 points still to gain." in seen
    assert "Continuum of Care — 4.5 of 15 points (30.0%); 10.5 points still to gain." in seen
    assert "Access to Justice for Trafficking Survivors — 6.5 of 15 points (43.3%)" in seen
    assert seen.index("Prevention and Training —") < seen.index("Continuum of Care —")
    assert "From the area scores in the 2021 report card. Source:" in seen
    assert 'aria-label="12 of 27.5 points (43.6%)"' in page.get_data(as_text=True)


def test_a_state_with_only_a_grade_says_so_and_lets_the_citizen_choose(client):
    page = client.get("/states/wy")

    seen = text_of(page)
    assert "Wyoming received a grade of F" in seen
    assert "Neither area scores nor a published finding name Wyoming's weakest areas" in seen
    assert link_with_text(page, "Write about this: Prevention and Training") == (
        "/states/wy?area=prevention-and-training#lookup"
    )


def test_a_place_with_no_report_card_still_offers_every_area(client):
    page = client.get("/states/pr")

    seen = text_of(page)
    assert page.status_code == 200
    assert "No report-card grade is known for Puerto Rico" in seen
    assert seen.count("Write about this") == 6


def test_unknown_state_and_edition_are_404s_and_a_bad_year_is_a_400(client):
    assert client.get("/states/zz").status_code == 404
    assert client.get("/states/missouri").status_code == 404
    missing = client.get("/states/mo?edition=2020")
    assert missing.status_code == 404
    assert "There is no report-card edition for 2020." in text_of(missing)
    bad = client.get("/states/mo?edition=last")
    assert bad.status_code == 400
    assert "edition must be a four-digit year such as 2023, not 'last'." in text_of(bad)


def test_an_edition_the_state_was_not_graded_in_says_so(client):
    page = client.get("/states/mo?edition=2025")

    assert "Missouri has no known report card for 2025." in text_of(page)


def _area(number: int, max_points: str) -> IssueArea:
    return IssueArea(
        code=str(number),
        number=number,
        name=f"Area {number}",
        slug=f"a{number}",
        position=number,
        max_points=Decimal(max_points),
    )


def _standing(number: int, max_points: str, score: str | None, lowest: bool = False) -> AreaStanding:
    findings = (AreaFinding(finding="lowest", lowest=True, source=f"s{number}"),) if lowest else ()
    return AreaStanding(
        area=_area(number, max_points),
        score=Decimal(score) if score is not None else None,
        findings=findings,
        score_source="card",
    )


def test_ties_in_percent_go_to_the_larger_gap_then_the_lower_number():
    standings = [
        _standing(1, "10", "5"),  # 50 %, gap 5
        _standing(2, "20", "10"),  # 50 %, gap 10
        _standing(3, "10", "5"),  # 50 %, gap 5
        _standing(4, "10", "9"),  # 90 %
    ]

    ranked = [w.area.number for w in weakest_areas(standings, 2023)]

    assert ranked == [2, 1, 3]


def test_when_every_area_is_scored_scores_rank_and_full_marks_are_never_weak():
    standings = [
        _standing(1, "10", "10", lowest=True),
        _standing(2, "10", "2"),
        _standing(3, "10", "5", lowest=True),
    ]

    weakest = weakest_areas(standings, 2023)

    assert [(w.area.number, w.basis) for w in weakest] == [(2, "scores"), (3, "scores")]


def test_when_some_areas_are_scored_the_published_findings_still_name_the_weakest():
    standings = [
        _standing(1, "10", "3"),
        _standing(2, "10", None, lowest=True),
        _standing(3, "10", None, lowest=True),
    ]

    weakest = weakest_areas(standings, 2023)

    assert [(w.area.number, w.basis) for w in weakest] == [(2, "published finding"), (3, "published finding")]


def test_some_scores_and_no_findings_rank_nothing():
    assert weakest_areas([_standing(1, "10", "3"), _standing(2, "10", None)], 2023) == []


def test_findings_name_the_weakest_when_no_score_is_known():
    standings = [_standing(1, "10", None), _standing(4, "15", None, lowest=True)]

    weakest = weakest_areas(standings, 2022)

    assert [(w.area.number, w.basis, w.source, w.year) for w in weakest] == [
        (4, "published finding", "s4", 2022)
    ]


def test_nothing_known_names_nothing():
    assert weakest_areas([_standing(1, "10", None), _standing(2, "10", None)], 2023) == []


def test_one_score_saved_for_missouri_leaves_its_published_findings_in_place(
    client, auth, report_cards_restored
):
    auth.create("admin@example.org", role="admin")
    auth.login("admin@example.org")
    admin_client = client
    page = admin_client.get("/admin/report-cards/mo/2022")
    fields = {
        "csrf_token": csrf_token(page),
        "grade": "F",
        "source": "https://example.org/card",
        "area_5": "3",
    }

    saved = admin_client.post("/admin/report-cards/mo/2022", data=fields)
    after = text_of(admin_client.get(saved.headers["Location"]))
    form = text_of(admin_client.get("/admin/report-cards/mo/2022"))

    assert "Only 1 of its 6 areas have a score, so its weakest areas are still named" in after
    for name in (
        "Identification of and Response to Victims",
        "Access to Justice for Trafficking Survivors",
        "Prevention and Training",
    ):
        assert f"{name} — {THREE_LOWEST}" in after
    assert "only 1 of the 6 areas of the 2022 report card have a score here" in after
    assert "Only 1 of this card's 6 areas have a score." in form


def test_the_page_says_when_scores_rank_the_areas(client):
    seen = text_of(client.get("/states/ia?edition=2021"))

    assert "Ranked by score: every one of the 6 areas of the 2021 report card has a score." in seen


def test_praise_is_not_a_weakness(client):
    page = client.get("/states/co?edition=2022")

    seen = text_of(page)
    assert "Continuum of Care — Shared Hope's 2022 report card named this among" in seen
    assert "Criminal Provisions — Shared Hope's" not in seen
