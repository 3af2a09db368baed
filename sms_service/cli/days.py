"""The click type of a Nairobi day typed on the command line (`--from 2026-11-01`), read by the
one day parser (core/clock.py parse_day), so a command refuses what the console refuses."""

from datetime import date

import click

from sms_service.core.clock import ScheduleError, parse_day


class NairobiDay(click.ParamType):
    """A date from parse_day; a usage error (exit status 2) with the reason otherwise."""

    name = "YYYY-MM-DD"

    def convert(self, value, param, ctx):
        if isinstance(value, date):  # a default given as a date
            return value
        try:
            return parse_day(value)
        except ScheduleError as error:
            self.fail(str(error), param, ctx)


DAY = NairobiDay()
