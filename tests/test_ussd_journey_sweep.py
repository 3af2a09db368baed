"""The workers' journey sweep: USSD sessions whose end notification never came are closed as timed
out once silent past AT's session limit, and journeys past USSD_JOURNEY_RETENTION_DAYS are
deleted, by the app's clock, through a real RQ worker."""

from urllib.parse import urlencode

import pytest
from sqlalchemy import select

from sms_service.core.clock import ManualClock, parse_local_time
from sms_service.core.models import UssdJourney
from sms_service.engine.ussd.journey_closing import SWEEP_JOB
from workers.runner import queue_journey_sweep

FORM = "application/x-www-form-urlencoded"
NUMBER = "+254711082002"
START = parse_local_time("2026-12-01 10:00")


@pytest.fixture
def app(make_app):
    return make_app(clock=ManualClock(START))


def hop(client, session, text):
    form = {"sessionId": session, "serviceCode": "*384*123#", "phoneNumber": NUMBER, "networkCode": "63903",
            "text": text}
    assert client.post("/ussd", data=urlencode(form), content_type=FORM).status_code == 200


def journeys(database):
    with database.transaction() as session:
        return session.execute(
            select(UssdJourney.session_id, UssdJourney.status, UssdJourney.closed_by, UssdJourney.path,
                   UssdJourney.network).order_by(UssdJourney.session_id)
        ).all()


def sweep(app, run_jobs):
    app.services.queue.enqueue(SWEEP_JOB)
    run_jobs(app)


def test_a_session_silent_past_the_limit_is_closed_as_timed_out(app, client, database, run_jobs):
    hop(client, "ATUid_quiet", "")
    hop(client, "ATUid_quiet", "5")
    app.services.clock.advance(seconds=179)
    sweep(app, run_jobs)
    assert journeys(database) == []  # it may still be going on
    app.services.clock.advance(seconds=1)
    sweep(app, run_jobs)
    sweep(app, run_jobs)  # twice: closed once
    assert [tuple(row) for row in journeys(database)] == [
        ("ATUid_quiet", "timed_out", "sweep", ["home", "updates"], "63903")]


def test_a_notified_session_is_not_swept(app, client, database, run_jobs):
    hop(client, "ATUid_told", "")
    form = {"sessionId": "ATUid_told", "serviceCode": "*384*123#", "phoneNumber": NUMBER, "status": "Success"}
    assert client.post("/ussd/events", data=urlencode(form), content_type=FORM).status_code == 200
    app.services.clock.advance(minutes=10)
    sweep(app, run_jobs)
    assert [(row.status, row.closed_by) for row in journeys(database)] == [("success", "at")]


def test_a_late_notification_replaces_the_sweeps_guess(app, client, database, run_jobs):
    hop(client, "ATUid_late", "")
    app.services.clock.advance(minutes=4)
    sweep(app, run_jobs)
    form = {"sessionId": "ATUid_late", "serviceCode": "*384*123#", "phoneNumber": NUMBER, "status": "Incomplete",
            "hopsCount": "1", "durationInMillis": "30000"}
    response = client.post("/ussd/events", data=urlencode(form), content_type=FORM)
    assert response.get_data(as_text=True) == "ok: updated\n"
    assert [(row.status, row.closed_by, row.path) for row in journeys(database)] == [("incomplete", "at", ["home"])]


def test_a_session_whose_state_expired_is_still_counted(app, client, database, run_jobs):
    hop(client, "ATUid_lost", "")
    app.services.redis.delete("ussd:session:ATUid_lost")  # workers were down past the state's TTL
    app.services.clock.advance(minutes=5)
    sweep(app, run_jobs)
    assert [tuple(row) for row in journeys(database)] == [("ATUid_lost", "timed_out", "sweep", [], None)]


@pytest.mark.parametrize("days, kept", [
    (180, ["ATUid_old", "ATUid_recent"]), (100, ["ATUid_old", "ATUid_recent"]), (99, ["ATUid_recent"]), (30, []),
])
def test_journeys_past_the_retention_are_deleted(make_app, run_jobs, days, kept):
    app = make_app(clock=ManualClock(START), USSD_JOURNEY_RETENTION_DAYS=str(days))
    client = app.test_client()
    for session in ("ATUid_old", "ATUid_recent"):  # ended 100 and 60 days before the sweep
        hop(client, session, "")
        form = {"sessionId": session, "serviceCode": "*384*123#", "phoneNumber": NUMBER, "status": "Success"}
        assert client.post("/ussd/events", data=urlencode(form), content_type=FORM).status_code == 200
        app.services.clock.advance(days=40)
    app.services.clock.advance(days=20)
    sweep(app, run_jobs)
    assert [row.session_id for row in journeys(app.services.database)] == kept


def test_the_workers_clock_queues_one_sweep_per_minute(app):
    assert queue_journey_sweep(app.services) is True
    assert queue_journey_sweep(app.services) is False
    assert [job.func_name for job in app.services.queue.jobs] == [SWEEP_JOB]
