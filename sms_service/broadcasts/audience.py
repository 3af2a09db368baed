"""Who a broadcast reaches, as SQL: never loaded into memory, only counted, written out in
chunks (planner.py) and streamed.

An audience is either the subscribers of some topics and/or the students of a school
(optionally of one language and one county), one row each however many of the topics they
follow, or an uploaded CSV list. Numbers
that texted STOP are left out here and checked again at send time (sender.py).
"""

from dataclasses import dataclass

from sqlalchemy import case, exists, func, literal, select

from sms_service.csv_upload import header_key, read_rows
from sms_service.models import BroadcastListNumber, Subscriber, Subscription
from sms_service.phone_numbers import InvalidPhoneNumber, normalise_msisdn
from sms_service.sms.encoding import describe_text

FALLBACK_LANGUAGE = "en"
PHONE_COLUMNS = ("phone", "phonenumber", "number", "msisdn", "mobile", "mobilenumber", "simu", "nambari",
                 "nambariyasimu", "telephone", "tel")


class Audience:
    """The audience of one broadcast, as columns and a select to build statements from."""

    def __init__(self, broadcast):
        self.broadcast = broadcast
        if broadcast.uses_list:
            self.key, self.phone = BroadcastListNumber.id, BroadcastListNumber.phone
            self.language = func.coalesce(Subscriber.language, FALLBACK_LANGUAGE)
        else:
            self.key, self.phone, self.language = Subscriber.id, Subscriber.phone, Subscriber.language

    def select(self, *columns):
        broadcast = self.broadcast
        query = select(*columns).where(Subscriber.suppressed_at.is_(None))
        if broadcast.uses_list:
            # Numbers we have never heard from have no subscriber row: they are not suppressed.
            return query.select_from(BroadcastListNumber).outerjoin(
                Subscriber, Subscriber.phone == BroadcastListNumber.phone
            ).where(BroadcastListNumber.broadcast_id == broadcast.id)
        query = query.select_from(Subscriber)
        if broadcast.topics:
            query = query.where(
                exists().where(
                    Subscription.subscriber_id == Subscriber.id,
                    Subscription.topic.in_(broadcast.topics),
                    Subscription.withdrawn_at.is_(None),
                )
            )
        if broadcast.school:  # students who registered this school (SCHOOL ..., or on USSD)
            query = query.where(func.lower(Subscriber.school) == broadcast.school.lower())
        if broadcast.language:
            query = query.where(Subscriber.language == broadcast.language)
        if broadcast.county:
            query = query.where(Subscriber.county == broadcast.county)
        return query

    def text(self):
        """Each recipient's text: their language's, falling back to English."""
        texts = self.broadcast.texts
        others = [(self.language == language, text) for language, text in texts.items() if language != FALLBACK_LANGUAGE]
        fallback = literal(texts[FALLBACK_LANGUAGE])
        return case(*others, else_=fallback) if others else fallback

    def count_by_language(self, session):
        rows = session.execute(self.select(self.language, func.count()).group_by(self.language)).all()
        return {language: count for language, count in rows}


@dataclass(frozen=True)
class Preview:
    recipients: int
    by_language: dict  # language -> (recipients, segments per message, encoding)
    segments: int
    cost: float

    def lines(self, currency="KES"):
        yield f"recipients: {self.recipients}"
        for language, (count, segments, encoding) in sorted(self.by_language.items()):
            yield f"  {language}: {count} x {segments} segment(s), {encoding}"
        yield f"segments: {self.segments}"
        yield f"estimated cost: {currency} {self.cost:,.2f}"


def preview(session, broadcast, cost_per_segment):
    """How many people a broadcast reaches now, in what languages, and what it would cost."""
    by_language = {}
    for language, count in Audience(broadcast).count_by_language(session).items():
        text = broadcast.texts.get(language, broadcast.texts[FALLBACK_LANGUAGE])
        report = describe_text(text)
        by_language[language] = (count, report.segments, report.encoding)
    segments = sum(count * per_message for count, per_message, _ in by_language.values())
    return Preview(
        recipients=sum(count for count, _, _ in by_language.values()),
        by_language=by_language,
        segments=segments,
        cost=segments * cost_per_segment,
    )


@dataclass(frozen=True)
class ListProblem:
    row: int
    value: str
    reason: str

    def __str__(self):
        return f"row {self.row}: {self.value!r}: {self.reason}"


def read_number_list(content):
    """Numbers from an uploaded CSV: a column named like phone/number/msisdn, else the first.

    Returns (E.164 numbers without repeats, problems per row). Nothing is taken from a file whose
    rows cannot be read at all; staff decide whether to go on when only some rows are bad.
    """
    rows = read_rows(content)
    header = [header_key(cell) for cell in rows[0]]
    column = next((header.index(name) for name in PHONE_COLUMNS if name in header), None)
    start = 1 if column is not None else 0
    column = column or 0
    numbers, seen, problems = [], set(), []
    for row_number, row in enumerate(rows[start:], start=start + 1):
        value = row[column].strip() if len(row) > column else ""
        if not value:
            if any(cell.strip() for cell in row):
                problems.append(ListProblem(row_number, ",".join(row), "no phone number in that column"))
            continue
        try:
            number = normalise_msisdn(value)
        except InvalidPhoneNumber as error:
            problems.append(ListProblem(row_number, value, str(error)))
            continue
        if number not in seen:
            seen.add(number)
            numbers.append(number)
    return numbers, problems
