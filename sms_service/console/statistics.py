"""What the dashboard shows, each figure one SQL query."""

from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select

from sms_service.broadcasts.schedule import NAIROBI
from sms_service.kenya import COUNTIES
from sms_service.models import InboundMessage, OutboundMessage, PetitionSignature, Subscriber, Subscription

SHOWN_COUNTIES = 10
DELIVERY_RATE_DAYS = 7


def start_of_today(now):
    """Midnight in Nairobi, as UTC: "today" is the staff's day, not the server's."""
    local = now.astimezone(NAIROBI)
    return local.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(timezone.utc)


def subscribers_by_topic(session, topic_names):
    rows = session.execute(
        select(Subscription.topic, func.count())
        .join(Subscriber, Subscriber.id == Subscription.subscriber_id)
        .where(Subscription.withdrawn_at.is_(None), Subscriber.suppressed_at.is_(None))
        .group_by(Subscription.topic)
    ).all()
    counts = dict(rows)
    return [(topic_names.get(topic, topic), counts.get(topic, 0)) for topic in topic_names] + \
        [(topic, count) for topic, count in rows if topic not in topic_names]


def _reachable_subscribers(*columns):
    return select(*columns).where(Subscriber.suppressed_at.is_(None))


def subscribers_by_language(session, language_names):
    rows = session.execute(_reachable_subscribers(Subscriber.language, func.count()).group_by(Subscriber.language)).all()
    return sorted(((language_names.get(code, code), count) for code, count in rows), key=lambda row: -row[1])


def subscribers_by_county(session):
    """The counties with most subscribers, then the rest and those who gave none, summed."""
    rows = session.execute(_reachable_subscribers(Subscriber.county, func.count()).group_by(Subscriber.county)).all()
    named = sorted(((county, count) for county, count in rows if county in COUNTIES), key=lambda row: -row[1])
    shown = named[:SHOWN_COUNTIES]
    others = sum(count for _, count in named[SHOWN_COUNTIES:])
    unknown = sum(count for county, count in rows if county not in COUNTIES)
    return shown + ([("other counties", others)] if others else []) + ([("not given", unknown)] if unknown else [])


def totals(session, now):
    since = start_of_today(now)
    week_ago = now - timedelta(days=DELIVERY_RATE_DAYS)
    outcome = dict(session.execute(
        select(OutboundMessage.status, func.count())
        .where(OutboundMessage.created_at >= week_ago, OutboundMessage.status.in_(("delivered", "failed")))
        .group_by(OutboundMessage.status)
    ).all())
    reported = outcome.get("delivered", 0) + outcome.get("failed", 0)
    return {
        "subscribers": session.scalar(_reachable_subscribers(func.count())),
        "opted_out": session.scalar(select(func.count()).where(Subscriber.suppressed_at.is_not(None))),
        "sent_today": session.scalar(select(func.count()).where(OutboundMessage.created_at >= since)),
        "received_today": session.scalar(select(func.count()).where(InboundMessage.received_at >= since)),
        "delivered_week": outcome.get("delivered", 0),
        "reported_week": reported,
        "delivery_rate": outcome.get("delivered", 0) / reported if reported else None,
    }


def petition_counts(session, petition_titles):
    counts = dict(session.execute(
        select(PetitionSignature.petition, func.count()).group_by(PetitionSignature.petition)
    ).all())
    return [(petition_titles.get(code, code), counts.get(code, 0)) for code in petition_titles] + \
        [(code, count) for code, count in counts.items() if code not in petition_titles]


def utc_now():
    return datetime.now(timezone.utc)
