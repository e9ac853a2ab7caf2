"""Address first, honest letters: a letter says "your constituent" only where the lookup proved it."""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from pytest_httpserver import HTTPServer
from sqlalchemy import select

from advocacy.extensions import db
from advocacy.letters.lint import lint_template
from advocacy.letters.render import SenderFacts, parse_template_file, render_letter
from advocacy.letters.service import purge_personal_details
from advocacy.models import Campaign, Letter
from advocacy.reportcards.service import featured_framework
from tests.builders import (
    ADDRESS,
    GEOCODER,
    answer,
    letter_context,
    make_legislator,
    missouri_lawmakers,
    person_id,
)
from tests.pages import csrf_token, link_with_text, save_letter, text_of

TEMPLATES = Path(__file__).resolve().parents[1] / "letter_templates"


@pytest.fixture
def census(app, httpserver: HTTPServer):
    """A local stand-in for the Census Geocoder that places every address in Missouri's 19th and 44th."""
    app.config["CENSUS_URL"] = httpserver.url_for("/geocoder")
    httpserver.expect_request(GEOCODER).respond_with_json(answer("missouri"))


def write_link(client, **query: str) -> str:
    page = client.get("/lookup", query_string={"address": ADDRESS, **query})
    return link_with_text(page, "Write to them")


def letter_fields(page, recipients: list[str], action: str = "preview", **overrides: str) -> dict:
    fields = {
        "csrf_token": csrf_token(page) if 'name="csrf_token"' in page.get_data(as_text=True) else "",
        "found": dict(parse_qsl(urlsplit(page.request.url).query)).get("found", ""),
        "area": "prevention-and-training",
        "variant": "ask",
        "to": recipients,
        "sender_name": "Pat Doe",
        "sender_town": "Springtown",
        "sender_email": "",
        "sender_address": "",
        "personal_paragraph": "",
        "action": action,
    }
    fields.update(overrides)
    return fields


def test_the_area_chosen_on_the_state_page_reaches_the_letter_through_the_lookup(client, census):
    missouri_lawmakers()

    lookup = client.get("/lookup?state=mo&area=prevention-and-training")
    assert "then write to them about prevention and training" in text_of(lookup)
    assert '<input type="hidden" name="area" value="prevention-and-training">' in lookup.get_data(
        as_text=True
    )

    link = write_link(client, state="mo", area="prevention-and-training")
    query = dict(parse_qsl(urlsplit(link).query))
    assert query["area"] == "prevention-and-training"
    form = client.get(link)
    assert '<option selected value="prevention-and-training">' in form.get_data(as_text=True)
    assert 'id="sender_town" maxlength="200" name="sender_town" required type="text" value="Springtown"' in (
        form.get_data(as_text=True)
    )


def test_lawmakers_found_for_the_address_are_told_the_writer_is_a_constituent_and_no_one_else(client, census):
    missouri_lawmakers()
    elsewhere = person_id(4)  # Cy Elsewhere, district 20: not the writer's senator
    url = write_link(client)
    form = client.get(url)

    preview = client.post(url, data=letter_fields(form, [person_id(1), person_id(2), elsewhere]))
    shown = text_of(preview)
    assert (
        "Dear Senator Example1, I am your constituent: I live in Springtown, in your district (19)." in shown
    )
    assert (
        "Dear Representative Example2, I am your constituent: I live in Springtown, in your district (44)."
        in shown
    )
    assert "Dear Senator Example4, I live in Springtown, Missouri. I am writing" in shown
    assert "Says where you live, without claiming you live in Senator Example4's district." in shown

    saved = client.post(url, data=letter_fields(preview, [person_id(1), person_id(2), elsewhere], "save"))
    assert saved.status_code == 302
    letters = db.session.scalars(select(Letter).order_by(Letter.id)).all()
    assert [(le.legislator_id, le.is_constituent) for le in letters] == [
        (person_id(1), True),
        (person_id(2), True),
        (elsewhere, False),
    ]
    assert "constituent" not in letters[2].body and "your district" not in letters[2].body
    # The phone script for a saved letter claims no more than the letter did.
    assert "I am a constituent of Senator Example1" in text_of(
        client.get(f"/letters/{letters[0].token}/phone")
    )
    assert "constituent" not in text_of(client.get(f"/letters/{letters[2].token}/phone"))


