"""What staff do: the `flask broadcasts` commands, schedules and recurrences falling due, and a
broadcast run end to end by a real RQ worker."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from sms_service.core.clock import parse_local_time
from sms_service.core.models import Broadcast, utcnow
from sms_service.domain.broadcasts.tick import run_tick
from tests.broadcast_helpers import BROADCAST_SETTINGS, make_broadcast, message_counts, received
from tests.seeding import fake_number, seed_subscribers


@pytest.fixture
def app(live_app):
    return live_app(**BROADCAST_SETTINGS)


def flask(app, *args, input=None):
    return app.test_cli_runner().invoke(args=["broadcasts", *args], input=input)


def broadcast_rows(app):
    with app.services.database.transaction() as session:
        return session.scalars(select(Broadcast).order_by(Broadcast.id)).all()


def test_create_previews_then_a_worker_sends_it(app, run_jobs):
    seed_subscribers(app.services.database, 40, language="sw")
    result = flask(app, "create", "--name", "ATT week", "--topic", "arms_control", "--topic", "torture",
                   "--text", "en", "Sign for the ATT", "--text", "sw", "Saini ATT", "--yes")
    assert result.exit_code == 0, result.output
    assert "recipients: 40" in result.output
    assert "sw: 40 x 1 segment(s), GSM-7" in result.output
    assert "estimated cost: KES 32.00" in result.output
    [broadcast] = broadcast_rows(app)
    assert run_jobs(app)  # the tick starts it, the senders send it
    assert message_counts(app, broadcast.id) == {"sent": 40}
    assert received(app, fake_number(0)) == ["Saini ATT"]
    shown = flask(app, "show", str(broadcast.id)).output
    assert "completed" in shown and "sent 40" in shown and "queued 0" in shown


def test_preview_saves_nothing(app):
    seed_subscribers(app.services.database, 3)
    result = flask(app, "create", "--name", "x", "--topic", "torture", "--text", "en", "Hi", "--preview")
    assert "recipients: 3" in result.output and "nothing saved" in result.output
    assert broadcast_rows(app) == []


def test_a_text_that_reads_as_an_opt_out_is_warned_of(app):
    result = flask(app, "create", "--name", "x", "--topic", "torture", "--text", "en", "Stop torture now!",
                   "--text", "sw", "Acha tafadhali", "--preview")
    assert "warning: the sw text reads as an opt-out" in result.output
    assert "warning: the en text" not in result.output


def test_saying_no_saves_nothing(app):
    result = flask(app, "create", "--name", "x", "--topic", "torture", "--text", "en", "Hi", input="n\n")
    assert "nothing saved" in result.output
    assert broadcast_rows(app) == []


@pytest.mark.parametrize("args, message", [
    (["--topic", "torture", "--text", "sw", "Habari"], "English text is required"),
    (["--topic", "whales", "--text", "en", "Hi"], "no such topic: whales"),
    (["--text", "en", "Hi"], "at least one topic"),
    (["--topic", "torture", "--county", "Atlantis", "--text", "en", "Hi"], "no Kenyan county"),
    (["--topic", "torture", "--text", "fr", "Salut", "--text", "en", "Hi"], "no such language: fr"),
    (["--topic", "torture", "--text", "en", "Hi", "--at", "next week"], "not a time like"),
    (["--topic", "torture", "--text", "en", "Hi", "--at", "9999-12-31 23:59"], "on a day from 2000-01-01 to 2099-12-31"),
    (["--topic", "torture", "--text", "en", "Hi", "--repeat", "hourly"], "is not daily, weekly"),
])
def test_a_broadcast_staff_cannot_mean_is_refused_with_the_reason(app, args, message):
    result = flask(app, "create", "--name", "x", *args, "--yes")
    assert result.exit_code != 0
    assert message in result.output
    assert broadcast_rows(app) == []


def test_a_csv_list_with_bad_rows_reports_them(app, tmp_path):
    csv_file = tmp_path / "festival.csv"
    csv_file.write_text("name,phone\nAmina,0711000001\nJuma,not a number\n")
    result = flask(app, "create", "--name", "festival", "--csv", str(csv_file), "--text", "en", "Karibu",
                   "--consent", CONSENT, "--yes")
    assert result.exit_code == 0, result.output
    assert "row 3: 'not a number'" in result.output
    assert "1 numbers read, 1 rows skipped" in result.output
    assert "recipients: 1" in result.output


CONSENT = "Signed the festival list, Kisumu, 2026-11-20"


@pytest.mark.parametrize("consent, refusal", [
    ([], "say how the people on the CSV list agreed to these messages"),
    (["--consent", "yes they did"], "at least 15 characters"),
    (["--consent", "   "], "say how the people on the CSV list agreed"),
])
def test_a_csv_list_needs_a_stated_consent_basis(app, tmp_path, consent, refusal):
    csv_file = tmp_path / "festival.csv"
    csv_file.write_text("phone\n0711000001\n")
    result = flask(app, "create", "--name", "festival", "--csv", str(csv_file), "--text", "en", "Karibu", *consent, "--yes")
    assert result.exit_code != 0 and refusal in result.output
    assert broadcast_rows(app) == []


def test_a_csv_lists_consent_basis_is_kept_shown_and_audited(app, tmp_path):
    from sms_service.core.models import AuditEntry

    csv_file = tmp_path / "festival.csv"
    csv_file.write_text("phone\n0711000001\n")
    result = flask(app, "create", "--name", "festival", "--csv", str(csv_file), "--text", "en", "Karibu",
                   "--consent", f"  {CONSENT} ", "--yes")
    assert result.exit_code == 0, result.output
    [broadcast] = broadcast_rows(app)
    assert broadcast.consent_basis == CONSENT
    assert f"consent: {CONSENT}" in flask(app, "show", str(broadcast.id)).output
    with app.services.database.transaction() as session:
        [entry] = session.scalars(select(AuditEntry).where(AuditEntry.action.like("broadcast.%"))).all()
        assert (entry.detail["audience"], entry.detail["consent_basis"]) == ("CSV list", CONSENT)


def test_consent_goes_with_a_csv_list_only(app):
    result = flask(app, "create", "--name", "x", "--topic", "torture", "--text", "en", "Hi", "--consent", CONSENT, "--yes")
    assert result.exit_code != 0 and "--consent goes with --csv" in result.output


def test_a_file_that_is_not_csv_is_refused(app, tmp_path):
    picture = tmp_path / "photo.csv"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n\x00\xff\xfe")
    result = flask(app, "create", "--name", "x", "--csv", str(picture), "--text", "en", "Hi", "--yes")
    assert result.exit_code != 0 and "not UTF-8 text" in result.output


def test_pause_resume_and_cancel_from_the_command_line(app):
    broadcast_id = make_broadcast(app, topics=["torture"], send_at=utcnow() + timedelta(days=1))
    assert "paused" in flask(app, "pause", str(broadcast_id)).output
    assert "is scheduled again" in flask(app, "resume", str(broadcast_id)).output  # its time is ahead
    assert "cancelled" in flask(app, "cancel", str(broadcast_id)).output
    refused = flask(app, "resume", str(broadcast_id))
    assert refused.exit_code != 0 and "is cancelled, not paused" in refused.output
    assert "no broadcast 999" in flask(app, "pause", "999").output
    assert "no broadcast 999" in flask(app, "uncertain", "999").output


def test_quiet_hours_are_shown_when_scheduling(make_app):
    result = flask(make_app(BROADCAST_SEND_WINDOW="08:00-18:00"), "create", "--name", "x", "--topic", "torture", "--text", "en", "Hi",
                   "--at", "2099-01-01 20:00", "--preview")
    assert "sends: 2099-01-01 20:00 EAT" in result.output
    assert "it waits until 2099-01-02 08:00 EAT" in result.output


def tick(app, now):
    runtime = app.services.broadcasts
    return run_tick(app.services.database, runtime.leases, runtime.dispatch, runtime.settings, now=now)


def test_a_scheduled_broadcast_starts_when_it_falls_due(app):
    send_at = parse_local_time("2030-06-01 09:00")
    broadcast_id = make_broadcast(app, topics=["torture"], send_at=send_at)
    assert tick(app, send_at - timedelta(minutes=1)).started == []
    assert tick(app, send_at).started == [broadcast_id]
    assert tick(app, send_at + timedelta(minutes=1)).started == []
    assert len(app.services.queue) == 2  # BROADCAST_SENDERS senders queued


def test_a_recurring_broadcast_makes_one_occurrence_each_time(app):
    first = parse_local_time("2030-06-01 09:00")
    template_id = make_broadcast(app, topics=["torture"], send_at=first, recurrence="daily")
    [occurrence_id] = tick(app, first + timedelta(seconds=5)).started
    assert tick(app, first + timedelta(seconds=6)).started == []  # a second tick: no second copy
    template, occurrence = broadcast_rows(app)
    assert (template.id, template.status) == (template_id, "recurring")
    assert template.send_at.replace(tzinfo=None) == (first + timedelta(days=1)).replace(tzinfo=None)
    assert (occurrence.id, occurrence.parent_id, occurrence.status) == (occurrence_id, template_id, "running")
    assert len(tick(app, first + timedelta(days=3)).started) == 1  # missed days are not caught up in a burst


def test_a_tick_stranded_as_queued_does_not_block_the_next(app):
    # A worker stopped while taking the tick can leave its job looking "queued" though it is in
    # no queue; the next tick interval must queue a new one all the same.
    dispatch, queue = app.services.broadcasts.dispatch, app.services.queue
    assert dispatch.tick_now() is True
    assert dispatch.tick_now() is False  # one per interval, however many workers ask
    queue.empty()  # the job record stays, as when a dying worker took it off the queue
    app.services.redis.delete("broadcasts:tick-queued")  # the interval has passed
    assert dispatch.tick_now() is True
    assert len(queue) == 1
    assert dispatch.tick_now(force=True) is True  # staff sending now do not wait for the interval


def test_a_cron_repeat_without_a_time_starts_at_its_next_time_not_now(app):
    from sms_service.core.clock import NAIROBI, as_utc

    broadcast_id = make_broadcast(app, topics=["torture"], recurrence="0 9 * * 1")
    [template] = broadcast_rows(app)
    first = as_utc(template.send_at).astimezone(NAIROBI)
    assert (template.id, first.weekday(), first.hour, first.minute) == (broadcast_id, 0, 9, 0)  # a Monday, 09:00 EAT
    assert as_utc(template.send_at) > utcnow()


def test_stopping_a_repeating_broadcast_stops_its_running_occurrence(app):
    from sms_service.domain.broadcasts import lifecycle

    seed_subscribers(app.services.database, 5)
    first = utcnow() - timedelta(minutes=1)
    template_id = make_broadcast(app, topics=["torture"], send_at=first, recurrence="daily")
    [occurrence_id] = tick(app, utcnow()).started
    database = app.services.database
    from sms_service.domain.broadcasts.planner import plan_all

    plan_all(database, occurrence_id, 100, utcnow(), "en")
    with database.write_transaction() as session:
        lifecycle.pause(session, template_id)
    assert [b.status for b in broadcast_rows(app)] == ["paused", "paused"]
    later = utcnow() + timedelta(days=2, hours=1)
    with database.write_transaction() as session:  # resumed two days later: missed days are skipped
        template = lifecycle.resume(session, template_id, later)
        assert as_utc_naive(template.send_at) > as_utc_naive(later)
    assert [b.status for b in broadcast_rows(app)] == ["recurring", "running"]
    with database.write_transaction() as session:
        lifecycle.cancel(session, template_id, utcnow())
    assert [b.status for b in broadcast_rows(app)] == ["cancelled", "cancelled"]
    assert message_counts(app, occurrence_id) == {"cancelled": 5}


def as_utc_naive(moment):
    from sms_service.core.clock import as_utc

    return as_utc(moment).replace(tzinfo=None)


def test_a_retry_written_after_a_cancel_is_cancelled_by_the_tick(app):
    from sms_service.core.models import OutboundMessage
    from sms_service.domain.broadcasts import lifecycle

    broadcast_id = make_broadcast(app, numbers=["+254700009500"])
    database = app.services.database
    with database.write_transaction() as session:
        lifecycle.cancel(session, broadcast_id, utcnow())
        session.add(OutboundMessage(phone="+254700009500", text="Hi", purpose="broadcast", status="retry",
                                    broadcast_id=broadcast_id, created_at=utcnow(), updated_at=utcnow()))
    tick(app, utcnow())
    assert message_counts(app, broadcast_id) == {"cancelled": 1}
