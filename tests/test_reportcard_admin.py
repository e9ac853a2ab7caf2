"""Admins enter report-card figures by form or CSV; every figure is checked before anything changes."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from advocacy.extensions import db
from advocacy.models import AreaScore, AuditEvent, Edition, ReportCard
from tests.builders import REPORT_CARD_SOURCE, card_form
from tests.pages import csrf_token, text_of

pytestmark = pytest.mark.usefixtures("report_cards_restored")


def card(state: str, year: int) -> ReportCard | None:
    db.session.expire_all()
    return db.session.scalar(
        select(ReportCard)
        .join(ReportCard.edition)
        .where(ReportCard.state_abbr == state, Edition.year == year)
    )


def snapshot() -> list[tuple]:
    db.session.expire_all()
    cards = db.session.execute(
        select(ReportCard.id, ReportCard.grade, ReportCard.total_score, ReportCard.source)
    ).all()
    scores = db.session.execute(select(AreaScore.id, AreaScore.score)).all()
    return sorted(cards) + sorted(scores)


@pytest.fixture
def admin(client, auth):
    auth.create("admin@example.org", role="admin")
    auth.login("admin@example.org")
    return client


def test_an_admin_enters_a_whole_card_and_scores_then_name_the_weakest(admin):
    page = admin.get("/admin/report-cards/mo/2023")
    assert "Missouri: 2023 report card" in text_of(page)

    saved = admin.post("/admin/report-cards/mo/2023", data=card_form(page))

    assert saved.headers["Location"] == "/states/mo?edition=2023"
    entered = card("mo", 2023)
    assert (entered.grade, entered.total_score, entered.extra_credit) == ("F", Decimal(41), Decimal(3))
    assert {s.issue_area.code: s.score for s in entered.area_scores} == {
        "1": 10,
        "2": 6,
        "3": 7,
        "4": Decimal("4.5"),
        "5": Decimal("7.5"),
        "6": 3,
    }
    state_page = text_of(admin.get("/states/mo"))
    assert "Prevention and Training — 3 of 15 points (20.0%); 12 points still to gain." in state_page
    assert "Identification of and Response to Victims — 6 of 27.5 points (21.8%)" in state_page
    assert "named among the lowest" not in state_page  # scores now win over published findings
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "reportcard.update"))
    assert event.subject_id == "mo/2023"
    assert json.loads(event.before)["areas"] == {}
    assert json.loads(event.after)["grade"] == "F"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"area_2": "30"}, "Enter a score from 0 to 27.5."),
        ({"area_3": "-1"}, "Enter a score from 0 to 15."),
        ({"grade": "B"}, "grade B does not match a total of 41: the Report Cards (2021–2023) scale gives F"),
        ({"total_score": "50"}, "the areas (38) and extra credit (3) add up to 41, but the total is 50"),
        ({"extra_credit": "12"}, "Enter a score from 0 to 10."),
        ({"source": ""}, "Give the web address these figures come from."),
        ({"source": "my notes"}, "give the source of these figures as a web address"),
        ({"total_score": "lots"}, "Not a valid decimal value."),
    ],
)
def test_a_wrong_figure_is_named_and_nothing_is_saved(admin, overrides, message):
    before = snapshot()
    page = admin.get("/admin/report-cards/mo/2023")

    answer = admin.post("/admin/report-cards/mo/2023", data=card_form(page, **overrides))

    assert answer.status_code == 200
    assert message in text_of(answer)
    assert "Nothing was saved." in text_of(answer)
    assert snapshot() == before


def test_clearing_a_score_in_the_form_removes_it(admin):
    page = admin.get("/admin/report-cards/ia/2021")
    assert 'name="area_1" size="6" step="any" type="number" value="11"' in page.get_data(as_text=True)

    admin.post(
        "/admin/report-cards/ia/2021",
        data=card_form(
            page, grade="F", total_score="48.5", area_6="", extra_credit="", source=REPORT_CARD_SOURCE
        ),
    )

    assert sorted(s.issue_area.code for s in card("ia", 2021).area_scores) == ["1", "2", "3", "4", "5"]


def test_the_form_is_for_admins_only(client, auth):
    auth.create("organizer@example.org", role="organizer")
    auth.login("organizer@example.org")

    assert client.get("/admin/report-cards/mo/2023").status_code == 403
    assert client.get("/admin/report-cards").status_code == 403


def test_unknown_state_or_edition_in_the_form_is_a_404(admin):
    assert admin.get("/admin/report-cards/zz/2023").status_code == 404
    assert admin.get("/admin/report-cards/mo/2020").status_code == 404


GOOD_CSV = (
    "year,state,grade,total_score,extra_credit,source,area_1,area_2,area_3,area_4,area_5,area_6\n"
    f"2023,MO,F,41,3,{REPORT_CARD_SOURCE},10,6,7,4.5,7.5,3\n"
    f"2023,ks,,,,{REPORT_CARD_SOURCE},,12,,,,\n"
)


def import_csv(admin, body: str):
    page = admin.get("/admin/report-cards")
    return admin.post(
        "/admin/report-cards/import",
        data={"csrf_token": csrf_token(page), "file": (__import__("io").BytesIO(body.encode()), "cards.csv")},
        content_type="multipart/form-data",
    )


def test_an_admin_imports_a_csv(admin):
    answer = import_csv(admin, GOOD_CSV)

    assert answer.headers["Location"] == "/admin/report-cards?edition=2023"
    assert "Imported: report cards: 0 added, 2 updated, 0 unchanged." in text_of(
        admin.get(answer.headers["Location"])
    )
    assert card("mo", 2023).total_score == 41
    kansas = card("ks", 2023)
    assert kansas.grade == "F"  # a blank cell leaves the grade that was there
    assert [(s.issue_area.code, s.score) for s in kansas.area_scores] == [("2", 12)]
    assert (
        db.session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "reportcard.import")
        )
        == 2
    )
    again = import_csv(admin, GOOD_CSV)
    assert "0 added, 0 updated, 2 unchanged" in text_of(admin.get(again.headers["Location"]))


BAD_ROWS = {
    "unknown state": (
        f"2023,ZZ,F,,,{REPORT_CARD_SOURCE},,,,,,",
        "line 2: unknown state 'ZZ'; use a postal code such as MO",
    ),
    "score above maximum": (
        f"2023,MO,,,,{REPORT_CARD_SOURCE},18,,,,,",
        "line 2: Criminal Provisions score 18 is above its maximum of 17.5",
    ),
    "grade inconsistent": (
        f"2023,MO,A,41,3,{REPORT_CARD_SOURCE},10,6,7,4.5,7.5,3",
        "line 2: grade A does not match a total of 41: the Report Cards (2021–2023) scale gives F",
    ),
    "not a number": (
        f"2023,MO,,,,{REPORT_CARD_SOURCE},ten,,,,,",
        "line 2: area_1 score 'ten' is not a number",
    ),
    "unknown edition": (
        f"2020,MO,F,,,{REPORT_CARD_SOURCE},,,,,,",
        "line 2: there is no report-card edition for '2020'",
    ),
    "no source": ("2023,MO,F,,,,,,,,,", "line 2: give the source of these figures as a web address"),
    "not a letter grade": (
        f"2023,MO,E,,,{REPORT_CARD_SOURCE},,,,,,",
        "line 2: grade 'E' is not a letter grade from A+ to F",
    ),
}
HEADER = "year,state,grade,total_score,extra_credit,source,area_1,area_2,area_3,area_4,area_5,area_6\n"


@pytest.mark.parametrize("kind", BAD_ROWS)
def test_each_bad_row_is_named_by_line_and_nothing_is_imported(admin, kind):
    row, message = BAD_ROWS[kind]
    before = snapshot()

    answer = import_csv(admin, HEADER + f"2023,KS,F,,,{REPORT_CARD_SOURCE},,1,,,,\n" + row + "\n")

    assert answer.status_code == 400
    shown = text_of(answer)
    assert "Nothing was imported." in shown
    assert message.replace("line 2", "line 3") in shown
    assert snapshot() == before


def test_duplicates_and_areas_outside_the_framework_are_refused_together(admin):
    body = (
        "year,state,grade,source,area_2,area_9\n"
        f"2023,MO,F,{REPORT_CARD_SOURCE},5,\n"
        f"2023,mo,F,{REPORT_CARD_SOURCE},6,\n"
        f"2014,LA,A,{REPORT_CARD_SOURCE},,4\n"
    )
    before = snapshot()

    shown = text_of(import_csv(admin, body))

    assert "line 3: MO 2023 appears twice (first on line 2)" in shown
    assert "line 4: issue area 9 is not in the Protected Innocence Challenge (2011–2019) framework" in shown
    assert snapshot() == before


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "the file is empty"),
        ("year,state,colour\n2023,MO,blue\n", "line 1: unknown column(s) colour"),
        ("state,grade\nMO,F\n", "line 1: missing column(s) year, source"),
        (HEADER, "the file has a header but no report cards"),
    ],
)
def test_a_broken_file_is_refused(admin, body, message):
    assert message in text_of(import_csv(admin, body))


def test_the_command_line_import_says_the_same(runner, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        HEADER + f"2023,ZZ,F,,,{REPORT_CARD_SOURCE},,,,,,\n2023,MO,,,,{REPORT_CARD_SOURCE},99,,,,,\n"
    )
    good = tmp_path / "good.csv"
    good.write_text(GOOD_CSV)

    failed = runner.invoke(args=["import-reportcards", str(bad)])
    worked = runner.invoke(args=["import-reportcards", str(good)])
    missing = runner.invoke(args=["import-reportcards", str(tmp_path / "nope.csv")])

    assert failed.exit_code == 1
    assert "bad.csv: line 2: unknown state 'ZZ'" in failed.output
    assert "bad.csv: line 3: Criminal Provisions score 99 is above its maximum of 17.5" in failed.output
    assert "nothing was imported: 2 problem(s)" in failed.output
    assert worked.exit_code == 0, worked.output
    assert worked.output == "report cards: 0 added, 2 updated, 0 unchanged\n"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "reportcard.import"))
    assert event.origin == "command line"
    assert missing.exit_code == 2 and "does not exist" in missing.output


def test_a_dry_run_says_what_an_import_would_change_and_writes_nothing(runner, tmp_path):
    good = tmp_path / "made-up-cards.csv"
    good.write_text(GOOD_CSV)
    before = snapshot()

    tried = runner.invoke(args=["import-reportcards", "--dry-run", str(good)])

    assert tried.exit_code == 0, tried.output
    assert (
        tried.stdout
        == "dry run, nothing was written: would be report cards: 0 added, 2 updated, 0 unchanged\n"
    )
    assert snapshot() == before
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "reportcard.import")) is None
