"""The journeys page's figures, from stored journeys (records.py) over a bounded range of Nairobi
days: sessions per day, completion and a funnel per journey, the screens where callers left or
had answers refused, average hops and duration, and AT's failures.

A journey is a goal a caller can reach (petition signed, subscribed, quiz finished, info read),
given as a Journey of Steps: screen-id patterns, in the order a caller meets them, the last
being the goal (engine/ussd/journey_definitions.py builds them from the flows)."""

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select

from sms_service.core.clock import NAIROBI, ScheduleError, as_utc, midnight_of, parse_day
from sms_service.core.models import UssdJourney
from sms_service.domain.ussd_journeys.records import LEFT

MAX_DAYS = 92  # the widest range one page reads (a quarter)
TOP = 10  # screens listed per table
FAILURES_LISTED = 20


class BadRange(ValueError):
    """A date range the page cannot show; the message says why."""


@dataclass(frozen=True)
class Step:
    label: str
    screens: str  # a regular expression one screen id must match whole

    def reached_by(self, path):
        pattern = re.compile(self.screens)
        return any(pattern.fullmatch(screen) for screen in path)


@dataclass(frozen=True)
class Journey:
    code: str
    label: str  # "Petition signed"
    steps: tuple  # Steps; the last one is the goal


@dataclass(frozen=True)
class Filters:
    first_day: date  # Nairobi dates, both included
    last_day: date
    network: str = ""  # "" for every network
    language: str = ""  # "" for every language

    @classmethod
    def parse(cls, first, last, network="", language="", today=None):
        """Filters from a form's text ("2026-12-01"); BadRange when a date is no date or out of range
        (core/clock.py parse_day), the range is backwards or wider than MAX_DAYS. Missing dates: the
        30 days up to `today`."""
        try:
            last_day = parse_day(last) if last else today
            first_day = parse_day(first) if first else last_day - timedelta(days=29)
        except ScheduleError as error:
            raise BadRange(f"{error}.") from None
        if first_day > last_day:
            raise BadRange("The first day is after the last.")
        if (last_day - first_day).days + 1 > MAX_DAYS:
            raise BadRange(f"Choose at most {MAX_DAYS} days.")
        return cls(first_day, last_day, network.strip()[:16], language.strip()[:8])

    @property
    def days(self):
        return [self.first_day + timedelta(days=n) for n in range((self.last_day - self.first_day).days + 1)]


@dataclass
class Funnel:
    journey: Journey
    entered: int = 0
    completed: int = 0
    reached: list = field(default_factory=list)  # per step: sessions that reached it
    left: list = field(default_factory=list)  # per step: sessions whose furthest step it was, goal not reached

    @property
    def rate(self):
        return self.completed / self.entered if self.entered else 0.0


@dataclass
class JourneyReport:
    filters: Filters
    sessions: int
    per_day: list  # (date, sessions) for every day of the range
    by_status: dict  # status -> sessions
    funnels: list  # Funnels, in the order of the journeys given
    left_on: list  # (screen, sessions that ended there incomplete or timed out), most first
    refused_on: list  # (screen, refused answers), most first
    average_hops: float
    average_seconds: float | None  # None when no session had AT's duration
    failures: list  # (errorMessage, sessions, last ended_at UTC), most first
    networks: list  # networks seen in the range, for the filter


def journey_report(session, journeys, filters):
    """The report over `filters` for `journeys` (Journeys); reads only the range's journeys."""
    start, end = midnight_of(filters.first_day), midnight_of(filters.last_day + timedelta(days=1))
    in_range = (UssdJourney.ended_at >= start, UssdJourney.ended_at < end)
    networks = session.execute(
        select(UssdJourney.network).where(*in_range, UssdJourney.network.is_not(None))
        .distinct().order_by(UssdJourney.network)
    ).scalars().all()
    query = select(UssdJourney.path, UssdJourney.refused, UssdJourney.status, UssdJourney.hops,
                   UssdJourney.duration_ms, UssdJourney.error_message, UssdJourney.ended_at).where(*in_range)
    if filters.network:
        query = query.where(UssdJourney.network == filters.network)
    if filters.language:
        query = query.where(UssdJourney.language == filters.language)
    rows = session.execute(query.order_by(UssdJourney.ended_at, UssdJourney.id)).all()

    per_day = Counter(as_utc(row.ended_at).astimezone(NAIROBI).date() for row in rows)
    left_on, refused_on, statuses, failures = Counter(), Counter(), Counter(), {}
    for row in rows:
        statuses[row.status] += 1
        refused_on.update(row.refused or ())
        if row.status in LEFT and row.path:
            left_on[row.path[-1]] += 1
        if row.status == "failed":
            message = row.error_message or "(no errorMessage)"
            count, _ = failures.get(message, (0, None))
            failures[message] = (count + 1, as_utc(row.ended_at))
    durations = [row.duration_ms for row in rows if row.duration_ms is not None]
    return JourneyReport(
        filters=filters, sessions=len(rows),
        per_day=[(day, per_day.get(day, 0)) for day in filters.days],
        by_status=dict(sorted(statuses.items())),
        funnels=[_funnel(journey, [row.path or () for row in rows]) for journey in journeys],
        left_on=_top(left_on), refused_on=_top(refused_on),
        average_hops=sum(row.hops for row in rows) / len(rows) if rows else 0.0,
        average_seconds=sum(durations) / len(durations) / 1000 if durations else None,
        failures=sorted(((message, count, last) for message, (count, last) in failures.items()),
                        key=lambda failure: (-failure[1], failure[0]))[:FAILURES_LISTED],
        networks=list(networks),
    )


def _funnel(journey, paths):
    funnel = Funnel(journey, reached=[0] * len(journey.steps), left=[0] * len(journey.steps))
    for path in paths:
        reached = [step.reached_by(path) for step in journey.steps]
        if not any(reached):
            continue
        funnel.entered += 1
        for index, hit in enumerate(reached):
            funnel.reached[index] += hit
        if reached[-1]:
            funnel.completed += 1
        else:
            funnel.left[max(index for index, hit in enumerate(reached) if hit)] += 1
    return funnel


def _top(counter):
    return sorted(counter.items(), key=lambda item: (-item[1], item[0]))[:TOP]