@pytest.mark.parametrize("tamper", ["altered", "expired"])
def test_an_altered_or_old_lookup_proves_nothing(app, client, census, tamper):
    missouri_lawmakers()
    if tamper == "altered":
        found = "eyJpZHMiOlsib2NkLXBlcnNvbi8xIl19.forged.signature"
    else:

        class LongAgo(TimestampSigner):
            def get_timestamp(self) -> int:
                return int(time.time()) - 2 * 24 * 3600

        old = URLSafeTimedSerializer("test-secret", salt="advocacy.lookup", signer=LongAgo)
        found = old.dumps({"ids": [person_id(1)], "town": "Springtown"})
    url = f"/letters/new?state=mo&to={person_id(1)}&found={found}"
    form = client.get(url)

    assert "Look up your address again to write to your own lawmakers as their constituent." in text_of(form)
    assert "Not found for your address" in text_of(form)
    preview = client.post(url, data=letter_fields(form, [person_id(1)], found=found))
    assert "I live in Springtown, Missouri." in text_of(preview)
    assert "I am your constituent" not in text_of(preview)


def test_a_postal_address_is_printed_under_the_name_and_purged_with_the_rest(client, census):
    missouri_lawmakers()
    link = write_link(client)
    form = client.get(link)

    saved = client.post(
        link,
        data=letter_fields(
            form, [person_id(1)], "save", sender_address="  12 Elm St\r\n\r\n Springtown, MO 65000 "
        ),
    )
    assert saved.status_code == 302
    letter = db.session.scalar(select(Letter))
    assert letter.sender_address == "12 Elm St\nSpringtown, MO 65000"
    assert letter.body.endswith("Sincerely,\nPat Doe\n12 Elm St\nSpringtown, MO 65000\n")

    purge_personal_details(db.session, letter.created_at.replace(year=letter.created_at.year + 1))
    db.session.commit()
    db.session.refresh(letter)
    assert (letter.sender_address, letter.sender_name) == ("", "")


def test_a_long_postal_address_is_refused_with_a_message(client, no_csrf):
    make_legislator(db.session, n=1)
    db.session.commit()
    url = f"/letters/new?state=mo&to={person_id(1)}"

    page = client.post(
        url, data=letter_fields(client.get(url), [person_id(1)], "save", sender_address="x" * 301)
    )

    assert "Keep your postal address under 300 characters." in text_of(page)
    assert db.session.scalar(select(Letter)) is None


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("state=zz", "There is no state 'zz'"),
        ("area=99", "There is no issue area '99'"),
        ("campaign=no-such-campaign", "There is no campaign called 'no-such-campaign'."),
    ],
)
def test_bad_links_to_the_lookup_say_what_to_fix(client, query, message):
    page = client.get(f"/lookup?{query}")

    assert page.status_code == 400
    assert message in text_of(page)


def test_every_shipped_template_claims_constituency_only_when_the_lookup_found_the_lawmaker():
    for path in sorted(TEMPLATES.glob("*.md")):
        if path.name == "README.md":
            continue
        template = parse_template_file(path)
        assert lint_template(template.body) == [], path.name
        mine = render_letter(
            template.subject,
            template.body,
            letter_context(sender=SenderFacts("Pat Doe", "Columbia", True, "")),
        )
        theirs = render_letter(template.subject, template.body, letter_context())
        assert "constituent" in mine.body, path.name
        assert "constituent" not in theirs.body and "your district" not in theirs.body, path.name
        assert "Columbia, Missouri" in theirs.body, path.name
        with_address = render_letter(
            template.subject,
            template.body,
            letter_context(sender=SenderFacts("Pat Doe", "Columbia", False, "12 Elm St\nColumbia, MO 65201")),
        )
        if template.purpose != "phone":
            assert with_address.body.endswith("Pat Doe\n12 Elm St\nColumbia, MO 65201\n"), path.name


def test_the_linter_refuses_a_constituency_claim_the_lookup_did_not_make():
    problems = lint_template(
        "Dear {{ recipient.title }},\n\n"
        "{% if sender.is_constituent %}I am your constituent.{% endif %}\n"
        "As a constituent in your district, I ask…\n"
        "{% if sender.is_constituent %}Fine{% else %}I live in your district{% endif %}\n"
    )

    assert [p.split(":")[0] for p in problems] == ["line 4", "line 5"]
    assert "claims the writer lives in the lawmaker's district" in problems[0]
    assert "{% if sender.is_constituent %}" in problems[0]


def test_an_admin_cannot_save_a_template_that_claims_constituency_for_everyone(client, auth):
    auth.create("admin@example.org", role="admin")
    auth.login("admin@example.org")
    page = client.get("/admin/templates/ask-prevention-and-training/edit")
    body = page.get_data(as_text=True)
    base = body.split('name="base_revision" type="hidden" value="')[1].split('"')[0]

    saved = client.post(
        "/admin/templates/ask-prevention-and-training/edit",
        data={
            "csrf_token": csrf_token(page),
            "title": "Ask: training",
            "subject": "Training in {{ state.name }}",
            "body": "Dear {{ recipient.title }},\n\nI am your constituent in {{ sender.town }}.\n",
            "note": "",
            "base_revision": base,
            "preview_state": "mo",
            "action": "save",
        },
    )

    assert "line 3: “constituent” claims the writer lives in the lawmaker's district" in text_of(saved)


