"""Nairobi times, the send window (quiet hours) and recurrences, as tables."""

from datetime import datetime, timezone

import pytest

from sms_service.broadcasts.schedule import (
    ScheduleError, SendWindow, check_recurrence, may_send, next_occurrence, parse_local_time, show_local,
)


def utc(text):
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


def test_staff_type_nairobi_time_and_it_is_stored_in_utc():
    assert parse_local_time("2026-12-01 09:30") == utc("2026-12-01 06:30")
    assert show_local(utc("2026-12-01 06:30")) == "2026-12-01 09:30 EAT"


@pytest.mark.parametrize("text", ["tomorrow", "2026-13-01 09:00", "01/12/2026 09:00", ""])
def test_a_time_staff_cannot_mean_is_refused(text):
    with pytest.raises(ScheduleError):
        parse_local_time(text)


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


@pytest.mark.parametrize("rule", ["hourly", "every monday", "0 9 * *", "61 9 * * *"])
def test_a_bad_recurrence_is_refused(rule):
    with pytest.raises(ScheduleError):
        check_recurrence(rule)
