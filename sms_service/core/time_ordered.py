"""Finding where a time begins in a table whose ids rise with time, without an index on the time.

The message tables have no index on their times, on purpose (a broadcast writes a million rows,
and each index costs a write per row: bench/broadcast_load.py). Their rows are written at their
time (`created_at`, `received_at` = the clock's now at insert), so ids rise with time, give or take
the seconds between a time being read and its row committed. A bisection on the primary key (a
few dozen lookups) finds the first id of a time; a query then reads from there, on the primary
key, instead of the whole table, and still filters on the time itself.
"""

from datetime import timedelta

from sqlalchemy import func, select

from sms_service.core.clock import as_utc

# Rows written this much out of time order are still found: the search starts this much earlier.
STRAGGLE = timedelta(hours=1)


def first_id_from(session, id_column, time_column, moment):
    """The smallest id whose row's time (and every later row's, give or take STRAGGLE) is at or
    after `moment` - STRAGGLE; the table's last id + 1 when none is, 0 for an empty table."""
    since = as_utc(moment) - STRAGGLE
    # Two queries: SQLite answers a lone min() or max() from the key's ends, but both together by
    # reading the whole table.
    low, high = session.scalar(select(func.min(id_column))), session.scalar(select(func.max(id_column)))
    if high is None:
        return 0
    high += 1
    while low < high:
        middle = (low + high) // 2
        found = session.scalar(select(time_column).where(id_column >= middle).order_by(id_column).limit(1))
        if found is not None and as_utc(found) >= since:
            high = middle
        else:
            low = middle + 1
    return low


def ids_between(session, id_column, time_column, start, end):
    """A condition on `id_column` that holds for every row whose time is in [start, end), and for
    few others (the rows of the STRAGGLE on either side): pair it with the condition on the time."""
    first = first_id_from(session, id_column, time_column, start)
    condition = id_column >= first
    if end is not None:
        condition &= id_column < first_id_from(session, id_column, time_column, end + 2 * STRAGGLE)
    return condition
