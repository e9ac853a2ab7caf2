"""The letter as a PDF for the post: sender, date, the lawmaker's address block, the text, the signature."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from functools import cache
from pathlib import Path

from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.enums import MethodReturnValue
from fpdf.prefs import ViewerPreferences
from fpdf.structure_tree import StructureTreeBuilder

from advocacy.dates import long_date
from advocacy.models import Letter

# Shipped with the package (see fonts/README.md): never the system's, so every install prints alike.
FONTS = Path(__file__).parent / "fonts"
MAIN_FONT = "DejaVuSerif"
MAIN_FILES = {"": "DejaVuSerif.ttf", "B": "DejaVuSerif-Bold.ttf"}
# Tried in order for a character the main font lacks: CJK names, then emoji and symbols.
FALLBACK_FONTS = {"DroidSansFallback": "DroidSansFallback.ttf", "Symbola": "Symbola.ttf"}

FONT_SIZE = 12
LINE = 16  # points from one baseline to the next
GAP = 10  # points between paragraphs
MARGIN = 72  # one inch all round, as a letter on paper has
# Lines of the paragraph before the closing that travel with it onto a new page, so the closing
# and signature never stand alone at the top of a page.
LINES_KEPT_WITH_CLOSING = 2

# Tagging reaches into fpdf2's structure tree, which it fills only for images and links; an fpdf2
# without these internals still gets an untagged, readable letter.
_CAN_TAG = all(hasattr(FPDF, name) for name in ("_out", "_add_marked_content")) and hasattr(
    StructureTreeBuilder, "next_mcid_for_page"
)


class _LetterPDF(FPDF):
    """An FPDF whose text blocks are tagged paragraphs, so a screen reader reads the letter in order."""

    def __init__(self) -> None:
        super().__init__(format="Letter", unit="pt")
        self._open_tag = ""

    @contextmanager
    def tagged(self, struct_type: str = "P") -> Iterator[None]:
        """Everything drawn inside is one structure element of this type (P, H1…)."""
        self._open_tag = struct_type
        self._begin_marked_content()
        try:
            yield
        finally:
            self._end_marked_content()
            self._open_tag = ""

    def _begin_marked_content(self) -> None:
        if not _CAN_TAG:
            return
        mcid = self.struct_builder.next_mcid_for_page(self.page)
        self._add_marked_content(struct_type=f"/{self._open_tag}", mcid=mcid)
        self._out(f"/{self._open_tag} <</MCID {mcid}>> BDC")

    def _end_marked_content(self) -> None:
        if _CAN_TAG:
            self._out("EMC")

    # fpdf2 calls footer() before a page break and header() after it. Marked content may not cross
    # a page, so a block that breaks is closed on one page and goes on as a new element on the next.
    def footer(self) -> None:
        if self._open_tag:
            self._end_marked_content()

    def header(self) -> None:
        if self._open_tag:
            self._begin_marked_content()

    def lines_of(self, text: str) -> list[str]:
        """The lines `text` wraps to at the full text width, without drawing anything."""
        return self.multi_cell(self.epw, LINE, text, align="L", dry_run=True, output=MethodReturnValue.LINES)

    def block(self, text: str, align: str = "L") -> None:
        self.multi_cell(self.epw, LINE, text, align=align, new_x="LMARGIN", new_y="NEXT")


def _plain(text: str) -> str:
    """The writer's text as typed, composed (NFC) so accents print as one glyph, with tabs as spaces."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
    return unicodedata.normalize("NFC", text)


def _paragraphs(body: str) -> list[str]:
    return [p.strip("\n") for p in re.split(r"\n[ \t]*\n", _plain(body).strip()) if p.strip()]


def _closing_start(paragraphs: list[str]) -> int:
    """Where the closing begins: the last paragraph, with a lone "Sincerely," line kept before it."""
    start = len(paragraphs) - 1
    previous = paragraphs[start - 1] if start > 0 else ""
    if previous and "\n" not in previous and previous.rstrip().endswith(",") and len(previous) <= 40:
        start -= 1
    return max(start, 0)


def sender_lines(letter: Letter) -> list[str]:
    """The sender block: the writer's name, then their postal address if given, else town and state."""
    place = _plain(letter.sender_address).strip()
    if not place:
        place = ", ".join(part for part in (_plain(letter.sender_town).strip(), letter.state.name) if part)
    return [line for line in (_plain(letter.sender_name).strip(), *place.split("\n")) if line.strip()]


