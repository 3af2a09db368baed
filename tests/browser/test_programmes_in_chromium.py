"""The school programmes' console pages in a real headless Chromium the width of a cheap phone
(390 CSS px): an editor approves and dispatches a teacher's booklet request and publishes an
essay competition, with no Content-Security-Policy violation and no page wider than the screen."""

import pytest

from sms_service.core.clock import ManualClock, parse_local_time
from tests.broadcast_helpers import BROADCAST_SETTINGS
from tests.console_helpers import make_role_accounts
from tests.sms_phone import Texter

PHONE_WIDTH = 390


@pytest.fixture
def server(live_app):
    """The browser's app (tests/browser/conftest.py `page`) at a known Nairobi morning: an essay's
    deadline must fall within two years of the service's clock, whatever the machine's says."""
    app = live_app(**BROADCAST_SETTINGS, clock=ManualClock(parse_local_time("2026-12-01 10:00")))
    make_role_accounts(app)
    return app


def fits_the_phone(page):
    page.browser.set_window_size(PHONE_WIDTH, 844)
    width = page.browser.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"the page is {width[0]} px wide on a {width[1]} px screen"


def test_an_editor_approves_and_dispatches_a_booklet_request(page, server, run_jobs):
    Texter(server, server.test_client(), run_jobs, number="0722500100").text(
        "TEACHER Moi Girls Eldoret, Uasin Gishu, Jane Chebet").text(
        "BOOKLET RAPE 120 Moi Girls Eldoret, Uasin Gishu, P.O. Box 45 Eldoret")
    page.log_in("editor").wait_for_text("h1", "Dashboard")
    page.browser.set_window_size(PHONE_WIDTH, 844)
    page.open("/console/booklets").wait_for_text("main table", "Uasin Gishu")
    page.open("/console/booklets?county=Uasin Gishu").wait_for_text("main", "P.O. Box 45 Eldoret")
    fits_the_phone(page)
    page.type("input[name=quantity]", "100").click("td form button").wait_for_text("main", "approved")
    page.click("td form button").wait_for_text(".flash", "dispatched; the teacher is told by SMS")
    fits_the_phone(page)


def test_an_editor_publishes_an_essay_competition(page):
    page.log_in("editor").wait_for_text("h1", "Dashboard")
    page.browser.set_window_size(PHONE_WIDTH, 844)
    page.open("/console/essays").wait_for_text("h2", "Publish a competition")
    fits_the_phone(page)
    for name, text in (("title_en", "Haki Essay"), ("title_sw", "Insha ya Haki"),
                       ("theme_en", "A Kenya free of torture"), ("theme_sw", "Kenya bila mateso"),
                       ("deadline", "2026-12-20 17:00")):
        page.type(f"[name={name}]", text)
    page.click("main form button").wait_for_text("h1", "Haki Essay")
    page.wait_for_text(".flash", "published").wait_for_text("main", "on paper, through the teacher")
    fits_the_phone(page)
