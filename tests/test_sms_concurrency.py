"""Inbound texts handled by several workers at once all get handled: on SQLite a transaction that
reads and then writes must queue for the write lock up front, not fail when another writer won."""

import threading

from sqlalchemy import select

from sms_service.models import InboundMessage
from tests.sms_phone import Texter
from workers.sms_jobs import handle_inbound_sms


def test_texts_handled_on_four_threads_at_once_are_all_handled(live_app, run_jobs, worker_for):
    app = live_app()
    worker_for(app)
    client = app.test_client()
    texters = [Texter(app, client, run_jobs, number=f"07221000{n:02d}") for n in range(24)]
    for number, texter in enumerate(texters):
        texter.text(["QUIZ ATT", "JOIN", "HELP"][number % 3], handle=False)
    with app.extensions["database"].transaction() as session:
        ids = session.execute(select(InboundMessage.id)).scalars().all()
    failures = []

    def handle(share):
        for message_id in share:
            try:
                handle_inbound_sms(message_id)
            except Exception as error:  # noqa: BLE001 - collected and shown below
                failures.append(repr(error))

    threads = [threading.Thread(target=handle, args=(ids[n::4],)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    with app.extensions["database"].transaction() as session:
        assert session.execute(select(InboundMessage).where(InboundMessage.handled_at.is_(None))).all() == []
    assert all(texter.inbox for texter in texters)
