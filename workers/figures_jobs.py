"""The charts' daily figures: counted by the workers' clock (domain/figures/rollup.py)."""

from sms_service.core.clock import parse_day
from sms_service.domain.figures.reading import days_of
from sms_service.domain.figures.rollup import days_to_recompute, roll_up
from sms_service.engine.campaign_attribution import attribution_from_book
from workers import context


def roll_up_figures(first=None, last=None):
    """Count the figures of Nairobi days `first` to `last` (ISO dates; by default today and the
    days just before, on the services' clock) into `daily_figures`; {day: rows}. Safe to run twice."""
    services = context.services()
    now = services.clock.now()
    days = days_to_recompute(now) if first is None else days_of(parse_day(first), parse_day(last or first))
    return roll_up(services.database, attribution_from_book(services.flow_book), days, now,
                   services.config["SIMULATOR_PREFIX"])
