"""The console and the phone simulator in a real headless Chromium: logging in, composing and
scheduling a broadcast (the live counter, the preview), watching a worker complete it, and a
USSD walk and an SMS on the simulated phone."""

from tests.broadcast_helpers import received
from tests.seeding import fake_number, seed_subscribers


def test_a_wrong_password_is_refused_and_the_right_one_opens_the_dashboard(page):
    page.open("/console/broadcasts")
    page.type("input[name=username]", "eddie").type("input[name=password]", "not it").click("form.card button")
    page.wait_for_text("main", "Wrong username or password")
    page.log_in("editor").wait_for_text("h1", "Dashboard")
    page.wait_for_text("header", "eddie (editor)")
    page.click("form.logout button").wait_for_text("main", "Logged out eddie")


def test_compose_preview_and_watch_a_worker_complete_the_broadcast(page, server, run_jobs):
    seed_subscribers(server.services.database, 25, language="sw")
    page.log_in("editor").wait_for_text("h1", "Dashboard")
    page.open("/console/broadcasts/new")
    page.type("input[name=name]", "ATT week")
    page.click("input[name=topics][value=torture]")
    page.type("textarea[name=text_en]", "Kenya\u2019s turn: sign for the ATT")
    page.wait_for_text("#counter-en", "forced to UCS-2")
    page.wait_for_text("#counter-en", "'\u2019' (U+2019)")
    page.click("#counter-en button").wait_for_text("#counter-en", "GSM-7 · 30 characters · 1 segment(s)")
    assert page.find("textarea[name=text_en]").get_attribute("value") == "Kenya's turn: sign for the ATT"
    page.type("textarea[name=text_sw]", "Zamu ya Kenya: saini ATT")
    page.click("#preview-button").wait_for_text("#recipients", "25")
    page.wait_for_text("#preview", "Kiswahili: 25 × 1 segment(s), GSM-7")
    page.wait_for_text("#cost", "KES 20.00").wait_for_text("#sends", "now")
    page.click("#confirm").wait_for_text("#status", "scheduled")
    assert run_jobs(server)  # a real RQ worker: the tick starts it, senders send it
    page.wait_for_text("#status", "completed")  # the open page refreshes itself
    page.wait_for_text('[data-count="sent"]', "25").wait_for_text("#done", "100")
    assert received(server, fake_number(0)) == ["Zamu ya Kenya: saini ATT"]


def test_the_counter_warns_of_a_text_that_would_opt_out_whoever_texts_it_back(page):
    page.log_in("editor").wait_for_text("h1", "Dashboard")
    page.open("/console/broadcasts/new")
    page.type("textarea[name=text_sw]", "Acha!")
    page.wait_for_text("#counter-sw", "a recipient who texts this back would be opted out of everything")
    page.type("textarea[name=text_sw]", "Acha mateso!")
    page.wait_for_text("#counter-sw", "GSM-7 · 12 characters · 1 segment(s)")
    assert "opted out" not in page.find("#counter-sw").text


def test_a_broadcast_scheduled_for_later_can_be_paused_and_cancelled(page):
    page.log_in("editor").wait_for_text("h1", "Dashboard")
    page.open("/console/broadcasts/new")
    page.type("input[name=name]", "December reminder").click("input[name=topics][value=arms_control]")
    page.type("textarea[name=text_en]", "Ratify the ATT")
    page.click("input[name=when][value=at]")
    page.browser.execute_script("document.querySelector('input[name=send_at]').value = '2099-12-01T09:00'")
    page.click("#preview-button").wait_for_text("#sends", "2099-12-01 09:00 EAT")
    page.click("#confirm").wait_for_text("#status", "scheduled")
    page.click("#pause").wait_for_text("#status", "paused")
    page.click("#cancel").wait_for_text("#status", "cancelled")
    page.open("/console/broadcasts").wait_for_text("main table", "December reminder")


def test_a_ussd_walk_and_an_sms_on_the_simulated_phone(page, server, run_jobs):
    page.open("/simulator/")
    page.type("#number", "0799900200")  # a test number (SIMULATOR_PREFIX)
    page.click("#call").wait_for_text("#ussd-text", "Haki Yetu")
    for answer, then in (("4", "full name"), ("Achieng Otieno", "county"), ("Kisumu", "Agree?"),
                         ("1", "Thank you, Achieng Otieno of Kisumu!")):
        page.type("#ussd-answer", answer).click("#ussd-send").wait_for_text("#ussd-text", then)
    page.wait_for_text("#ussd-send", "OK")  # the session ended: no answer box, OK closes it
    from sms_service.core.models import PetitionSignature
    with server.services.database.transaction() as session:
        assert [row.full_name for row in session.query(PetitionSignature)] == ["Achieng Otieno"]
    page.click("#ussd-send").wait_for_text("#idle", "Haki Yetu demo")
    page.type("#sms-text", "HELP").click("#sms-send").wait_for_text("#inbox", "HELP")
    assert run_jobs(server)  # the worker answers through the local gateway
    page.wait_for_text("#inbox li.theirs", "JOIN")
