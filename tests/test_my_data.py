"""People manage their own data, by SMS (MY DATA / DATA YANGU, through AT's inbound callback, a
real RQ worker and the SDK's reply at the local gateway) and on USSD (Language > My account): see
what is kept, leave one topic, erase it all after a confirmation, in English and Kiswahili."""

import pytest
from sqlalchemy import String, func, select

from sms_service.core.clock import ManualClock, parse_local_time
from sms_service.core.models import (
    AuditEntry,
    BookletRequest,
    Conversation,
    InboundMessage,
    OutboundMessage,
    PetitionSignature,
    School,
    Subscriber,
    Subscription,
)
from sms_service.domain.people.retention import RETENTION_JOB
from tests.sms_phone import Texter
from tests.ussd_phone import UssdPhone

NUMBER, PHONE = "0711082001", "+254711082001"


@pytest.fixture
def texter(live_app, run_jobs):
    app = live_app(clock=ManualClock(parse_local_time("2026-12-01 10:00")))
    return Texter(app, app.test_client(), run_jobs, number=NUMBER)


def count(app, model, *where):
    with app.services.database.transaction() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where))


def test_my_data_shows_what_is_kept_and_how_to_leave_or_erase(texter):
    texter.text("JOIN TORTURE").text("ATT Amina Otieno").text("MY DATA")
    assert texter.last == (
        "We keep: English; updates: Ending torture; county -; school -; 1 signatures, 0 quizzes, "
        "5 texts, 0 programmes. Leave a topic: LEAVE TORTURE. Erase all: MY DATA ERASE")
    texter.text("LANG SW").text("data yangu")
    assert texter.last == (
        "Tunahifadhi: Kiswahili; habari: Kukomesha mateso; kaunti -; shule -; saini 1, chemsha bongo 0, "
        "jumbe 9, programu 0. Kuacha: TOKA MATESO. Kufuta: DATA YANGU FUTA")


def test_my_data_counts_school_programme_records_and_erasure_takes_them(texter):
    """A teacher who only registered a school and asked for booklets: MY DATA counts those records
    (the contact of the school, the request), and erasure removes the person from both."""
    texter.text("TEACHER Moi Girls, Nakuru, Jane Chebet").text("BOOKLET ATT 40 Moi Girls, Nakuru, P.O. Box 4 Nakuru")
    texter.text("MY DATA")
    assert texter.last.startswith("We keep: English; updates: -; county -; school -; 0 signatures, 0 quizzes, ")
    assert ", 2 programmes. Leave a topic" in texter.last
    texter.text("MY DATA ERASE").text("MY DATA CONFIRM")
    app = texter.app
    assert count(app, BookletRequest) == 0
    assert count(app, School, School.contact_phone.is_not(None)) == 0 and count(app, School) == 1


@pytest.mark.parametrize("language, ask, confirm, asked, erased", [
    ("LANG EN", "MY DATA ERASE", "my data confirm", "To confirm, text MY DATA CONFIRM within 15 minutes.",
     "Done: Haki Yetu has erased what it kept about this number."),
    ("LUGHA SW", "Data yangu futa", "DATA YANGU THIBITISHA", "Kuthibitisha, tuma DATA YANGU THIBITISHA ndani ya dakika 15.",
     "Imekamilika: Haki Yetu imefuta ilichohifadhi kuhusu nambari hii."),
    # the verb first, as people ask
    ("LANG EN", "Please delete my data", "MY DATA CONFIRM", "To confirm, text MY DATA CONFIRM within 15 minutes.",
     "Done: Haki Yetu has erased what it kept about this number."),
    ("LUGHA SW", "Futa taarifa zangu", "data yangu thibitisha",
     "Kuthibitisha, tuma DATA YANGU THIBITISHA ndani ya dakika 15.",
     "Imekamilika: Haki Yetu imefuta ilichohifadhi kuhusu nambari hii."),
])
def test_erasure_by_sms_needs_a_confirming_second_message(texter, language, ask, confirm, asked, erased):
    app = texter.app
    texter.text("JOIN").text("ATT Amina Otieno").text(language)
    texter.text(confirm)  # nothing asked yet
    assert texter.last.startswith(("Nothing was erased.", "Hakuna kilichofutwa."))
    texter.text(ask)
    assert asked in texter.last
    app.services.clock.advance(minutes=16)  # too late: ask again
    texter.text(confirm)
    assert texter.last.startswith(("Nothing was erased.", "Hakuna kilichofutwa."))
    assert count(app, Subscriber) == 1
    texter.text(ask).text(confirm)
    assert texter.last.startswith(erased)
    assert count(app, Subscriber) == 0 and count(app, Subscription) == 0
    assert count(app, PetitionSignature, PetitionSignature.full_name != "") == 0
    assert count(app, InboundMessage, InboundMessage.phone == PHONE) == 0
    with app.services.database.transaction() as session:
        entry = session.execute(select(AuditEntry).where(AuditEntry.action == "people.erase")).scalar_one()
    assert (entry.actor, entry.subject) == ("person:sms", app.services.phone_keys.pseudonym(PHONE))


