"""Deleting stored USSD journeys older than USSD_JOURNEY_RETENTION_DAYS, by the workers' clock."""

from datetime import timedelta

from sqlalchemy import delete

from sms_service.core.models import UssdJourney


def delete_expired(session, now, retention_days):
    """Delete journeys that ended more than `retention_days` days before `now`; how many."""
    cutoff = now - timedelta(days=retention_days)
    return session.execute(
        delete(UssdJourney).where(UssdJourney.ended_at < cutoff).execution_options(synchronize_session=False)
    ).rowcount
