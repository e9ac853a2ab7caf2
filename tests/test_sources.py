"""Source lines name Shared Hope International first, and the outlet that reported a figure after it."""

from __future__ import annotations

import pytest

from advocacy.reportcards.sources import source_line

WORK = "2023 Report Cards on Child & Youth Sex Trafficking"


@pytest.mark.parametrize(
    ("source", "outlet", "when"),
    [
        (
            "https://www.breitbart.com/politics/2024/02/04/report-tennessee-florida-best-states/",
            "Breitbart News",
            "February 2024",
        ),
        (
            "https://archives.lincolndailynews.com/2023/Nov/21/NEWS/news_d.shtml",
            "Lincoln Daily News",
            "November 2023",
        ),
        ("https://www.kbia.org/missouri-news/2022-08-31/missouris-new-law", "KBIA", "August 2022"),
        ("https://www.rehope.org/post/human-trafficking-report-cards-how-did-we-do", "ReHope", ""),
        ("https://news.example.net/story", "news.example.net", ""),  # an outlet with no name on file
    ],
)
def test_an_outlet_is_named_after_shared_hope_and_dated_from_its_address(source, outlet, when):
    line = source_line(source, WORK)

    assert (line.publisher, line.work, line.outlet, line.when, line.url) == (
        "Shared Hope International",
        WORK,
        outlet,
        when,
        source,
    )


def test_shared_hopes_own_page_wins_wherever_the_source_lists_it():
    line = source_line(
        "https://news.yahoo.com/report-ranks.html; https://sharedhope.org/category/news/page/5", WORK
    )

    assert (line.outlet, line.url) == ("", "https://sharedhope.org/category/news/page/5")


@pytest.mark.parametrize("source", ["", "javascript:alert(1)", "section scores in area_scores.csv"])
def test_a_source_with_no_web_address_still_names_the_publisher_and_links_nothing(source):
    line = source_line(source, WORK)

    assert (line.publisher, line.outlet, line.url) == ("Shared Hope International", "", "")
