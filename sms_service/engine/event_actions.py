"""The event actions of the one registry (engine/actions.py): take a place at an event and give
it up, whichever channel asks. Each adds the event's values (code, title, venue, when, and the
place in the waiting list) to the answers, for the reply or the screen that follows."""

from sms_service.domain.campaigns.subscribers import get_or_create_subscriber
from sms_service.domain.events import registrations, texts

REGISTER_OUTCOMES = frozenset({registrations.REGISTERED, registrations.ALREADY_REGISTERED, registrations.WAITING,
                               registrations.ALREADY_WAITING, registrations.UNKNOWN_EVENT, registrations.CLOSED,
                               registrations.SCHOOLS_ONLY})
LEAVE_OUTCOMES = frozenset({registrations.LEFT, registrations.NOT_REGISTERED, registrations.UNKNOWN_EVENT})
# What the replies and screens may show, with their longest values (for `flows check`).
LISTED, NO_EVENTS = "listed", "no_events"
LIST_FIELDS = {"events": texts.LONGEST["events"]}
EVENT_FIELDS = {name: texts.LONGEST[name] for name in ("code", "title", "venue", "when", "time", "position")}


def _show(context, result):
    if result.event is not None:
        context.answers.update(texts.values(result.event, context.language), position=str(result.position))
    return result.outcome


def register_event(context):
    """Answers: `event_code`, and `name` (for the door; may be empty)."""
    answers = context.answers
    result = registrations.register(context.session, answers["event_code"], context.phone,
                                    answers.get("name") or None, context.channel, context.now)
    return _show(context, result)


def leave_event(context):
    """Answers: `event_code`."""
    result = registrations.leave(context.session, context.answers["event_code"], context.phone, context.now)
    return _show(context, result)


def list_events(context):
    """The next events, the person's county first, as `events` in the answers (USSD)."""
    county = get_or_create_subscriber(context.session, context.phone, context.language).county
    found = registrations.upcoming(context.session, county, context.now)
    context.answers["events"] = texts.listing(found, context.language)
    return LISTED if found else NO_EVENTS