def test_a_number_that_opted_out_keeps_its_data_rights(texter):
    """STOP ends campaign messages, not a person's rights of access and erasure (Data Protection
    Act 2019 s.26, s.40): MY DATA is answered after it, and ERASE then CONFIRM erase; a STOP
    between the two asks for the erasure again, and says so."""
    app = texter.app
    texter.text("JOIN TORTURE").text("STOP")
    stopped = texter.last
    texter.text("MY DATA")
    assert texter.last.startswith("We keep: English; updates: -;")
    texter.text("MY DATA ERASE").text("STOP").text("MY DATA CONFIRM")
    assert texter.last.startswith("Nothing was erased.")  # the STOP came between: ask again
    assert count(app, Subscriber) == 1
    assert texter.inbox.count(stopped) == 1  # one STOP confirmation: the second STOP changed nothing
    with app.services.database.transaction() as session:
        failed = session.scalars(select(OutboundMessage.failure_reason).where(OutboundMessage.status == "failed")).all()
    assert failed == []  # every answer went out: none was held back for the opt-out
    texter.text("MY DATA ERASE").text("MY DATA CONFIRM")
    assert texter.last.startswith("Done: Haki Yetu has erased what it kept about this number.")
    assert count(app, Subscriber) == 0


def test_after_erasure_by_sms_the_number_is_nowhere_once_the_confirmation_is_sent(texter):
    """MY DATA CONFIRM erases the rows, the Redis keys and (once sent) its own confirmation: the
    confirming text opens no new thread, and the retention sweep blanks the "Done" reply."""
    app, redis = texter.app, texter.app.services.redis
    texter.text("JOIN TORTURE").text("what is this about")  # an unknown text: its reply counter is in Redis

    def redis_keys():  # the local gateway's own keys are the handset's inbox, not the service's
        return [key for key in redis.scan_iter(match=f"*{PHONE}*") if not key.startswith(b"local_at:")]

    assert redis_keys()
    texter.text("MY DATA ERASE").text("MY DATA CONFIRM")
    assert texter.last.startswith("Done: Haki Yetu has erased what it kept about this number.")
    assert redis_keys() == []
    assert count(app, Conversation, Conversation.phone == PHONE) == 0
    assert count(app, InboundMessage, InboundMessage.phone == PHONE) == 0
    with app.services.database.transaction() as session:
        kept = session.scalars(select(OutboundMessage.purpose).where(OutboundMessage.phone == PHONE)).all()
    assert kept == ["erasure_confirmation"]  # sent: the retention sweep takes it now
    app.services.queue.enqueue(RETENTION_JOB)
    texter.run_jobs(app)
    assert count(app, OutboundMessage, OutboundMessage.phone == PHONE) == 0
    with app.services.database.transaction() as session:
        assert session.scalar(select(func.count()).select_from(AuditEntry)
                              .where(AuditEntry.detail.cast(String).contains("254711082001"))) == 0


@pytest.fixture
def app(live_app):
    return live_app()


def test_my_account_on_ussd_shows_the_data_and_leaves_one_topic(app, run_jobs):
    Texter(app, app.test_client(), run_jobs, number=NUMBER).text("JOIN")
    phone = UssdPhone(app.test_client(), NUMBER)
    phone.dial().answer("6").assert_see("1. English", "2. Kiswahili", "3. My account")
    phone.answer("3").assert_see("We keep: language English; updates: Ending torture, Freedom from sexual violence,")
    phone.answer_all("1", "1").assert_ended().assert_see("no more updates on Ending torture")
    with app.services.database.transaction() as session:
        topics = session.scalars(select(Subscription.topic).where(Subscription.withdrawn_at.is_(None))
                                 .order_by(Subscription.topic)).all()
    assert topics == ["arms_control", "sexual_violence"]
    UssdPhone(app.test_client(), NUMBER).dial("6*3*1*1").assert_see("You do not get updates on Ending torture")


@pytest.mark.parametrize("language, no, yes, kept, erased", [
    ("1", "2", "1", "Nothing was erased.", "Done: we erased what we kept about this number."),
    ("2", "2", "1", "Hakuna kilichofutwa.", "Imekamilika: tumefuta tulichohifadhi kuhusu nambari hii."),
])
def test_erasure_on_ussd_is_confirmed_on_its_own_screen(app, run_jobs, language, no, yes, kept, erased):
    Texter(app, app.test_client(), run_jobs, number=NUMBER).text("JOIN")
    UssdPhone(app.test_client(), NUMBER).dial(f"6*{language}")  # choose the language first
    UssdPhone(app.test_client(), NUMBER).dial("6*3*2").answer(no).assert_ended().assert_see(kept)
    assert count(app, Subscriber) == 1
    UssdPhone(app.test_client(), NUMBER).dial("6*3*2").assert_see("1. ").answer(yes).assert_ended().assert_see(erased)
    assert count(app, Subscriber) == 0 and count(app, Subscription) == 0


def test_a_dial_string_cannot_answer_the_erasure_confirmation(app, run_jobs):
    """*384*123*6*3*2*1# passed around would erase whoever dials it: the shortcuts stop at the
    confirmation (typed_only in flows/ussd/menu.yaml), which the caller answers on a hop of its own."""
    Texter(app, app.test_client(), run_jobs, number=NUMBER).text("JOIN")
    phone = UssdPhone(app.test_client(), NUMBER).dial("6*3*2*1").assert_continues().assert_see("Erase everything")
    assert count(app, Subscriber) == 1 and count(app, Subscription) == 3
    phone.answer("1").assert_ended().assert_see("Done: we erased what we kept about this number.")
    assert count(app, Subscriber) == 0
