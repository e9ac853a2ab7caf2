"""What an organizer sees: a goal counted in sent letters, figures in plain words, a chart that reads."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import select

from advocacy.campaigns.stats import day_chart
from advocacy.extensions import db
from advocacy.models import Campaign, Letter
from tests.builders import create_campaign
from tests.pages import csrf_token, save_letter, text_of

AREA = "identification-and-response"


def add_letter(person, day: datetime, status: str = "sent", **fields) -> None:
    """A letter filed under the campaign, written on `day` (straight into the database)."""
    campaign = db.session.scalar(select(Campaign))
    n = db.session.query(Letter).count()
    values = {
        "token": f"t{n}",
        "batch": f"b{n}",
        "revision_id": 1,
        "state_abbr": "mo",
        "legislator_id": person.id,
        "campaign_id": campaign.id,
        "subject": "s",
        "body": "b",
        "status": status,
        "channel": "email" if status != "draft" else None,
        "created_at": day,
    }
    values.update(fields)
    db.session.add(Letter(**values))
    db.session.commit()


def svg_of(page) -> str:
    match = re.search(r"<svg [^>]*role=\"img\".*?</svg>", page.get_data(as_text=True), re.S)
    assert match, "the dashboard has no chart"
    return match.group(0)


def svg_texts(svg: str) -> list[str]:
    return [t.strip() for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg)]


def test_only_sent_letters_count_toward_the_goal(organizer, app, lawmakers):
    create_campaign(organizer)
    visitor = app.test_client()
    save_letter(visitor, lawmakers[0].id, campaign="mo-safe-harbor", area=AREA)  # left as a draft

    assert "0 of 10 letters sent" in text_of(visitor.get("/campaigns/mo-safe-harbor"))

    sent = save_letter(visitor, lawmakers[1].id, campaign="mo-safe-harbor", area=AREA).split("#")[0]
    visitor.post(f"{sent}/sent", data={"csrf_token": csrf_token(visitor.get(sent)), "channel": "email"})

    assert "1 of 10 letters sent" in text_of(visitor.get("/campaigns/mo-safe-harbor"))
    shown = text_of(organizer.get("/campaigns/mo-safe-harbor/dashboard"))
    assert "1 of 10 letters sent" in shown
    assert "1 draft not sent yet" in shown
    stats = organizer.get("/api/v1/campaigns/mo-safe-harbor/stats").get_json()
    assert (stats["letters"], stats["sent"], stats["drafts"]) == (2, 1, 1)


def test_a_campaign_without_a_goal_counts_sent_letters_in_words(organizer, app, lawmakers):
    create_campaign(organizer, goal="")
    add_letter(lawmakers[0], datetime(2026, 12, 1))

    assert "1 letter sent so far." in text_of(app.test_client().get("/campaigns/mo-safe-harbor"))
    assert "1 letter sent" in text_of(organizer.get("/campaigns/mo-safe-harbor/dashboard"))


def test_the_dashboard_figures_agree_in_number(organizer, lawmakers):
    create_campaign(organizer)
    add_letter(lawmakers[0], datetime(2026, 12, 1))

    one = text_of(organizer.get("/campaigns/mo-safe-harbor/dashboard"))
    add_letter(lawmakers[0], datetime(2026, 12, 1), status="draft")
    add_letter(lawmakers[0], datetime(2026, 12, 1), status="draft")
    add_letter(lawmakers[1], datetime(2026, 12, 2))
    more = text_of(organizer.get("/campaigns/mo-safe-harbor/dashboard"))

    for phrase in ("0 drafts not sent yet", "1 lawmaker reached", "1 target with no letter yet"):
        assert phrase in one
    for phrase in ("2 of 10 letters sent", "2 drafts not sent yet", "2 lawmakers reached", "0 targets"):
        assert phrase in more
    assert "Senate: 1 of 2 districts reached" in one
    assert "Senate: 2 of 2 districts reached" in more


def test_letters_per_day_are_a_chart_with_axes_and_a_text_alternative(organizer, lawmakers):
    create_campaign(organizer)
    add_letter(lawmakers[0], datetime(2026, 12, 1, 9))
    add_letter(lawmakers[1], datetime(2026, 12, 1, 18), status="draft")
    add_letter(lawmakers[0], datetime(2026, 12, 4, 12))

    page = organizer.get("/campaigns/mo-safe-harbor/dashboard")

    summary = (
        "3 letters over 4 days, from December 1 to December 4, 2026. "
        "The busiest day was December 1, 2026, with 2 letters."
    )
    svg = svg_of(page)
    assert f'aria-label="Bar chart: {summary}"' in svg
    assert summary in text_of(page)  # also in words beside the chart
    labels = svg_texts(svg)
    assert labels[:3] == ["0", "1", "2"]  # the letters axis, from zero
    assert {"Dec 1", "Letters", "Day"} <= set(labels)
    assert svg.count('class="chart-bar"') == 4  # the quiet days between keep their place
    shown = text_of(page)
    # December 1: one sent (as its writer reported), one draft.
    assert (
        "Day written Letters Not sent yet Opened Sent (reported) Sent (confirmed) Not delivered Answered "
        "December 1, 2026 2 1 0 1 0 0 0 December 2, 2026 0 0 0 0 0 0 0 December 3, 2026 0"
    ) in shown


def test_a_single_day_still_reads_as_a_chart(organizer, lawmakers):
    create_campaign(organizer)
    add_letter(lawmakers[0], datetime(2026, 12, 3))

    svg = svg_of(organizer.get("/campaigns/mo-safe-harbor/dashboard"))

    assert 'aria-label="Bar chart: 1 letter, all on December 3, 2026."' in svg
    assert svg_texts(svg) == ["0", "1", "Dec 3", "Letters", "Day"]
    assert svg.count('class="chart-axis"') == 3  # both axes, and the day's tick


def test_the_letters_axis_counts_in_round_steps():
    chart = day_chart([("2026-12-01", 23), ("2026-12-02", 4)])

    assert [t.label for t in chart.letter_ticks] == ["0", "5", "10", "15", "20", "25"]


def test_districts_reached_are_told_in_words_not_by_colour_alone(organizer, lawmakers):
    create_campaign(organizer)
    add_letter(lawmakers[0], datetime(2026, 12, 1))
    add_letter(lawmakers[0], datetime(2026, 12, 2))

    shown = text_of(organizer.get("/campaigns/mo-safe-harbor/dashboard"))

    assert "Solid box with a tick: at least one letter" in shown and "Dashed box: no letter yet" in shown
    assert "District 1 ✓ 2 letters District 2 No letter" in shown


def test_how_letters_went_is_told_in_sentence_case(organizer, lawmakers):
    create_campaign(organizer)
    add_letter(
        lawmakers[0], datetime(2026, 12, 1), status="answered", reply_status="yes", reply_outcome="supportive"
    )
    add_letter(lawmakers[1], datetime(2026, 12, 1), status="no-answer", channel="print", reply_status="no")

    shown = text_of(organizer.get("/campaigns/mo-safe-harbor/dashboard"))

    assert "How letters were sent Email 1 Printed and posted 1" in shown
    assert "Did they answer? Answered 1 No answer expected 1" in shown
    assert "Where they stand Supportive 1" in shown
    assert "50% of writers who told us heard back" in shown


def test_the_campaign_form_offers_checkboxes_not_ctrl_click(organizer, lawmakers):
    page = organizer.get("/campaigns/new")
    body = page.get_data(as_text=True)

    assert "<select multiple" not in body and "Ctrl" not in body
    assert re.search(r'<input id="focus_areas-\d+" name="focus_areas" type="checkbox" value="' + AREA, body)
    assert re.search(r'<input id="target_legislators-\d+" name="target_legislators" type="checkbox"', body)
    shown = text_of(page)
    assert "Senate (2) Ada Senator, district 1 Bo Senator, district 2" in shown
    assert "House of Representatives (2) Cy Member, district 3 Di Member, district 4" in shown
    # The filter is JavaScript's to show: without it the whole list stays in view.
    assert '<div class="list-filter" data-filter-list="lawmaker-choices" hidden>' in body
    assert re.search(r'src="/static/js/filter-list\.js\?v=[0-9a-f]{12}" defer', body)


def test_ticking_areas_and_lawmakers_saves_the_campaign(organizer, lawmakers):
    answer = create_campaign(
        organizer,
        focus_areas=[AREA, "prevention-and-training"],
        target="lawmakers",
        target_legislators=[lawmakers[1].id, lawmakers[2].id],
    )

    assert answer.headers["Location"] == "/campaigns/mo-safe-harbor/dashboard"
    campaign = db.session.scalar(select(Campaign))
    assert [a.slug for a in campaign.focus_areas] == [AREA, "prevention-and-training"]
    assert campaign.target_legislators.split() == [lawmakers[1].id, lawmakers[2].id]
    form = organizer.get("/campaigns/mo-safe-harbor/edit")
    ticked = re.findall(
        r'<input checked id="[^"]+" name="(\w+)" type="checkbox" value="([^"]+)"', form.get_data(as_text=True)
    )
    assert ticked == [
        ("focus_areas", AREA),
        ("focus_areas", "prevention-and-training"),
        ("target_legislators", lawmakers[1].id),
        ("target_legislators", lawmakers[2].id),
    ]
    assert "2 of 4 lawmakers chosen." in text_of(form)


def test_a_campaign_with_no_area_ticked_is_refused_beside_the_boxes(organizer, lawmakers):
    answer = create_campaign(organizer, focus_areas=[])

    body = answer.get_data(as_text=True)
    assert '<p class="error" id="focus_areas-error">Choose at least one issue area.</p>' in body
    assert 'aria-describedby="focus_areas-hint focus_areas-error"' in body


def test_the_campaign_list_links_each_campaign(organizer, lawmakers):
    create_campaign(organizer, starts_on="", ends_on="")

    shown = text_of(organizer.get("/campaigns/"))

    assert "Safe Harbor for Missouri Missouri Public page Edit" in shown
