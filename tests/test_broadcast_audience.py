"""Who gets a broadcast, in which language, how many copies: through the real sender and the
local gateway, on real Redis and SQL."""

import pytest

from sms_service.core.models import Broadcast
from sms_service.domain.broadcasts.audience import preview
from sms_service.domain.broadcasts.planner import plan_all
from sms_service.domain.campaigns.subscribers import get_or_create_subscriber
from sms_service.domain.campaigns.subscriptions import subscribe
from sms_service.domain.campaigns.suppression import suppress
from tests.broadcast_helpers import (
    BROADCAST_SETTINGS,
    gateway_counts,
    make_broadcast,
    message_counts,
    now,
    received,
    rows,
    send_now,
    sender_with,
    start_due,
)

AMINA, BARAKA, CHEBET, DAUDI, ESTHER = (
    "+254711000001", "+254711000002", "+254711000003", "+254711000004", "+254711000005",
)
TEXTS = {"en": "The ATT is binding since Dec 2014. Reply STOP to opt out",
         "sw": "Mkataba wa ATT unafunga tangu Des 2014. Tuma STOP kuacha"}


@pytest.fixture
def app(live_app):
    app = live_app(**BROADCAST_SETTINGS)
    people = [  # number, language, county, topics
        (AMINA, "en", "Nairobi", ["torture", "arms_control"]),
        (BARAKA, "sw", "Mombasa", ["torture"]),
        (CHEBET, "en", "Nairobi", ["sexual_violence"]),
        (DAUDI, "sw", "Nairobi", ["arms_control"]),
        (ESTHER, "en", "Kisumu", ["torture"]),
    ]
    with app.services.database.transaction() as session:
        for phone, language, county, topics in people:
            for topic in topics:
                subscribe(session, phone=phone, topic=topic, consent=True, channel="ussd", language=language,
                          now=now(app))
            get_or_create_subscriber(session, phone, language).county = county
        suppress(session, ESTHER, "sms", "en", now(app))
    return app


def test_each_subscriber_gets_one_copy_in_their_language(app):
    broadcast_id = make_broadcast(app, texts=TEXTS, topics=["torture", "arms_control"])
    assert send_now(app, broadcast_id) == "drained"
    assert received(app, AMINA) == [TEXTS["en"]]  # two topics, one copy
    assert received(app, BARAKA) == [TEXTS["sw"]]
    assert received(app, DAUDI) == [TEXTS["sw"]]
    assert received(app, CHEBET) == []  # not subscribed to these topics
    assert received(app, ESTHER) == []  # texted STOP
    assert message_counts(app, broadcast_id) == {"sent": 3}
    assert gateway_counts(app)["duplicates"] == 0


def test_a_language_without_a_text_gets_english(app):
    broadcast_id = make_broadcast(app, texts={"en": TEXTS["en"]}, topics=["torture"])
    send_now(app, broadcast_id)
    assert received(app, BARAKA) == [TEXTS["en"]]


@pytest.mark.parametrize("filters, reached", [
    ({"topics": ["torture", "arms_control", "sexual_violence"]}, {AMINA, BARAKA, CHEBET, DAUDI}),
    ({"topics": ["arms_control"], "language": "sw"}, {DAUDI}),
    ({"topics": ["torture", "arms_control", "sexual_violence"], "county": "nairobi"}, {AMINA, CHEBET, DAUDI}),
    ({"topics": ["torture"], "language": "en", "county": "Mombasa"}, set()),
])
def test_language_and_county_narrow_the_audience(app, filters, reached):
    broadcast_id = make_broadcast(app, texts=TEXTS, **filters)
    send_now(app, broadcast_id)
    assert set(rows(app, broadcast_id)) == reached
    assert {number for number in (AMINA, BARAKA, CHEBET, DAUDI, ESTHER) if received(app, number)} == reached


def test_a_number_that_texts_stop_after_planning_is_not_sent_to(app):
    broadcast_id = make_broadcast(app, texts=TEXTS, topics=["torture"])
    start_due(app)
    plan_all(app.services.database, broadcast_id, 1, now(app), "en")
    with app.services.database.transaction() as session:
        suppress(session, BARAKA, "sms", "sw", now(app))
    send_now(app, broadcast_id)
    assert received(app, BARAKA) == []
    assert rows(app, broadcast_id)[BARAKA].status == "failed"
    assert rows(app, broadcast_id)[BARAKA].failure_reason == "Suppressed"
    assert received(app, AMINA) == [TEXTS["en"]]


def test_planners_running_at_once_write_everyone_out_once(app):
    from concurrent.futures import ThreadPoolExecutor

    broadcast_id = make_broadcast(app, texts=TEXTS, topics=["torture", "arms_control", "sexual_violence"])
    database = app.services.database
    with ThreadPoolExecutor(4) as pool:  # as when several senders find nothing to claim yet
        added = list(pool.map(lambda _: plan_all(database, broadcast_id, 1, now(app), "en"), range(4)))
    assert sum(added) == 4
    assert plan_all(database, broadcast_id, 1, now(app), "en") == 0  # written out: nothing more to add
    assert message_counts(app, broadcast_id) == {"queued": 4}  # four rows in all...
    assert set(rows(app, broadcast_id)) == {AMINA, BARAKA, CHEBET, DAUDI}  # ...one per number


def test_a_csv_list_reaches_its_numbers_but_not_those_that_stopped(app):
    stranger = "+254722000009"
    broadcast_id = make_broadcast(app, texts=TEXTS, numbers=[BARAKA, ESTHER, stranger])
    send_now(app, broadcast_id)
    assert received(app, BARAKA) == [TEXTS["sw"]]
    assert received(app, stranger) == [TEXTS["en"]]  # unknown numbers get English
    assert received(app, ESTHER) == []


def test_preview_counts_recipients_segments_and_cost(app):
    long_english = "Torture is a crime in Kenya. " * 7  # 203 GSM-7 characters: 2 segments
    swahili_with_curly_quote = "Mateso ni kosa \u2019 nchini Kenya"  # forces UCS-2, 1 segment
    broadcast_id = make_broadcast(app, texts={"en": long_english, "sw": swahili_with_curly_quote},
                                  topics=["torture", "arms_control", "sexual_violence"])
    with app.services.database.transaction() as session:
        summary = preview(session, session.get(Broadcast, broadcast_id), app.services.broadcasts.settings)
    assert summary.recipients == 4
    assert summary.by_language == {"en": (2, 2, "GSM-7"), "sw": (2, 1, "UCS-2")}
    assert summary.segments == 6
    assert summary.cost == pytest.approx(4.8)


def test_a_batch_of_numbers_that_all_stopped_does_not_end_the_broadcast(app):
    broadcast_id = make_broadcast(app, texts=TEXTS, numbers=[BARAKA, DAUDI, AMINA])
    start_due(app)
    plan_all(app.services.database, broadcast_id, 10, now(app), "en")
    with app.services.database.transaction() as session:
        suppress(session, BARAKA, "sms", "sw", now(app))
        suppress(session, DAUDI, "sms", "sw", now(app))
    assert sender_with(app, batch_size=1, sender_threads=1).run(broadcast_id) == "drained"
    assert message_counts(app, broadcast_id) == {"failed": 2, "sent": 1}
    assert received(app, AMINA) == [TEXTS["en"]]
