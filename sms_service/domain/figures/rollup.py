"""Counting one Nairobi day into `daily_figures` (workers/figures_jobs.py `roll_up_figures`, every
FIGURES_ROLLUP_SECONDS, recomputes today and the RECOMPUTED_DAYS - 1 days before it, so that late
delivery reports still land in their day).

Each day is counted from the source tables in a read transaction, then its rows are replaced in one
short write: running it twice gives the same rows. The message tables have no index on their times
(on purpose: bench/broadcast_load.py): a day's messages are found by their ids, which rise with
time (core/time_ordered.py); bench/dashboard_load.py times it.

Metrics (`detail` in brackets), each per campaign (attribution.py) and for "all":
    subscribed [topic]       subscriptions made (JOIN, USSD, import)
    left [topic]             subscriptions ended (LEAVE, or STOP, which ends every one)
    opted_out                numbers that sent STOP (or AT's opt-out): "all" only
    signatures [channel]     petition signatures (ussd, sms, web)
    sms_in                   SMS received
    sms_out                  SMS written to be sent that day (not cancelled ones)
    delivered                of those, delivered (as known when the day was last counted)
    failed [reason]          of those, failed, by the gateway's reason
    spend_kes                what AT charged for them (its `cost` per message, KES only), in KES
    quiz_started             quiz attempts started
    quiz_finished            quiz attempts finished
    quiz_correct             right answers in the attempts finished that day
    quiz_questions           questions in the attempts finished that day (average score = correct / questions)
    ussd_actions [kind]      what callers did on USSD (signature, subscription, quiz)
    ussd_sessions [status]   USSD sessions ended, by how ("all" only: from the journey records)
"""

from collections import Counter
from datetime import timedelta

from sqlalchemy import delete, func, insert, select

from sms_service.core.clock import NAIROBI, as_utc, midnight_of
from sms_service.core.models import (
    Broadcast,
    DailyFigure,
    InboundMessage,
    OutboundMessage,
    PetitionSignature,
    QuizAttempt,
    Subscriber,
    Subscription,
    UssdJourney,
)
from sms_service.core.phone_numbers import not_a_test_number
from sms_service.core.time_ordered import ids_between
from sms_service.domain.figures.attribution import ALL, NONE
from sms_service.domain.messaging.statuses import MessageStatus

RECOMPUTED_DAYS = 3
USSD = "ussd"
METRICS = ("subscribed", "left", "opted_out", "signatures", "sms_in", "sms_out", "delivered", "failed", "spend_kes",
           "quiz_started", "quiz_finished", "quiz_correct", "quiz_questions", "ussd_actions", "ussd_sessions")


def nairobi_day(moment):
    """The Nairobi date of an (aware or UTC-naive) moment."""
    return as_utc(moment).astimezone(NAIROBI).date()


def day_bounds(day):
    """(start, end) of Nairobi `day`, as UTC datetimes; end is the next day's start."""
    return midnight_of(day), midnight_of(day + timedelta(days=1))


def days_to_recompute(now):
    """The Nairobi days the clock recomputes at `now`: today and the ones just before, oldest first."""
    today = nairobi_day(now)
    return [today - timedelta(days=back) for back in range(RECOMPUTED_DAYS - 1, -1, -1)]


def kes(cost):
    """KES of one message from AT's `cost` ("KES 0.8000" -> 0.8); 0.0 for none, another currency
    or a value that cannot be read (AT writes "0" for a message it did not send)."""
    parts = (cost or "").split()
    if len(parts) != 2 or parts[0] != "KES":
        return 0.0
    try:
        return float(parts[1])
    except ValueError:
        return 0.0


class DayTally:
    """The figures of one day as they are counted: each `add` counts for its campaigns (or
    "none") and once for "all"."""

    def __init__(self):
        self.values = Counter()

    def add(self, campaigns, metric, value=1, detail=""):
        for campaign in (campaigns or (NONE,)):
            self.values[(campaign, metric, detail)] += value
        self.values[(ALL, metric, detail)] += value


