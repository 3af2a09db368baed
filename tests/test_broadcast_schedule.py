"""Nairobi days and times staff type, the send window (quiet hours) and recurrences, as tables."""

from datetime import date, datetime, timedelta, timezone

import pytest

from sms_service.core.clock import (
    FIRST_DAY,
    LAST_DAY,
    ScheduleError,
    SendWindow,
    midnight_of,
    parse_day,
    parse_local_time,
    show_local,
)
from sms_service.domain.broadcasts.schedule import check_recurrence, may_send, next_occurrence


def utc(text):
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


def test_staff_type_nairobi_time_and_it_is_stored_in_utc():
    assert parse_local_time("2026-12-01 09:30") == utc("2026-12-01 06:30")
    assert show_local(utc("2026-12-01 06:30")) == "2026-12-01 09:30 EAT"


@pytest.mark.parametrize("text", ["tomorrow", "2026-13-01 09:00", "01/12/2026 09:00", ""])
def test_a_time_staff_cannot_mean_is_refused(text):
    with pytest.raises(ScheduleError):
        parse_local_time(text)


@pytest.mark.parametrize("text", ["0001-01-01 00:00", "9999-12-31 23:59", "1999-12-31 23:59", "2100-01-01 00:00"])
def test_a_time_on_a_day_out_of_range_is_refused_with_the_range(text):
    with pytest.raises(ScheduleError) as refused:
        parse_local_time(text)
    assert str(refused.value) == (f"{text!r} is not a time like 2026-12-01 09:30 (Nairobi time) "
                                  "on a day from 2000-01-01 to 2099-12-31")


@pytest.mark.parametrize("text, day", [
    ("2026-12-01", date(2026, 12, 1)),
    (" 2026-12-01 ", date(2026, 12, 1)),
    ("2000-01-01", date(2000, 1, 1)),  # FIRST_DAY
    ("2099-12-31", date(2099, 12, 31)),  # LAST_DAY
    ("2028-02-29", date(2028, 2, 29)),
])
def test_staff_type_a_day_as_yyyy_mm_dd(text, day):
    assert parse_day(text) == day


OUT_OF_RANGE = "is out of range: choose a day from 2000-01-01 to 2099-12-31"


@pytest.mark.parametrize("text, reason", [
    ("yesterday", "'yesterday' is not a date like 2026-12-01"),
    ("", "'' is not a date like 2026-12-01"),
    (None, "None is not a date like 2026-12-01"),
    ("2026-13-01", "'2026-13-01' is not a date like 2026-12-01"),
    ("2026-02-30", "'2026-02-30' is not a date like 2026-12-01"),
    ("2026-12-1", "'2026-12-1' is not a date like 2026-12-01"),
    ("20261201", "'20261201' is not a date like 2026-12-01"),  # ISO, but not what a date input sends
    ("2026-W48-1", "'2026-W48-1' is not a date like 2026-12-01"),
    ("2026-12-01 09:30", "'2026-12-01 09:30' is not a date like 2026-12-01"),
    ("２０２６-１２-０１", "'２０２６-１２-０１' is not a date like 2026-12-01"),
    ("0001-01-01", f"'0001-01-01' {OUT_OF_RANGE}"),
    ("9999-12-31", f"'9999-12-31' {OUT_OF_RANGE}"),
    ("1999-12-31", f"'1999-12-31' {OUT_OF_RANGE}"),
    ("2100-01-01", f"'2100-01-01' {OUT_OF_RANGE}"),
])
def test_a_day_staff_cannot_mean_is_refused_with_the_reason(text, reason):
    with pytest.raises(ScheduleError) as refused:
        parse_day(text)
    assert str(refused.value) == reason


@pytest.mark.parametrize("day", [FIRST_DAY, LAST_DAY])
def test_arithmetic_on_an_accepted_day_cannot_overflow(day):
    """What pages and commands do with a typed day: a year's range either side, Nairobi midnights."""
    for moved in (day - timedelta(days=366), day + timedelta(days=367)):
        assert midnight_of(moved).tzinfo == timezone.utc
    assert midnight_of(date(2026, 12, 1)) == utc("2026-11-30 21:00")


