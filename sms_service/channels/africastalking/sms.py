"""AT's SMS callbacks, read into plain values: an inbound message, a delivery report, a bulk
opt-out (https://developers.africastalking.com/docs/sms/notifications). A callback that cannot be
read is a BadCallback with the reason."""

import re
from dataclasses import dataclass

from sms_service.channels.africastalking.guard import optional_field, phone_field, required_fields
from sms_service.channels.africastalking.statuses import delivery_state
from sms_service.core.models import InboundMessage, OutboundMessage

# What the inbound row's columns hold: a wider value is refused at the edge, with the reason.
_INBOUND = InboundMessage.__table__.c
INBOUND_WIDTHS = {"id": _INBOUND.at_id.type.length, "to": _INBOUND.shortcode.type.length,
                  "text": _INBOUND.text.type.length, "linkId": _INBOUND.link_id.type.length,
                  "networkCode": _INBOUND.network_code.type.length}

FAILURE_REASON_LENGTH = 64  # what a message row keeps
RAW_STATUS_LENGTH = 32  # what a message row keeps of the status word
GATEWAY_ID_LENGTH = OutboundMessage.__table__.c.gateway_message_id.type.length  # a report naming a longer id names no message
SENT_AT_LENGTH = 40
# Senders that are not phone numbers: an alphanumeric sender id (at most 11 characters, 3GPP TS
# 23.040 9.1.2.5, with a letter: "MPESA", "Safaricom") or a shortcode (3 to 8 digits: "22384").
ALPHANUMERIC_SENDER = re.compile(r"^(?=.*[A-Za-z])[A-Za-z0-9][A-Za-z0-9 ._&-]{0,10}$")
SHORTCODE_SENDER = re.compile(r"^[0-9]{3,8}$")


@dataclass(frozen=True)
class InboundSms:
    """`from=+254711082001&to=21212&text=JOIN&date=2026-11-25 09:00:00&id=...&linkId=...&networkCode=63902`"""

    message_id: str  # AT's id: the same message retried carries the same id
    sender: str  # E.164 for a person; else the sender id or shortcode as AT wrote it ("MPESA", "22384")
    is_phone: bool  # False for a sender id or shortcode: stored and shown, never answered
    shortcode: str
    text: str
    sent_at: str | None  # AT's `date`, as AT wrote it
    link_id: str | None  # premium (on-demand) shortcodes only
    network_code: str | None


@dataclass(frozen=True)
class DeliveryReport:
    """`id=ATXid_...&status=Success&failureReason=...`, read as our message state."""

    message_id: str  # the gateway's id of the message, from the send's answer (at most 64 characters)
    state: str | None  # sent (still on the way), delivered or failed; None for a status word AT never documented
    failure_reason: str | None
    raw_status: str  # the status word as AT wrote it, trimmed, at most RAW_STATUS_LENGTH characters


def read_inbound(form):
    """An inbound message. `from` is a phone number (read as E.164), or an alphanumeric sender id
    or shortcode (kept as written); anything else is a BadCallback. Fields wider than their column
    are a BadCallback too, with the reason."""
    fields = required_fields(form, ("from", "to", "text", "date", "id"), allow_empty=("text", "date"),
                             widths=INBOUND_WIDTHS)
    sender, is_phone = _sender(form)
    return InboundSms(
        message_id=fields["id"], sender=sender, is_phone=is_phone, shortcode=fields["to"], text=fields["text"],
        sent_at=fields["date"][:SENT_AT_LENGTH] or None, link_id=optional_field(form, "linkId", INBOUND_WIDTHS["linkId"]),
        network_code=optional_field(form, "networkCode", INBOUND_WIDTHS["networkCode"]),
    )


def _sender(form):
    raw = form["from"].strip()
    if not raw.startswith("+") and (ALPHANUMERIC_SENDER.match(raw) or SHORTCODE_SENDER.match(raw)):
        return raw, False
    return phone_field(form, "from"), True


def read_delivery_report(form):
    """A delivery report. A status word in another casing or with spaces ("success", "SUCCESS ")
    is the word AT documents; one we do not know is read with state None, not refused: AT does
    not retry a 4xx, so refusing it would lose the report."""
    fields = required_fields(form, ("id", "status"), widths={"id": GATEWAY_ID_LENGTH})
    status = fields["status"].strip()
    return DeliveryReport(fields["id"], delivery_state(status),
                          (optional_field(form, "failureReason") or "").strip()[:FAILURE_REASON_LENGTH] or None,
                          status[:RAW_STATUS_LENGTH])


def read_opt_out(form):
    """The number AT's bulk opt-out callback names (`senderId`, `phoneNumber`), as E.164."""
    required_fields(form, ("phoneNumber",))
    return phone_field(form, "phoneNumber")
