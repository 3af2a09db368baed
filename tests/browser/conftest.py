"""A real headless Chromium (Debian's `chromium` and `chromium-driver`), driven by Selenium,
against the app served over HTTP. Skipped, with the reason, only where Chromium is missing;
`.ci/run` installs it, so CI always runs these."""

import shutil

import pytest

from tests.broadcast_helpers import BROADCAST_SETTINGS
from tests.console_helpers import PASSWORD, ROLE_ACCOUNTS, make_role_accounts

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
WAIT_SECONDS = 20


@pytest.fixture(scope="session")
def chromium_service():
    if not (shutil.which("chromium") and shutil.which("chromedriver")):
        pytest.skip("Chromium is not installed here: apt-get install chromium chromium-driver (.ci/run does)")
    from selenium.webdriver.chrome.service import Service

    return Service(CHROMEDRIVER)


@pytest.fixture
def browser(chromium_service):
    from selenium import webdriver

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--window-size=1200,900"):
        options.add_argument(argument)
    driver = webdriver.Chrome(options=options, service=chromium_service)
    driver.implicitly_wait(0)  # every wait is explicit
    yield driver
    driver.quit()


@pytest.fixture
def server(live_app):
    app = live_app(**BROADCAST_SETTINGS)
    make_role_accounts(app)
    return app


class Page:
    """Short steps on the browser: open, type, click, wait for text."""

    def __init__(self, browser, base_url):
        self.browser, self.base_url = browser, base_url

    def open(self, path):
        self.browser.get(self.base_url + path)
        return self

    def find(self, css):
        from selenium.webdriver.common.by import By
        return self.wait(lambda driver: driver.find_element(By.CSS_SELECTOR, css))

    def type(self, css, text, clear=True):
        field = self.find(css)
        if clear:
            field.clear()
        field.send_keys(text)
        return self

    def click(self, css):
        self.find(css).click()
        return self

    def wait(self, condition, seconds=WAIT_SECONDS, message=""):
        from selenium.webdriver.support.ui import WebDriverWait
        return WebDriverWait(self.browser, seconds, poll_frequency=0.1).until(condition, message)

    def wait_for_text(self, css, fragment, seconds=WAIT_SECONDS):
        from selenium.common.exceptions import WebDriverException
        from selenium.webdriver.common.by import By

        seen = []

        def shows(driver):
            # While a page is being replaced, reading it can fail in several ways (stale element,
            # no such element, document unloaded): each only means "not yet".
            try:
                return fragment in driver.find_element(By.CSS_SELECTOR, css).text
            except WebDriverException as error:
                seen[:] = [f"{type(error).__name__}: {error.msg}"]
                return False
        try:
            self.wait(shows, seconds)
        except Exception:
            shown = self.browser.find_element(By.CSS_SELECTOR, css).text if self.browser.find_elements(By.CSS_SELECTOR, css) else "(none)"
            raise AssertionError(f"{fragment!r} not in {css} within {seconds} s: {shown!r} {seen}") from None
        return self

    def log_in(self, role):
        self.open("/console/login")
        self.type("input[name=username]", ROLE_ACCOUNTS[role]).type("input[name=password]", PASSWORD)
        return self.click("form.card button")


@pytest.fixture
def page(browser, server):
    return Page(browser, server.config["SERVER_URL"])
