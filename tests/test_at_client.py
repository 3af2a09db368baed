"""The official SDK talking over HTTP to the local AT-compatible gateway."""

import pytest

from sms_service.channels.africastalking.client import (
    AfricasTalkingSms,
    GatewayRefused,
    GatewayUncertain,
    GatewayUnreachable,
    parse_send_response,
    point_sdk_at,
)
from sms_service.channels.africastalking.local_gateway import all_messages, counts, messages_for
from sms_service.channels.africastalking.statuses import SendOutcome
from tests.broadcast_helpers import wait_until


def test_point_sdk_at_changes_where_the_sdk_sends():
    client = AfricasTalkingSms("sandbox", "key", base_url="http://127.0.0.1:9/local-at/")
    # If an SDK upgrade renames the private _baseUrl, this and point_sdk_at fail first.
    assert client.messaging_url == "http://127.0.0.1:9/local-at/version1/messaging"
    # premium sends (send_premium) go to AT's content host: pointed at the same place
    assert client.service._make_url("/messaging", content=True) == "http://127.0.0.1:9/local-at/version1/messaging"


def test_point_sdk_at_refuses_an_sdk_it_does_not_understand():
    class NewSdk:
        pass

    with pytest.raises(RuntimeError, match="_baseUrl"):
        point_sdk_at(NewSdk(), "http://127.0.0.1:9")


def test_the_sdk_sends_a_batch_to_the_local_gateway(live_app):
    app = live_app()
    numbers = ["+254711000001", "+254711000002", "+254711000003"]
    results = app.services.gateway.send("Karibu Haki Yetu", numbers)
    assert [r.number for r in results] == numbers
    assert all(r.outcome is SendOutcome.ACCEPTED and r.message_id for r in results)
    assert len({r.message_id for r in results}) == 3
    redis = app.services.redis
    assert [m["message"] for m in messages_for(redis, "+254711000002")] == ["Karibu Haki Yetu"]
    assert len(all_messages(redis)) == 3


@pytest.mark.parametrize(
    "number, code, outcome",
    [
        ("+254700009403", 403, SendOutcome.PERMANENT),
        ("+254700009406", 406, SendOutcome.PERMANENT),
        ("+254700009405", 405, SendOutcome.RETRYABLE),
        ("+254700009502", 502, SendOutcome.RETRYABLE),
        ("+254700009102", 102, SendOutcome.ACCEPTED),
    ],
)
def test_failures_inside_a_200_are_read_per_recipient(live_app, number, code, outcome):
    app = live_app()
    ok, scripted = app.services.gateway.send("Habari", ["+254711000001", number])
    assert ok.outcome is SendOutcome.ACCEPTED
    assert (scripted.status_code, scripted.outcome) == (code, outcome)
    if outcome is not SendOutcome.ACCEPTED:
        assert scripted.message_id is None
        assert messages_for(app.services.redis, number) == []


def test_a_non_2xx_answer_raises(live_app):
    app = live_app()
    client = AfricasTalkingSms("sandbox", "key", base_url=app.config["SERVER_URL"] + "/no-such-api")
    with pytest.raises(GatewayRefused):
        client.send("Habari", ["+254711000001"])


def test_a_refused_connection_is_unreachable():
    client = AfricasTalkingSms("sandbox", "key", base_url="http://127.0.0.1:1")
    with pytest.raises(GatewayUnreachable):
        client.send("Habari", ["+254711000001"])


def test_a_read_timeout_is_uncertain(live_app):
    app = live_app(LOCAL_GATEWAY_LATENCY_MS=1500)
    client = AfricasTalkingSms("sandbox", "key", base_url=app.config["AT_API_BASE_URL"], timeout=(1, 0.3))
    with pytest.raises(GatewayUncertain):
        client.send("Habari", ["+254711000001"])
    # The gateway took it all the same; let it finish, or it records the message into the next test's Redis.
    wait_until(lambda: counts(app.services.redis)["in_flight"] == 0, 5, "the gateway to finish the request")
    assert messages_for(app.services.redis, "+254711000001")[0]["message"] == "Habari"


@pytest.mark.parametrize("bad", ["0711000001", "254711000001", "+25", "hello", ""])
def test_numbers_not_in_e164_never_reach_the_sdk(bad):
    client = AfricasTalkingSms("sandbox", "key", base_url="http://127.0.0.1:1")
    with pytest.raises(ValueError, match="not E.164"):
        client.send("Habari", ["+254711000001", bad])


@pytest.mark.parametrize("body", [
    "<html>Service Temporarily Unavailable</html>",  # a proxy's page with a 200
    {"SMSMessageData": {"Message": "InvalidRequest"}},  # no Recipients
    ["not", "an", "object"],
])
def test_a_2xx_we_cannot_read_is_uncertain_not_refused(body):
    # The gateway answered 2xx: it may have taken the messages, so they must not be sent again.
    with pytest.raises(GatewayUncertain) as raised:
        parse_send_response(body)
    assert raised.value.reason == "UnreadableResponse"
