"""The conversations inbox through HTTP: a person texts (AT's inbound callback, a real RQ worker),
the thread needs a human, an editor answers it through the one send path, the person's phone (the
local gateway, through the official SDK) receives it and its delivery report shows in the thread.
Viewers see a pseudonym and cannot answer; urgent threads go first, their texts for responders
and admins only, every view audited by thread id."""

import html
import re
import time

import pytest
from sqlalchemy import select

from sms_service.core.clock import ManualClock, parse_local_time
from sms_service.core.models import AuditEntry, Conversation, OutboundMessage
from tests.console_helpers import make_role_accounts, post
from tests.sms_phone import Texter

PHONE = "+254711082001"


@pytest.fixture
def clock():
    return ManualClock(parse_local_time("2026-12-01 10:00"))


@pytest.fixture
def app(live_app, clock):
    app = live_app(clock=clock)
    make_role_accounts(app)
    return app


@pytest.fixture
def person(app, run_jobs):
    return Texter(app, app.test_client(), run_jobs)


def contact(app, phone=PHONE):
    """How every role names the person: the pseudonym (editors up see a masked number beside it)."""
    return app.services.phone_keys.pseudonym(phone)


def thread_id(app, phone=PHONE):
    with app.services.database.transaction() as session:
        return session.scalar(select(Conversation.id).where(Conversation.phone == phone))


def outbound(app):
    with app.services.database.transaction() as session:
        return session.scalars(select(OutboundMessage).order_by(OutboundMessage.id)).all()


def audit_entries(app, action):
    with app.services.database.transaction() as session:
        return session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)).all()


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_data(as_text=True)


def wait_for_status(app, message_id, status):
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with app.services.database.transaction() as session:
            if session.get(OutboundMessage, message_id).status == status:
                return
        time.sleep(0.05)
    raise AssertionError(f"message {message_id} never became {status}")


def test_a_question_needs_a_human_an_editor_answers_and_the_phone_receives_it(app, as_role, person, run_jobs):
    person.text("How do I sign the petition?")
    editor = as_role("editor")
    assert 'id="needs-a-human">1<' in page(editor, "/console/dashboard")
    listing = page(editor, "/console/conversations?view=needs_human")
    assert contact(app) in listing and "How do I sign the petition?" in listing
    assert "+254711***001" in listing and PHONE not in listing  # editors: a masked number, never the whole
    conversation = thread_id(app)
    thread = page(editor, f"/console/conversations/{conversation}")
    assert 'name="text_reply"' in thread and 'id="counter-reply"' in thread and "data-describe" in thread

    response = post(editor, f"/console/conversations/{conversation}/reply",
                    {"text_reply": "Text ATT and your full name to 21212. Asante!"})
    assert response.status_code == 303
    run_jobs(app)
    assert person.last == "Text ATT and your full name to 21212. Asante!"
    answer = outbound(app)[-1]
    assert (answer.purpose, answer.in_reply_to is not None) == ("staff_reply", True)
    wait_for_status(app, answer.id, "delivered")
    thread = page(editor, f"/console/conversations/{conversation}")
    assert "answer by eddie" in thread and 'data-status="delivered"' in thread
    assert "needs a human" not in page(editor, "/console/conversations?view=needs_human").split("<tbody>")[1]
    [entry] = audit_entries(app, "conversation.reply")
    assert (entry.actor, entry.subject, entry.detail["message_id"]) == ("eddie", f"conversation {conversation}", answer.id)
    assert PHONE not in str(entry.detail) and "ATT" not in str(entry.detail)


def test_the_saved_replies_come_in_the_persons_language(app, as_role, person):
    person.text("LUGHA SW")
    person.text("nisaidie kusaini")
    thread = page(as_role("editor"), f"/console/conversations/{thread_id(app)}?saved=how_to_sign")
    assert app.services.flow_book.saved_replies["how_to_sign"].texts["sw"] in thread


