"""AT's USSD end-of-session notification: the form AT posts to the notification callback URL once a
session is over (AT's "end of session notification", https://developers.africastalking.com/docs/ussd/overview).

    sessionId=ATUid_1&serviceCode=*384*123#&networkCode=63902&phoneNumber=+254712345678
    &status=Success&cost=KES 0.0000&durationInMillis=48210&hopsCount=5&input=1*1*98
    &lastAppResponse=END Thank you&errorMessage=&date=2026-12-01 07:01:12

`input` (what the caller typed) and `lastAppResponse` (the last screen's text) are never read:
journey analytics keep screen ids and outcomes, not what people typed (Data Protection Act 2019,
s.25(c), data minimisation). `date` is not read either: the end is dated by our own clock.
"""

import re
from dataclasses import dataclass

from sms_service.channels.africastalking.guard import BadCallback, optional_field, phone_field, required_fields
from sms_service.channels.africastalking.ussd import NETWORK_CODE_WIDTH, SESSION_ID_WIDTH

FIELDS = ("sessionId", "serviceCode", "phoneNumber", "status")
# AT's status words -> ours
STATUSES = {"Success": "success", "Incomplete": "incomplete", "Failed": "failed"}
# "KES 0.0000", "KES 1.5", "0.80" (a currency code is optional), as AT sends costs elsewhere
COST = re.compile(r"(?:[A-Z]{3} )?[0-9]{1,9}(?:\.[0-9]{1,6})?")
MAX_COUNT = 10**9  # hops and milliseconds: a session lasts seconds; anything near this is no count
WIDTHS = {"sessionId": SESSION_ID_WIDTH}  # as /ussd reads it
# Kenya's mobile networks by AT's networkCode (MCC 639 + MNC), as AT's documentation lists them.
NETWORK_NAMES = {"63902": "Safaricom", "63903": "Airtel", "63907": "Telkom"}


@dataclass(frozen=True)
class SessionEnd:
    """One notification, read: the session, the caller (E.164) and how it ended."""

    session_id: str
    phone: str
    service_code: str
    network: str  # "" when absent
    status: str  # "success", "incomplete" or "failed"
    cost: str | None  # as AT sent it, "KES 0.0000"
    duration_ms: int | None
    hops: int | None
    error_message: str | None  # AT's, for a Failed session


def read_session_end(form, our_service_code=""):
    """The notification in `form`, or BadCallback naming the field that is missing or bad (a
    status AT does not send, a count that is no whole number, a cost that is no amount), or
    (with `our_service_code` set) another service's code. Unknown fields are ignored."""
    fields = required_fields(form, FIELDS, widths=WIDTHS)
    phone = phone_field(form, "phoneNumber")
    if our_service_code and fields["serviceCode"] != our_service_code:
        raise BadCallback(f"serviceCode {fields['serviceCode']!r} is not ours")
    status = STATUSES.get(fields["status"].strip())
    if status is None:
        raise BadCallback(f"field 'status' is {fields['status']!r}, not one of {', '.join(STATUSES)}")
    cost = optional_field(form, "cost", width=24)
    if cost is not None and not COST.fullmatch(cost.strip()):
        raise BadCallback(f"field 'cost' is {cost!r}, not an amount such as 'KES 0.0000'")
    return SessionEnd(
        session_id=fields["sessionId"], phone=phone, service_code=fields["serviceCode"],
        network=(optional_field(form, "networkCode", width=NETWORK_CODE_WIDTH) or "").strip(),
        status=status, cost=cost and cost.strip(),
        duration_ms=_count(form, "durationInMillis"), hops=_count(form, "hopsCount"),
        error_message=optional_field(form, "errorMessage", width=500),
    )


def _count(form, name):
    value = optional_field(form, name, width=20)
    if value is None:
        return None
    value = value.strip()
    if not value.isascii() or not value.isdigit() or int(value) >= MAX_COUNT:
        raise BadCallback(f"field '{name}' is {value!r}, not a whole number")
    return int(value)
