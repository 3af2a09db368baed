"""Inbound texts handled by several workers at once all get handled: on SQLite a transaction that
reads and then writes must queue for the write lock up front, not fail when another writer won."""

import threading

from sqlalchemy import select

from sms_service.core.models import InboundMessage
from tests.sms_phone import Texter
from workers.context import bound
from workers.sms_jobs import handle_inbound_sms


def test_texts_handled_on_four_threads_at_once_are_all_handled(live_app, run_jobs):
    app = live_app()
    client = app.test_client()
    texters = [Texter(app, client, run_jobs, number=f"07221000{n:02d}") for n in range(24)]
    for number, texter in enumerate(texters):
        texter.text(["QUIZ ATT", "JOIN", "HELP"][number % 3], handle=False)
    with app.services.database.transaction() as session:
        ids = session.execute(select(InboundMessage.id)).scalars().all()
    failures = []

    def handle(share):
        for message_id in share:
            try:
                handle_inbound_sms(message_id)
            except Exception as error:  # noqa: BLE001 - collected and shown below
                failures.append(repr(error))

    threads = [threading.Thread(target=handle, args=(ids[n::4],)) for n in range(4)]
    with bound(app.services):  # the jobs run on these services, as in a worker started for the app
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert failures == []
    with app.services.database.transaction() as session:
        assert session.execute(select(InboundMessage).where(InboundMessage.handled_at.is_(None))).all() == []
    assert all(texter.inbox for texter in texters)


def test_first_texts_of_one_number_handled_at_once_make_one_thread(live_app, run_jobs):
    """Each number's first texts race to make its conversation thread: one is made, none fails."""
    from sms_service.core.models import Conversation

    app = live_app()
    client = app.test_client()
    texters = [Texter(app, client, run_jobs, number=f"07223000{n:02d}") for n in range(8)]
    for texter in texters:
        for text in ("hello", "nimepigwa"):
            texter.text(text, handle=False)
    with app.services.database.transaction() as session:
        ids = session.execute(select(InboundMessage.id).order_by(InboundMessage.id)).scalars().all()
    failures = []

    def handle(share):
        for message_id in share:
            try:
                handle_inbound_sms(message_id)
            except Exception as error:  # noqa: BLE001 - collected and shown below
                failures.append(repr(error))

    threads = [threading.Thread(target=handle, args=(ids[n::2],)) for n in range(2)]  # a number's two texts apart
    with bound(app.services):
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert failures == []
    with app.services.database.transaction() as session:
        phones = session.scalars(select(Conversation.phone).order_by(Conversation.phone)).all()
        urgent = session.scalars(select(Conversation.urgent_since)).all()
    assert phones == sorted(texter.phone for texter in texters)
    assert all(urgent)
