"""The public petition page in a real headless Chromium the width of a cheap smartphone (390 CSS
pixels), with JavaScript and without: signed with the keyboard alone, the count going up."""

import re

import pytest

from tests.browser.conftest import CHROMIUM, Page

PHONE_WIDTH = 390


@pytest.fixture(params=[True, False], ids=["with-javascript", "without-javascript"])
def phone_browser(request, chromium_service):
    from selenium import webdriver

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"):
        options.add_argument(argument)
    # A phone's screen, not a window: a desktop window cannot be made narrower than 500 pixels.
    options.add_experimental_option("mobileEmulation", {"deviceMetrics": {"width": PHONE_WIDTH, "height": 844,
                                                                          "pixelRatio": 2.0, "touch": False}})
    if not request.param:
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    driver = webdriver.Chrome(options=options, service=chromium_service)
    driver.implicitly_wait(0)
    driver.javascript = request.param
    yield driver
    driver.quit()


@pytest.fixture
def petition_page(phone_browser, live_app):
    app = live_app(USSD_SERVICE_CODE="*384*123#")
    return Page(phone_browser, app.config["SERVER_URL"]), app


def web_count(page):
    return int(re.sub(r"\D", "", page.find('[data-count="web"]').text))


def test_a_supporter_signs_with_the_keyboard_alone_and_sees_the_count_go_up(petition_page):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    page, _app = petition_page
    browser = page.browser
    page.open("/petition/att")
    assert (browser.find_elements(By.CSS_SELECTOR, "html.js") != []) == browser.javascript
    assert browser.find_element(By.TAG_NAME, "h1").text == "Kenya, ratify the Arms Trade Treaty"
    # The page is laid out for the phone's width, and nothing is wider: no sideways scrolling.
    assert browser.find_element(By.TAG_NAME, "html").rect["width"] == PHONE_WIDTH
    for css in ("h1", "form", "select", "button", ".share"):
        box = browser.find_element(By.CSS_SELECTOR, css).rect
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE_WIDTH, (css, box)
    assert "/petition/att or dial *384*123#" in page.find(".share").text
    before = web_count(page)

    page.find("#name").click()
    active = browser.switch_to.active_element
    active.send_keys("Anna Müller")
    order = []
    for keys in (Keys.TAB, "Germany", Keys.TAB, "anna@example.org", Keys.TAB, Keys.SPACE, Keys.TAB, Keys.TAB):
        if keys in (Keys.TAB,):
            browser.switch_to.active_element.send_keys(Keys.TAB)
            focused = browser.switch_to.active_element
            order.append(focused.get_attribute("id") or focused.get_attribute("name") or focused.tag_name)
        else:
            browser.switch_to.active_element.send_keys(keys)
    # The honeypot is out of the tab order; the privacy link sits in the consent's label.
    assert order == ["country", "email", "consent", "a", "button"]
    browser.switch_to.active_element.send_keys(Keys.ENTER)

    page.wait_for_text("#outcome", "Thank you, your signature is counted.")
    assert browser.current_url.endswith("/petition/att/thanks?lang=en&outcome=signed")
    assert web_count(page) == before + 1
    assert "Anna" not in browser.find_element(By.TAG_NAME, "body").text  # no signer's name is shown


def test_a_form_without_consent_is_not_signed_and_ticking_the_box_signs_what_was_typed(petition_page):
    from selenium.webdriver.support.ui import Select
    from sqlalchemy import func, select

    from sms_service.core.models import PetitionSignature

    page, app = petition_page
    page.open("/petition/att?lang=sw")
    page.type("#name", "Wanjiru Kamau")
    Select(page.find("#country")).select_by_value("KE")
    page.click("button")  # the box is `required`: the browser itself keeps the form
    assert page.find("#name").get_attribute("value") == "Wanjiru Kamau"
    page.click("input[name=consent]").click("button")
    page.wait_for_text("#outcome", "Asante, sahihi yako imehesabiwa.")
    with app.services.database.transaction() as session:
        assert session.scalar(select(func.count()).select_from(PetitionSignature)) == 1
        assert session.scalar(select(PetitionSignature.country)) == "KE"
