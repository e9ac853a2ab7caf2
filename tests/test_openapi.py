"""/api/v1 against its own OpenAPI document: schemathesis sends every route what the document
allows and what it does not, to a live server, and checks each answer against the document."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from advocacy.extensions import db
from advocacy.models import Framework, IssueArea
from tests.builders import make_bill, make_committee, make_hearing, make_legislator
from tests.conftest import serve

CENSUS_ANSWER = Path(__file__).parent / "fixtures" / "census" / "missouri.json"
# Examples per operation: few enough for the suite; ADVOCACY_SCHEMATHESIS_EXAMPLES=500 for a deep run.
EXAMPLES = os.environ.get("ADVOCACY_SCHEMATHESIS_EXAMPLES", "30")


@pytest.fixture
def live_api(app, httpserver) -> Iterator[str]:
    """The app on a real socket, with a few lawmakers and a local Census Geocoder."""
    httpserver.expect_request("/geocoder/geographies/onelineaddress").respond_with_json(
        json.loads(CENSUS_ANSWER.read_text(encoding="utf-8"))
    )
    app.config["CENSUS_URL"] = httpserver.url_for("/geocoder")
    for n in range(1, 4):
        make_legislator(
            db.session, n=n, district="19" if n == 1 else str(n), chamber="upper" if n < 3 else "lower"
        )
    _bill_in_committee_with_a_hearing()
    db.session.commit()
    with serve(app) as url:
        yield url


def _bill_in_committee_with_a_hearing() -> None:
    """So that bill items carry a committee and a next hearing, and the hearings list has one."""
    area = db.session.scalar(
        select(IssueArea).join(Framework).where(Framework.featured, IssueArea.number == 4)
    )
    committee = make_committee(db.session)
    bill = make_bill(
        db.session, areas=[area], place="committee", place_since=date(2026, 2, 10), committee_id=committee.id
    )
    make_hearing(
        db.session, committee, datetime.combine(date.today() + timedelta(days=3), time(9, 30)), bills=[bill]
    )


def test_every_answer_matches_the_published_document(live_api, tmp_path):
    """schemathesis, from PyPI, as its command line runs it: every check, valid and invalid input."""
    run = subprocess.run(
        [
            str(Path(sys.executable).with_name("schemathesis")),
            "run",
            f"{live_api}/api/v1/openapi.json",
            "--checks",
            "all",
            "--max-examples",
            EXAMPLES,
            "--seed",
            "13",
            "--generation-database",
            "none",
            "--no-color",
        ],
        capture_output=True,
        text=True,
        timeout=600 + 10 * int(EXAMPLES),
        cwd=tmp_path,
    )

    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]


def test_the_document_names_every_api_route(app, client):
    published = set(client.get("/api/v1/openapi.json").get_json()["paths"])
    served = {
        rule.rule.replace("<", "{").replace(">", "}").replace("{path:", "{")
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/")
    }

    assert published == served