def test_a_viewer_sees_a_pseudonym_and_cannot_answer(app, as_role, person):
    person.text("Is anyone there?")
    viewer = as_role("viewer")
    pseudonym = app.services.phone_keys.pseudonym(PHONE)
    conversation = thread_id(app)
    for url in ("/console/conversations", f"/console/conversations/{conversation}"):
        shown = page(viewer, url)
        assert pseudonym in shown and PHONE not in shown and "0711082001" not in shown
    assert 'name="text_reply"' not in page(viewer, f"/console/conversations/{conversation}")
    assert post(viewer, f"/console/conversations/{conversation}/reply", {"text_reply": "hi"}).status_code == 403
    assert [m.purpose for m in outbound(app)] == ["reply"]  # only the automatic "not understood"


def test_an_urgent_thread_goes_first_and_only_responders_read_it(app, as_role, person, run_jobs, clock):
    person.text("what is the quiz about")
    other = Texter(app, app.test_client(), run_jobs, number="0722000111")
    clock.advance(minutes=5)
    other.text("hello there")
    clock.advance(minutes=5)
    later = Texter(app, app.test_client(), run_jobs, number="0733000222")
    later.text("nimebakwa")  # danger
    clock.advance(minutes=5)
    other.text("hello again")  # newer than the danger text, still after it
    urgent = thread_id(app, "+254733000222")

    responder, editor = as_role("responder"), as_role("editor")
    listing = page(responder, "/console/conversations")
    order = [int(found) for found in re.findall(r'data-thread="(\d+)"', listing)]
    assert order[0] == urgent and len(order) == 3
    assert 'id="urgent-count">1 urgent' in listing
    # The list shows no urgent text, to anyone: it is read on the thread's page, where views are audited.
    assert "nimebakwa" not in listing and "urgent: open the thread to read it (audited)" in listing

    assert "nimebakwa" not in page(editor, "/console/conversations")
    assert "nimebakwa" not in page(editor, "/console/inbound") and "hello again" in page(editor, "/console/inbound")
    assert "nimebakwa" in page(responder, "/console/inbound")
    shown = page(editor, f"/console/conversations/{urgent}")
    assert "nimebakwa" not in shown and 'id="restricted"' in shown and 'name="text_reply"' not in shown
    assert post(editor, f"/console/conversations/{urgent}/reply", {"text_reply": "Pole"}).status_code == 403
    assert post(editor, f"/console/conversations/{urgent}/note", {"note": "x"}).status_code == 403
    refused = post(editor, f"/console/conversations/{urgent}/assign", {"assignee": "eddie"}, follow_redirects=True)
    assert "may not read urgent threads" in refused.get_data(as_text=True)

    shown = page(responder, f"/console/conversations/{urgent}")
    assert "nimebakwa" in shown and 'name="text_reply"' in shown
    views = audit_entries(app, "conversation.view_urgent")
    # eddie opened it, and again after the refused assignment; then rosa
    assert [(entry.actor, entry.subject) for entry in views] == [("eddie", f"conversation {urgent}")] * 2 + [
        ("rosa", f"conversation {urgent}")]
    assert all("+254" not in str(entry.detail) and "nimebakwa" not in str(entry.detail) for entry in views)
    assert post(responder, f"/console/conversations/{urgent}/reply", {"text_reply": "Pole sana. Piga 1195."}).status_code == 303
    run_jobs(app)
    assert later.last == "Pole sana. Piga 1195."


def test_assign_note_handled_and_a_new_text_reopens_the_thread(app, as_role, person, clock):
    person.text("habari, nina swali")
    editor = as_role("editor")
    conversation = thread_id(app)
    post(editor, f"/console/conversations/{conversation}/assign", {"assignee": "eddie"})
    assert contact(app) in page(editor, "/console/conversations?view=mine")
    assert contact(app) not in page(editor, "/console/conversations?view=unassigned")
    post(editor, f"/console/conversations/{conversation}/note", {"note": "Called back, no answer"})
    inbox_before = list(person.inbox)
    post(editor, f"/console/conversations/{conversation}/handled")
    assert person.inbox == inbox_before  # a note is never sent
    shown = page(editor, f"/console/conversations/{conversation}")
    assert "internal note by eddie" in shown and "Called back, no answer" in shown and "handled by eddie" in shown
    assert contact(app) in page(editor, "/console/conversations?view=handled")
    assert contact(app) not in page(editor, "/console/conversations?view=needs_human")
    clock.advance(hours=2)
    person.text("bado nasubiri")
    assert contact(app) not in page(editor, "/console/conversations?view=handled")
    assert contact(app) in page(editor, "/console/conversations?view=needs_human")
    actions = [entry.action for entry in audit_entries(app, "conversation.assign") + audit_entries(app, "conversation.note")
               + audit_entries(app, "conversation.handled")]
    assert actions == ["conversation.assign", "conversation.note", "conversation.handled"]


