"""Who a broadcast reaches, as SQL: never loaded into memory, only counted, written out in
chunks (planner.py) and streamed.

An audience is either the subscribers of some topics and/or the students of a school
(optionally of one language and one county), one row each however many of the topics they
follow, or an uploaded CSV list. Numbers
that texted STOP are left out here and checked again at send time (sender.py).
"""

from dataclasses import dataclass

from sqlalchemy import case, exists, func, literal, select

from sms_service.core.csv_io import find_phone_column, read_rows
from sms_service.core.gsm7 import describe_text
from sms_service.core.models import BroadcastListNumber, Subscriber, Subscription
from sms_service.core.phone_numbers import InvalidPhoneNumber, normalise_msisdn, not_a_test_number
from sms_service.core.typed_text import matching_key


class Audience:
    """The audience of one broadcast, as columns and a select to build statements from.

    `fallback_language` (the catalogue's default language, flows/catalog.yaml) is the language of
    numbers that never chose one, and of the text anyone without a text in theirs gets.
    """

    def __init__(self, broadcast, fallback_language, test_prefix=""):
        """`test_prefix`: the simulator's test numbers (SIMULATOR_PREFIX), never in an audience."""
        self.broadcast = broadcast
        self.fallback_language = fallback_language
        self.test_prefix = test_prefix
        if broadcast.uses_list:
            self.key, self.phone = BroadcastListNumber.id, BroadcastListNumber.phone
            self.language = func.coalesce(Subscriber.language, fallback_language)
        else:
            self.key, self.phone, self.language = Subscriber.id, Subscriber.phone, Subscriber.language

    def select(self, *columns):
        broadcast = self.broadcast
        query = select(*columns).where(Subscriber.suppressed_at.is_(None), not_a_test_number(self.phone, self.test_prefix))
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
            query = query.where(Subscriber.school_key == matching_key(broadcast.school))
        if broadcast.language:
            query = query.where(Subscriber.language == broadcast.language)
        if broadcast.county:
            query = query.where(Subscriber.county == broadcast.county)
        return query

    def text(self):
        """Each recipient's text: their language's, falling back to the default language's."""
        texts, fallback_language = self.broadcast.texts, self.fallback_language
        others = [(self.language == language, text) for language, text in texts.items() if language != fallback_language]
        fallback = literal(texts[fallback_language])
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


def preview(session, broadcast, settings):
    """How many people a broadcast reaches now, in what languages, and what it would cost
    (`settings`: the BroadcastSettings, for the cost per segment and the default language)."""
    by_language, fallback_language = {}, settings.default_language
    audience = Audience(broadcast, fallback_language, settings.test_prefix)
    for language, count in audience.count_by_language(session).items():
        text = broadcast.texts.get(language, broadcast.texts[fallback_language])
        report = describe_text(text)
        by_language[language] = (count, report.segments, report.encoding)
    segments = sum(count * per_message for count, per_message, _ in by_language.values())
    return Preview(
        recipients=sum(count for count, _, _ in by_language.values()),
        by_language=by_language,
        segments=segments,
        cost=segments * settings.cost_per_segment,
    )


@dataclass(frozen=True)
class ListProblem:
    row: int
    value: str
    reason: str

    def __str__(self):
        return f"row {self.row}: {self.value!r}: {self.reason}"


def read_number_list(content):
    """Numbers from an uploaded CSV, from the column `csv_io.find_phone_column` finds (by its
    header's words, else by its content).

    Returns (E.164 numbers without repeats, problems per row). Nothing is taken from a file whose
    rows cannot be read at all, or that has no column of phone numbers (ValueError with the
    reason); staff decide whether to go on when only some rows are bad.
    """
    rows = read_rows(content)
    found = find_phone_column(rows)
    if found is None:
        raise ValueError("no column of phone numbers: head it 'phone' (or mobile, tel, msisdn, simu)")
    column, has_header = found
    start = 1 if has_header else 0
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