WINDOW = SendWindow.parse("08:00-18:00")


@pytest.mark.parametrize("moment, inside, next_opening", [
    ("2026-12-01 05:00", True, "2026-12-01 05:00"),   # 08:00 EAT: opens
    ("2026-12-01 14:59", True, "2026-12-01 14:59"),   # 17:59 EAT
    ("2026-12-01 15:00", False, "2026-12-02 05:00"),  # 18:00 EAT: closed until tomorrow 08:00
    ("2026-12-01 20:30", False, "2026-12-02 05:00"),  # 23:30 EAT
    ("2026-12-01 22:00", False, "2026-12-02 05:00"),  # 01:00 EAT, already the next day
    ("2026-12-01 04:59", False, "2026-12-01 05:00"),  # 07:59 EAT
])
def test_the_send_window_is_in_nairobi_time(moment, inside, next_opening):
    assert WINDOW.contains(utc(moment)) is inside
    assert WINDOW.next_opening(utc(moment)) == utc(next_opening)


def test_urgent_broadcasts_ignore_quiet_hours():
    night = utc("2026-12-01 20:00")
    assert not may_send(WINDOW, False, night)
    assert may_send(WINDOW, True, night)


def test_a_window_of_the_whole_day():
    assert SendWindow.parse("00:00-24:00").contains(utc("2026-12-01 20:59"))


@pytest.mark.parametrize("text", ["8-18", "18:00-08:00", "08:00", "08:00-25:00"])
def test_a_bad_window_is_refused(text):
    with pytest.raises(ScheduleError):
        SendWindow.parse(text)


@pytest.mark.parametrize("rule, anchor, after, expected", [
    ("daily", "2026-12-01 06:00", "2026-12-01 06:00", "2026-12-02 06:00"),
    ("daily", "2026-12-01 06:00", "2026-12-05 07:00", "2026-12-06 06:00"),
    ("weekly", "2026-12-01 06:00", "2026-12-01 06:00", "2026-12-08 06:00"),
    # monthly counts from the first occurrence: the 31st is the 28th in February, then the 31st
    ("monthly", "2026-01-31 06:00", "2026-01-31 06:00", "2026-02-28 06:00"),
    ("monthly", "2026-01-31 06:00", "2026-02-28 06:00", "2026-03-31 06:00"),
    # cron in Nairobi time: Mondays 09:00 EAT = 06:00 UTC; 2026-12-01 is a Tuesday
    ("0 9 * * 1", "2026-12-01 06:00", "2026-12-01 06:00", "2026-12-07 06:00"),
    ("30 17 * * *", "2026-12-01 06:00", "2026-12-01 06:00", "2026-12-01 14:30"),
])
def test_recurrences(rule, anchor, after, expected):
    assert next_occurrence(check_recurrence(rule), utc(anchor), utc(after)) == utc(expected)


@pytest.mark.parametrize("rule, reason", [
    ("hourly", "is not daily, weekly, monthly"),
    ("every monday", "is not daily, weekly, monthly"),
    ("0 9 * *", "is not daily, weekly, monthly"),
    ("61 9 * * *", "is not daily, weekly, monthly"),
    ("0 0 30 2 *", "never falls due"),  # 30 February: croniter raised, a 500 at Preview
    ("0 0 31 4 *", "never falls due"),
    ("* * * * *", "more often than once an hour"),
    ("*/30 9 * * *", "more often than once an hour"),
])
def test_a_bad_recurrence_is_refused(rule, reason):
    with pytest.raises(ScheduleError, match=reason):
        check_recurrence(rule)


@pytest.mark.parametrize("rule", ["0 * * * *", "0 0 29 2 *", "0 9,17 * * 1-5"])  # hourly; leap days; twice a weekday
def test_a_rare_or_hourly_cron_expression_is_accepted(rule):
    assert check_recurrence(rule) == rule
