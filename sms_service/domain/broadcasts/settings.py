"""The broadcast knobs, read once from the app's configuration."""

from dataclasses import dataclass

from sms_service.core.clock import SendWindow
from sms_service.core.pseudonyms import PhoneKeys


@dataclass(frozen=True)
class BroadcastSettings:
    send_window: SendWindow  # non-urgent broadcasts go out only inside it (Nairobi time)
    segments_per_second: float  # shared by every worker
    batch_size: int  # most recipients in one gateway request
    senders: int  # sender jobs per broadcast (one per worker process to use)
    sender_threads: int  # gateway requests in flight per sender
    lease_seconds: float  # a sender silent this long is taken for dead
    tick_seconds: int  # how often due schedules and stalled broadcasts are looked at
    max_attempts: int  # tries per recipient on retryable failures (MESSAGE_MAX_ATTEMPTS, as every kind)
    cost_per_segment: float  # for the cost estimate, in KES
    monthly_budget: float  # KES a Nairobi month before a broadcast is held (spend.py); 0: none
    slice_seconds: float  # a sender job hands over to a fresh one after this long
    default_language: str = ""  # flows/catalog.yaml's: for numbers with none, and the text everyone else gets
    plan_chunk: int = 10_000  # audience rows written per INSERT ... SELECT
    test_prefix: str = ""  # the simulator's test numbers (SIMULATOR_PREFIX): in no audience
    # Keys numbers for the erased opt-outs checked at send time (campaigns/suppression.py).
    phone_keys: PhoneKeys | None = None

    @classmethod
    def from_config(cls, config, default_language):
        return cls(
            default_language=default_language,
            send_window=SendWindow.parse(config["BROADCAST_SEND_WINDOW"]),
            segments_per_second=config["BROADCAST_SEGMENTS_PER_SECOND"],
            batch_size=config["BROADCAST_BATCH_SIZE"],
            senders=config["BROADCAST_SENDERS"],
            sender_threads=config["BROADCAST_SENDER_THREADS"],
            lease_seconds=config["BROADCAST_LEASE_SECONDS"],
            tick_seconds=config["BROADCAST_TICK_SECONDS"],
            max_attempts=config["MESSAGE_MAX_ATTEMPTS"],
            cost_per_segment=config["BROADCAST_COST_PER_SEGMENT"],
            monthly_budget=config["BROADCAST_MONTHLY_BUDGET_KES"],
            slice_seconds=config["BROADCAST_SLICE_SECONDS"],
            test_prefix=config["SIMULATOR_PREFIX"],
            phone_keys=PhoneKeys.from_config(config),
        )
