"""What event messages say: the values the texts of flows/sms/keywords.yaml (`event_*` replies)
are filled with, in the person's language. Times are Nairobi time, as "3/12 14:00"."""

from sms_service.core.clock import NAIROBI, as_utc
from sms_service.core.typed_text import fold_to_gsm7

LIST_TITLE_MAX = 30  # a title in an EVENT list is cut to this, so three events fit two segments
# The longest value each placeholder can take, for `flows check` (titles and venues: catalogue.py).
LONGEST = {"code": "W" * 8, "title": "W" * 60, "venue": "W" * 60, "when": "30/12 23:59", "time": "23:59",
           "position": "9999", "example": "W" * 8,
           "events": "; ".join(["W" * 8 + " " + "W" * LIST_TITLE_MAX + ", " + "W" * 15 + " 30/12 23:59"] * 3)}


def local(moment):
    return as_utc(moment).astimezone(NAIROBI)


def when(moment):
    """'3/12 14:00' in Nairobi time."""
    at = local(moment)
    return f"{at.day}/{at.month} {at:%H:%M}"


def title(event, language):
    return event.titles.get(language) or next(iter(event.titles.values()))


def values(event, language):
    """The placeholders of one event's messages, GSM-7 (a title typed with ’ stays one segment)."""
    return {"code": event.code, "title": fold_to_gsm7(title(event, language)), "venue": fold_to_gsm7(event.venue),
            "when": when(event.starts_at), "time": f"{local(event.starts_at):%H:%M}"}


def listing(events, language):
    """'F12 Forum on consent, Nairobi 3/12 14:00; ...' for an EVENT list."""
    return "; ".join(f"{event.code} {fold_to_gsm7(title(event, language))[:LIST_TITLE_MAX].rstrip()}, "
                     f"{event.county} {when(event.starts_at)}" for event in events)
