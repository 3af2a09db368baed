"""Figures at known Nairobi times for the charts' tests (HTTP and Chromium): rows seeded directly,
texts through AT's inbound callback, delivery reports through the webhook, the count by a real worker."""

from sqlalchemy import select

from sms_service.core.clock import parse_local_time
from sms_service.core.models import (
    Broadcast,
    OutboundMessage,
    PetitionSignature,
    QuizAttempt,
    Subscriber,
    Subscription,
    UssdJourney,
)
from tests.sms_phone import Texter
from workers.runner import queue_figures_rollup

TODAY = "2026-12-01"
YESTERDAY = "2026-11-30"


def at(text):
    return parse_local_time(text)


def seed_actions(app):
    """Subscriptions, signatures, quizzes and a broadcast at known Nairobi times (the consent ledger
    stamps the machine's time, so these are written as rows, not through the channels)."""
    with app.services.database.transaction() as session:
        alice = Subscriber(phone="+254711000001", language="en")
        bob = Subscriber(phone="+254711000002", language="sw")
        tester = Subscriber(phone="+254799900001", language="en")  # the simulator's: counted nowhere
        session.add_all([alice, bob, tester])
        session.flush()
        session.add_all([
            Subscription(subscriber_id=alice.id, topic="torture", consent_at=at(f"{TODAY} 09:00"), channel="sms"),
            Subscription(subscriber_id=alice.id, topic="sexual_violence", consent_at=at(f"{YESTERDAY} 12:00"),
                         channel="ussd"),
            Subscription(subscriber_id=bob.id, topic="arms_control", consent_at=at(f"{TODAY} 08:00"), channel="sms",
                         withdrawn_at=at(f"{TODAY} 09:30")),
            Subscription(subscriber_id=tester.id, topic="torture", consent_at=at(f"{TODAY} 09:00"), channel="sms"),
            PetitionSignature(petition="att", subscriber_id=alice.id, full_name="Alice W", channel="ussd",
                              consent_at=at(f"{TODAY} 09:10"), signed_at=at(f"{TODAY} 09:10")),
            # 00:30 in Nairobi is still the day before in UTC: it counts for Nairobi's day
            PetitionSignature(petition="att", subscriber_id=None, full_name="Web Signer", channel="web",
                              consent_at=at(f"{TODAY} 00:30"), signed_at=at(f"{TODAY} 00:30")),
            QuizAttempt(quiz="torture", phone=alice.phone, language="en", channel="ussd", status="finished",
                        next_question=3, score=2, started_at=at(f"{TODAY} 09:00"), last_prompt_at=at(f"{TODAY} 09:20"),
                        finished_at=at(f"{TODAY} 09:20")),
        ])
        bob.suppressed_at = at(f"{TODAY} 09:30")
        for number, status in enumerate(("success", "timed_out", "success")):
            session.add(UssdJourney(session_id=f"ATUid_{number}", status=status, closed_by="at", path=["home"],
                                    refused=[], hops=1, ended_at=at(f"{TODAY} 09:0{number}")))
        broadcast = Broadcast(name="ATT and torture", status="completed", topics=["torture", "arms_control"],
                              texts={"en": "Sign for the ATT"}, send_at=at(f"{TODAY} 08:00"), created_by="tests",
                              created_at=at(f"{TODAY} 08:00"))
        session.add(broadcast)
        session.flush()
        for number, status, reason in ((1, "delivered", None), (2, "failed", "AbsentSubscriber"), (3, "cancelled", None)):
            session.add(OutboundMessage(phone=f"+25471100010{number}", text="Sign for the ATT", purpose="broadcast",
                                        broadcast_id=broadcast.id, status=status, failure_reason=reason,
                                        cost=None if status == "cancelled" else "KES 0.8000",
                                        created_at=at(f"{TODAY} 08:00"), updated_at=at(f"{TODAY} 08:05")))


def text_in(app, run_jobs):
    """Three texts through AT's inbound callback, handled and answered by a real worker."""
    for number, body in (("0711000011", "HELP"), ("0711000012", "Stop torture!"), ("0711000013", "QUIZ MATESO")):
        Texter(app, app.test_client(), run_jobs, number=number).text(body)


def report(app, phone, status, reason=""):
    with app.services.database.transaction() as session:
        gateway_id = session.scalar(select(OutboundMessage.gateway_message_id).where(OutboundMessage.phone == phone))
    response = app.test_client().post("/sms/delivery-reports", data={
        "id": gateway_id, "status": status, "phoneNumber": phone, "networkCode": "63902", "failureReason": reason,
        "retryCount": "0"})
    assert response.status_code == 200


def roll_up(app, run_jobs):
    assert queue_figures_rollup(app.services, force=True)
    run_jobs(app)


