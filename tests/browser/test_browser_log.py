"""Pages load without a single error in Chromium's console log: no 404 (the icon every browser
asks for included), no blocked or failing script, on the public pages a visitor opens first."""

import pytest

ICON_ANSWERED = "return performance.getEntriesByType('resource').some(entry => entry.name.endsWith('/favicon.ico'))"


@pytest.mark.parametrize("path, title", [("/", "Haki Yetu"), ("/console/login", "Log in"), ("/simulator/", "Phone")])
def test_a_page_loads_with_a_clean_browser_log(page, path, title):
    page.open(path).wait(lambda driver: title in driver.title)
    log = []

    def settled(driver):
        # The icon is asked for after the page loaded: wait for its answer, or for a complaint.
        log.extend(driver.get_log("browser"))
        return log or driver.execute_script(ICON_ANSWERED)

    page.wait(settled)
    assert [entry["message"] for entry in log if entry["level"] in ("SEVERE", "WARNING")] == []