def count_day(session, attribution, day, test_prefix):
    """The DayTally of Nairobi `day`, read from the source tables in `session`."""
    start, end = day_bounds(day)
    tally = DayTally()
    _count_subscriptions(session, attribution, tally, start, end, test_prefix)
    _count_signatures(session, attribution, tally, start, end, test_prefix)
    _count_inbound(session, attribution, tally, start, end, test_prefix)
    _count_broadcast_messages(session, attribution, tally, start, end, test_prefix)
    _count_other_messages(session, attribution, tally, start, end, test_prefix)
    _count_quizzes(session, attribution, tally, start, end, test_prefix)
    ussd_sessions(session, attribution, tally, start, end, test_prefix)
    return tally


def roll_up_day(database, attribution, day, now, test_prefix):
    """Count Nairobi `day` and replace its rows in `daily_figures`; how many rows it wrote."""
    with database.transaction() as session:
        tally = count_day(session, attribution, day, test_prefix)
    rows = [{"campaign": campaign, "metric": metric, "day": day, "detail": detail, "value": float(value),
             "computed_at": now}
            for (campaign, metric, detail), value in sorted(tally.values.items()) if value]
    with database.writer_turn(), database.write_transaction() as session:
        session.execute(delete(DailyFigure).where(DailyFigure.day == day))
        if rows:
            session.execute(insert(DailyFigure), rows)
    return len(rows)


def roll_up(database, attribution, days, now, test_prefix):
    """`roll_up_day` for each of `days`; {day (ISO): rows written}."""
    return {day.isoformat(): roll_up_day(database, attribution, day, now, test_prefix) for day in days}


def _between(column, start, end):
    return (column >= start) & (column < end)


def _count_subscriptions(session, attribution, tally, start, end, test_prefix):
    real = not_a_test_number(Subscriber.phone, test_prefix)
    for column, metric in ((Subscription.consent_at, "subscribed"), (Subscription.withdrawn_at, "left")):
        rows = session.execute(
            select(Subscription.topic, Subscription.channel, func.count())
            .join(Subscriber, Subscriber.id == Subscription.subscriber_id)
            .where(_between(column, start, end), real)
            .group_by(Subscription.topic, Subscription.channel)
        ).all()
        for topic, channel, count in rows:
            tally.add(attribution.of_topic(topic), metric, count, detail=topic)
            if metric == "subscribed" and channel == USSD:
                tally.add(attribution.of_topic(topic), "ussd_actions", count, detail="subscription")
    opted_out = session.scalar(select(func.count()).where(
        _between(Subscriber.suppressed_at, start, end), not_a_test_number(Subscriber.phone, test_prefix)))
    if opted_out:
        tally.values[(ALL, "opted_out", "")] += opted_out


def _count_signatures(session, attribution, tally, start, end, test_prefix):
    rows = session.execute(
        select(PetitionSignature.petition, PetitionSignature.channel, func.count())
        .outerjoin(Subscriber, Subscriber.id == PetitionSignature.subscriber_id)
        .where(_between(PetitionSignature.signed_at, start, end), not_a_test_number(Subscriber.phone, test_prefix))
        .group_by(PetitionSignature.petition, PetitionSignature.channel)
    ).all()
    for petition, channel, count in rows:
        tally.add(attribution.of_petition(petition), "signatures", count, detail=channel)
        if channel == USSD:
            tally.add(attribution.of_petition(petition), "ussd_actions", count, detail="signature")


def _count_inbound(session, attribution, tally, start, end, test_prefix):
    rows = session.execute(
        select(InboundMessage.outcome, InboundMessage.text)
        .where(ids_between(session, InboundMessage.id, InboundMessage.received_at, start, end),
               _between(InboundMessage.received_at, start, end), not_a_test_number(InboundMessage.phone, test_prefix))
    )
    for outcome, text in rows:
        tally.add(attribution.of_text(outcome, text), "sms_in")


def _day_of_messages(session, start, end):
    return ids_between(session, OutboundMessage.id, OutboundMessage.created_at, start, end) & \
        _between(OutboundMessage.created_at, start, end)


