"""Many subscribers at once, for broadcast tests and the benchmark.

Numbers never end in 9 and three digits: the local gateway reads such endings as a scripted
status code (see sms_service/local_gateway.py).
"""

import math

from sqlalchemy import insert, literal, select

from sms_service.core.models import Subscriber, Subscription, utcnow

CHUNK = 20_000


def fake_number(n):
    """The n-th test number: +25471 then 3 digits, then 4 digits below 9000."""
    return f"+25471{n // 9000:03d}{n % 9000:04d}"


def _shuffled(n, count):
    """A fixed permutation of range(count): people sign up in no order of their numbers, so ids
    and numbers must not rise together (indexes on numbers would fill in order, unrealistically)."""
    step = max(1, int(count * 0.6180339887))  # the golden ratio spreads neighbours far apart
    while math.gcd(step, count) != 1:
        step += 1
    return (n * step) % count


def seed_subscribers(database, count, topics=("torture",), language="en", county=None, start=0):
    """`count` subscribers numbered from `start`, subscribed to `topics`; returns their numbers' range."""
    now = utcnow()
    first, last = fake_number(start), fake_number(start + count - 1)
    with database.engine.begin() as connection:
        for chunk_start in range(start, start + count, CHUNK):
            connection.execute(insert(Subscriber.__table__), [
                {"phone": fake_number(start + _shuffled(n - start, count)), "language": language, "county": county,
                 "created_at": now, "updated_at": now}
                for n in range(chunk_start, min(start + count, chunk_start + CHUNK))
            ])
        for topic in topics:
            connection.execute(insert(Subscription.__table__).from_select(
                ["subscriber_id", "topic", "consent_at", "channel"],
                select(Subscriber.id, literal(topic), literal(now), literal("sms"))
                .where(Subscriber.phone.between(first, last)),
            ))
    return first, last
