"""How many "not understood" replies (and quiz re-asks) a number may get: SMS_UNKNOWN_REPLIES_PER_HOUR
an hour, so that two auto-responders cannot talk to each other for ever."""

from sms_service.core.counters import per_hour


class UnknownReplyLimit:
    def __init__(self, counters, per_hour_allowed):
        """`counters`: core.counters.FixedWindows."""
        self.counters = counters
        self.limit = per_hour(per_hour_allowed)

    def may_answer(self, phone):
        """Count one more reply to `phone`; True while within the hour's allowance."""
        return self.counters.hit(self.limit, "unknown-replies", phone)
