"""USSD journey jobs: close the sessions AT sent no end notification for, and delete journeys past
their retention, by the services' clock."""

from sms_service.domain.ussd_journeys.retention import delete_expired
from workers import context


def sweep_journeys():
    """Close sessions silent past AT's session limit as timed out, then delete journeys older
    than USSD_JOURNEY_RETENTION_DAYS; safe to run twice (each session is taken once)."""
    services = context.services()
    closed = services.journeys.close_silent()
    with services.database.write_transaction() as session:
        deleted = delete_expired(session, services.clock.now(), services.config["USSD_JOURNEY_RETENTION_DAYS"])
    return {"closed": closed, "deleted": deleted}
