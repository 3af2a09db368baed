"""The spend guard (README "Spend guard") in a real headless Chromium: an editor's broadcast
estimated over the AT balance (read through the SDK from the local gateway) is shown held with
its reason at Preview and on its page, with no way for the editor to send it; an admin sees it
on the dashboard, confirms it on its page, and a real RQ worker sends it. Screenshots are kept
in tests/artefacts/ (not committed)."""

import pytest

from sms_service.core.clock import ManualClock, parse_local_time
from tests.broadcast_helpers import BROADCAST_SETTINGS, received
from tests.console_helpers import make_role_accounts
from tests.seeding import fake_number, seed_subscribers

OVER = "its estimated cost, KES 16.00, is over the AT balance (KES 10.00)"  # 20 x 1 segment x KES 0.80


@pytest.fixture
def server(live_app):
    """The browser's app (tests/browser/conftest.py `page`): KES 10 on the gateway's account, 20
    subscribers to torture, a known Nairobi month for the month's spend."""
    app = live_app(**BROADCAST_SETTINGS, LOCAL_GATEWAY_BALANCE="KES 10.0000",
                   clock=ManualClock(parse_local_time("2026-12-10 10:00")))
    make_role_accounts(app)
    seed_subscribers(app.services.database, 20)
    return app



def shown(page, css):
    """Whether an element is on the page and displayed (a hidden control is neither)."""
    from selenium.webdriver.common.by import By
    return any(element.is_displayed() for element in page.browser.find_elements(By.CSS_SELECTOR, css))


def test_a_broadcast_over_the_balance_waits_for_an_admin_then_sends(page, server, run_jobs):
    page.log_in("editor").wait_for_text("h1", "Dashboard")
    page.open("/console/broadcasts/new")
    page.type("input[name=name]", "ATT week").click("input[name=topics][value=torture]")
    page.type("textarea[name=text_en]", "Sign for the ATT")
    page.click("#preview-button").wait_for_text("#recipients", "20")
    page.wait_for_text("#cost", "KES 16.00").wait_for_text("#balance", "AT balance: KES 10.00")
    page.wait_for_text("#spend-hold", f"It will be saved held: {OVER}")
    page.keep("spend-guard-preview")
    page.click("#confirm").wait_for_text("#status", f"held for its cost: {OVER}; an admin must confirm it")
    page.wait_for_text("#held", f"Held for its cost: {OVER}.")
    broadcast_id = page.browser.current_url.rstrip("/").rsplit("/", 1)[-1]
    assert not shown(page, "#confirm-cost")  # an admin's button
    assert not shown(page, "#resume") and shown(page, "#cancel")
    run_jobs(server)  # a real worker, with whatever is queued
    assert received(server, fake_number(0)) == []  # held: nothing sent

    page.click("form.logout button").wait_for_text("main", "Logged out")
    page.log_in("admin").wait_for_text("h1", "Dashboard")
    page.wait_for_text("#attention", f"#{broadcast_id} ATT week: held for its cost: {OVER}")
    page.wait_for_text("#balance", "KES 10.00")
    page.wait_for_text("#spend", "broadcasts this month (estimated): KES 0.00")  # a held broadcast is not spent
    page.keep("spend-guard-dashboard")
    page.click(f'#attention a[href="/console/broadcasts/{broadcast_id}"]').wait_for_text("#held", OVER)
    page.click("#confirm-cost").wait_for_text("main", f"Broadcast {broadcast_id} confirmed despite its cost: running.")
    page.wait_for_text("#status", "running")
    assert not shown(page, "#held")
    assert run_jobs(server)
    page.wait_for_text("#status", "completed")  # the open page refreshes itself
    page.wait_for_text('[data-count="sent"]', "20")
    assert received(server, fake_number(0)) == ["Sign for the ATT"]
    page.open("/console/dashboard").wait_for_text("#spend", "broadcasts this month (estimated): KES 16.00")
    assert not shown(page, "#attention")
    page.keep("spend-guard-sent")
