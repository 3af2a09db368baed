"""Reading `daily_figures` for charts: one query per page, by the table's primary key
(campaign, metric, day)."""

from collections import defaultdict
from datetime import timedelta

from sqlalchemy import select

from sms_service.core.models import DailyFigure

MAX_DAYS = 366  # the longest range a page or CSV covers


class RangeError(ValueError):
    """A date range that cannot be shown, with why."""


def checked_range(first, last):
    """(first, last) when `first` <= `last` and the range is at most MAX_DAYS long; RangeError otherwise."""
    if first > last:
        raise RangeError(f"the range starts ({first}) after it ends ({last})")
    if (last - first).days + 1 > MAX_DAYS:
        raise RangeError(f"a range covers at most {MAX_DAYS} days; {first} to {last} is {(last - first).days + 1}")
    return first, last


def days_of(first, last):
    """Every date from `first` to `last`, both included."""
    return [first + timedelta(days=offset) for offset in range((last - first).days + 1)]


def read_figures(session, campaign, metrics, first, last):
    """{metric: {detail: {day: value}}} of `campaign` ("all", "none" or a topic code) for `metrics`,
    Nairobi days `first` to `last` included; days never counted are absent."""
    found = defaultdict(lambda: defaultdict(dict))
    rows = session.execute(
        select(DailyFigure.metric, DailyFigure.detail, DailyFigure.day, DailyFigure.value)
        .where(DailyFigure.campaign == campaign, DailyFigure.metric.in_(metrics),
               DailyFigure.day >= first, DailyFigure.day <= last)
        .order_by(DailyFigure.metric, DailyFigure.day, DailyFigure.detail)
    )
    for metric, detail, day, value in rows:
        found[metric][detail][day] = value
    return found


def last_computed(session):
    """When the figures were last counted (UTC), or None if never."""
    return session.scalar(select(DailyFigure.computed_at).order_by(DailyFigure.computed_at.desc()).limit(1))
