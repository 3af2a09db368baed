"""Premium (on-demand) shortcodes, end to end: AT's inbound callback with a linkId, a real RQ worker,
the official SDK sending the reply over HTTP to the local gateway, which records which way it went.
A direct reply on a premium shortcode, while its linkId is valid, goes through the SDK's premium
send with that linkId and keyword; everything else through the bulk sender."""

import itertools
from datetime import timedelta

import pytest
from sqlalchemy import select

from sms_service.channels.africastalking.client import AfricasTalkingSms
from sms_service.channels.africastalking.local_gateway import create_gateway_app, messages_for
from sms_service.core.clock import ManualClock, parse_local_time
from sms_service.core.models import OutboundMessage
from sms_service.domain.messaging.gateway import PremiumReply

PHONE = "+254711082001"
PREMIUM = "22384"
_ids = itertools.count(1)


def text(app, body, to=PREMIUM, link_id="SampleLinkId123"):
    form = {"from": PHONE, "to": to, "text": body, "date": "2026-11-25 09:00:00", "id": f"premium-{next(_ids)}",
            "networkCode": "63902", **({"linkId": link_id} if link_id else {})}
    response = app.test_client().post("/sms/inbound", data=form)
    assert response.status_code == 200, response.get_data(as_text=True)


def sent_ways(app):
    """(premium fields or None, from) of every message the gateway got for PHONE, oldest first."""
    return [(entry["premium"], entry["from"]) for entry in reversed(messages_for(app.services.redis, PHONE))]


def premium(keyword, link_id="SampleLinkId123"):
    return {"shortcode": PREMIUM, "keyword": keyword, "link_id": link_id}


@pytest.fixture
def clock():
    return ManualClock(parse_local_time("2026-11-25 10:00"))


# (setting, what is texted to which shortcode with which linkId) -> how the reply went
WAYS = [
    ("22384", "JOIN torture", PREMIUM, "SampleLinkId123", (premium("JOIN"), PREMIUM)),
    ("22384", "join torture", PREMIUM, "Lk-2", (premium("join", "Lk-2"), PREMIUM)),  # the keyword as typed
    ("22384", "HELP", PREMIUM, "SampleLinkId123", (premium("HELP"), PREMIUM)),
    ("22384, 40404", "HELP", "40404", "Lk-3", ({"shortcode": "40404", "keyword": "HELP", "link_id": "Lk-3"}, "40404")),
    ("", "JOIN torture", PREMIUM, "SampleLinkId123", (None, "HAKIYETU")),  # off by default
    ("22384", "JOIN torture", "21212", "SampleLinkId123", (None, "HAKIYETU")),  # another shortcode is not premium
    ("22384", "JOIN torture", PREMIUM, None, (None, "HAKIYETU")),  # no linkId to carry
    ("22384", "STOP", PREMIUM, "SampleLinkId123", (None, "HAKIYETU")),  # a STOP confirmation bills nobody
]


@pytest.mark.parametrize("setting, body, to, link_id, way", WAYS)
def test_which_way_a_reply_goes(live_app, run_jobs, clock, setting, body, to, link_id, way):
    app = live_app(clock=clock, AT_PREMIUM_SHORTCODES=setting, AT_SENDER_ID="HAKIYETU")
    text(app, body, to, link_id)
    run_jobs(app)
    assert sent_ways(app) == [way]
    with app.services.database.transaction() as session:
        assert session.scalars(select(OutboundMessage.status)).all() in (["sent"], ["delivered"])


def test_a_reply_after_its_link_id_lapsed_goes_through_the_bulk_sender(live_app, run_jobs, clock):
    app = live_app(clock=clock, AT_PREMIUM_SHORTCODES=PREMIUM, AT_SENDER_ID="HAKIYETU", AT_PREMIUM_LINK_ID_MINUTES="30")
    text(app, "HELP")
    clock.set(clock.now() + timedelta(minutes=31))  # the worker was down for half an hour
    run_jobs(app)
    assert sent_ways(app) == [(None, "HAKIYETU")]


def test_a_reply_just_inside_the_window_still_carries_its_link_id(live_app, run_jobs, clock):
    app = live_app(clock=clock, AT_PREMIUM_SHORTCODES=PREMIUM, AT_SENDER_ID="HAKIYETU", AT_PREMIUM_LINK_ID_MINUTES="30")
    text(app, "HELP")
    clock.set(clock.now() + timedelta(minutes=29))
    run_jobs(app)
    assert sent_ways(app) == [(premium("HELP"), PREMIUM)]


def test_the_sdk_sends_the_premium_form_to_the_local_gateway(live_app):
    app = live_app()
    gateway = AfricasTalkingSms("sandbox", "local", base_url=app.config["AT_API_BASE_URL"])
    [result] = gateway.send("Asante", [PHONE], premium=PremiumReply(PREMIUM, "JOIN", "Lk-9"))
    assert result.message_id
    [entry] = messages_for(app.services.redis, PHONE)
    assert (entry["from"], entry["premium"], entry["message"]) == (PREMIUM, premium("JOIN", "Lk-9"), "Asante")


@pytest.mark.parametrize("form, status", [
    ({"username": "sandbox", "to": PHONE, "message": "Hi", "bulkSMSMode": "0", "from": PREMIUM, "linkId": "L"}, 201),
    ({"username": "sandbox", "to": PHONE, "message": "Hi", "bulkSMSMode": "0", "from": PREMIUM, "keyword": "JOIN"},
     201),
    ({"username": "sandbox", "to": PHONE, "message": "Hi", "bulkSMSMode": "0", "linkId": "L"}, 400),  # from what?
    ({"username": "sandbox", "to": PHONE, "message": "Hi", "bulkSMSMode": "0", "from": PREMIUM}, 400),
    ({"username": "sandbox", "to": PHONE, "message": "Hi", "bulkSMSMode": "1"}, 201),
])
def test_the_local_gateway_checks_the_premium_form(app, form, status):
    gateway = create_gateway_app({**app.services.config, "LOCAL_GATEWAY_DLR_DELAY_MS": -1}, app.services.redis)
    response = gateway.test_client().post("/version1/messaging", data=form, headers={"apiKey": "local"})
    assert response.status_code == status, response.get_data(as_text=True)
