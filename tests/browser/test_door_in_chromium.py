"""The door's check-in page in a real headless Chromium the width of a cheap smartphone (390 CSS
pixels): a volunteer with the `door` role logs in, lands on today's events, searches a name and
checks the person in with one tap; nothing is wider than the screen; no inline script or style."""

import pytest

from sms_service.core.clock import ManualClock, parse_local_time
from sms_service.domain.events.registrations import register
from tests.broadcast_helpers import BROADCAST_SETTINGS
from tests.browser.conftest import CHROMIUM, Page
from tests.console_helpers import make_role_accounts
from tests.event_helpers import make_event

PHONE_WIDTH = 390


@pytest.fixture
def phone_browser(chromium_service):
    from selenium import webdriver

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"):
        options.add_argument(argument)
    options.add_experimental_option("mobileEmulation", {"deviceMetrics": {"width": PHONE_WIDTH, "height": 844,
                                                                          "pixelRatio": 2.0, "touch": False}})
    driver = webdriver.Chrome(options=options, service=chromium_service)
    driver.implicitly_wait(0)
    yield driver
    violations = [entry["message"] for entry in driver.get_log("browser") if "Content Security Policy" in entry["message"]]
    driver.quit()
    assert violations == [], f"the page broke its Content-Security-Policy: {violations}"


def test_a_volunteer_checks_someone_in_from_a_phone(phone_browser, live_app):
    app = live_app(clock=ManualClock(parse_local_time("2026-12-03 09:30")), **BROADCAST_SETTINGS)
    make_role_accounts(app)
    make_event(app, starts="2026-12-03 10:00", ends="2026-12-03 13:00")
    with app.services.database.write_transaction() as session:
        for number, name in (("+254766000011", "Grace Achieng"), ("+254766000012", "Peter Kamau")):
            register(session, "F12", number, name, "sms", parse_local_time("2026-12-01 10:00"))
    page = Page(phone_browser, app.config["SERVER_URL"])
    page.log_in("door")
    page.wait_for_text("main", "F12 · Forum on consent")
    page.click(".door-list a.button")
    page.type("input[name=q]", "grace").click(".door-search button")
    page.wait_for_text(".door-list", "Grace Achieng · +254766***011")
    assert "Peter" not in page.find(".door-list").text
    page.click(".door-list button")
    page.wait_for_text("main", "Checked in.")
    page.wait_for_text("#attended", "1 checked in of 2 registered")
    page.wait_for_text(".door-list", "checked in 2026-12-03 09:30 EAT")
    widest = phone_browser.execute_script("return document.documentElement.scrollWidth")
    assert widest <= PHONE_WIDTH
