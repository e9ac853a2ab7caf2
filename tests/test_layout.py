"""The site-wide layout: the editions chooser, address first, "How we know", tile names, contrast."""

from __future__ import annotations

import html
import itertools
import re
from pathlib import Path

from tests.builders import JURISDICTIONS
from tests.pages import link_with_text

CSS = Path(__file__).resolve().parent.parent / "static" / "css" / "site.css"


def body_of(client, url: str) -> str:
    answer = client.get(url)
    assert answer.status_code == 200, url
    return answer.get_data(as_text=True)


def plain(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def chooser(body: str) -> str:
    match = re.search(r'<form class="editions".*?</form>', body, re.S)
    assert match, "the page has no editions chooser"
    return match.group(0)


def test_the_editions_chooser_lists_every_edition_by_framework_and_selects_the_current_one(client):
    form = chooser(body_of(client, "/national?edition=2016"))

    assert 'method="get" action="/national"' in form
    groups = re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', form, re.S)
    assert [label for label, _ in groups] == [
        "Just Like Me (2025)",
        "Report Cards (2021–2023)",
        "Protected Innocence Challenge (2011–2019)",
    ]
    years = {label: re.findall(r'<option value="(\d{4})"', options) for label, options in groups}
    assert years["Report Cards (2021–2023)"] == ["2023", "2022", "2021"]
    assert years["Protected Innocence Challenge (2011–2019)"] == [str(y) for y in range(2019, 2010, -1)]
    assert re.findall(r'<option value="(\d{4})" selected>', form) == ["2016"]
    assert re.search(r'<label for="([^"]+)">Report card year</label>\s*<select id="\1" name="edition">', form)
    assert '<button type="submit">Show</button>' in form


def test_the_state_page_chooser_keeps_the_state(client):
    form = chooser(body_of(client, "/states/mo?edition=2022"))

    assert 'action="/states/mo"' in form
    assert re.findall(r'<option value="(\d{4})" selected>', form) == ["2022"]
    # Only the editions Missouri has a card for.
    assert "2025" not in form


def test_every_write_link_on_the_state_page_leads_to_its_own_address_box_with_its_area(client):
    page = client.get("/states/mo")
    body = page.get_data(as_text=True)

    writes = [
        html.unescape(href)
        for href, inner in re.findall(r'<a [^>]*href="([^"]+)"[^>]*>(.*?)</a>', body, re.S)
        if plain(inner).startswith("Write")
    ]
    assert len(writes) == 3 + 6  # the three weakest areas, then every area but extra credit
    assert all(re.fullmatch(r"/states/mo\?area=[a-z-]+#lookup", href) for href in writes), writes
    assert link_with_text(page, "Write about this: Identification of and Response to Victims") == (
        "/states/mo?area=identification-and-response#lookup"
    )
    # That link's page: the one address box, with the area chosen, sends it with the address.
    chosen = body_of(client, "/states/mo?area=access-to-justice")
    form = re.search(r'<form class="address-form"[^>]*action="/lookup".*?</form>', chosen, re.S).group(0)
    assert chosen.count('name="address"') == 1
    assert re.search(r'<option value="access-to-justice" selected>', form)
    assert '<select id="lookup-area" name="area">' in form
    assert client.get("/states/mo?area=no-such-area").status_code == 400


def test_the_address_lookup_comes_right_after_the_grade(client):
    page = client.get("/states/mo")
    body = page.get_data(as_text=True)

    form = re.search(r'<form class="address-form"[^>]*action="/lookup".*?</form>', body, re.S).group(0)
    assert '<input type="hidden" name="state" value="mo">' in form
    assert 'name="address"' in form and "Find my lawmakers" in form
    assert (
        body.index("received a grade of")
        < body.index('action="/lookup"')
        < body.index("Where the law is weakest")
    )
    assert link_with_text(page, "Or choose from every Missouri lawmaker") == "/states/mo/legislators"


def test_a_place_without_a_report_card_also_starts_with_the_lookup_and_keeps_heading_order(client):
    body = body_of(client, "/states/pr")

    assert body.index('action="/lookup"') < body.index("Choose an issue area")
    levels = [int(level) for level in re.findall(r"<h([1-6])\b", body.split('<main id="main"')[1])]
    assert levels[0] == 1
    assert all(later - earlier <= 1 for earlier, later in itertools.pairwise(levels)), levels


def how_we_know(body: str) -> list[str]:
    """The text of every "How we know" disclosure, summary included."""
    return [plain(d) for d in re.findall(r'<details class="how-we-know">(.*?)</details>', body, re.S)]


def test_how_we_know_holds_the_basis_of_each_weakest_area_in_plain_words(client):
    body = body_of(client, "/states/mo")

    notes = how_we_know(body)
    basis = [n for n in notes if "What was published" in n or "From what was published" in n]
    assert len(basis) == 3
    assert basis[0] == (
        "How we know : Identification of and Response to Victims "
        "From what was published about the 2022 report card: its area scores are not known here. "
        "The 2023 report card does not say which areas are weakest, so we use the newest one "
        "from the same set that does. Source: Shared Hope International, 2022 Report Cards on "
        "Child & Youth Sex Trafficking, as reported by ReHope ."
    )
    # The grade's own source, the scale and the framework note are folded away too…
    grade = next(n for n in notes if n.startswith("How we know : the grade"))
    assert "Grade scale:" in grade and "Source of the grade:" in grade
    # …and none of it is left in the open.
    outside = plain(re.sub(r'<details class="how-we-know">.*?</details>', " ", body, flags=re.S))
    assert "Basis:" not in outside and "Grade scale" not in outside


def test_the_national_page_sends_writers_to_the_lookup(client):
    page = client.get("/national")

    assert link_with_text(page, "Find your lawmakers and write to them") == "/lookup"


def test_every_cell_of_a_stacked_table_is_labelled(client):
    body = body_of(client, "/national?edition=2023")

    table = re.search(r'<table class="stack">.*?</table>', body, re.S).group(0)
    headers = re.findall(r'<th scope="col">([^<]+)</th>', table)
    cells = re.findall(r"<td\b([^>]*)>", table)
    assert len(cells) == len(JURISDICTIONS) * (len(headers) - 1)
    labels = {re.search(r'data-label="([^"]*)"', attributes).group(1) for attributes in cells}
    assert labels == set(headers[1:])


def tiles(body: str) -> list[tuple[str, list[str]]]:
    """(accessible name, visible texts) of every tile on the map."""
    svg = body.split('<svg class="tile-map"')[1].split("</svg>")[0]
    return [
        (html.unescape(label), [html.unescape(t) for t in re.findall(r"<text [^>]*>([^<]*)</text>", inner)])
        for label, inner in re.findall(
            r'<a href="[^"]+" class="tile [^"]+" aria-label="([^"]+)">(.*?)</a>', svg, re.S
        )
    ]


def test_every_tile_name_starts_with_what_the_tile_shows(client):
    for url in ("/", "/national?edition=2022"):
        found = tiles(body_of(client, url))
        assert len(found) == len(JURISDICTIONS)
        for label, (abbr, grade) in found:
            shown = abbr if grade == "–" else f"{abbr} {grade}"
            assert label.startswith(shown + ":"), (url, label, abbr, grade)
    assert ("MO F: Missouri, grade F in 2023", ["MO", "F"]) in tiles(body_of(client, "/"))


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, other: str) -> float:
    light, dark = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_grade_colours_and_the_focus_ring_meet_wcag_aa():
    css = CSS.read_text()
    colours = dict(re.findall(r"--([a-z]+): (#[0-9a-f]{6});", css.split("}", 1)[0]))

    for grade in ("a", "b", "c", "d", "f", "none"):
        assert contrast("#ffffff", colours[grade]) >= 4.5, grade  # white letters on each grade
    assert re.search(r":focus-visible \{ outline: 3px solid var\(--ink\)", css)
    assert contrast(colours["ink"], "#ffffff") >= 3  # the dark ring on the white page
    for background in (colours["accent"], colours["danger"]):
        assert contrast("#ffffff", background) >= 3  # the white inner ring on a coloured button


def test_quick_exit_is_a_button_that_names_its_key(client):
    body = body_of(client, "/privacy")

    control = re.search(r"<a [^>]*data-quick-exit[^>]*>([^<]*)</a>", body)
    assert control and control.group(1) == "Quick exit"
    assert 'role="button"' in control.group(0) and 'aria-keyshortcuts="Escape"' in control.group(0)


def test_a_failed_submit_summarises_the_problems_with_links_to_their_fields(client, no_csrf):
    answer = client.post(
        "/auth/register", data={"email": "not an email", "password": "", "password_again": ""}
    )

    body = answer.get_data(as_text=True)
    summary = body.split('<div class="error-summary"')[1].split("</div>")[0]
    assert 'role="alert"' in summary and "data-autofocus" in summary and "There is a problem" in summary
    links = re.findall(r'<a href="#([\w-]+)">', summary)
    assert links and links[0] == "email"
    assert all(f'id="{target}"' in body for target in links)  # every link lands on its field
