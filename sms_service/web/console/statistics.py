"""What the dashboard shows, each figure one SQL query. The simulator's test numbers (starting
`test_prefix`, SIMULATOR_PREFIX) are counted nowhere."""

from datetime import timedelta

from sqlalchemy import exists, func, select

from sms_service.core.clock import start_of_local_day
from sms_service.core.counties import COUNTIES
from sms_service.core.countries import country_name
from sms_service.core.models import Event, InboundMessage, OutboundMessage, PetitionSignature, Subscriber, Subscription
from sms_service.core.phone_numbers import not_a_test_number
from sms_service.core.time_ordered import ids_between
from sms_service.domain.campaigns.petitions import CHANNELS, WEB, signatures_by_channel_and_country
from sms_service.domain.events.attendance import counts_by_event
from sms_service.domain.figures.attribution import ALL
from sms_service.domain.figures.reading import read_figures
from sms_service.domain.figures.rollup import nairobi_day

SHOWN_COUNTIES = 10
SHOWN_COUNTRIES = 10
# How staff see each channel of a signature: a web form cannot prove a phone number.
CHANNEL_NAMES = {"ussd": "USSD", "sms": "SMS", WEB: "web page (no phone number)"}
DELIVERY_RATE_DAYS = 7


def subscribers_by_topic(session, topic_names, test_prefix):
    rows = session.execute(
        select(Subscription.topic, func.count())
        .join(Subscriber, Subscriber.id == Subscription.subscriber_id)
        .where(Subscription.withdrawn_at.is_(None), Subscriber.suppressed_at.is_(None),
               not_a_test_number(Subscriber.phone, test_prefix))
        .group_by(Subscription.topic)
    ).all()
    counts = dict(rows)
    return [(topic_names.get(topic, topic), counts.get(topic, 0)) for topic in topic_names] + \
        [(topic, count) for topic, count in rows if topic not in topic_names]


def _reachable_subscribers(test_prefix, *columns):
    return select(*columns).where(Subscriber.suppressed_at.is_(None), not_a_test_number(Subscriber.phone, test_prefix))


def subscribers_by_language(session, language_names, test_prefix):
    rows = session.execute(_reachable_subscribers(test_prefix, Subscriber.language, func.count())
                           .group_by(Subscriber.language)).all()
    return sorted(((language_names.get(code, code), count) for code, count in rows), key=lambda row: -row[1])


def subscribers_by_county(session, test_prefix):
    """The counties with most subscribers, then the rest and those who gave none, summed."""
    rows = session.execute(_reachable_subscribers(test_prefix, Subscriber.county, func.count())
                           .group_by(Subscriber.county)).all()
    named = sorted(((county, count) for county, count in rows if county in COUNTIES), key=lambda row: -row[1])
    shown = named[:SHOWN_COUNTIES]
    others = sum(count for _, count in named[SHOWN_COUNTIES:])
    unknown = sum(count for county, count in rows if county not in COUNTIES)
    return shown + ([("other counties", others)] if others else []) + ([("not given", unknown)] if unknown else [])


def _has_a_topic():
    return exists().where(Subscription.subscriber_id == Subscriber.id, Subscription.withdrawn_at.is_(None))


def people_counts(session, test_prefix):
    """(subscribers, petition only): reachable people with at least one topic, and those with
    none who signed a petition (a signature alone is no consent to campaign SMS)."""
    subscribers = session.scalar(_reachable_subscribers(test_prefix, func.count()).where(_has_a_topic()))
    # From the signatures, which are fewer than the subscribers: a fifth of the time of probing
    # every subscriber for a signature (bench/dashboard_load.py).
    petition_only = session.scalar(
        _reachable_subscribers(test_prefix, func.count(PetitionSignature.subscriber_id.distinct()))
        .select_from(PetitionSignature).join(Subscriber, Subscriber.id == PetitionSignature.subscriber_id)
        .where(~_has_a_topic()))
    return subscribers, petition_only


