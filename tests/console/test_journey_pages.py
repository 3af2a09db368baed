"""The USSD journeys page, through HTTP, on journeys made through the real webhooks."""

import re
from html import unescape

import pytest

from tests.console_helpers import logged_in, make_role_accounts
from tests.ussd_journey_helpers import journeys_app, seed_journeys


@pytest.fixture
def app(make_app):
    app = journeys_app(make_app)
    make_role_accounts(app)
    seed_journeys(app)
    return app


def page(app, query=""):
    response = logged_in(app, "viewer").get(f"/console/ussd-journeys{query}")
    return response.status_code, response.get_data(as_text=True)


def table(html, table_id):
    """The rows of the table with `table_id`: the text of each cell, tags dropped."""
    body = re.search(rf'<table id="{table_id}">.*?<tbody>(.*?)</tbody>', html, re.S).group(1)
    return [[re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


def funnel(html, journey):
    body = re.search(rf'<table class="funnel" data-journey="{journey}">.*?<tbody>(.*?)</tbody>', html, re.S).group(1)
    return [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


def bars(html):
    """(day, sessions) of each point of the sessions chart (web/console/line_charts.py)."""
    return re.findall(r'<circle [^>]*data-day="([^"]+)" data-value="(\d+)"', html)


def test_the_page_tells_each_journeys_story(app):
    status, html = page(app, "?from=2026-11-30&to=2026-12-01")
    assert status == 200
    assert bars(html) == [("2026-11-30", "1"), ("2026-12-01", "4")]
    assert re.search(r'id="journey-sessions">5<', html)
    assert table(html, "journey-completion") == [
        ["Petition signed", "2", "1", "50%"], ["Subscribed", "0", "0", "0%"], ["Quiz finished", "0", "0", "0%"],
        ["Info read", "2", "1", "50%"],  # the reader read; the broken session only saw the torture menu
    ]
    assert funnel(html, "petition") == [["Name", "2", "0"], ["County", "2", "1"], ["Consent", "1", "0"],
                                        ["Signed (or had signed)", "1", "0"]]
    # Screens by what callers read on them, in the default language, and their ids in flows/
    assert table(html, "journey-left") == [["Haki Yetu: human rights home", "1"],
                                           ["Type your county (name or number 1-47): petition_county", "1"]]
    assert table(html, "journey-refused") == [["Haki Yetu: human rights home", "1"]]
    assert table(html, "journey-failures") == [["Application response timed out", "1", "2026-11-30 10:00 EAT"]]
    assert "3.0</div>hops on average" in html  # (2 + 5 + 3 + 3 + 2) / 5
    assert "26 s</div>average duration" in html  # (4 + 50 + 30 + 20) / 4
    assert "Wanjiru" not in html and "Amina" not in html and "+2547" not in html


@pytest.mark.parametrize("query, sessions, days", [
    ("", 5, 30),  # the 30 days up to today: 2026-11-02 .. 2026-12-01, the failure included
    ("?from=2026-12-01&to=2026-12-01", 4, 1),
    ("?from=2026-11-30&to=2026-12-01&network=63903", 1, 2),
    ("?from=2026-11-30&to=2026-12-01&language=sw", 0, 2),
    ("?from=2026-11-01&to=2026-11-29", 0, 29),
])
def test_filters(app, query, sessions, days):
    status, html = page(app, query)
    assert status == 200
    assert sum(int(value) for _, value in bars(html)) == sessions
    assert len(bars(html)) == days


@pytest.mark.parametrize("query, reason", [
    ("?from=2026-12-02&to=2026-12-01", "The first day is after the last."),
    ("?from=2026-01-01&to=2026-12-01", "Choose at most 92 days."),
    ("?from=yesterday&to=2026-12-01", "'yesterday' is not a date like 2026-12-01"),
    ("?to=2026-13-01", "'2026-13-01' is not a date like 2026-12-01"),
    ("?from=2026-02-30", "'2026-02-30' is not a date like 2026-12-01"),
    ("?language=xx", "There is no language"),
    # Days at the edges of Python's dates: the day after, 29 days before or a Nairobi midnight cannot be counted
    ("?from=9999-12-30&to=9999-12-31", "'9999-12-31' is out of range: choose a day from 2000-01-01 to 2099-12-31"),
    ("?to=9999-12-31", "'9999-12-31' is out of range: choose a day from 2000-01-01 to 2099-12-31"),
    ("?to=0001-01-01", "'0001-01-01' is out of range"),
    ("?from=0001-01-01&to=0001-01-01", "'0001-01-01' is out of range"),
    ("?from=2100-01-01", "'2100-01-01' is out of range"),
])
def test_bad_filters_are_answered_with_the_reason(app, query, reason):
    status, page_html = page(app, query)
    assert status == 400 and reason in unescape(page_html)


def test_the_page_is_in_the_navigation_for_viewers(app):
    html = logged_in(app, "viewer").get("/console/dashboard").get_data(as_text=True)
    assert 'href="/console/ussd-journeys"' in html


@pytest.mark.parametrize("screen_id, shown", [
    ("petition_name", "Petition: Kenya, ratify the Arms Trade Treaty. Type your fu\u2026"),  # 60 characters at most
    ("updates_consent", "Free SMS updates on {topic_name}. We use your number only f\u2026"),
    ("quiz_att_1", "Q1/4 When did the Arms Trade Treaty (ATT) become binding in\u2026"),  # a quiz's screens too
    ("torture", "Ending torture and impunity"),
    ("a_screen_since_removed", ""),  # its id alone is shown
])
def test_a_screen_is_named_by_what_callers_read_on_it(app, screen_id, shown):
    from sms_service.web.console.names import screen_text
    with app.test_request_context():
        assert screen_text(screen_id) == shown
