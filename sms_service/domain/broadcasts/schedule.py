"""When a broadcast may go: its send window (quiet hours outside it; core/clock.py SendWindow),
urgency, and recurrences (daily, weekly, monthly, or a cron expression).

Times are stored in UTC; staff think and type in Nairobi time.
"""

from datetime import datetime, timedelta, timezone
from itertools import pairwise

from croniter import CroniterBadDateError, croniter
from dateutil.relativedelta import relativedelta

from sms_service.core.clock import NAIROBI, ScheduleError, as_utc, show_local

EVERY = {"daily": relativedelta(days=1), "weekly": relativedelta(weeks=1), "monthly": relativedelta(months=1)}
# A cron expression may fire no more often than this: a campaign broadcast every minute is a slip.
MIN_CRON_GAP = timedelta(hours=1)
CRON_CHECKED = 48  # how many of its next times are checked for that gap


def schedule_summary(broadcast, window, now):
    """(when it sends, the quiet-hours notice or None), as staff are told at creation."""
    when = "now" if as_utc(broadcast.send_at) <= now else show_local(broadcast.send_at)
    repeat = f", then {broadcast.recurrence}" if broadcast.recurrence else ""
    sends = f"{when}{repeat}{' (urgent)' if broadcast.urgent else ''}"
    starts = max(as_utc(broadcast.send_at), now)
    if broadcast.urgent or window.contains(starts):
        return sends, None
    opens = show_local(window.next_opening(starts))
    return sends, f"outside {window.opens:%H:%M}-{window.closes:%H:%M} EAT it waits until {opens}"


def may_send(window, urgent, moment):
    return urgent or window.contains(moment)


def check_recurrence(rule):
    """`rule` if it is daily, weekly, monthly or a five-field cron expression that falls due at
    all (not "0 0 30 2 *", 30 February) and no more often than MIN_CRON_GAP; ScheduleError with
    the reason otherwise."""
    if rule in EVERY:
        return rule
    if len(rule.split()) != 5 or not croniter.is_valid(rule):
        raise ScheduleError(f"repeat {rule!r} is not daily, weekly, monthly or a cron expression like '0 9 * * 1'")
    times = croniter(rule, datetime(2026, 1, 1, tzinfo=NAIROBI))
    try:
        due = [times.get_next(datetime) for _ in range(CRON_CHECKED)]
    except CroniterBadDateError:
        raise ScheduleError(f"repeat {rule!r} never falls due (no such date)") from None
    if any(later - earlier < MIN_CRON_GAP for earlier, later in pairwise(due)):
        raise ScheduleError(f"repeat {rule!r} falls due more often than once an hour")
    return rule


def next_occurrence(rule, anchor, after):
    """The first time after `after` that `rule` falls due; `anchor` is the first occurrence.

    Daily, weekly and monthly keep the anchor's Nairobi time of day (monthly counts from the
    anchor, so the 31st becomes the 30th in short months and the 31st again after). Cron
    expressions are read in Nairobi time.
    """
    after_local = as_utc(after).astimezone(NAIROBI)
    if rule in EVERY:
        anchor_local = as_utc(anchor).astimezone(NAIROBI)
        step = 1
        while (candidate := anchor_local + EVERY[rule] * step) <= after_local:
            step += 1
        return candidate.astimezone(timezone.utc)
    return croniter(rule, after_local).get_next(datetime).astimezone(timezone.utc)
