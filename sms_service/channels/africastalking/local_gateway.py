"""A local stand-in for Africa's Talking's SMS API, so that everything runs offline in demo mode.

Its own small WSGI app on its own port (LOCAL_GATEWAY_PORT; `python -m
sms_service.channels.africastalking.local_gateway`, started by `tasks.py run` and by the tests
that need it), never mounted inside the service. It accepts the official SDK's requests
(POST /version1/messaging), answers in AT's shape, keeps what it received in Redis for inspection
(tests and the phone simulator read it), and posts delivery reports back to the service after a
delay, to LOCAL_GATEWAY_DLR_URL (configuration only: never a URL built from a request's Host),
trying a report again when the service answers 5xx or 429 or cannot be reached (REPORT_RETRY_WAITS).

What it accepts is bounded, as an attacker may reach it: E.164 numbers only, at most one batch
(BROADCAST_BATCH_SIZE numbers) per request, at most MAX_MESSAGE_CHARS characters, a body of at
most MAX_BODY_BYTES; what it keeps is capped (KEEP_PER_NUMBER, KEEP_IN_OUTBOX) and expires after
KEEP_SECONDS.

Knobs (configuration): LOCAL_GATEWAY_LATENCY_MS, LOCAL_GATEWAY_FAILURE_RATE (share of recipients
answered 500 InternalServerError), LOCAL_GATEWAY_DLR_DELAY_MS, LOCAL_GATEWAY_DLR_FAILURE_RATE
(share of delivery reports that say Failed). A number whose last four digits are 9 and a status
code (+254700009403) always gets that code: fault tests use it. `counts` tells how many
messages it accepted, how many numbers they reached and how many went to a number twice.

It answers the account's balance (GET /version1/user, the SDK's fetch_application_data) with
LOCAL_GATEWAY_BALANCE, so the dashboard and the spend guard work offline.

It takes AT's premium form too (the SDK's `send_premium`: `bulkSMSMode=0`, `from` the premium
shortcode, `keyword`, `linkId`), and records those fields with the message (`premium` in an
entry: None for a bulk message), so that tests see which way each message went.
"""

import json
import logging
import random
import re
import threading
import time
import uuid

import requests
from flask import Blueprint, Flask, current_app, jsonify, request

from sms_service.channels.africastalking.statuses import SEND_STATUS_CODES, SendOutcome
from sms_service.core.config import load_config, webhook_tokens
from sms_service.core.log_redaction import configure_logging
from sms_service.core.models import utcnow
from sms_service.core.redis_connection import connect_redis

blueprint = Blueprint("local_gateway", __name__)
log = logging.getLogger(__name__)

OUTBOX_KEY = "local_at:outbox"
INBOX_KEY = "local_at:inbox:{number}"
RECEIVED_KEY = "local_at:received"  # every number that got a message: duplicates are counted
COUNTS_KEY = "local_at:counts"  # messages, duplicates, requests in flight
KEEP_PER_NUMBER = 200
KEEP_IN_OUTBOX = 10_000
KEEP_SECONDS = 24 * 3600  # every key it writes expires a day after its last write
MAX_MESSAGE_CHARS = 1600  # ten concatenated GSM-7 segments; the service's own limit (outbound_messages.text)
MAX_BODY_BYTES = 128 * 1024  # a full batch of numbers, URL-encoded, and the longest message
E164 = re.compile(r"^\+[1-9]\d{6,14}$")
COST = "KES 0.8000"
REPORT_TIMEOUT_SECONDS = 5
REPORT_RETRY_WAITS = (0.5, 1, 2, 4)  # seconds between tries of a report the service did not take


# One script call per request: a thousand recipients cost one round trip, not three thousand.
_RECORD = """
local keep_per_number, keep_in_outbox, keep_seconds = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local duplicates = 0
for i = 4, #ARGV, 2 do
  local number, entry = ARGV[i], ARGV[i + 1]
  local inbox = KEYS[3] .. number
  redis.call('lpush', KEYS[1], entry)
  redis.call('lpush', inbox, entry)
  redis.call('ltrim', inbox, 0, keep_per_number - 1)
  redis.call('expire', inbox, keep_seconds)
  if redis.call('sadd', KEYS[2], number) == 0 then duplicates = duplicates + 1 end
end
redis.call('ltrim', KEYS[1], 0, keep_in_outbox - 1)
redis.call('hincrby', KEYS[4], 'messages', (#ARGV - 3) / 2)
redis.call('hincrby', KEYS[4], 'duplicates', duplicates)
for k = 1, 4 do if k ~= 3 then redis.call('expire', KEYS[k], keep_seconds) end end
return duplicates
"""


def _record(redis, entries):
    redis.eval(
        _RECORD, 4, OUTBOX_KEY, RECEIVED_KEY, INBOX_KEY.format(number=""), COUNTS_KEY,
        KEEP_PER_NUMBER, KEEP_IN_OUTBOX, KEEP_SECONDS, *entries,
    )


def _status_for(number, failure_rate):
    scripted = number[-4:]
    if scripted.startswith("9") and int(scripted[1:]) in SEND_STATUS_CODES:
        return int(scripted[1:])
    if failure_rate and random.random() < failure_rate:
        return 500
    return 101


def create_gateway_app(config=None, redis=None):
    """The gateway as a WSGI app: `config` a loaded configuration (the environment's by default),
    `redis` the connection to keep messages in (REDIS_URL's, or the embedded one, by default)."""
    config = config if config is not None else load_config()
    app = Flask(__name__)
    app.config.update(config)
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    app.extensions["local_gateway_redis"] = redis or connect_redis(config["REDIS_URL"], config["INSTANCE_PATH"])
    app.register_blueprint(blueprint)
    return app


