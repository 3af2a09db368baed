"""Keywords texted to the shortcode, end to end: AT's inbound callback, a real RQ worker, the
official SDK sending the reply over HTTP to the local gateway, and its delivery report back."""

import time

import pytest
from sqlalchemy import select

from sms_service.core.models import (
    Consent,
    InboundMessage,
    OutboundMessage,
    PetitionSignature,
    Subscriber,
    Subscription,
)
from sms_service.engine.flows.reading import parse_flow_yaml
from tests.sms_phone import Texter

PHONE = "+254711082001"


@pytest.fixture
def texter(live_app, run_jobs):
    app = live_app()
    return Texter(app, app.test_client(), run_jobs)


def rows(app, model):
    with app.services.database.transaction() as session:
        return session.execute(select(model).order_by(model.id)).scalars().all()


# How a text is read (keywords, STOP and its look-alikes) is tests/sms_intent_corpus.csv, tested in
# tests/test_sms_intent.py.


def test_join_subscribes_to_every_topic_and_replies(texter):
    texter.text("JOIN")
    assert texter.inbox == [
        "Welcome to Haki Yetu! You will get SMS updates on: Ending torture, Freedom from sexual "
        "violence, Arms Trade Treaty. Text STOP to end them, HELP for help."
    ]
    assert sorted(s.topic for s in rows(texter.app, Subscription)) == ["arms_control", "sexual_violence", "torture"]
    assert {c.channel for c in rows(texter.app, Consent)} == {"sms"}


def test_join_a_topic_in_kiswahili(texter):
    texter.text("LUGHA SW").text("jiunge mateso")
    assert texter.inbox[-1].startswith("Karibu Haki Yetu! Utapata habari kwa SMS kuhusu: Kukomesha mateso.")
    assert [s.topic for s in rows(texter.app, Subscription)] == ["torture"]


def test_join_an_unknown_topic_explains(texter):
    texter.text("JOIN weather")
    assert texter.inbox == ["We do not know that topic. Text JOIN TORTURE, JOIN RAPE or JOIN ATT, or just JOIN for all."]
    assert rows(texter.app, Subscription) == []


def test_stop_wins_is_confirmed_once_and_silences_everything_until_join(texter):
    texter.text("JOIN").text("STOP.")
    assert texter.inbox[-1] == "You will get no more messages from Haki Yetu. Text JOIN to subscribe again."
    [subscriber] = rows(texter.app, Subscriber)
    assert subscriber.suppressed_at is not None
    assert all(s.withdrawn_at is not None for s in rows(texter.app, Subscription))
    withdrawal = rows(texter.app, Consent)[-1]
    assert (withdrawal.purpose, withdrawal.granted, withdrawal.channel) == ("updates:all", False, "sms")

    texter.text("stop").text("HELP").text("what is this")
    assert len(texter.inbox) == 2  # no second confirmation, no help, no "not understood"

    texter.text("JOIN")
    assert texter.inbox[-1].startswith("Welcome to Haki Yetu!")
    assert rows(texter.app, Subscriber)[0].suppressed_at is None
    assert all(s.withdrawn_at is None for s in rows(texter.app, Subscription))


def test_help(texter):
    texter.text("help")
    assert texter.inbox[0].startswith("Haki Yetu: text JOIN for campaign updates")


def test_att_signs_the_petition_once(texter):
    texter.text("ATT Wanjiku Kamau")
    assert texter.inbox[-1].startswith("Thank you, Wanjiku Kamau! You signed the petition")
    texter.text("att Wanjiku K.")
    assert texter.inbox[-1].startswith("This number has already signed the ATT petition.")
    [signature] = rows(texter.app, PetitionSignature)
    assert (signature.full_name, signature.channel, signature.county) == ("Wanjiku Kamau", "sms", None)


def test_att_without_a_name_asks_for_one(texter):
    texter.text("ATT")
    assert texter.inbox[-1].startswith("To sign the petition for Kenya to ratify the Arms Trade Treaty, text ATT")
    assert rows(texter.app, PetitionSignature) == []


def test_lang_switches_replies(texter):
    texter.text("LANG SW")
    assert texter.inbox[-1] == "Haki Yetu itakuandikia kwa Kiswahili."
    texter.text("lang xx")
    assert texter.inbox[-1] == "Tuma LUGHA SW kwa Kiswahili au LUGHA EN kwa Kiingereza."
    assert rows(texter.app, Subscriber)[0].language == "sw"


def test_unknown_text_gets_a_few_help_replies_an_hour_not_more(texter):
    for _ in range(5):
        texter.text("Hello? Is this the office?")
    assert len(texter.inbox) == texter.app.config["SMS_UNKNOWN_REPLIES_PER_HOUR"] == 3
    assert texter.inbox[0].startswith("Sorry, we did not understand.")
    handled = rows(texter.app, InboundMessage)
    assert len(handled) == 5 and all(m.handled_at and m.outcome == "unknown" for m in handled)


def test_replies_are_tracked_to_delivery(texter):
    texter.text("HELP")
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        [reply] = rows(texter.app, OutboundMessage)
        if reply.status == "delivered":
            break
        time.sleep(0.05)
    assert (reply.status, reply.purpose, reply.phone, reply.cost) == ("delivered", "reply", PHONE, "KES 0.8000")
    assert reply.gateway_message_id.startswith("ATXid_") and reply.sent_at is not None


def test_an_inbound_message_is_handled_once_even_if_its_job_runs_twice(texter):
    texter.text("HELP")
    [inbound] = rows(texter.app, InboundMessage)
    texter.app.services.queue.enqueue("workers.sms_jobs.handle_inbound_sms", inbound.id)
    texter.run_jobs(texter.app)
    assert len(texter.inbox) == 1


