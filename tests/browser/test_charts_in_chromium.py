"""The charts and a campaign page in a real headless Chromium: the SVG has the day's points, the
table behind it opens, the page fits 390 px without scrolling sideways and prints without the
navigation. Screenshots (and the printed PDF) are kept in tests/artefacts/ (not committed)."""

import base64

import pytest

from sms_service.core.clock import ManualClock
from tests.broadcast_helpers import BROADCAST_SETTINGS
from tests.browser.conftest import ARTEFACTS
from tests.console_helpers import make_role_accounts
from tests.figures_helpers import TODAY, YESTERDAY, at, report, roll_up, seed_actions, text_in


@pytest.fixture
def server(live_app, run_jobs):
    """The browser's app (tests/browser/conftest.py `page`), at a known Nairobi time, with a day counted."""
    app = live_app(clock=ManualClock(at(f"{TODAY} 10:00")), **BROADCAST_SETTINGS)
    make_role_accounts(app)
    seed_actions(app)
    text_in(app, run_jobs)
    report(app, "+254711000011", "Success")
    report(app, "+254711000012", "Failed", "UserInBlackList")
    roll_up(app, run_jobs)
    return app



def circles(page, chart, series):
    """{day: value} of one line's points, as the browser built the SVG."""
    return page.browser.execute_script(
        "return Object.fromEntries([...document.querySelectorAll(arguments[0])]"
        ".map(c => [c.dataset.day, Number(c.dataset.value)]));",
        f'#chart-{chart} svg g[data-series="{series}"] circle')


def test_the_charts_page_draws_the_counted_days_as_svg(page):
    page.log_in("viewer").wait_for_text("h1", "Dashboard")
    page.click('nav a[href="/console/charts"]').wait_for_text("h1", "Charts over time")
    page.open(f"/console/charts?from={YESTERDAY}&to={TODAY}").wait_for_text("#total-sms", "3 / 5")
    assert circles(page, "sms", "received") == {YESTERDAY: 0, TODAY: 3}
    assert circles(page, "sms", "sent") == {YESTERDAY: 0, TODAY: 5}
    points = page.find('#chart-sms g[data-series="received"] polyline').get_attribute("points").split()
    assert len(points) == 2 and float(points[1].split(",")[1]) < float(points[0].split(",")[1])  # 3 drawn above 0
    assert circles(page, "delivery", "delivered %") == {TODAY: 50}
    assert page.browser.execute_script(
        "return [...document.querySelectorAll('#chart-failures rect.bar')].map(r => r.dataset.name).sort();"
    ) == ["AbsentSubscriber", "UserInBlackList"]
    page.click("#chart-sms details summary")
    page.wait_for_text("#chart-sms table", f"{TODAY} 3 5")
    page.keep("charts-1200px")


def test_a_campaign_page_fits_a_phone_and_prints_without_the_navigation(page):
    page.log_in("viewer").wait_for_text("h1", "Dashboard")
    page.open(f"/console/charts?from={YESTERDAY}&to={TODAY}").wait_for_text("h1", "Charts over time")
    page.click('nav.campaigns a[href^="/console/campaigns/torture"]').wait_for_text("h1", "Ending torture")
    page.wait_for_text("#total-sms", "2 / 4").wait_for_text("#total-quiz-score", "66.7%")
    assert circles(page, "quiz-score", "% right") == {TODAY: 66.7}
    page.browser.set_window_size(390, 844)
    widths = page.browser.execute_script(
        "return {page: document.documentElement.scrollWidth, view: document.documentElement.clientWidth,"
        " svg: Math.max(...[...document.querySelectorAll('svg.chart-svg')].map(s => s.getBoundingClientRect().right))};")
    assert widths["page"] <= widths["view"] and widths["svg"] <= widths["view"], widths
    page.keep("campaign-torture-390px")
    page.browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    shown = page.browser.execute_script(
        "return {nav: getComputedStyle(document.querySelector('header.top')).display,"
        " svg: getComputedStyle(document.querySelector('#chart-sms svg')).display};")
    assert shown == {"nav": "none", "svg": "block"}
    pdf = page.browser.execute_cdp_cmd("Page.printToPDF", {"printBackground": False})
    ARTEFACTS.mkdir(exist_ok=True)
    (ARTEFACTS / "campaign-torture-print.pdf").write_bytes(base64.b64decode(pdf["data"]))
    page.browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
