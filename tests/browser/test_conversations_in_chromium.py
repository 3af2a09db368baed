"""The conversations inbox in a real headless Chromium: a person texts a question (AT's callback,
a real worker), an editor finds it needing a human, picks a saved reply, watches the GSM-7 counter
as they type (the console's static script; the CSP allows nothing inline), sends it, the person's
phone receives it and the delivery report shows in the thread; a viewer sees a pseudonym and no
answer box; a danger text puts its thread first; the inbox fits a 390 px phone."""

import pytest
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from sqlalchemy import select

from sms_service.core.clock import ManualClock, parse_local_time
from sms_service.core.models import Conversation, OutboundMessage
from sms_service.domain.messaging.statuses import MessageStatus
from tests.console_helpers import make_role_accounts
from tests.sms_phone import Texter

PHONE = "+254711082001"


@pytest.fixture
def server(live_app):
    app = live_app(clock=ManualClock(parse_local_time("2026-12-01 10:00")))  # delivery reports come at once
    make_role_accounts(app)
    return app


def test_an_editor_answers_a_question_and_sees_it_delivered(page, server, run_jobs):
    person = Texter(server, server.test_client(), run_jobs)
    person.text("How can I sign the petition?")
    page.log_in("editor").wait_for_text("h1", "Dashboard")
    page.wait_for_text("#needs-a-human", "1")
    page.click("#needs-a-human").wait_for_text("main table", "How can I sign the petition?")
    page.click("tr.thread a").wait_for_text("h1", server.services.phone_keys.pseudonym(PHONE))
    page.click("a[href$='saved=how_to_sign']")
    page.wait_for_text("#counter-reply", "GSM-7")
    assert page.find("textarea[name=text_reply]").get_attribute("value").startswith("To sign the petition")
    page.type("textarea[name=text_reply]", "Text ATT and your name. Asante!")
    page.wait_for_text("#counter-reply", "GSM-7 · 31 characters · 1 segment(s)")
    page.type("textarea[name=text_reply]", "Asante \u2764")
    page.wait_for_text("#counter-reply", "UCS-2")
    page.type("textarea[name=text_reply]", "Text ATT and your full name to sign. Asante!")
    page.click("#send-answer").wait_for_text("main", "Answer queued (GSM-7, 1 segment(s))")
    assert run_jobs(server)
    assert person.last == "Text ATT and your full name to sign. Asante!"
    # The report comes from the gateway on its own thread: first the row, then the page, so that
    # a failure says which of the two it was.
    seen = []
    try:
        page.wait(lambda _: seen.append(_answer_status(server)) or seen[-1] == MessageStatus.DELIVERED)
    except TimeoutException:
        pytest.fail(f"the answer's delivery report was never applied: its row says {seen[-1]!r}")
    page.wait(lambda driver: (driver.refresh() or True) and driver.find_elements(
        By.CSS_SELECTOR, ".item.staff [data-status=delivered]"), message="the delivery report in the thread")
    page.wait_for_text(".item.staff", "answer by eddie")


def _answer_status(server):
    with server.services.database.transaction() as session:
        return session.scalars(select(OutboundMessage.status).where(OutboundMessage.phone == PHONE)
                               .order_by(OutboundMessage.id.desc())).first()


def test_a_viewer_sees_a_pseudonym_and_no_answer_box(page, server, run_jobs):
    Texter(server, server.test_client(), run_jobs).text("Is anyone there?")
    page.log_in("viewer").wait_for_text("h1", "Dashboard")
    page.open("/console/conversations").click("tr.thread a")
    pseudonym = server.services.phone_keys.pseudonym(PHONE)
    page.wait_for_text("h1", pseudonym)
    page.wait_for_text("#read-only", "editors answer them")
    assert PHONE not in page.find("main").text
    assert not page.browser.find_elements(By.CSS_SELECTOR, "textarea[name=text_reply]")


def test_a_danger_text_puts_its_thread_first_for_a_responder(page, server, run_jobs):
    Texter(server, server.test_client(), run_jobs).text("what is the quiz about")
    server.services.clock.advance(minutes=5)
    danger = Texter(server, server.test_client(), run_jobs, number="0722000111").text("polisi walimpiga mwanangu")
    assert danger.inbox == [server.services.flow_book.sms.reply("helplines", "sw")]  # the language it was written in
    server.services.clock.advance(minutes=5)
    Texter(server, server.test_client(), run_jobs, number="0733000222").text("hello")
    page.log_in("responder").wait_for_text("h1", "Dashboard")
    page.open("/console/conversations").wait_for_text("#urgent-count", "1 urgent")
    page.wait_for_text("tr.thread:first-child", "urgent: open the thread to read it (audited)")
    page.click("tr.thread:first-child a")  # the text is read on the thread's page, each view audited
    page.wait_for_text("main", "polisi walimpiga mwanangu")


def test_the_inbox_and_a_thread_fit_a_390_px_phone(page, server, run_jobs):
    Texter(server, server.test_client(), run_jobs).text("A long question about the petition and the treaty " * 3)
    page.log_in("editor").wait_for_text("h1", "Dashboard")
    page.browser.set_window_size(390, 844)
    with server.services.database.transaction() as session:
        thread = session.scalar(select(Conversation.id))
    for path in ("/console/conversations", f"/console/conversations/{thread}"):
        page.open(path).find("main")
        width = page.browser.execute_script("return document.documentElement.clientWidth")
        scrolled = page.browser.execute_script("return document.documentElement.scrollWidth")
        assert scrolled <= width, (path, scrolled, width)
