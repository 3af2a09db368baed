"""Finding a time's rows by id in the message tables (core/time_ordered.py): the same rows as a
scan of the whole table, for rows written in time order give or take minutes, on real SQL."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from sms_service.core.clock import parse_local_time
from sms_service.core.models import OutboundMessage
from sms_service.core.time_ordered import first_id_from, ids_between

START = parse_local_time("2026-11-01 00:00")
# minutes after START of each row, in the order written: every 37 minutes for 5 days, with a few
# rows committed up to 20 minutes late (a slow transaction), and a gap of a day with nothing
MINUTES = sorted([*range(0, 5 * 24 * 60, 37), 3000, 3010]) + list(range(9000, 9600, 50))
MINUTES[40], MINUTES[41] = MINUTES[41], MINUTES[40] - 20


@pytest.fixture
def written(database):
    with database.transaction() as session:
        for minutes in MINUTES:
            at = START + timedelta(minutes=minutes)
            session.add(OutboundMessage(phone="+254711000001", text="x", purpose="reply", status="sent",
                                        created_at=at, updated_at=at))
    return database


WINDOWS = [(0, 60), (100, 1540), (1440, 2880), (2990, 3020), (5000, 9000), (9000, 99999), (-500, 10), (99999, 100000)]


@pytest.mark.parametrize(("start", "end"), WINDOWS)
def test_the_rows_found_by_id_are_the_rows_of_the_window(written, start, end):
    since, until = START + timedelta(minutes=start), START + timedelta(minutes=end)
    in_window = (OutboundMessage.created_at >= since) & (OutboundMessage.created_at < until)
    with written.transaction() as session:
        everything = session.scalar(select(func.count()).where(in_window))
        by_id = session.scalar(select(func.count()).where(
            ids_between(session, OutboundMessage.id, OutboundMessage.created_at, since, until), in_window))
    assert by_id == everything == sum(start <= minutes < end for minutes in MINUTES)


def test_an_empty_table_and_a_time_after_the_last_row(database):
    with database.transaction() as session:
        assert first_id_from(session, OutboundMessage.id, OutboundMessage.created_at, START) == 0
        session.add(OutboundMessage(phone="+254711000001", text="x", purpose="reply", status="sent",
                                    created_at=START, updated_at=START))
        session.flush()
        last = session.scalar(select(func.max(OutboundMessage.id)))
        assert first_id_from(session, OutboundMessage.id, OutboundMessage.created_at, START + timedelta(days=1)) == last + 1
        assert first_id_from(session, OutboundMessage.id, OutboundMessage.created_at, START) == last
