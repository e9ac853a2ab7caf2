"""The letter as a one-page PDF for the post: sender, date, the lawmaker's address block, the text."""

from __future__ import annotations

from datetime import date

from fpdf import FPDF

from advocacy.models import Letter

# The PDF's built-in fonts cover Latin-1 only; these common characters have close stand-ins.
STAND_INS = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-", "…": "...", "•": "-"})


def _latin1(text: str) -> str:
    return text.translate(STAND_INS).encode("latin-1", errors="replace").decode("latin-1")


def letter_pdf(letter: Letter, today: date) -> bytes:
    person = letter.legislator
    pdf = FPDF(format="Letter", unit="pt")
    pdf.set_margins(72, 72, 72)
    pdf.set_auto_page_break(auto=True, margin=72)
    pdf.add_page()
    pdf.set_title(_latin1(f"Letter to {person.title} {person.name}"))
    pdf.set_font("Times", size=12)
    width = pdf.epw
    sender = "\n".join(
        part for part in (letter.sender_name, f"{letter.sender_town}, {letter.state.name}") if part
    )
    pdf.multi_cell(width, 16, _latin1(sender), align="R")
    pdf.ln(12)
    pdf.multi_cell(width, 16, today.strftime("%B %-d, %Y"))
    pdf.ln(12)
    address = person.postal_address or f"{person.chamber_name}, district {person.district}"
    pdf.multi_cell(width, 16, _latin1(f"{person.title} {person.name}\n{address}"))
    pdf.ln(12)
    pdf.set_font("Times", style="B", size=12)
    pdf.multi_cell(width, 16, _latin1(f"Re: {letter.subject}"))
    pdf.ln(8)
    pdf.set_font("Times", size=12)
    pdf.multi_cell(width, 16, _latin1(letter.body))
    return bytes(pdf.output())