def letter_pdf(letter: Letter, today: date) -> bytes:
    person = letter.legislator
    recipient = f"{person.title} {person.name}"
    address = person.postal_address or f"{person.chamber_name}, district {person.district}"
    sender = "\n".join(sender_lines(letter))
    subject = _plain(letter.subject)
    paragraphs = _paragraphs(letter.body)

    pdf = _LetterPDF()
    pdf.add_font(MAIN_FONT, fname=FONTS / MAIN_FILES[""])
    pdf.add_font(MAIN_FONT, style="B", fname=FONTS / MAIN_FILES["B"])
    fallbacks = fallback_fonts_for("".join((sender, recipient, address, subject, *paragraphs)))
    for name in fallbacks:
        pdf.add_font(name, fname=FONTS / FALLBACK_FONTS[name])
    # exact_match=False: the bold subject line may borrow the regular CJK or emoji glyphs.
    pdf.set_fallback_fonts(fallbacks, exact_match=False)

    pdf.set_lang("en")
    pdf.set_title(f"Letter to {recipient}")
    pdf.set_subject(subject)
    if letter.sender_name:
        pdf.set_author(_plain(letter.sender_name))
    pdf.set_creator("Advocacy")
    pdf.viewer_preferences = ViewerPreferences(display_doc_title=True)

    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(auto=True, margin=MARGIN)
    pdf.add_page()
    pdf.set_font(MAIN_FONT, size=FONT_SIZE)
    with pdf.tagged():
        pdf.block(sender, align="R")
    pdf.ln(GAP)
    with pdf.tagged():
        pdf.block(long_date(today))
    pdf.ln(GAP)
    with pdf.tagged():
        pdf.block(f"{recipient}\n{address}")
    pdf.ln(GAP)
    pdf.set_font(MAIN_FONT, style="B", size=FONT_SIZE)
    with pdf.tagged("H1"):
        pdf.block(f"Re: {subject}")
    pdf.set_font(MAIN_FONT, size=FONT_SIZE)
    pdf.ln(GAP)
    _write_body(pdf, paragraphs)
    return bytes(pdf.output())


@cache
def _characters_in(file: str) -> frozenset[int]:
    with TTFont(FONTS / file, lazy=True) as font:
        return frozenset(font.getBestCmap())


def fallback_fonts_for(text: str) -> list[str]:
    """The fallback fonts that have a character `text` needs and the main font lacks, in order.

    Reading a font costs more than drawing a letter (the CJK one has 50,000 glyphs), so a letter
    loads only the fonts it uses.
    """
    main = _characters_in(MAIN_FILES[""]) & _characters_in(MAIN_FILES["B"])
    missing = {ord(character) for character in text if not character.isspace()} - main
    chosen = []
    for name, file in FALLBACK_FONTS.items():
        if covered := missing & _characters_in(file):
            chosen.append(name)
            missing -= covered
    return chosen


def _write_body(pdf: _LetterPDF, paragraphs: list[str]) -> None:
    """The letter's paragraphs, left-aligned, with the closing kept together and never alone on a page."""
    if not paragraphs:
        return
    closing_at = _closing_start(paragraphs)
    closing = paragraphs[closing_at:]
    for paragraph in paragraphs[: max(closing_at - 1, 0)]:
        with pdf.tagged():
            pdf.block(paragraph)
        pdf.ln(GAP)

    # The closing and the last lines of the paragraph before it go to a new page together if
    # they would not fit on this one.
    lead: list[str] = pdf.lines_of(paragraphs[closing_at - 1]) if closing_at > 0 else []
    carried = lead[-LINES_KEPT_WITH_CLOSING:]
    closing_height = sum(len(pdf.lines_of(p)) * LINE for p in closing) + GAP * (len(closing) - 1)
    needed = len(carried) * LINE + (GAP if carried else 0) + closing_height
    if lead:
        with pdf.tagged():
            if len(lead) > len(carried):
                pdf.block("\n".join(lead[: -len(carried)]))
            if pdf.get_y() + needed > pdf.page_break_trigger:
                pdf.add_page()
            pdf.block("\n".join(carried))
        pdf.ln(GAP)
    elif pdf.get_y() + needed > pdf.page_break_trigger:
        pdf.add_page()
    for index, paragraph in enumerate(closing):
        if index:
            pdf.ln(GAP)
        with pdf.tagged():
            pdf.block(paragraph)
