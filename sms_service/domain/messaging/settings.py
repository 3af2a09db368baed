"""The messaging knobs, read once from the configuration."""

from dataclasses import dataclass, field
from datetime import timedelta

from sms_service.core.clock import SendWindow
from sms_service.core.pseudonyms import PhoneKeys
from sms_service.domain.messaging.kinds import RULES


@dataclass(frozen=True)
class MessagingSettings:
    max_attempts: int  # tries per message of any kind on retryable failures (MESSAGE_MAX_ATTEMPTS)
    windows: dict  # MessageKind -> SendWindow, or None for a kind that may go at any hour
    premium_shortcodes: frozenset = field(default_factory=frozenset)  # AT_PREMIUM_SHORTCODES; empty: none
    link_id_valid_for: timedelta = timedelta(minutes=60)  # AT_PREMIUM_LINK_ID_MINUTES
    # Keys numbers for the erased opt-outs checked at send time (campaigns/suppression.py).
    phone_keys: PhoneKeys | None = None

    @classmethod
    def from_config(cls, config):
        windows = {kind: SendWindow.parse(config[rules.window_setting]) if rules.window_setting else None
                   for kind, rules in RULES.items()}
        shortcodes = frozenset(code.strip() for code in config["AT_PREMIUM_SHORTCODES"].split(",") if code.strip())
        return cls(max_attempts=config["MESSAGE_MAX_ATTEMPTS"], windows=windows, premium_shortcodes=shortcodes,
                   link_id_valid_for=timedelta(minutes=config["AT_PREMIUM_LINK_ID_MINUTES"]),
                   phone_keys=PhoneKeys.from_config(config))

    def window_for(self, kind):
        return self.windows[kind]
