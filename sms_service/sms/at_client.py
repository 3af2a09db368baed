"""Sending SMS through the official `africastalking` SDK, and reading what AT answers.

Channel code only: it knows AT's wire format, not campaigns. Numbers must already be E.164: the
SDK refuses a whole batch when one number fails its pattern.
"""

import json
import re
from dataclasses import dataclass

import requests
from africastalking.Service import AfricasTalkingException
from africastalking.SMS import SMSService

from sms_service.sms.at_statuses import SendOutcome, send_outcome

E164 = re.compile(r"^\+\d{1,3}\d{3,}$")  # the SDK's own check, applied before it can fail a batch
DEFAULT_TIMEOUT = (3.05, 9.05)  # connect, read: the SDK's defaults


class GatewayError(Exception):
    """A send that did not produce per-recipient results."""


class GatewayUnreachable(GatewayError):
    """Nothing reached the gateway (connection refused or connect timeout): safe to resend."""


class GatewayUncertain(GatewayError):
    """The request may have been taken (a read timeout, or a 2xx we cannot read): resending
    could duplicate it. `reason` is what staff see."""

    def __init__(self, message, reason="ReadTimeout"):
        super().__init__(message)
        self.reason = reason


class GatewayRefused(GatewayError):
    """The gateway answered with a non-2xx status: it did not take the messages."""


@dataclass(frozen=True)
class RecipientResult:
    number: str
    status_code: int
    status: str
    outcome: SendOutcome
    message_id: str | None
    cost: str | None


def point_sdk_at(service, base_url):
    """Make the SDK send to `base_url` (the local gateway, or anywhere else).

    The SDK has no public setting for this: it builds URLs from the private `_baseUrl`. This is
    the one place that relies on it; tests fail here first if an SDK upgrade changes it.
    """
    if not hasattr(service, "_baseUrl"):
        raise RuntimeError("africastalking SDK no longer has SMSService._baseUrl; update point_sdk_at")
    service._baseUrl = base_url.rstrip("/") + "/version1"
    if not service._make_url("/messaging").startswith(base_url.rstrip("/")):
        raise RuntimeError("africastalking SDK ignores _baseUrl; update point_sdk_at")
    return service


class AfricasTalkingSms:
    def __init__(self, username, api_key, base_url=None, sender_id=None, timeout=DEFAULT_TIMEOUT):
        self.service = SMSService(username, api_key)
        if base_url:
            point_sdk_at(self.service, base_url)
        self.sender_id = sender_id or None
        self.timeout = timeout

    @property
    def messaging_url(self):
        return self.service._make_url("/messaging")

    def send(self, message, recipients):
        """Send one text to many numbers in one request; one RecipientResult per number AT names."""
        bad = [number for number in recipients if not E164.match(number)]
        if bad:
            raise ValueError(f"not E.164, normalise at the edge first: {bad}")
        try:
            body = self.service.send(message, list(recipients), sender_id=self.sender_id, timeout=self.timeout)
        except requests.ConnectionError as error:  # includes ConnectTimeout: nothing was sent
            raise GatewayUnreachable(str(error)) from error
        except requests.Timeout as error:  # a read timeout: the request may have been taken
            raise GatewayUncertain(str(error)) from error
        except AfricasTalkingException as error:
            raise GatewayRefused(str(error)[:500]) from error
        except ValueError as error:  # a 2xx that says JSON but is not: the gateway may have taken it
            raise GatewayUncertain(f"unreadable 2xx response: {error}", "UnreadableResponse") from error
        return parse_send_response(body)


def parse_send_response(body):
    """AT's `SMSMessageData.Recipients[]` as RecipientResults. Failures can come inside an HTTP 200.

    The body came with a 2xx, so AT may have taken the messages: one we cannot read is uncertain,
    never a reason to send again.
    """
    if isinstance(body, str):
        try:
            body = json.loads(body)
        except ValueError:
            raise GatewayUncertain(f"unreadable response: {body[:200]!r}", "UnreadableResponse") from None
    try:
        recipients = body["SMSMessageData"]["Recipients"]
    except (KeyError, TypeError):
        raise GatewayUncertain(
            f"response without SMSMessageData.Recipients: {str(body)[:200]}", "UnreadableResponse"
        ) from None
    results = []
    for entry in recipients:
        code = int(entry.get("statusCode", 0))
        message_id = entry.get("messageId")
        results.append(
            RecipientResult(
                number=entry.get("number", ""),
                status_code=code,
                status=entry.get("status", ""),
                outcome=send_outcome(code),
                message_id=None if message_id in (None, "", "None") else message_id,
                cost=entry.get("cost"),
            )
        )
    return results
