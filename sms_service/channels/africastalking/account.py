"""Africa's Talking's account balance, through the official SDK (ApplicationService's
fetch_application_data: GET /version1/user?username=..., answered with
{"UserData": {"balance": "KES 1234.5000"}}). The local gateway answers the same endpoint, so the
balance is shown and checked offline too."""

import json
import re

import requests
from africastalking.Application import ApplicationService
from africastalking.Service import AfricasTalkingException

from sms_service.channels.africastalking.client import point_sdk_at
from sms_service.domain.messaging.balance import Balance, BalanceUnavailable

# A balance is asked for while a page renders: a gateway that does not answer soon is reported, not waited for.
BALANCE_TIMEOUT = (2, 4)  # connect, read (seconds)
AMOUNT = re.compile(r"^\s*([A-Z]{3})\s+(-?\d+(?:\.\d+)?)\s*$")


class AfricasTalkingAccount:
    def __init__(self, username, api_key, base_url=None, timeout=BALANCE_TIMEOUT):
        self.service = ApplicationService(username, api_key)
        if base_url:
            point_sdk_at(self.service, base_url)
        self.timeout = timeout

    def balance(self):
        """The account's Balance, or BalanceUnavailable with the reason."""
        try:
            body = self.service.fetch_application_data(timeout=self.timeout)
        except requests.RequestException as error:
            raise BalanceUnavailable(f"the SMS gateway did not answer ({type(error).__name__})") from error
        except AfricasTalkingException as error:
            raise BalanceUnavailable(f"the SMS gateway refused: {str(error)[:120]}") from error
        except ValueError as error:
            raise BalanceUnavailable("the SMS gateway's answer could not be read") from error
        return parse_balance(body)


def parse_balance(body):
    """AT's `UserData.balance` ("KES 1234.5000") as a Balance; BalanceUnavailable otherwise."""
    if isinstance(body, str):  # the SDK hands back text when the content type is not exactly JSON's
        try:
            body = json.loads(body)
        except ValueError:
            raise BalanceUnavailable("the SMS gateway's answer could not be read") from None
    try:
        text = body["UserData"]["balance"]
    except (KeyError, TypeError):
        raise BalanceUnavailable("the SMS gateway's answer has no UserData.balance") from None
    found = AMOUNT.match(text) if isinstance(text, str) else None
    if not found:
        raise BalanceUnavailable(f"the SMS gateway's balance {str(text)[:40]!r} could not be read")
    return Balance(currency=found.group(1), amount=float(found.group(2)))