def make_campaign(auth, target: str = "upper", **fields: object) -> Campaign:
    owner = auth.create("org@example.org", role="organizer")
    framework = featured_framework(db.session)
    values = {
        "slug": "mo-training",
        "title": "Train the adults",
        "state_abbr": "mo",
        "target": target,
        "owner_id": owner.id,
        "goal": 10,
        "created_at": datetime(2026, 11, 1),
        "focus_areas": [a for a in framework.issue_areas if a.slug == "prevention-and-training"],
    }
    values.update(fields)
    campaign = Campaign(**values)
    db.session.add(campaign)
    db.session.commit()
    return campaign


def test_a_campaign_keeps_its_context_from_the_lookup_to_the_letter(client, census, auth):
    missouri_lawmakers()
    make_campaign(auth, target="upper")

    page = client.get("/lookup", query_string={"address": ADDRESS, "campaign": "mo-training"})
    shown = text_of(page)
    assert "You are writing as part of Train the adults , to Missouri lawmakers." in shown
    assert (
        "Senator Ada Senator Senate, district 19 · Republican Yours: found for your address Campaign target"
        in shown
    )
    assert "House of Representatives, district 44 · Democratic Yours: found for your address bo@" in shown
    url = link_with_text(page, "Write to them for this campaign")
    query = parse_qsl(urlsplit(url).query)
    assert ("campaign", "mo-training") in query and [v for k, v in query if k == "to"] == [person_id(1)]
    outside = link_with_text(page, "Write to them outside the campaign")
    assert "campaign" not in outside and person_id(2) in outside

    form = client.get(url)
    shown = text_of(form)
    assert "Part of the campaign Train the adults ." in shown
    assert "Campaign target Yours: found for your address" in shown
    # The campaign's own issues only.
    assert (
        '<option selected value="prevention-and-training">6. Prevention and Training</option></select>'
        in (form.get_data(as_text=True))
    )
    saved = client.post(url, data=letter_fields(form, [person_id(1)], "save"))
    assert saved.status_code == 302
    letter = db.session.scalar(select(Letter))
    campaign = db.session.scalar(select(Campaign))
    assert (letter.campaign_id, letter.is_constituent) == (campaign.id, True)


def test_a_visitor_none_of_whose_lawmakers_is_a_target_is_told_and_offered_both_ways(client, census, auth):
    missouri_lawmakers()
    make_campaign(auth, target="lawmakers", target_legislators=person_id(4))

    page = client.get("/lookup", query_string={"address": ADDRESS, "campaign": "mo-training"})

    shown = text_of(page)
    assert "None of your own lawmakers is one this campaign writes to" in shown
    assert "Write to them for this campaign" not in shown
    mine = link_with_text(page, "Write to my own lawmakers")
    assert "campaign" not in mine and person_id(1) in mine and person_id(2) in mine
    target = link_with_text(page, "Write to Senator Cy Elsewhere")
    assert "campaign=mo-training" in target and person_id(4) in target
    assert "Senator Cy Elsewhere Senate, district 20 Not your own lawmaker" in shown
    form = text_of(client.get(target))
    assert "Campaign target Not found for your address" in form


def test_the_writer_can_email_themselves_the_private_link(app, client, smtp):
    make_legislator(db.session, n=1)
    db.session.commit()
    app.config["BASE_URL"] = "https://advocacy.example.org"
    tracking = save_letter(client, person_id(1), sender_email="pat@example.org")
    page = client.get(tracking)
    assert 'id="email" maxlength="254" name="email" required type="email" value="pat@example.org"' in (
        page.get_data(as_text=True)
    )

    bad = client.post(f"{tracking}/email-link", data={"csrf_token": csrf_token(page), "email": "nope"})
    assert bad.status_code == 400 and "Enter an email address such as name@example.org." in text_of(bad)
    assert smtp == []

    sent = client.post(
        f"{tracking}/email-link", data={"csrf_token": csrf_token(page), "email": "me@example.net"}
    )
    assert "We emailed the link to me@example.net." in text_of(client.get(sent.headers["Location"]))
    [mail] = smtp
    assert mail.recipients == ["me@example.net"]
    assert mail.message["Subject"] == "Your letter to Senator Jordan Example1"
    assert f"https://advocacy.example.org{tracking}" in mail.body


def test_without_a_mail_server_the_link_is_only_shown_to_copy(client, no_csrf):
    make_legislator(db.session, n=1)
    db.session.commit()
    tracking = save_letter(client, person_id(1))

    assert "Email me this link" not in text_of(client.get(tracking))
    refused = client.post(f"{tracking}/email-link", data={"email": "me@example.net"})
    assert "This site cannot send email." in text_of(client.get(refused.headers["Location"]))