def test_a_reply_refused_by_the_gateway_is_retried_later(live_app, run_jobs):
    app = live_app(LOCAL_GATEWAY_FAILURE_RATE=1.0)
    Texter(app, app.test_client(), run_jobs).text("HELP")
    [reply] = rows(app, OutboundMessage)
    assert (reply.status, reply.status_code, reply.failure_reason, reply.attempts) == ("retry", 500, "InternalServerError", 1)
    # Tried again on the replies queue, which every worker takes first.
    assert len(app.services.queues["replies"].scheduled_job_registry.get_job_ids()) == 1


def test_stop_by_sms_withdraws_a_subscription_made_on_ussd(texter):
    from tests.ussd_phone import UssdPhone

    UssdPhone(texter.client, "0711082001").dial().answer_all("5", "1", "1").assert_see("You will get SMS updates")
    texter.text("Acha")
    assert texter.inbox == ["You will get no more messages from Haki Yetu. Text JOIN to subscribe again."]
    [subscription] = rows(texter.app, Subscription)
    assert subscription.withdrawn_at is not None


def test_pending_inbound_messages_can_be_queued_again(make_app, live_app, run_jobs):
    app = make_app(REDIS_URL="redis://127.0.0.1:1/0")  # Redis down: stored, not queued
    form = {"from": "0711082001", "to": "21212", "text": "HELP", "date": "", "id": "pending-1"}
    assert app.test_client().post("/sms/inbound", data=form).status_code == 200

    healthy = live_app()
    result = healthy.test_cli_runner().invoke(args=["sms", "handle-pending"])
    assert "queued 1 inbound message(s)" in result.output
    run_jobs(healthy)
    [inbound] = rows(healthy, InboundMessage)
    assert inbound.outcome == "help"


def test_sms_describe_command(app):
    result = app.test_cli_runner().invoke(args=["sms", "describe", "Don\u2019t wait \u2013 sign"])
    assert result.output.splitlines() == [
        "UCS-2, 17 characters, 1 segment(s)",
        "forces UCS-2: '\u2019' (U+2019) '\u2013' (U+2013)",
        "GSM-7 version: Don't wait - sign",
    ]


def test_a_message_cut_off_mid_send_is_not_sent_again(texter):
    """A worker killed between claiming a message and recording the send leaves it "sending"."""
    from sms_service.domain.messaging.outbox import deliver, queue_message

    app = texter.app
    services = app.services
    with services.database.transaction() as session:
        message = queue_message(session, PHONE, "Habari", "reply", services.clock.now())
        message.status = "sending"  # as a killed worker leaves it
        message_id = message.id
    delivery = deliver(services.database, services.gateway, message_id, services.clock.now(), services.messaging,
                       services.redis)
    assert (delivery.status, delivery.again_at) == ("sending", None)
    assert texter.inbox == []


def test_the_petition_a_keyword_signs_is_data_in_flows(live_app, run_jobs, tmp_path):
    """A second petition and its keyword, added in flows/ alone, are signed by SMS through the
    same action the USSD menu uses."""
    import shutil

    import yaml

    from sms_service.core.config import PROJECT_ROOT

    flows = tmp_path / "flows"
    shutil.copytree(PROJECT_ROOT / "flows", flows)
    catalog, keywords = flows / "catalog.yaml", flows / "sms" / "keywords.yaml"
    data = parse_flow_yaml(catalog.read_text())
    data["petitions"]["police"] = {"en": "Police reform now", "sw": "Mageuzi ya polisi sasa"}
    catalog.write_text(yaml.safe_dump(data, allow_unicode=True))
    data = parse_flow_yaml(keywords.read_text())
    data["keywords"]["police_petition"] = ["REFORM", "MAGEUZI"]
    data["routes"]["police_petition"] = {**data["routes"]["att"], "with": {"petition": "police"}}
    keywords.write_text(yaml.safe_dump(data, allow_unicode=True))
    app = live_app(FLOWS_PATH=str(flows))
    Texter(app, app.test_client(), run_jobs).text("REFORM Wanjiku Kamau")
    [signature] = rows(app, PetitionSignature)
    assert (signature.petition, signature.full_name, signature.channel) == ("police", "Wanjiku Kamau", "sms")


def test_consents_and_opt_outs_are_recorded_at_the_services_time(live_app, run_jobs):
    """The consent ledger, subscriptions, signatures and STOP take their time from the service's
    clock (a ManualClock here, years from the machine's), never the machine's."""
    from sms_service.core.clock import ManualClock, as_utc, parse_local_time

    clock = ManualClock(parse_local_time("2030-03-01 09:00"))
    app = live_app(clock=clock)
    texter = Texter(app, app.test_client(), run_jobs)
    texter.text("JOIN TORTURE").text("ATT Wanjiku Kamau")
    clock.advance(days=1)
    texter.text("LEAVE TORTURE")
    clock.advance(days=1)
    texter.text("STOP")
    day = [parse_local_time(f"2030-03-0{n} 09:00") for n in (1, 2, 3)]

    def at(moment):  # SQLite hands back naive UTC
        return None if moment is None else as_utc(moment)
    [subscription] = rows(app, Subscription)
    assert (at(subscription.consent_at), at(subscription.withdrawn_at)) == (day[0], day[1])
    assert [at(signature.signed_at) for signature in rows(app, PetitionSignature)] == [day[0]]
    assert [(c.purpose, c.granted, at(c.recorded_at)) for c in rows(app, Consent)] == [
        ("updates:torture", True, day[0]), ("petition:att", True, day[0]), ("updates:torture", False, day[1]),
        ("updates:all", False, day[2])]
    assert [at(subscriber.suppressed_at) for subscriber in rows(app, Subscriber)] == [day[2]]