def _recipients(to, most):
    """The numbers of a request's `to`, or the reason (for a 400) they are not a batch we take."""
    numbers = [number.strip() for number in to.split(",")]
    if len(numbers) > most:
        return None, f"at most {most} recipients per request"
    bad = next((number for number in numbers if not E164.match(number)), None)
    if bad is not None:
        return None, f"InvalidPhoneNumber: {bad[:20]!r} is not E.164"
    return numbers, None


@blueprint.post("/version1/messaging")
def receive_messages():
    if not request.headers.get("apiKey"):
        return "The supplied authentication is invalid", 401
    form = request.form
    message, to = form.get("message"), form.get("to")
    if not form.get("username") or message is None or not to:
        return "Request is missing required form field", 400
    if form.get("bulkSMSMode") == "0" and not (form.get("from") and (form.get("linkId") or form.get("keyword"))):
        return "A premium message needs from (its shortcode) and a linkId or keyword", 400
    config = current_app.config
    if len(message) > MAX_MESSAGE_CHARS:
        return f"message longer than {MAX_MESSAGE_CHARS} characters", 400
    numbers, refusal = _recipients(to, max(1, config["BROADCAST_BATCH_SIZE"]))
    if refusal:
        return refusal, 400
    redis = current_app.extensions["local_gateway_redis"]
    # Counted while the simulated network delay runs: a fault test kills a sender mid-request,
    # choosing a request that started moments ago (so it is sure to be still in the delay).
    pipe = redis.pipeline(transaction=False)
    pipe.hincrby(COUNTS_KEY, "in_flight", 1)
    pipe.hset(COUNTS_KEY, "last_request_at", repr(time.time()))
    pipe.execute()
    try:
        if config["LOCAL_GATEWAY_LATENCY_MS"]:
            time.sleep(config["LOCAL_GATEWAY_LATENCY_MS"] / 1000)
        return _answer(form, message, numbers, config, redis)
    finally:
        redis.hincrby(COUNTS_KEY, "in_flight", -1)


@blueprint.get("/version1/user")
def application_data():
    """AT's account data (the SDK's ApplicationService.fetch_application_data): the balance
    LOCAL_GATEWAY_BALANCE says."""
    if not request.headers.get("apiKey"):
        return "The supplied authentication is invalid", 401
    if not request.args.get("username"):
        return "Request is missing required query parameter: username", 400
    return jsonify({"UserData": {"balance": current_app.config["LOCAL_GATEWAY_BALANCE"]}})


def _answer(form, message, numbers, config, redis):
    recipients, accepted, entries = [], [], []
    sent_at, sender = utcnow().isoformat()[:40], (form.get("from") or "")[:20]
    premium = ({"shortcode": sender, "keyword": (form.get("keyword") or "")[:40], "link_id": (form.get("linkId") or "")[:100]}
               if form.get("bulkSMSMode") == "0" else None)
    for number in numbers:
        code = _status_for(number, config["LOCAL_GATEWAY_FAILURE_RATE"])
        status, outcome = SEND_STATUS_CODES[code]
        if outcome is SendOutcome.ACCEPTED:
            message_id = f"ATXid_{uuid.uuid4().hex}"
            entries += [number, json.dumps({"id": message_id, "to": number, "from": sender, "message": message,
                                            "at": sent_at, "premium": premium})]
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
        _schedule_delivery_reports(accepted, delivery_report_url(config), config)
    summary = f"Sent to {len(accepted)}/{len(recipients)} Total Cost: KES {0.8 * len(accepted):.4f}"
    return jsonify({"SMSMessageData": {"Message": summary, "Recipients": recipients}}), 201


def delivery_report_url(config):
    """Where delivery reports go: LOCAL_GATEWAY_DLR_URL, or the service on 127.0.0.1:PORT, with
    the first webhook token. From configuration only: a request's Host header names nothing here."""
    url = config["LOCAL_GATEWAY_DLR_URL"] or f"http://127.0.0.1:{config['PORT']}/sms/delivery-reports"
    tokens = webhook_tokens(config["WEBHOOK_TOKEN"])
    return f"{url}?token={tokens[0]}" if tokens else url


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
            _post_report(session, url, report)


def _post_report(session, url, report, waits=REPORT_RETRY_WAITS):
    """Post one report until the service takes it: a connection error, a timeout, a 429 or a
    5xx (the service's 503 "try again") is tried again after each of `waits` (seconds), as
    gateways that retry callbacks do; any other answer ends it (a 4xx is final). True if taken."""
    for attempt, wait in enumerate((0, *waits)):
        time.sleep(wait)
        try:
            answer = session.post(url, data=report, timeout=REPORT_TIMEOUT_SECONDS)
        except requests.RequestException as error:
            outcome = type(error).__name__
        else:
            if answer.status_code != 429 and answer.status_code < 500:
                return answer.ok
            outcome = f"HTTP {answer.status_code}"
        log.warning("delivery report for %s not taken (%s), try %d of %d",
                    report["id"], outcome, attempt + 1, len(waits) + 1)
    return False  # the message stays "sent", as it does when AT's report never comes


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


def serve(config=None):
    """Serve the gateway on 127.0.0.1:LOCAL_GATEWAY_PORT until stopped (demo mode only)."""
    from werkzeug.serving import run_simple

    configure_logging()  # request lines redacted, as the service's
    config = config if config is not None else load_config()
    if not config["DEMO_MODE"]:
        raise SystemExit("the local gateway runs in demo mode only (DEMO_MODE=1)")
    run_simple("127.0.0.1", int(config["LOCAL_GATEWAY_PORT"]), create_gateway_app(config), threaded=True)


if __name__ == "__main__":
    serve()