def _count_outcome(tally, campaigns, status, reason, cost, count):
    if status == MessageStatus.CANCELLED:
        return
    tally.add(campaigns, "sms_out", count)
    if status == MessageStatus.DELIVERED:
        tally.add(campaigns, "delivered", count)
    elif status == MessageStatus.FAILED:
        tally.add(campaigns, "failed", count, detail=(reason or "unknown")[:64])
    spend = kes(cost) * count
    if spend:
        tally.add(campaigns, "spend_kes", spend)


def _count_broadcast_messages(session, attribution, tally, start, end, test_prefix):
    """Grouped in SQL: a broadcast's million messages come back as a few rows."""
    rows = session.execute(
        select(OutboundMessage.broadcast_id, OutboundMessage.status, OutboundMessage.failure_reason,
               OutboundMessage.cost, func.count())
        .where(_day_of_messages(session, start, end), OutboundMessage.broadcast_id.is_not(None),
               not_a_test_number(OutboundMessage.phone, test_prefix))
        .group_by(OutboundMessage.broadcast_id, OutboundMessage.status, OutboundMessage.failure_reason,
                  OutboundMessage.cost)
    ).all()
    ids = {row[0] for row in rows}
    campaigns = {broadcast_id: attribution.of_broadcast(topics, quiz) for broadcast_id, topics, quiz in session.execute(
        select(Broadcast.id, Broadcast.topics, Broadcast.quiz).where(Broadcast.id.in_(ids)))} if ids else {}
    for broadcast_id, status, reason, cost, count in rows:
        _count_outcome(tally, campaigns.get(broadcast_id, frozenset()), status, reason, cost, count)


def _count_other_messages(session, attribution, tally, start, end, test_prefix):
    """Replies and transactional messages: a reply counts for the campaign of what it answers."""
    rows = session.execute(
        select(InboundMessage.outcome, InboundMessage.text, OutboundMessage.status, OutboundMessage.failure_reason,
               OutboundMessage.cost)
        .outerjoin(InboundMessage, InboundMessage.id == OutboundMessage.in_reply_to)
        .where(_day_of_messages(session, start, end), OutboundMessage.broadcast_id.is_(None),
               not_a_test_number(OutboundMessage.phone, test_prefix))
    )
    for outcome, text, status, reason, cost in rows:
        campaigns = attribution.of_text(outcome, text) if outcome is not None else frozenset()
        _count_outcome(tally, campaigns, status, reason, cost, 1)


def _count_quizzes(session, attribution, tally, start, end, test_prefix):
    real = not_a_test_number(QuizAttempt.phone, test_prefix)
    started = session.execute(
        select(QuizAttempt.quiz, QuizAttempt.channel, func.count())
        .where(_between(QuizAttempt.started_at, start, end), real)
        .group_by(QuizAttempt.quiz, QuizAttempt.channel)
    ).all()
    for quiz, channel, count in started:
        tally.add(attribution.of_quiz(quiz), "quiz_started", count)
        if channel == USSD:
            tally.add(attribution.of_quiz(quiz), "ussd_actions", count, detail="quiz")
    finished = session.execute(
        select(QuizAttempt.quiz, func.count(), func.sum(QuizAttempt.score), func.sum(QuizAttempt.next_question))
        .where(_between(QuizAttempt.finished_at, start, end), QuizAttempt.status == "finished", real)
        .group_by(QuizAttempt.quiz)
    ).all()
    for quiz, count, correct, questions in finished:
        campaigns = attribution.of_quiz(quiz)
        tally.add(campaigns, "quiz_finished", count)
        tally.add(campaigns, "quiz_correct", correct or 0)
        tally.add(campaigns, "quiz_questions", questions or 0)


def ussd_sessions(session, attribution, tally, start, end, test_prefix):
    """USSD sessions that ended on the day, by how they ended (`ussd_sessions` [status]: success,
    incomplete, failed, timed_out), from the journey records (domain/ussd_journeys/). For "all"
    only: a session's campaign is not recorded. Journeys keep no number, so test numbers' sessions
    cannot be told apart here."""
    rows = session.execute(
        select(UssdJourney.status, func.count())
        .where(_between(UssdJourney.ended_at, start, end))
        .group_by(UssdJourney.status)
    ).all()
    for status, count in rows:
        tally.values[(ALL, "ussd_sessions", status)] += count
