"""A real headless Chromium (Debian's `chromium` and `chromium-driver`), driven by Selenium,
against the app served over HTTP. Skipped, with the reason, only where Chromium is missing;
`.ci/run` installs it, so CI always runs these."""

import os
import shutil
from pathlib import Path

import pytest

from tests.broadcast_helpers import BROADCAST_SETTINGS
from tests.console_helpers import PASSWORD, ROLE_ACCOUNTS, make_role_accounts

# Screenshots and printed pages the browser tests keep for people to look at (not committed).
ARTEFACTS = Path(__file__).resolve().parent.parent / "artefacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
WAIT_SECONDS = 20


@pytest.fixture(scope="session")
def chromium_service():
    if not (shutil.which("chromium") and shutil.which("chromedriver")):
        pytest.skip("Chromium is not installed here: apt-get install chromium chromium-driver (.ci/run does)")
    from selenium.webdriver.chrome.service import Service

    # The browser is the test's tool, not the service under test: under a faketime run
    # (tasks.py test with TEST_FAKETIME) it keeps the machine's clock, as libfaketime crashes it.
    environment = {key: value for key, value in os.environ.items()
                   if key != "LD_PRELOAD" and not key.startswith("FAKETIME")}
    return Service(CHROMEDRIVER, env=environment)


@pytest.fixture
def browser(chromium_service):
    from selenium import webdriver

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})  # the console log, for get_log
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

    def keep(self, name):
        """A screenshot of what the browser shows now, kept as ARTEFACTS/<name>.png."""
        ARTEFACTS.mkdir(exist_ok=True)
        assert self.browser.save_screenshot(str(ARTEFACTS / f"{name}.png"))
        return self

    def log_in(self, role):
        self.open("/console/login")
        self.type("input[name=username]", ROLE_ACCOUNTS[role]).type("input[name=password]", PASSWORD)
        return self.click("form.card button")


@pytest.fixture
def page(browser, server):
    """A browser on the server; the test fails on any Content-Security-Policy violation the
    browser logged (an inline script or style, a foreign source), whatever the test itself checked."""
    yield Page(browser, server.config["SERVER_URL"])
    violations = [entry["message"] for entry in browser.get_log("browser") if "Content Security Policy" in entry["message"]]
    assert violations == [], f"the page broke its Content-Security-Policy: {violations}"
