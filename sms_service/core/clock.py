"""Time for the whole service: stored in UTC, shown to staff and parsed from them in Nairobi time,
read from one clock that the app is given.

Every decision that depends on the hour or the date (quiet hours, schedules, "today", quiz
reminders and expiry) asks the app's clock, never the machine's wall clock directly, so that a
test can say what time it means (`ManualClock`) and passes at any hour and on any date.
Durations measured within a process (leases, rate limits, timeouts) use `time` as before: they
are about seconds passing, not about what time it is.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

NAIROBI = ZoneInfo("Africa/Nairobi")  # East Africa Time, UTC+3 all year (no daylight saving)

# The days staff may type (filters, commands, schedules). Python's dates end at 0001-01-01 and
# 9999-12-31; keeping centuries away from both means the arithmetic done on a typed day (29 days
# before it, the day after, its Nairobi midnight in UTC, a year's range) can never overflow.
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2099, 12, 31)
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # YYYY-MM-DD only: what a date input sends


class Clock:
    """The wall clock: `now()` is an aware UTC datetime."""

    def now(self):
        return datetime.now(timezone.utc)


class ManualClock(Clock):
    """A clock that reads what it was set to, and moves only when told (tests, benchmarks).

    `ManualClock(parse_local_time("2026-12-01 05:00"))` is five in the morning in Nairobi, whatever the
    machine's clock says.
    """

    def __init__(self, moment):
        self.set(moment)

    def now(self):
        return self._now

    def set(self, moment):
        self._now = as_utc(moment)
        return self

    def advance(self, **delta):
        """Move on by `timedelta(**delta)` (minutes=31, days=1, ...)."""
        self._now += timedelta(**delta)
        return self


class ScheduleError(ValueError):
    """A time staff typed that cannot be read, with what was expected."""


def as_utc(moment):
    """An aware UTC datetime; a naive one (SQLite hands them back) is taken to be UTC already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def _supported(day):
    return FIRST_DAY <= day <= LAST_DAY


def parse_day(text):
    """A Nairobi day typed as '2026-12-01' (every date filter and command reads days here), as a
    date from FIRST_DAY to LAST_DAY; ScheduleError with the reason otherwise: not such a date, or
    out of range."""
    cleaned = text.strip() if isinstance(text, str) else ""
    try:
        if not _DAY.fullmatch(cleaned):
            raise ValueError(cleaned)
        day = date.fromisoformat(cleaned)
    except ValueError:
        raise ScheduleError(f"{text!r} is not a date like 2026-12-01") from None
    if not _supported(day):
        raise ScheduleError(f"{text!r} is out of range: choose a day from {FIRST_DAY} to {LAST_DAY}")
    return day


def parse_local_time(text):
    """'2026-12-01 09:30' in Nairobi time, on a day from FIRST_DAY to LAST_DAY, as UTC;
    ScheduleError with what was expected otherwise."""
    expected = f"{text!r} is not a time like 2026-12-01 09:30 (Nairobi time)"
    try:
        local = datetime.strptime(text.strip(), "%Y-%m-%d %H:%M")
    except (ValueError, AttributeError):
        raise ScheduleError(expected) from None
    if not _supported(local.date()):
        raise ScheduleError(f"{expected} on a day from {FIRST_DAY} to {LAST_DAY}")
    return local.replace(tzinfo=NAIROBI).astimezone(timezone.utc)


def midnight_of(day):
    """The start of Nairobi `day` (a date, as parse_day gives it), as an aware UTC datetime."""
    return datetime.combine(day, time(), NAIROBI).astimezone(timezone.utc)


def show_local(moment):
    """'2026-12-01 09:30 EAT' for a stored (UTC) time."""
    return as_utc(moment).astimezone(NAIROBI).strftime("%Y-%m-%d %H:%M EAT")


def start_of_local_day(moment):
    """Midnight in Nairobi on `moment`'s Nairobi date, as UTC: "today" is the staff's day, not
    the server's (at 01:30 in Nairobi the UTC date is still yesterday's)."""
    return midnight_of(as_utc(moment).astimezone(NAIROBI).date())


@dataclass(frozen=True)
class SendWindow:
    """Hours of the day in Nairobi time when a kind of message may go out (broadcasts: 08:00-18:00,
    reminders: 07:00-21:00 by default)."""

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
