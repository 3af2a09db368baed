"""USSD sessions for journey analytics, made through the real webhooks: hops to `POST /ussd`, then
AT's end-of-session notification to `POST /ussd/events` (or the workers' sweep)."""

from urllib.parse import urlencode

from sms_service.core.clock import ManualClock, parse_local_time

FORM = "application/x-www-form-urlencoded"
TODAY = "2026-12-01"
CLOCK_START = f"{TODAY} 10:00"  # Nairobi


def walk(client, session, texts, phone="+254711082010", network="63902"):
    """Post each `text` of `texts` as one hop of `session`."""
    for text in texts:
        form = {"sessionId": session, "serviceCode": "*384*123#", "phoneNumber": phone, "networkCode": network,
                "text": text}
        response = client.post("/ussd", data=urlencode(form), content_type=FORM)
        assert response.status_code == 200, response.get_data(as_text=True)


def notify(client, session, status, phone="+254711082010", network="63902", **fields):
    """AT's end-of-session notification for `session`."""
    form = {"sessionId": session, "serviceCode": "*384*123#", "phoneNumber": phone, "networkCode": network,
            "status": status, "cost": "KES 0.0000", "input": "", "lastAppResponse": "", **fields}
    response = client.post("/ussd/events", data=urlencode(form), content_type=FORM)
    assert response.status_code == 200, response.get_data(as_text=True)


def journeys_app(make_app, **settings):
    """An app on a manual clock at CLOCK_START (Nairobi)."""
    return make_app(clock=ManualClock(parse_local_time(CLOCK_START)), **settings)


def seed_journeys(app):
    """Five sessions, each from its own number (a number's resume offer would change its path),
    over two Nairobi days (30 November: one failed; 1 December: the rest):

    - signed: the ATT petition, to the end (Success, Safaricom)
    - quitter: the petition, left at the county (Incomplete, Airtel)
    - reader: "What is torture?" (Success, Safaricom, in 20 s)
    - lost: a wrong choice on home, then silence: closed by the sweep as timed out
    - broken: a Failed session the day before, with AT's errorMessage
    """
    client = app.test_client()
    clock = app.services.clock
    clock.advance(days=-1)
    walk(client, "ATUid_broken", ["", "1"], phone="+254711082011")
    notify(client, "ATUid_broken", "Failed", phone="+254711082011", hopsCount="2", durationInMillis="4000",
           errorMessage="Application response timed out")
    clock.advance(days=1)
    walk(client, "ATUid_signed", ["", "4", "4*Wanjiru Kamau", "4*Wanjiru Kamau*Nairobi", "4*Wanjiru Kamau*Nairobi*1"])
    notify(client, "ATUid_signed", "Success", hopsCount="5", durationInMillis="50000")
    walk(client, "ATUid_quitter", ["", "4", "4*Amina Otieno"], phone="+254733000111", network="63903")
    notify(client, "ATUid_quitter", "Incomplete", phone="+254733000111", network="63903", hopsCount="3",
           durationInMillis="30000")
    walk(client, "ATUid_reader", ["", "1", "1*1"], phone="+254711082013")
    notify(client, "ATUid_reader", "Success", phone="+254711082013", hopsCount="3", durationInMillis="20000")
    walk(client, "ATUid_lost", ["", "9"], phone="+254711082012")
    clock.advance(minutes=4)
    assert app.services.journeys.close_silent() == 1
