"""The broadcast parts of one app, built once from its configuration and stores."""

from dataclasses import dataclass

from sms_service.broadcasts.dispatch import BroadcastDispatch
from sms_service.broadcasts.leases import SenderLeases
from sms_service.broadcasts.rate_limit import SegmentRateLimit
from sms_service.broadcasts.sender import BroadcastSender
from sms_service.broadcasts.settings import BroadcastSettings


@dataclass(frozen=True)
class BroadcastRuntime:
    settings: BroadcastSettings
    dispatch: BroadcastDispatch
    leases: SenderLeases
    sender: BroadcastSender

    @classmethod
    def build(cls, config, database, redis, sms_client, queue):
        settings = BroadcastSettings.from_config(config)
        leases = SenderLeases(redis, settings.lease_seconds)
        rate_limit = SegmentRateLimit(redis, settings.segments_per_second)
        return cls(
            settings=settings,
            dispatch=BroadcastDispatch(queue, settings),
            leases=leases,
            sender=BroadcastSender(database, sms_client, redis, settings, rate_limit, leases),
        )
