"""People's data jobs: the retention job that deletes old message texts and the names given for
past events' doors (people/retention.py)."""

from sms_service.domain.people.retention import remove_event_names
from sms_service.domain.people.retention import remove_old_texts as remove_texts
from workers import context


def remove_old_texts():
    """Blank message texts older than CONVERSATION_RETENTION_MONTHS, and registrants' names of
    events that ended over EVENT_NAME_RETENTION_DAYS ago, by the services' clock; safe to run twice."""
    services = context.services()
    config, now = services.config, services.clock.now()
    with services.database.write_transaction() as session:
        removed = remove_texts(session, now, config["CONVERSATION_RETENTION_MONTHS"])
        event_names = remove_event_names(session, now, config["EVENT_NAME_RETENTION_DAYS"])
    return {"inbound": removed.inbound, "outbound": removed.outbound, "notes": removed.notes,
            "confirmations": removed.confirmations, "event_names": event_names}
