"""When a broadcast may go: East Africa Time, the daily send window (quiet hours outside it),
and recurrences (daily, weekly, monthly, or a cron expression).

Times are stored in UTC; staff think and type in Nairobi time.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from croniter import croniter
from dateutil.relativedelta import relativedelta

NAIROBI = ZoneInfo("Africa/Nairobi")
EVERY = {"daily": relativedelta(days=1), "weekly": relativedelta(weeks=1), "monthly": relativedelta(months=1)}


class ScheduleError(ValueError):
    pass


def as_utc(moment):
    """An aware UTC datetime; a naive one (SQLite hands them back) is taken to be UTC already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def parse_local_time(text):
    """'2026-12-01 09:30' in Nairobi time, as UTC."""
    try:
        local = datetime.strptime(text.strip(), "%Y-%m-%d %H:%M")
        return local.replace(tzinfo=NAIROBI).astimezone(timezone.utc)
    except (ValueError, OverflowError):  # 0001-01-01 00:00 in Nairobi is before the first UTC date
        raise ScheduleError(f"{text!r} is not a time like 2026-12-01 09:30 (Nairobi time)") from None


def show_local(moment):
    return as_utc(moment).astimezone(NAIROBI).strftime("%Y-%m-%d %H:%M EAT")


@dataclass(frozen=True)
class SendWindow:
    """The hours of the day (Nairobi time) when non-urgent broadcasts may go out."""

    opens: time
    closes: time

    @classmethod
    def parse(cls, text):
        """'08:00-18:00'; '00:00-24:00' means any time."""
        try:
            opens, closes = (part.strip() for part in text.split("-"))
            closes_at = time.max if closes == "24:00" else time.fromisoformat(closes)
            window = cls(time.fromisoformat(opens), closes_at)
        except ValueError:
            raise ScheduleError(f"send window {text!r} is not like 08:00-18:00") from None
        if window.opens >= window.closes:
            raise ScheduleError(f"send window {text!r} closes before it opens")
        return window

    def contains(self, moment):
        local = as_utc(moment).astimezone(NAIROBI).time()
        return self.opens <= local < self.closes

    def next_opening(self, moment):
        """`moment` itself when inside the window, otherwise when the window next opens (UTC)."""
        if self.contains(moment):
            return as_utc(moment)
        local = as_utc(moment).astimezone(NAIROBI)
        opening = local.replace(hour=self.opens.hour, minute=self.opens.minute, second=0, microsecond=0)
        if opening <= local:
            opening += timedelta(days=1)
        return opening.astimezone(timezone.utc)


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
    """`rule` if it is daily, weekly, monthly or a valid five-field cron expression."""
    if rule in EVERY:
        return rule
    if len(rule.split()) != 5 or not croniter.is_valid(rule):
        raise ScheduleError(f"repeat {rule!r} is not daily, weekly, monthly or a cron expression like '0 9 * * 1'")
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
