"""The broadcast parts of one app, built once from its configuration and stores."""

from dataclasses import dataclass

from sms_service.core.clock import Clock
from sms_service.domain.broadcasts.dispatch import BroadcastDispatch
from sms_service.domain.broadcasts.leases import SenderLeases
from sms_service.domain.broadcasts.rate_limit import SegmentRateLimit
from sms_service.domain.broadcasts.sender import BroadcastSender
from sms_service.domain.broadcasts.settings import BroadcastSettings


@dataclass(frozen=True)
class BroadcastRuntime:
    settings: BroadcastSettings
    dispatch: BroadcastDispatch
    leases: SenderLeases
    sender: BroadcastSender
    clock: Clock

    @classmethod
    def build(cls, config, database, redis, sms_client, queue, clock, stopping, default_language, book=None):
        """`stopping`: the worker process's stop signal (a threading.Event), see BroadcastSender;
        `default_language`: the catalogue's (flows/catalog.yaml); `book`: the FlowBook (quiz pushes)."""
        settings = BroadcastSettings.from_config(config, default_language)
        leases = SenderLeases(redis, settings.lease_seconds)
        rate_limit = SegmentRateLimit(redis, settings.segments_per_second)
        return cls(
            settings=settings,
            dispatch=BroadcastDispatch(queue, settings),
            leases=leases,
            sender=BroadcastSender(database, sms_client, redis, settings, rate_limit, leases, clock, stopping, book),
            clock=clock,
        )
