"""A local stand-in for Africa's Talking's SMS API, so that everything runs offline.

Mounted at /local-at when no AT_API_KEY is configured. It accepts the official SDK's requests
(POST /local-at/version1/messaging), answers in AT's shape, keeps what it received in Redis for
inspection (tests and the phone simulator read it), and posts delivery reports back to the
service after a delay.

Knobs (configuration): LOCAL_GATEWAY_LATENCY_MS, LOCAL_GATEWAY_FAILURE_RATE (share of recipients
answered 500 InternalServerError), LOCAL_GATEWAY_DLR_DELAY_MS, LOCAL_GATEWAY_DLR_FAILURE_RATE
(share of delivery reports that say Failed). A number whose last four digits are 9 and a status
code (+254700009403) always gets that code: fault tests use it. `counts` tells how many
messages it accepted, how many numbers they reached and how many went to a number twice.
"""

import json
import random
import threading
import time
import uuid

import requests
from flask import Blueprint, current_app, jsonify, request

from sms_service.models import utcnow
from sms_service.sms.at_statuses import SEND_STATUS_CODES, SendOutcome

blueprint = Blueprint("local_gateway", __name__, url_prefix="/local-at")

OUTBOX_KEY = "local_at:outbox"
INBOX_KEY = "local_at:inbox:{number}"
RECEIVED_KEY = "local_at:received"  # every number that got a message: duplicates are counted
COUNTS_KEY = "local_at:counts"  # messages, duplicates, requests in flight
KEEP_PER_NUMBER = 200
KEEP_IN_OUTBOX = 10_000
COST = "KES 0.8000"


# One script call per request: a thousand recipients cost one round trip, not three thousand.
_RECORD = """
local keep_per_number, keep_in_outbox = tonumber(ARGV[1]), tonumber(ARGV[2])
local duplicates = 0
for i = 3, #ARGV, 2 do
  local number, entry = ARGV[i], ARGV[i + 1]
  local inbox = KEYS[3] .. number
  redis.call('lpush', KEYS[1], entry)
  redis.call('lpush', inbox, entry)
  redis.call('ltrim', inbox, 0, keep_per_number - 1)
  if redis.call('sadd', KEYS[2], number) == 0 then duplicates = duplicates + 1 end
end
redis.call('ltrim', KEYS[1], 0, keep_in_outbox - 1)
redis.call('hincrby', KEYS[4], 'messages', (#ARGV - 2) / 2)
redis.call('hincrby', KEYS[4], 'duplicates', duplicates)
return duplicates
"""


def _record(redis, entries):
    redis.eval(
        _RECORD, 4, OUTBOX_KEY, RECEIVED_KEY, INBOX_KEY.format(number=""), COUNTS_KEY,
        KEEP_PER_NUMBER, KEEP_IN_OUTBOX, *entries,
    )


def _status_for(number, failure_rate):
    scripted = number[-4:]
    if scripted.startswith("9") and int(scripted[1:]) in SEND_STATUS_CODES:
        return int(scripted[1:])
    if failure_rate and random.random() < failure_rate:
        return 500
    return 101


@blueprint.post("/version1/messaging")
def receive_messages():
    if not request.headers.get("apiKey"):
        return "The supplied authentication is invalid", 401
    form = request.form
    message, to = form.get("message"), form.get("to")
    if not form.get("username") or message is None or not to:
        return "Request is missing required form field", 400
    config = current_app.config
    redis = current_app.extensions["redis"]
    # Counted while the simulated network delay runs: a fault test kills a sender mid-request,
    # choosing a request that started moments ago (so it is sure to be still in the delay).
    pipe = redis.pipeline(transaction=False)
    pipe.hincrby(COUNTS_KEY, "in_flight", 1)
    pipe.hset(COUNTS_KEY, "last_request_at", repr(time.time()))
    pipe.execute()
    try:
        if config["LOCAL_GATEWAY_LATENCY_MS"]:
            time.sleep(config["LOCAL_GATEWAY_LATENCY_MS"] / 1000)
        return _answer(form, message, to, config, redis)
    finally:
        redis.hincrby(COUNTS_KEY, "in_flight", -1)


def _answer(form, message, to, config, redis):
    recipients, accepted, entries = [], [], []
    sent_at, sender = utcnow().isoformat(), form.get("from") or ""
    for number in to.split(","):
        number = number.strip()
        code = _status_for(number, config["LOCAL_GATEWAY_FAILURE_RATE"])
        status, outcome = SEND_STATUS_CODES[code]
        if outcome is SendOutcome.ACCEPTED:
            message_id = f"ATXid_{uuid.uuid4().hex}"
            entries += [number, json.dumps({"id": message_id, "to": number, "from": sender, "message": message, "at": sent_at})]
            accepted.append((message_id, number))
            recipients.append(
                {"statusCode": code, "number": number, "status": "Success", "cost": COST, "messageId": message_id}
            )
        else:  # AT reports failures inside the 200 too, with no message id
            recipients.append(
                {"statusCode": code, "number": number, "status": status, "cost": "0", "messageId": "None"}
            )
    if entries:
        _record(redis, entries)
    if accepted:
        _schedule_delivery_reports(accepted, _delivery_report_url(), config)
    summary = f"Sent to {len(accepted)}/{len(recipients)} Total Cost: KES {0.8 * len(accepted):.4f}"
    return jsonify({"SMSMessageData": {"Message": summary, "Recipients": recipients}}), 201


def _delivery_report_url():
    url = current_app.config["LOCAL_GATEWAY_DLR_URL"] or request.host_url.rstrip("/") + "/sms/delivery-reports"
    token = current_app.config["WEBHOOK_TOKEN"]
    return f"{url}?token={token}" if token else url


def _schedule_delivery_reports(accepted, url, config):
    delay = config["LOCAL_GATEWAY_DLR_DELAY_MS"] / 1000
    failure_rate = config["LOCAL_GATEWAY_DLR_FAILURE_RATE"]
    if delay < 0:
        return  # delivery reports switched off
    reports = [
        {
            "id": message_id,
            "phoneNumber": number,
            "networkCode": "63902",
            "retryCount": "0",
            **(
                {"status": "Failed", "failureReason": "DeliveryFailure"}
                if failure_rate and random.random() < failure_rate
                else {"status": "Success"}
            ),
        }
        for message_id, number in accepted
    ]
    timer = threading.Timer(delay, _post_reports, args=(url, reports))
    timer.daemon = True
    timer.start()


def _post_reports(url, reports):
    with requests.Session() as session:
        for report in reports:
            try:
                session.post(url, data=report, timeout=5)
            except requests.RequestException:
                pass  # the real AT gives up too; the message stays "sent"


def messages_for(redis, number):
    """What the gateway delivered to `number`, newest first."""
    return [json.loads(raw) for raw in redis.lrange(INBOX_KEY.format(number=number), 0, -1)]


def all_messages(redis):
    return [json.loads(raw) for raw in redis.lrange(OUTBOX_KEY, 0, -1)]


def counts(redis):
    """Messages accepted, distinct numbers reached, repeats to a number, requests in flight,
    and when (time.time()) the last request came in."""
    pipe = redis.pipeline(transaction=False)
    pipe.hgetall(COUNTS_KEY)
    pipe.scard(RECEIVED_KEY)
    raw, distinct = pipe.execute()
    values = {key.decode(): float(value) for key, value in raw.items()}
    return {"messages": int(values.get("messages", 0)), "numbers": distinct,
            "duplicates": int(values.get("duplicates", 0)), "in_flight": int(values.get("in_flight", 0)),
            "last_request_at": values.get("last_request_at", 0.0)}
