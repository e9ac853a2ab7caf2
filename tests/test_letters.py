"""A citizen goes from a failing grade to a letter to their own lawmaker, and every way it can go wrong."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from sqlalchemy import func, select

from advocacy.extensions import db
from advocacy.models import IssueArea, Letter, LetterTemplate, TemplateRevision
from tests.builders import make_legislator
from tests.pages import csrf_token, link_with_text, save_letter, text_of

PERSONAL = "I volunteer with young people in Columbia & I want them safe <always>."


def letter_form(token: str, recipient_ids: list[str], action: str = "preview", **overrides):
    form = {
        "csrf_token": token,
        "area": "identification-and-response",
        "to": recipient_ids,
        "sender_name": "Pat Doe",
        "sender_town": "Columbia",
        "sender_email": "pat@example.org",
        "personal_paragraph": PERSONAL,
        "action": action,
        "variant": "ask",
    }
    form.update(overrides)
    return form


def count_letters() -> int:
    return db.session.scalar(select(func.count()).select_from(Letter))


def test_citizen_journey_from_state_page_to_a_sent_letter(client):
    senator = make_legislator(db.session, n=19, name="Jane Roe", family_name="Roe", district="19")
    db.session.commit()

    state_page = client.get("/states/mo")
    assert "Missouri received a grade of F in Shared Hope International's 2023" in text_of(state_page)
    # Address first: writing about a weak area starts with finding the writer's own lawmakers.
    # "Write about this" chooses the area in the page's one address box, which sends it along.
    write = link_with_text(state_page, "Write about this")
    assert write == "/states/mo?area=identification-and-response#lookup"
    chosen = client.get(write.split("#")[0]).get_data(as_text=True)
    assert '<option value="identification-and-response" selected>' in chosen
    write = "/lookup?state=mo&area=identification-and-response"  # the box's fields, before the address
    lookup = text_of(client.get(write))
    assert "write to them about identification of and response to victims" in lookup
    list_link = link_with_text(client.get(write), "choose Missouri lawmakers from a list")
    assert list_link == "/letters/new?state=mo&area=identification-and-response"

    # The second route: a lawmaker chosen from the list, who was not found for the writer's address.
    url = f"{list_link}&to={senator.id}"
    form_page = client.get(url)
    assert form_page.status_code == 200
    assert "Senator Jane Roe Senate, district 19 Not found for your address" in text_of(form_page)
    assert "Offices answer their own constituents first." in text_of(form_page)

    preview = client.post(url, data=letter_form(csrf_token(form_page), [senator.id]))
    shown = text_of(preview)
    assert "Dear Senator Roe," in shown
    assert "I live in Columbia, Missouri. I am writing to ask you" in shown
    assert "constituent" not in shown.split("Dear Senator Roe,")[1]  # no claim the lookup did not make
    assert "your district" not in shown
    assert "Missouri received a grade of F" in shown
    assert 'Missouri\'s 2022 report card listed "Identification of and Response to Victims"' in shown
    assert "among the areas where Missouri scored lowest" in shown
    assert PERSONAL in shown  # escaped on the page, shown as typed
    assert "<always>" not in preview.get_data(as_text=True)
    assert count_letters() == 0  # a preview stores nothing

    saved = client.post(url, data=letter_form(csrf_token(preview), [senator.id], action="save"))
    assert saved.status_code == 302
    tracking_url = saved.headers["Location"].split("#")[0]
    assert tracking_url.startswith("/letters/")

    letter = db.session.scalar(select(Letter))
    assert (letter.status, letter.is_constituent) == ("draft", False)
    assert letter.legislator_id == senator.id
    assert PERSONAL in letter.body
    assert letter.revision.template.slug == "ask-identification-and-response"

    tracking = client.get(tracking_url)
    assert "Not sent yet" in text_of(tracking)
    mailto = link_with_text(tracking, "Open in your email app")
    parts = urlsplit(mailto)
    assert parts.scheme == "mailto"
    assert unquote(parts.path) == "jordan19@senate.example.gov"
    query = parse_qs(parts.query, keep_blank_values=True)
    assert query["subject"] == [letter.subject]
    assert query["body"][0].replace("\r\n", "\n") == letter.body
    gmail = parse_qs(urlsplit(link_with_text(tracking, "Open in Gmail")).query)
    assert gmail["su"] == [letter.subject] and gmail["body"] == [letter.body]
    outlook = parse_qs(urlsplit(link_with_text(tracking, "Open in Outlook.com")).query)
    assert outlook["subject"] == [letter.subject] and outlook["body"] == [letter.body]
    assert "This letter is long" not in text_of(tracking)  # an ordinary letter fits an email link

    sent = client.post(f"{tracking_url}/sent", data={"csrf_token": csrf_token(tracking), "channel": "email"})
    assert sent.status_code == 302
    after = text_of(client.get(tracking_url))
    today = datetime.now(UTC).date()
    assert f"Sent by email (you said so) on {today:%B} {today.day}, {today.year}" in after
    assert "Mark as sent" not in after
    assert "Send again another way" in after
    db.session.refresh(letter)
    assert (letter.status, letter.channel) == ("sent", "email")


def batch_list(page) -> list[str]:
    """The list of a visit's letters, each item's text as read aloud."""
    items = re.findall(r'<li class="batch-letter">(.*?)</li>', page.get_data(as_text=True), flags=re.S)
    return [" ".join(re.sub(r"<[^>]+>", "", item).split()) for item in items]


def test_one_letter_per_recipient_on_one_page_each_with_its_own_link(client, no_csrf):
    senator = make_legislator(db.session, n=1)
    rep = make_legislator(db.session, n=2, chamber="lower", district="44", email="")
    db.session.commit()

    saved = client.post(
        f"/letters/new?state=mo&to={senator.id}&to={rep.id}",
        data=letter_form("", [senator.id, rep.id], action="save"),
    )

    letters = db.session.scalars(select(Letter).order_by(Letter.id)).all()
    assert [le.legislator_id for le in letters] == [senator.id, rep.id]
    assert letters[0].token != letters[1].token
    assert "Dear Senator Example1," in letters[0].body
    assert "Dear Representative Example2," in letters[1].body
    assert saved.headers["Location"] == f"/letters/batch/{letters[0].batch}#main"
    batch = client.get(saved.headers["Location"])
    shown = text_of(batch)
    # One letter at a time: the first to send on top, with its main button; the rest listed in words.
    assert "Send your 2 letters" in shown
    assert "Letter 1 of 2: Senator Jordan Example1 Senate, district 1 Not sent yet" in shown
    assert "Letter 2 of 2" not in shown
    assert batch_list(batch) == [
        "Senator Jordan Example1: not sent yet",
        "Representative Jordan Example2: not sent yet",
    ]
    assert shown.count("Mark as sent") == 1
    assert "send it from this site" not in shown.lower()  # this site has no mail server here
    own_pages = re.findall(r'class="batch-letter"><a href="(/letters/[\w-]+)">', batch.get_data(as_text=True))
    assert own_pages == [f"/letters/{letters[0].token}", f"/letters/{letters[1].token}"]

    # Once the first is sent, the second comes up; marked from this page, the writer stays here.
    marked = client.post(f"/letters/{letters[0].token}/sent", data={"channel": "email", "back": "batch"})
    assert marked.headers["Location"] == f"/letters/batch/{letters[0].batch}#main"
    page = client.get(marked.headers["Location"])
    shown = text_of(page)
    assert "Letter 2 of 2: Representative Jordan Example2 House of Representatives, district 44" in shown
    assert "Representative Jordan Example2 has no published email address." in shown
    assert batch_list(page)[0] == "Senator Jordan Example1: sent (you said so)"
    client.post(f"/letters/{letters[1].token}/sent", data={"channel": "print", "back": "batch"})
    page = client.get(marked.headers["Location"])
    assert "All 2 letters are sent or on their way." in text_of(page)
    assert batch_list(page)[1] == "Representative Jordan Example2: sent (you said so)"
    assert "Mark as sent" not in text_of(page)
    first = client.get(f"/letters/{letters[0].token}")
    assert link_with_text(first, "see and send all 2 on one page") == f"/letters/batch/{letters[0].batch}"


def test_an_unknown_batch_link_is_a_404(client):
    page = client.get("/letters/batch/not-a-batch")

    assert page.status_code == 404
    assert "No letters have this link" in text_of(page)


def test_weakest_area_is_chosen_when_the_link_names_none(client):
    make_legislator(db.session, n=1)
    db.session.commit()

    page = client.get("/letters/new?state=mo")

    body = page.get_data(as_text=True)
    assert '<option selected value="identification-and-response">' in body


def test_a_state_with_no_findings_asks_the_citizen_to_choose(client):
    make_legislator(db.session, n=1, state_abbr="wy")
    db.session.commit()

    page = client.get("/letters/new?state=wy")

    assert '<option selected value="">Choose an issue…</option>' in page.get_data(as_text=True)


def test_missing_fields_show_the_form_again_with_errors_and_store_nothing(client, no_csrf):
    senator = make_legislator(db.session, n=1)
    db.session.commit()

    page = client.post(
        f"/letters/new?state=mo&to={senator.id}",
        data=letter_form(
            "",
            [senator.id],
            action="save",
            sender_name="",
            sender_town="  ",
            sender_email="not-an-email",
        ),
    )

    shown = text_of(page)
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "There is a problem" in shown
    # The summary links each message to its field, so a keyboard or screen-reader user gets there.
    assert '<a href="#sender_name">Enter your name: offices answer letters that are signed.</a>' in body
    assert '<a href="#sender_town">Enter your town or city so the office knows where you live.</a>' in body
    assert '<a href="#sender_email">Enter an email address such as name@example.org.</a>' in body
    assert 'id="sender_name"' in body and 'aria-invalid="true"' in body
    assert count_letters() == 0


def test_a_recipient_and_an_area_must_be_chosen(client, no_csrf):
    make_legislator(db.session, n=1)
    db.session.commit()

    page = client.post("/letters/new?state=wy", data=letter_form("", [], action="save", area=""))

    assert "Choose at least one lawmaker to write to." in text_of(page)
    assert '<a href="#recipients">Choose at least one lawmaker' in page.get_data(as_text=True)
    assert "Choose the issue your letter is about." in text_of(page)
    assert count_letters() == 0


def test_a_tampered_recipient_is_refused_not_a_crash(client, no_csrf):
    senator = make_legislator(db.session, n=1)
    db.session.commit()

    page = client.post(
        f"/letters/new?state=mo&to={senator.id}",
        data=letter_form("", [senator.id, "ocd-person/forged"], action="save"),
    )

    assert page.status_code == 200
    assert "'ocd-person/forged' is not a valid choice" in text_of(page)
    assert count_letters() == 0


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ("state=zz", 404, "There is no state with the postal code 'ZZ'."),
        ("state=mo&area=9", 400, "There is no issue area '9'"),
        ("state=mo&to=ocd-person/nobody", 404, "No sitting Missouri lawmaker has the id"),
    ],
)
def test_bad_links_to_the_letter_form_explain_themselves(client, query, status, message):
    page = client.get(f"/letters/new?{query}")

    assert page.status_code == status
    assert message in text_of(page)


def test_the_letter_form_without_a_state_starts_with_the_address(client):
    page = client.get("/letters/new?area=prevention-and-training")

    assert page.status_code == 302
    assert page.headers["Location"] == "/lookup?area=prevention-and-training"
    assert "write to them about prevention and training" in text_of(client.get(page.headers["Location"]))


def test_a_lawmaker_of_another_state_cannot_be_addressed(client):
    kansan = make_legislator(db.session, n=3, state_abbr="ks")
    db.session.commit()

    page = client.get(f"/letters/new?state=mo&to={kansan.id}")

    assert page.status_code == 404


def test_a_template_with_an_undefined_variable_never_yields_half_a_letter(client, no_csrf):
    senator = make_legislator(db.session, n=1)
    template = db.session.scalar(
        select(LetterTemplate).where(LetterTemplate.slug == "ask-identification-and-response")
    )
    broken = TemplateRevision(
        title="Broken",
        subject="Subject",
        body="Dear {{ recipient.title }},\n\n{{ recipient.shoe_size }}\n",
        created_at=datetime.now(UTC).replace(tzinfo=None),
    )
    template.revisions.append(broken)
    db.session.commit()
    try:
        page = client.post(
            f"/letters/new?state=mo&to={senator.id}",
            data=letter_form("", [senator.id], action="save"),
        )
        shown = text_of(page)
        assert "The letter template cannot be used" in shown
        assert "shoe_size" in shown
        assert "Dear Senator" not in shown
        assert count_letters() == 0
    finally:
        db.session.delete(broken)
        db.session.commit()


def test_posting_without_a_csrf_token_is_refused(client):
    senator = make_legislator(db.session, n=1)
    db.session.commit()

    page = client.post(
        f"/letters/new?state=mo&to={senator.id}", data=letter_form("", [senator.id], action="save")
    )

    assert page.status_code == 400
    assert "CSRF" in text_of(page)
    assert "Go back, reload the page and send it again" in text_of(page)
    assert count_letters() == 0


def test_the_writer_can_delete_their_letter_after_saying_so(client, no_csrf):
    senator = make_legislator(db.session, n=1)
    db.session.commit()
    tracking = save_letter(client, senator.id)

    asked = client.get(link_with_text(client.get(tracking), "Delete this letter"))
    assert "Delete your letter to Senator Jordan Example1?" in text_of(asked)
    assert count_letters() == 1  # asking deletes nothing
    assert link_with_text(asked, "No, keep it") == tracking
    deleted = client.post(f"{tracking}/delete")

    assert deleted.status_code == 302
    assert count_letters() == 0
    assert client.get(tracking).status_code == 404


def test_an_unknown_tracking_link_is_a_404(client):
    page = client.get("/letters/not-a-real-token")

    assert page.status_code == 404
    assert "No letter has this tracking link" in text_of(page)


def test_marking_sent_needs_a_known_channel(client, no_csrf):
    senator = make_legislator(db.session, n=1)
    db.session.commit()
    tracking = save_letter(client, senator.id)

    client.post(f"{tracking}/sent", data={"channel": "carrier-pigeon"})

    assert db.session.scalar(select(Letter.status)) == "draft"


def test_print_view_has_the_postal_address_and_the_letter(client, no_csrf):
    senator = make_legislator(
        db.session, n=1, capitol_address="", district_address="12 Main St, Hannibal, MO"
    )
    db.session.commit()
    tracking = save_letter(client, senator.id)

    printed = text_of(client.get(f"{tracking}/print"))

    assert "Senator Jordan Example1 12 Main St, Hannibal, MO" in printed
    assert "Dear Senator Example1," in printed
    assert "Sincerely, Pat Doe Columbia, Missouri" in printed


def test_a_lawmaker_without_email_is_offered_post_and_phone(client, no_csrf):
    senator = make_legislator(db.session, n=1, email="")
    db.session.commit()
    tracking = save_letter(client, senator.id)

    page = text_of(client.get(tracking))

    assert (
        "has no published email address. Print the letter and post it, or call the office at 573-555-0100"
        in page
    )
    assert "Open in your email app" not in page


def test_every_area_has_an_ask_template(app):
    areas = db.session.scalars(select(IssueArea).where(IssueArea.number.is_not(None))).all()
    featured = [a for a in areas if a.framework.featured]
    slugs = {
        a.number: db.session.scalar(
            select(LetterTemplate.slug).where(
                LetterTemplate.issue_area_id == a.id, LetterTemplate.purpose == "ask"
            )
        )
        for a in featured
    }
    assert sorted(slugs) == [1, 2, 3, 4, 5, 6]
    assert all(slugs.values())


def test_a_thank_you_or_follow_up_letter_can_be_chosen(client, no_csrf):
    senator = make_legislator(db.session, n=1)
    db.session.commit()

    thanks = client.post(
        f"/letters/new?state=mo&to={senator.id}", data=letter_form("", [senator.id], variant="thank-you")
    )
    follow_up = client.post(
        f"/letters/new?state=mo&to={senator.id}", data=letter_form("", [senator.id], variant="follow-up")
    )

    assert "Thank you for standing up for children in Missouri" in text_of(thanks)
    assert "I have not yet heard back" in text_of(follow_up)


def test_the_preview_says_what_to_do_when_the_letter_is_mostly_the_template(client, no_csrf):
    senator = make_legislator(db.session, n=1)
    db.session.commit()
    url = f"/letters/new?state=mo&to={senator.id}"

    bare = client.post(url, data=letter_form("", [senator.id], personal_paragraph=""))
    little = text_of(client.post(url, data=letter_form("", [senator.id], personal_paragraph="It matters.")))
    own = text_of(
        client.post(
            url, data=letter_form("", [senator.id], personal_paragraph=" ".join(["My own words."] * 40))
        )
    )

    assert "Your letter has no words of your own yet." in text_of(bare)
    assert "add a sentence or two in your own words , then preview again" in text_of(bare)
    assert link_with_text(bare, "in your own words") == "#personal_paragraph"
    assert "Most of this letter is still the template's wording" in little
    assert "Add a few more sentences in your own words to make it yours." in little
    for nudge in ("no words of your own yet", "Most of this letter is still the template's wording"):
        assert nudge not in own
    assert "%" not in own.split("Preview")[-1].split("To Senator")[0]  # no bare percentage


def test_the_letter_downloads_as_a_pdf(client, no_csrf):
    senator = make_legislator(db.session, n=1)
    db.session.commit()
    tracking = save_letter(client, senator.id, personal_paragraph="Curly “quotes” – and é.")

    pdf = client.get(f"{tracking}/letter.pdf")

    assert pdf.status_code == 200
    assert pdf.mimetype == "application/pdf"
    assert pdf.get_data().startswith(b"%PDF-")
    assert pdf.headers["Content-Disposition"] == 'attachment; filename="letter.pdf"'


def test_the_phone_script_has_the_office_numbers_and_the_writers_details(client, no_csrf):
    senator = make_legislator(db.session, n=1, district_voice="573-555-0199")
    db.session.commit()
    tracking = save_letter(client, senator.id)

    shown = text_of(client.get(f"{tracking}/phone"))

    assert "Capitol office: 573-555-0100 District office: 573-555-0199" in shown
    # Chosen from the list, not found by address: the script makes no claim to be a constituent.
    assert "Hello, my name is Pat Doe and I live in Columbia, Missouri." in shown
    assert "constituent" not in shown
    assert "In Shared Hope International's 2023 report cards, Missouri received a grade of F." in shown


def test_the_tracking_page_speaks_plainly(client, no_csrf):
    senator = make_legislator(db.session, n=1)
    db.session.commit()
    tracking = save_letter(client, senator.id)

    shown = text_of(client.get(tracking))
    today = datetime.now(UTC).date()
    assert f"Written on {today:%B} {today.day}, {today.year}, about Prevention and Training." in shown
    letter = db.session.scalar(select(Letter))
    assert "revision" not in shown.lower() and str(letter.revision_id) not in shown.split("Written on")[1]
    assert "draft" not in shown.lower()
    assert "Not sent yet" in shown


def test_the_private_link_is_shown_to_copy_and_copy_takes_the_subject_too(client, no_csrf):
    senator = make_legislator(db.session, n=1)
    db.session.commit()
    tracking = save_letter(client, senator.id)

    body = client.get(tracking).get_data(as_text=True)

    assert re.search(
        rf'<input id="private-link-url" type="text" readonly value="http://localhost{tracking}">', body
    )
    assert 'data-copy-target="private-link-url"' in body
    assert 'data-copy-target="letter-text" data-copy-subject="letter-subject"' in body


def test_a_long_letter_offers_a_blank_email_to_paste_into(client, no_csrf):
    senator = make_legislator(db.session, n=1)
    db.session.commit()
    # Letters outside ASCII grow most when encoded for an email link.
    tracking = save_letter(client, senator.id, personal_paragraph="Été " * 749)

    page = client.get(tracking)

    assert "This letter is long, and some email apps cut long letters short." in text_of(page)
    assert link_with_text(page, "a new email to jordan1@senate.example.gov").startswith(
        "mailto:jordan1@senate.example.gov?subject="
    )
