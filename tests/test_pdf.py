"""The letter PDF a writer downloads: every character kept, fonts inside, left-aligned, signature kept."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader
from pypdf.generic import FloatObject, NumberObject
from sqlalchemy import select

from advocacy.extensions import db
from advocacy.models import Letter
from tests.builders import make_legislator
from tests.pages import save_letter, text_of

NAME = "Nguyễn Thị Lan"
ADDRESS = "12 Elm St., Apt 3\nColumbia, MO 65201"
WORDS = (
    "My neighbour 李小龙 asked me to write — and to say “thank you” and ‘please’. 김민준 and カタカナ too."
)
CLOSING = f"Sincerely,\n{NAME}\n{ADDRESS}"


def write_letter(client, body: str | None = None, address: str = ADDRESS, subject: str = "") -> str:
    """A letter saved through the form by a Vietnamese-American writer; its tracking path."""
    senator = make_legislator(db.session, n=1)
    db.session.commit()
    tracking = save_letter(client, senator.id, sender_name=NAME, personal_paragraph=WORDS)
    letter = db.session.scalar(select(Letter))
    letter.sender_address = address
    if body is not None:
        letter.body = body
    if subject:
        letter.subject = subject
    db.session.commit()
    return tracking.split("#")[0]


def download(client, tracking: str) -> PdfReader:
    response = client.get(f"{tracking}/letter.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    return PdfReader(io.BytesIO(response.get_data()))


def pages_text(pdf: PdfReader) -> list[str]:
    return [page.extract_text() for page in pdf.pages]


def fonts_of(pdf: PdfReader) -> dict[str, object]:
    """Each font the pages use, by its PDF name (a subset's name starts with a six-letter tag and "+")."""
    fonts = {}
    for page in pdf.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts[str(font["/BaseFont"])] = font
    return fonts


def test_the_pdf_keeps_every_character_the_writer_typed(client, no_csrf):
    tracking = write_letter(client)

    text = "\n".join(pages_text(download(client, tracking)))

    assert text.startswith(f"{NAME}\n12 Elm St., Apt 3\nColumbia, MO 65201\n")
    assert WORDS in " ".join(text.split())  # as typed, wherever its lines wrap
    for words in ("李小龙", "—", "“thank you”", "‘please’", "김민준", "カタカナ"):
        assert words in text


def test_the_pdf_carries_its_fonts_as_subsets(client, no_csrf):
    tracking = write_letter(client)

    fonts = fonts_of(download(client, tracking))

    assert {re.sub(r"^/[A-Z]{6}\+", "/", name) for name in fonts} >= {
        "/DejaVuSerifBook",
        "/DejaVuSerifBold",
        "/DroidSansFallback",
    }
    for name, font in fonts.items():
        assert re.match(r"^/[A-Z]{6}\+", name), f"{name} is not a subset"
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor, f"{name} is not embedded"


def test_a_letter_in_english_carries_no_cjk_font_and_stays_small(client, no_csrf):
    body = f"Dear Senator Example1,\n\nPlease act.\n\nSincerely,\nPat Doe\n{ADDRESS}"
    tracking = write_letter(client, body=body, subject="Training")

    response = client.get(f"{tracking}/letter.pdf")
    fonts = fonts_of(PdfReader(io.BytesIO(response.get_data())))

    assert not any("DroidSansFallback" in name for name in fonts)
    assert len(response.get_data()) < 60_000


def test_the_pdf_text_is_left_aligned_never_stretched(client, no_csrf):
    tracking = write_letter(client)
    pdf = download(client, tracking)

    # A stretched (justified) line is drawn with word spacing (Tw) or with spacing numbers in a TJ array.
    for operands, operator in pdf.pages[0].get_contents().operations:
        if operator == b"Tw":
            assert float(operands[0]) == 0
        if operator == b"TJ":
            assert not any(isinstance(part, NumberObject | FloatObject) for part in operands[0])

    starts: dict[str, float] = {}

    def line_start(text, cm, tm, font, size):
        if text.strip():
            starts.setdefault(text.strip(), tm[4] + cm[4])

    pdf.pages[0].extract_text(visitor_text=line_start)
    margin = starts["Dear Senator Example1,"]
    body_lines = [line for line in starts if line.startswith(("Re:", "Whether", "My neighbour"))]
    assert body_lines
    assert {round(starts[line]) for line in body_lines} == {round(margin)}


def test_a_long_letter_keeps_the_closing_on_the_page_with_the_writers_last_words(client, no_csrf):
    tracking = write_letter(client, subject="Training")
    letter = db.session.scalar(select(Letter))
    pages_seen = set()
    # Letters a little shorter and a little longer than one page: the closing falls across the break.
    for points in range(12, 19):
        letter.body = "\n\n".join(
            [
                "Dear Senator Example1,",
                *(f"Point {n}: training for every caseworker." for n in range(1, points + 1)),
                "Thank you for reading this far.\nI would be grateful for a reply.",
                CLOSING,
            ]
        )
        db.session.commit()

        pages = pages_text(download(client, tracking))

        pages_seen.add(len(pages))
        last = pages[-1]
        assert "Sincerely," in last
        assert f"Sincerely,\n{NAME}\n12 Elm St., Apt 3\nColumbia, MO 65201" in last
        assert "I would be grateful for a reply.\nSincerely," in last
    assert pages_seen == {1, 2}


def test_the_pdf_names_its_language_title_and_writer_and_is_tagged(client, no_csrf):
    tracking = write_letter(client, subject="Training — now")

    pdf = download(client, tracking)

    catalog = pdf.trailer["/Root"]
    assert catalog["/Lang"] == "en"
    assert pdf.metadata.title == "Letter to Senator Jordan Example1"
    assert pdf.metadata.subject == "Training — now"
    assert pdf.metadata.author == NAME
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"]
    assert catalog["/MarkInfo"]["/Marked"]
    document = catalog["/StructTreeRoot"]["/K"]
    document = document[0].get_object() if isinstance(document, list) else document.get_object()
    kinds = [str(element.get_object()["/S"]) for element in document["/K"]]
    assert kinds[:5] == ["/P", "/P", "/P", "/H1", "/P"]


def test_the_printable_letter_shows_the_postal_address_under_a_heading(client, no_csrf):
    tracking = write_letter(client)

    page = client.get(f"{tracking}/print")
    html = page.get_data(as_text=True)

    assert f"{NAME} 12 Elm St., Apt 3 Columbia, MO 65201" in text_of(page)
    assert re.search(r"<h1[^>]*>Letter to Senator Jordan Example1</h1>", html)
    assert "<main>" in html
    assert "李小龙 asked me to write — and to say “thank you”" in text_of(page)


def test_the_printable_letter_without_an_address_names_the_town(client, no_csrf):
    tracking = write_letter(client, address="")

    assert f"{NAME} Columbia, Missouri" in text_of(client.get(f"{tracking}/print"))
