"""`advocacy sync-legislators`: Open States bulk files over real HTTP, and every way they go wrong."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from sqlalchemy import func, select
from werkzeug.wrappers import Response

from advocacy.extensions import db
from advocacy.legislators.corrections import apply_correction, report_correction
from advocacy.models import Legislator, SyncRun
from tests.builders import bulk_csv, bulk_row, make_legislator, person_id
from tests.conftest import shared_data


def serve(httpserver: HTTPServer, abbr: str, body: bytes, content_type: str = "text/csv") -> str:
    httpserver.expect_request(f"/people/current/{abbr}.csv").respond_with_data(
        body, content_type=content_type
    )
    return httpserver.url_for("/people/current")


def sync(runner, source: str, *states: str):
    args = ["sync-legislators", "--source", source]
    for state in states:
        args += ["--state", state]
    return runner.invoke(args=args)


def people(state: str = "mo") -> dict[str, Legislator]:
    found = db.session.scalars(select(Legislator).where(Legislator.state_abbr == state))
    return {p.id: p for p in found}


def test_first_sync_adds_everyone_and_second_changes_nothing(runner, httpserver):
    source = serve(httpserver, "mo", bulk_csv([bulk_row(n) for n in range(1, 6)]))

    first = sync(runner, source, "mo")
    second = sync(runner, source, "MO")

    assert first.exit_code == 0, first.output
    assert first.output.splitlines() == [
        "mo: 5 added, 0 updated, 0 retired, 0 unchanged",
        "total: 5 added, 0 updated, 0 retired, 0 unchanged",
    ]
    assert second.output.splitlines()[0] == "mo: 0 added, 0 updated, 0 retired, 5 unchanged"
    senator = people()[person_id(1)]
    assert (senator.name, senator.chamber, senator.district) == ("Casey Sample1", "upper", "1")
    assert senator.email == "casey1@house.example.gov"


def test_changed_rows_are_updated_and_missing_people_retired_not_deleted(runner, httpserver):
    serve(httpserver, "mo", bulk_csv([bulk_row(n) for n in range(1, 5)]))
    sync(runner, httpserver.url_for("/people/current"), "mo")
    httpserver.clear()
    changed = [bulk_row(1, email="new@senate.example.gov"), bulk_row(2), bulk_row(3), bulk_row(9)]
    source = serve(httpserver, "mo", bulk_csv(changed))

    result = sync(runner, source, "mo")

    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "mo: 1 added, 1 updated, 1 retired, 2 unchanged"
    everyone = people()
    assert everyone[person_id(1)].email == "new@senate.example.gov"
    assert everyone[person_id(4)].retired_at is not None  # kept, only retired
    assert everyone[person_id(9)].retired_at is None


def test_a_retired_lawmaker_who_reappears_comes_back(runner, httpserver):
    make_legislator(db.session, n=7, retired_at=datetime(2026, 2, 1))
    db.session.commit()
    row = bulk_row(7, name="Jordan Example7", given_name="Jordan", family_name="Example7")
    source = serve(httpserver, "mo", bulk_csv([row]))

    result = sync(runner, source, "mo")

    assert "mo: 0 added, 1 updated, 0 retired, 0 unchanged" in result.output
    assert people()[person_id(7)].retired_at is None


BAD_FILES = {
    "wrong header": (
        b"id,full_name,party\r\nocd-person/x,Someone,Independent\r\n",
        "the header is not the Open States bulk format",
    ),
    "truncated mid-row": (
        bulk_csv([bulk_row(1), bulk_row(2)])[:-40],
        "truncated",
    ),
    "truncated inside a quoted field": (
        bulk_csv([bulk_row(1), bulk_row(2)]).rsplit(b'"Room 2', 1)[0] + b'"Room 2, 201 W',
        "truncated",
    ),
    "html error page": (
        b"<!doctype html><html><body><h1>503 Service Unavailable</h1></body></html>",
        "HTML",
    ),
    "empty file": (b"", "the file is empty"),
    "bad person id": (
        bulk_csv([bulk_row(1, id="person-1")]),
        "line 2: 'person-1' is not an ocd-person id",
    ),
    "unknown chamber": (
        bulk_csv([bulk_row(1, current_chamber="senate")]),
        "line 2: chamber 'senate' is not one of upper, lower, legislature",
    ),
    "header only": (bulk_csv([]), "the file lists no lawmakers"),
}


@pytest.mark.parametrize("kind", BAD_FILES)
def test_a_bad_file_fails_clearly_and_changes_nothing(runner, httpserver, kind):
    make_legislator(db.session, n=1, email="kept@senate.example.gov")
    db.session.commit()
    body, message = BAD_FILES[kind]
    source = serve(httpserver, "mo", body)

    result = sync(runner, source, "mo")

    assert result.exit_code == 1
    assert result.output.startswith("mo: failed: ")
    assert message in result.output
    assert result.output.splitlines()[-1] == ("total: 0 added, 0 updated, 0 retired, 0 unchanged (1 failed)")
    kept = people()
    assert list(kept) == [person_id(1)]
    assert kept[person_id(1)].email == "kept@senate.example.gov"
    assert kept[person_id(1)].retired_at is None


def test_an_html_page_served_as_html_is_refused(runner, httpserver):
    source = serve(httpserver, "mo", b"<html><body>Sign in</body></html>", "text/html")

    result = sync(runner, source, "mo")

    assert result.exit_code == 1
    assert "sent an HTML page, not a CSV file" in result.output


def test_a_server_error_fails_that_state_and_others_go_on(runner, httpserver):
    httpserver.expect_request("/people/current/ks.csv").respond_with_data("oops", status=404)
    source = serve(httpserver, "mo", bulk_csv([bulk_row(1)]))

    result = sync(runner, source, "ks", "mo")

    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].startswith("ks: failed: ")
    assert "answered HTTP 404" in lines[0]
    assert lines[1] == "mo: 1 added, 0 updated, 0 retired, 0 unchanged"
    assert lines[2] == "total: 1 added, 0 updated, 0 retired, 0 unchanged (1 failed)"
    failures = db.session.scalars(select(SyncRun).where(SyncRun.error != "")).all()
    assert [f.state_abbr for f in failures] == ["ks"]


def test_an_unreachable_source_says_so_once_and_does_not_keep_waiting(runner):
    result = sync(runner, "http://127.0.0.1:9/people", "mo", "ks")

    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "mo: failed: cannot download http://127.0.0.1:9/people/mo.csv: could not connect",
        "ks: failed: not tried: http://127.0.0.1:9/people could not be reached",
        "total: 0 added, 0 updated, 0 retired, 0 unchanged (2 failed)",
    ]


def test_a_local_folder_works_as_source(runner, tmp_path: Path):
    (tmp_path / "de.csv").write_bytes(bulk_csv([bulk_row(1), bulk_row(5)]))

    result = sync(runner, str(tmp_path), "de")

    assert result.exit_code == 0, result.output
    assert "de: 2 added" in result.output
    assert len(people("de")) == 2


def test_an_unknown_state_code_is_refused_before_anything_runs(runner, httpserver):
    result = sync(runner, httpserver.url_for("/"), "mo", "zz")

    assert result.exit_code == 2
    assert "unknown state code ZZ" in result.output
    assert db.session.scalar(select(func.count()).select_from(SyncRun)) == 0


def test_every_shared_open_states_file_imports_over_http(runner, httpserver):
    folder = shared_data("openstates")
    for path in sorted(folder.glob("*.csv")):
        serve(httpserver, path.stem, path.read_bytes())

    first = sync(runner, httpserver.url_for("/people/current"))
    second = sync(runner, httpserver.url_for("/people/current"))

    # What the files hold, counted here with the csv module: one line per lawmaker.
    rows = {
        path.stem: len(list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8")))))
        for path in folder.glob("*.csv")
    }
    total = sum(rows.values())
    assert first.exit_code == 0, first.output
    assert first.output.splitlines()[-1] == f"total: {total} added, 0 updated, 0 retired, 0 unchanged"
    assert len(first.output.splitlines()) == len(rows) + 1  # a line per state, then the total
    assert f"mo: {rows['mo']} added, 0 updated, 0 retired, 0 unchanged" in first.output
    assert second.output.splitlines()[-1] == f"total: 0 added, 0 updated, 0 retired, {total} unchanged"


def test_an_unchanged_file_is_not_parsed_again_and_a_304_costs_nothing(runner, httpserver):
    body = bulk_csv([bulk_row(n) for n in range(1, 4)])
    seen_validators = []

    def handler(request):
        seen_validators.append(request.headers.get("If-None-Match"))
        if request.headers.get("If-None-Match") == '"v1"':
            return Response(status=304)
        return Response(body, content_type="text/csv", headers={"ETag": '"v1"'})

    httpserver.expect_request("/people/current/mo.csv").respond_with_handler(handler)
    source = httpserver.url_for("/people/current")

    first = sync(runner, source, "mo")
    second = sync(runner, source, "mo")

    assert seen_validators == [None, '"v1"']
    assert first.output.splitlines()[0] == "mo: 3 added, 0 updated, 0 retired, 0 unchanged"
    assert second.output.splitlines()[0] == "mo: 0 added, 0 updated, 0 retired, 3 unchanged"


def test_validators_from_one_source_are_never_sent_to_another(runner, httpserver):
    """Both sources tag their files "v1": a 304 from the new one must not pass for the old file."""
    old = bulk_csv([bulk_row(n) for n in range(1, 4)])
    new = bulk_csv([bulk_row(n) for n in range(1, 6)])
    seen = []

    def answering(body: bytes):
        def handler(request):
            seen.append((request.path, request.headers.get("If-None-Match")))
            if request.headers.get("If-None-Match") == '"v1"':
                return Response(status=304)
            return Response(body, content_type="text/csv", headers={"ETag": '"v1"'})

        return handler

    httpserver.expect_request("/old/mo.csv").respond_with_handler(answering(old))
    httpserver.expect_request("/new/mo.csv").respond_with_handler(answering(new))

    sync(runner, httpserver.url_for("/old"), "mo")
    moved = sync(runner, httpserver.url_for("/new"), "mo")

    assert seen == [("/old/mo.csv", None), ("/new/mo.csv", None)]
    assert moved.output.splitlines()[0] == "mo: 2 added, 0 updated, 0 retired, 3 unchanged"
    assert len(people()) == 5


def test_a_file_with_under_half_the_rows_of_the_last_good_one_is_refused(runner, tmp_path):
    (tmp_path / "mo.csv").write_bytes(bulk_csv([bulk_row(n) for n in range(1, 11)]))
    sync(runner, str(tmp_path), "mo")
    (tmp_path / "mo.csv").write_bytes(bulk_csv([bulk_row(n) for n in range(1, 5)]))

    result = sync(runner, str(tmp_path), "mo")

    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (
        "mo: failed: the file lists 4 lawmakers, under half of the 10 in the last good file; "
        "it may be incomplete, so nothing was changed"
    )
    assert sum(1 for p in people().values() if p.retired_at is None) == 10


def test_an_applied_correction_survives_syncs_until_the_source_changes_the_field(runner, tmp_path, auth):
    (tmp_path / "mo.csv").write_bytes(bulk_csv([bulk_row(1), bulk_row(2)]))
    sync(runner, str(tmp_path), "mo")
    admin = auth.create("admin@example.org", role="admin")
    senator = people()[person_id(1)]
    correction = report_correction(db.session, senator, "email", "right@senate.example.gov", "")
    apply_correction(db.session, correction, admin)
    db.session.commit()

    # The same file again (with another lawmaker changed, so it is really read): the correction stays.
    (tmp_path / "mo.csv").write_bytes(bulk_csv([bulk_row(1), bulk_row(2, name="Casey Renamed")]))
    sync(runner, str(tmp_path), "mo")
    assert people()[person_id(1)].email == "right@senate.example.gov"

    # The source now says something new for that field: the source wins again.
    (tmp_path / "mo.csv").write_bytes(
        bulk_csv([bulk_row(1, email="official@senate.example.gov"), bulk_row(2, name="Casey Renamed")])
    )
    sync(runner, str(tmp_path), "mo")
    db.session.expire_all()
    assert people()[person_id(1)].email == "official@senate.example.gov"
