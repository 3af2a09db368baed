"""The USSD journeys page in a real headless Chromium at a phone's width (390 px): the sessions-
per-day chart is an SVG line with a point per day, drawn to scale, within the screen, and its table is
behind it; the page keeps its Content-Security-Policy (the `page` fixture checks the log). A
screenshot is kept in tests/artefacts/ (not committed)."""


import pytest

from sms_service.core.clock import ManualClock, parse_local_time
from tests.broadcast_helpers import BROADCAST_SETTINGS
from tests.console_helpers import make_role_accounts
from tests.ussd_journey_helpers import CLOCK_START, seed_journeys


@pytest.fixture
def server(live_app):
    app = live_app(clock=ManualClock(parse_local_time(CLOCK_START)), **BROADCAST_SETTINGS)
    make_role_accounts(app)
    seed_journeys(app)
    return app


def test_the_sessions_chart_at_390_px(page, browser):
    from selenium.webdriver.common.by import By

    browser.set_window_size(390, 900)
    page.log_in("viewer").wait_for_text("h1", "Dashboard")
    page.open("/console/ussd-journeys?from=2026-11-28&to=2026-12-01").wait_for_text("h1", "USSD journeys")
    svg = page.find("figure.chart svg.chart-svg")
    points = svg.find_elements(By.CSS_SELECTOR, 'g[data-series="sessions"] circle')
    values = [(point.get_attribute("data-day"), int(point.get_attribute("data-value"))) for point in points]
    assert values == [("2026-11-28", 0), ("2026-11-29", 0), ("2026-11-30", 1), ("2026-12-01", 4)]
    heights = [float(points[0].get_attribute("cy")) - float(point.get_attribute("cy")) for point in points]
    assert heights[0] == heights[1] == 0 and heights[3] == pytest.approx(4 * heights[2])  # drawn to scale
    box = browser.execute_script(
        "const r = arguments[0].getBoundingClientRect(); return [r.left, r.right, r.height, window.innerWidth];", svg)
    assert 0 <= box[0] and box[1] <= box[3] and box[2] > 50, box
    assert svg.get_attribute("aria-label") == "USSD sessions per day (Nairobi days)"
    page.click("figure.chart details summary")
    rows = browser.find_elements(By.CSS_SELECTOR, "figure.chart details tbody tr")
    assert [row.text for row in rows] == ["2026-11-28 0", "2026-11-29 0", "2026-11-30 1", "2026-12-01 4"]
    page.keep("ussd-journeys-390px")
