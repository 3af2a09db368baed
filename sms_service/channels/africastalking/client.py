"""Sending SMS through the official `africastalking` SDK, and reading what AT answers.

Channel code only: it knows AT's wire format, not campaigns, and answers in the domain's gateway
terms (domain/messaging/gateway.py). Numbers must already be E.164: the
SDK refuses a whole batch when one number fails its pattern.
"""

import json
import re

import requests
from africastalking.Service import AfricasTalkingException
from africastalking.SMS import SMSService

from sms_service.channels.africastalking.statuses import send_outcome
from sms_service.domain.messaging.gateway import (
    GatewayAccountRefused,
    GatewayRefused,
    GatewayUncertain,
    GatewayUnreachable,
    RecipientResult,
)

E164 = re.compile(r"^\+\d{1,3}\d{3,}$")  # the SDK's own check, applied before it can fail a batch
DEFAULT_TIMEOUT = (3.05, 9.05)  # connect, read: the SDK's defaults
# The SDK keeps only the body of an error answer, not its HTTP status. AT answers a wrong
# username or API key (401) with "The supplied authentication is invalid", a request from an
# address or account it does not allow (403) with a "not allowed"/"forbidden" text.
ACCOUNT_REFUSALS = re.compile(r"authentication|api ?key|unauthori[sz]ed|forbidden|not allowed|insufficient ?balance",
                              re.IGNORECASE)


def point_sdk_at(service, base_url):
    """Make the SDK send to `base_url` (the local gateway, or anywhere else).

    The SDK has no public setting for this: it builds URLs from the private `_baseUrl`. This is
    the one place that relies on it; tests fail here first if an SDK upgrade changes it.
    """
    if not hasattr(service, "_baseUrl"):
        raise RuntimeError("africastalking SDK no longer has SMSService._baseUrl; update point_sdk_at")
    service._baseUrl = base_url.rstrip("/") + "/version1"
    service._contentUrl = service._baseUrl  # premium sends go to AT's content host; here, the same place
    if not all(service._make_url("/messaging", content=content).startswith(base_url.rstrip("/"))
               for content in (None, True)):
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

    def send(self, message, recipients, premium=None):
        """Send one text to many numbers in one request; one RecipientResult per number AT names.

        Without `premium` through the bulk sender (`bulkSMSMode=1`, from AT_SENDER_ID: the
        account pays). With a PremiumReply through the SDK's `send_premium` (`bulkSMSMode=0`,
        from the premium shortcode, with its keyword and linkId), which AT bills as the premium
        service says (https://developers.africastalking.com/docs/sms/sending/premium).
        """
        bad = [number for number in recipients if not E164.match(number)]
        if bad:
            raise ValueError(f"not E.164, normalise at the edge first: {bad}")
        try:
            if premium is None:
                body = self.service.send(message, list(recipients), sender_id=self.sender_id, timeout=self.timeout)
            else:
                body = self.service.send_premium(message, premium.shortcode, list(recipients), keyword=premium.keyword,
                                                 link_id=premium.link_id, timeout=self.timeout)
        except requests.ConnectionError as error:  # includes ConnectTimeout: nothing was sent
            raise GatewayUnreachable(str(error)) from error
        except requests.Timeout as error:  # a read timeout: the request may have been taken
            raise GatewayUncertain(str(error)) from error
        except AfricasTalkingException as error:
            text = str(error)[:500]
            if ACCOUNT_REFUSALS.search(text):
                reason = "InsufficientBalance" if "balance" in text.lower() else "AuthenticationFailed"
                raise GatewayAccountRefused(text, reason) from error
            raise GatewayRefused(text) from error
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
