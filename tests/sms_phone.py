"""A phone texting the shortcode through AT's real inbound callback, and reading its inbox at the
local gateway (what the official SDK actually sent it)."""

import itertools
import time

from sms_service.channels.africastalking.local_gateway import messages_for
from sms_service.core.phone_numbers import normalise_msisdn

_ids = itertools.count(1)


class Texter:
    def __init__(self, app, client, run_jobs, number="0711082001"):
        self.app, self.client, self.run_jobs, self.number = app, client, run_jobs, number
        self.phone = normalise_msisdn(number)

    def text(self, body, handle=True):
        """Send `body`; with `handle`, a real RQ worker handles it (and sends the reply) at once."""
        form = {"from": self.number, "to": "21212", "text": body, "date": "2026-11-25 09:00:00",
                "id": f"inbound-{next(_ids)}-{time.monotonic_ns()}", "networkCode": "63902"}
        assert self.client.post("/sms/inbound", data=form).status_code == 200
        if handle:
            self.run_jobs(self.app)
        return self

    @property
    def inbox(self):
        return [m["message"] for m in reversed(messages_for(self.app.services.redis, self.phone))]

    @property
    def last(self):
        return self.inbox[-1] if self.inbox else None
