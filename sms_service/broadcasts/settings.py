"""The broadcast knobs, read once from the app's configuration."""

from dataclasses import dataclass

from sms_service.broadcasts.schedule import SendWindow


@dataclass(frozen=True)
class BroadcastSettings:
    send_window: SendWindow  # non-urgent broadcasts go out only inside it (Nairobi time)
    segments_per_second: float  # shared by every worker
    batch_size: int  # most recipients in one gateway request
    senders: int  # sender jobs per broadcast (one per worker process to use)
    sender_threads: int  # gateway requests in flight per sender
    lease_seconds: float  # a sender silent this long is taken for dead
    tick_seconds: int  # how often due schedules and stalled broadcasts are looked at
    max_attempts: int  # tries per recipient on retryable failures
    cost_per_segment: float  # for the cost estimate, in KES
    slice_seconds: float  # a sender job hands over to a fresh one after this long
    plan_chunk: int = 10_000  # audience rows written per INSERT ... SELECT

    @classmethod
    def from_config(cls, config):
        return cls(
            send_window=SendWindow.parse(config["BROADCAST_SEND_WINDOW"]),
            segments_per_second=config["BROADCAST_SEGMENTS_PER_SECOND"],
            batch_size=config["BROADCAST_BATCH_SIZE"],
            senders=config["BROADCAST_SENDERS"],
            sender_threads=config["BROADCAST_SENDER_THREADS"],
            lease_seconds=config["BROADCAST_LEASE_SECONDS"],
            tick_seconds=config["BROADCAST_TICK_SECONDS"],
            max_attempts=config["BROADCAST_MAX_ATTEMPTS"],
            cost_per_segment=config["BROADCAST_COST_PER_SEGMENT"],
            slice_seconds=config["BROADCAST_SLICE_SECONDS"],
        )
