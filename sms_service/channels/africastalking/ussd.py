"""AT's USSD callback: the form AT posts for each hop of a session, and the `CON ...` / `END ...`
text it wants back (https://developers.africastalking.com/docs/ussd/overview).

    sessionId=ATUid_1&serviceCode=*384*123#&phoneNumber=+254712345678&networkCode=63902&text=1*2

`text` holds every answer of the session so far, joined by `*`.
"""

from dataclasses import dataclass

from sms_service.channels.africastalking.guard import BadCallback, optional_field, phone_field, required_fields

FIELDS = ("sessionId", "serviceCode", "phoneNumber", "text")
NETWORK_CODE_WIDTH = 16  # MCC+MNC is 5-6 digits; the column is 16 wide
# The column ussd_journeys.session_id: a hop's session is stored there when it ends, so a longer
# id is refused at its first hop (PostgreSQL would refuse it at the journey's write, with others).
SESSION_ID_WIDTH = 100


@dataclass(frozen=True)
class UssdHop:
    """One callback, read: the session, the caller (E.164), and every answer so far."""

    session_id: str
    phone: str
    text: str
    service_code: str
    network: str = ""  # AT's networkCode ("63902"), "" when absent


def read_hop(form, our_service_code=""):
    """The hop in `form`, or BadCallback: a field missing or too long, a number that is not one,
    or (with `our_service_code` set) another service's code."""
    fields = required_fields(form, FIELDS, allow_empty=("text",), widths={"sessionId": SESSION_ID_WIDTH})
    phone = phone_field(form, "phoneNumber")
    if our_service_code and fields["serviceCode"] != our_service_code:
        raise BadCallback(f"serviceCode {fields['serviceCode']!r} is not ours")
    network = optional_field(form, "networkCode", width=NETWORK_CODE_WIDTH) or ""
    return UssdHop(fields["sessionId"], phone, fields["text"], fields["serviceCode"], network)


def render(reply):
    """A screen as AT shows it: `CON ` keeps the session open for an answer, `END ` closes it."""
    return ("END " if reply.end else "CON ") + reply.text


def render_apology(text):
    """What a caller sees when the service cannot answer (a store is down): the session ends."""
    return "END " + text