def totals(session, now, test_prefix):
    """Subscribers, opt-outs, SMS sent and received today (live), and the delivery rate over the
    last DELIVERY_RATE_DAYS Nairobi days (from the workers' daily figures: counting a week of
    messages at each view took seconds on a million, bench/dashboard_load.py)."""
    since = start_of_local_day(now)
    today = nairobi_day(now)
    found = read_figures(session, ALL, ("delivered", "failed"), today - timedelta(days=DELIVERY_RATE_DAYS - 1), today)
    delivered = sum(found["delivered"][""].values())
    reported = delivered + sum(value for by_day in found["failed"].values() for value in by_day.values())
    # The message tables have no index on their times: their ids rise with time (core/time_ordered.py).
    subscribers, petition_only = people_counts(session, test_prefix)
    return {
        "subscribers": subscribers,
        "petition_only": petition_only,
        "opted_out": session.scalar(select(func.count()).where(Subscriber.suppressed_at.is_not(None),
                                                               not_a_test_number(Subscriber.phone, test_prefix))),
        "sent_today": session.scalar(select(func.count()).where(
            ids_between(session, OutboundMessage.id, OutboundMessage.created_at, since, None),
            OutboundMessage.created_at >= since, not_a_test_number(OutboundMessage.phone, test_prefix))),
        "received_today": session.scalar(select(func.count()).where(
            ids_between(session, InboundMessage.id, InboundMessage.received_at, since, None),
            InboundMessage.received_at >= since, not_a_test_number(InboundMessage.phone, test_prefix))),
        "delivered_week": int(delivered),
        "reported_week": int(reported),
        "delivery_rate": delivered / reported if reported else None,
    }


def petition_counts(session, petition_titles, test_prefix):
    counts = dict(session.execute(
        select(PetitionSignature.petition, func.count())
        .join(Subscriber, Subscriber.id == PetitionSignature.subscriber_id)
        .where(not_a_test_number(Subscriber.phone, test_prefix))
        .group_by(PetitionSignature.petition)
    ).all())
    return [(petition_titles.get(code, code), counts.get(code, 0)) for code in petition_titles] + \
        [(code, count) for code, count in counts.items() if code not in petition_titles]



def signatures_by_channel(breakdown):
    """[(channel name, signatures)] from `breakdown` (petitions.signatures_by_channel_and_country),
    every channel shown, in CHANNELS' order."""
    counts = dict.fromkeys(CHANNELS, 0)
    for channel, _country, count in breakdown:
        counts[channel] = counts.get(channel, 0) + count
    return [(CHANNEL_NAMES.get(channel, channel), count) for channel, count in counts.items()]


def signatures_by_country(breakdown, language):
    """The countries with most signatures (named in `language`), then the rest and those with none
    known, summed."""
    counts = {}
    for _channel, country, count in breakdown:
        counts[country] = counts.get(country, 0) + count
    named = sorted(((country_name(code, language), count) for code, count in counts.items() if code),
                   key=lambda row: (-row[1], row[0]))
    others = sum(count for _, count in named[SHOWN_COUNTRIES:])
    unknown = counts.get(None, 0)
    return named[:SHOWN_COUNTRIES] + ([("other countries", others)] if others else []) + \
        ([("not known", unknown)] if unknown else [])


def petition_breakdown(session, petition, language, test_prefix):
    """(by channel, by country) of `petition` (every petition when None), for the bar charts."""
    breakdown = signatures_by_channel_and_country(session, petition, test_prefix)
    return signatures_by_channel(breakdown), signatures_by_country(breakdown, language)


RECENT_EVENTS = 8


def event_attendance(session, language):
    """[(code and title, people checked in)] of the latest events that have started, newest first."""
    events = session.scalars(select(Event).order_by(Event.starts_at.desc(), Event.id.desc()).limit(RECENT_EVENTS)).all()
    counts = counts_by_event(session, [event.id for event in events])
    return [(f"{event.code} {event.titles.get(language, '')}", counts[event.id].attended if event.id in counts else 0)
            for event in events]