def test_an_opted_out_person_gets_a_staff_answer_only_to_a_text_sent_after_opting_out(app, as_role, person, run_jobs):
    person.text("swali kuhusu ombi")
    person.text("STOP")
    editor = as_role("editor")
    conversation = thread_id(app)
    refused = post(editor, f"/console/conversations/{conversation}/reply", {"text_reply": "Jibu"}, follow_redirects=True)
    assert "opted out and has sent nothing since" in refused.get_data(as_text=True)
    assert [m.purpose for m in outbound(app)] == ["reply", "stop_confirmation"]

    person.text("samahani, swali moja tu")  # after opting out: no automatic reply
    assert [m.purpose for m in outbound(app)] == ["reply", "stop_confirmation"]
    assert post(editor, f"/console/conversations/{conversation}/reply", {"text_reply": "Karibu, uliza."}).status_code == 303
    run_jobs(app)
    assert person.last == "Karibu, uliza."
    assert outbound(app)[-1].status in ("sent", "delivered")


@pytest.mark.parametrize("query, reason", [
    ("view=everything", "view: 'everything' is not one of"),
    ("since=yesterday", "since: 'yesterday' is not a date"),
    ("since=2026-13-01", "since: '2026-13-01' is not a date like 2026-12-01"),
    ("until=2026-02-30", "until: '2026-02-30' is not a date like 2026-12-01"),
    ("since=26-12-01", "since: '26-12-01' is not a date like 2026-12-01"),
    # Days at the edges of Python's dates: their Nairobi midnight (or the next day's) cannot be counted
    ("since=0001-01-01", "since: '0001-01-01' is out of range: choose a day from 2000-01-01 to 2099-12-31"),
    ("until=9999-12-31", "until: '9999-12-31' is out of range: choose a day from 2000-01-01 to 2099-12-31"),
    ("since=1999-12-31", "since: '1999-12-31' is out of range"),
    ("until=2100-01-01", "until: '2100-01-01' is out of range"),
])
def test_bad_filters_get_a_clear_400(app, as_role, query, reason):
    response = as_role("viewer").get(f"/console/conversations?{query}")
    assert response.status_code == 400 and reason in html.unescape(response.get_data(as_text=True))


def test_filters_by_topic_county_and_date(app, as_role, person, run_jobs, clock):
    person.text("JOIN TORTURE")
    person.text("nina swali kuhusu mateso")
    clock.advance(days=2)
    other = Texter(app, app.test_client(), run_jobs, number="0722000111")
    other.text("a question on guns")
    viewer = as_role("viewer")
    mine, theirs = (app.services.phone_keys.pseudonym(phone) for phone in (PHONE, "+254722000111"))
    by_topic = page(viewer, "/console/conversations?topic=torture")
    assert mine in by_topic and theirs not in by_topic
    by_date = page(viewer, "/console/conversations?since=2026-12-03&until=2026-12-03")
    assert theirs in by_date and mine not in by_date
    assert "No conversations." in page(viewer, "/console/conversations?county=Mombasa")


def test_erasure_removes_the_thread_and_its_notes_and_retention_blanks_old_notes(app, as_role, person, clock, run_jobs):
    from sms_service.core.models import ConversationEntry
    from sms_service.domain.people.erasure import erase_person
    from sms_service.domain.people.retention import RETENTION_JOB

    person.text("nina swali")
    editor = as_role("editor")
    post(editor, f"/console/conversations/{thread_id(app)}/note", {"note": "Akinyi, lives in Kibera"})
    clock.advance(days=370)
    app.services.queue.enqueue(RETENTION_JOB)
    run_jobs(app)
    with app.services.database.transaction() as session:
        assert session.scalars(select(ConversationEntry.text)).all() == [""]
    services = app.services
    erase_person(services.database, services.redis, services.phone_keys, PHONE, clock.now(), "ada", "console")
    with app.services.database.transaction() as session:
        assert session.scalars(select(Conversation)).all() == [] and session.scalars(select(ConversationEntry)).all() == []
