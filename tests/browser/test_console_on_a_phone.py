"""The console at a phone's width (390 px) and a laptop's (1280 px) in a real headless Chromium,
measured in the DOM: the menu folds behind a button (CSS only) and opens on a tap, tables scroll
inside the page instead of widening it, dashboard labels never wrap word by word, and names stand
where codes stood. Screenshots of each are kept in artefacts/screenshots/ (gitignored)."""


import pytest

from sms_service.domain.campaigns.petitions import sign_petition
from tests.seeding import seed_subscribers

PHONE, LAPTOP = (390, 844), (1280, 900)
COLLAPSED_HEADER_PX = 64  # brand and the Menu button on one line (the open menu took 165 px)

# How many lines an element's text takes: the height of its text, in line heights.
LINES = """
const element = arguments[0], range = document.createRange();
range.selectNodeContents(element);
const height = range.getBoundingClientRect().height;
const lineHeight = parseFloat(getComputedStyle(element).lineHeight);
return Math.round(height / lineHeight);
"""


def viewport(page, size):
    width, height = size
    page.browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600})



def script(page, code, *arguments):
    return page.browser.execute_script(code, *arguments)


@pytest.fixture
def seeded(server):
    seed_subscribers(server.services.database, 12, topics=("torture", "sexual_violence", "arms_control"), language="sw")
    with server.services.database.transaction() as session:
        sign_petition(session, phone="+254712999001", petition="att", full_name="Akinyi", county="Kisumu",
                      consent=True, channel="ussd", language="sw", now=server.services.clock.now())
    return server


def test_at_390_px_the_menu_folds_behind_a_button_and_tables_scroll_inside_the_page(page, seeded):
    viewport(page, PHONE)
    page.log_in("viewer").wait_for_text("h1", "Dashboard")
    header, nav = page.find("header.top"), page.find("header.top nav")
    assert header.size["height"] <= COLLAPSED_HEADER_PX and not nav.is_displayed()
    assert page.find(".menu-button").is_displayed()
    page.keep("dashboard-390-menu-closed")
    page.click(".menu-button")
    page.wait(lambda driver: nav.is_displayed(), message="the menu did not open")
    assert page.find("header.top").size["height"] > COLLAPSED_HEADER_PX
    assert all(link.is_displayed() for link in nav.find_elements("css selector", "a"))
    page.keep("dashboard-390-menu-open")
    page.find("header.top nav a[href='/console/subscribers']").click()
    page.wait_for_text("h1", "Subscribers")
    table = page.find("main table")
    assert script(page, "return document.documentElement.scrollWidth") <= PHONE[0]  # the page itself does not scroll sideways
    assert script(page, "return getComputedStyle(arguments[0]).overflowX", table) == "auto"
    assert script(page, "return arguments[0].scrollWidth > arguments[0].clientWidth", table)
    assert script(page, "arguments[0].scrollLeft = 120; return arguments[0].scrollLeft", table) > 0
    row = page.find("main table tbody tr:nth-child(2)").text  # a subscriber (the first: the petition signer)
    assert "Kiswahili" in row and "Arms Trade Treaty, Freedom from sexual violence, Ending torture" in row
    page.keep("subscribers-390")


def test_at_1280_px_the_menu_is_open_and_dashboard_labels_never_wrap_word_by_word(page, seeded):
    viewport(page, LAPTOP)
    page.log_in("viewer").wait_for_text("h1", "Dashboard")
    assert page.find("header.top nav").is_displayed() and not page.find(".menu-button").is_displayed()
    assert page.find("header.top").size["height"] <= COLLAPSED_HEADER_PX
    page.keep("dashboard-1280")
    labels = page.browser.find_elements("css selector", ".charts table.bars th")
    assert len(labels) >= 10
    for label in labels:  # "Freedom from sexual violence" on two lines at most, never one word a line
        words, lines = len(label.text.split()), script(page, LINES, label)
        assert lines <= 2 and (lines < words or lines == 1), f"{label.text!r} wraps onto {lines} lines"
    for figure in page.browser.find_elements("css selector", ".figures .figure"):
        assert script(page, LINES, figure) == 1, f"{figure.text!r} wraps"
    topics = [th.text for th in page.browser.find_elements(
        "css selector", "table[aria-label='subscribers by topic'] th")]
    assert topics == ["Ending torture", "Freedom from sexual violence", "Arms Trade Treaty"]
    assert page.find("#petition-only").text == "1"
    assert page.find("#balance").text == "KES 5,000.00"  # the local gateway's, through the SDK
