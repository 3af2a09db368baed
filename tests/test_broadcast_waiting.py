"""A broadcast held by quiet hours says that it waits, everywhere staff look; it is "started" only
from its first send; and each page offers only the controls its status allows.

Every test here sets the time it means with the app's clock, so it passes at any hour.
"""

import re

import pytest

from sms_service.core.clock import ManualClock, parse_local_time
from tests.broadcast_helpers import BROADCAST_SETTINGS, make_broadcast, message_counts, start_due
from tests.console_helpers import logged_in, make_role_accounts, post
from tests.seeding import seed_subscribers

QUIET = {**BROADCAST_SETTINGS, "BROADCAST_SEND_WINDOW": "08:00-18:00"}
WAITING = "waiting for the send window (opens 08:00 EAT)"


@pytest.fixture
def night(live_app):
    """An app at 05:00 in Nairobi with the 08:00-18:00 window, 3 subscribers, a console editor."""
    app = live_app(clock=ManualClock(parse_local_time("2026-12-01 05:00")), **QUIET)
    make_role_accounts(app)
    seed_subscribers(app.services.database, 3)
    return app


def flask(app, *args):
    result = app.test_cli_runner().invoke(args=["broadcasts", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_a_broadcast_held_by_quiet_hours_says_it_waits_everywhere(night, run_jobs):
    broadcast_id = make_broadcast(night, topics=["torture"])
    night.services.broadcasts.dispatch.tick_now(force=True)
    assert run_jobs(night)  # a real worker: the tick starts it, its senders find the window shut
    assert message_counts(night, broadcast_id) == {}

    client = logged_in(night, "viewer")
    figures = client.get(f"/console/broadcasts/{broadcast_id}/progress.json").get_json()
    assert (figures["status"], figures["state"], figures["recipients"], figures["started"]) == (
        "running", WAITING, 3, None)
    listed = client.get("/console/broadcasts").get_data(as_text=True)
    assert f'data-state="{broadcast_id}">{WAITING}, 3 recipients<' in listed
    page = client.get(f"/console/broadcasts/{broadcast_id}").get_data(as_text=True)
    assert f'<strong id="status">{WAITING}</strong>' in page and '<span id="recipients">3</span>' in page
    assert "started" not in page.split("Sends:")[1].split("</p>")[0]
    assert f"{WAITING}, 3 recipients" in flask(night, "list")
    shown = flask(night, "show", str(broadcast_id))
    assert f": {WAITING}" in shown and "3 recipients" in shown and "started:" not in shown

    night.services.clock.set(parse_local_time("2026-12-01 08:00"))  # the window opens
    later_tick(night, broadcast_id)
    assert run_jobs(night)
    assert message_counts(night, broadcast_id) == {"sent": 3}
    figures = client.get(f"/console/broadcasts/{broadcast_id}/progress.json").get_json()
    assert (figures["state"], figures["started"]) == ("completed", "2026-12-01 08:00 EAT")
    assert "started: 2026-12-01 08:00 EAT" in flask(night, "show", str(broadcast_id))


def test_an_urgent_broadcast_does_not_wait(night, run_jobs):
    broadcast_id = make_broadcast(night, topics=["torture"], urgent=True)
    night.services.broadcasts.dispatch.tick_now(force=True)
    assert run_jobs(night)
    assert message_counts(night, broadcast_id) == {"sent": 3}
    assert "completed" in flask(night, "list")


def later_tick(app, broadcast_id):
    """Queue a tick as one would come three hours on: senders asked for at night are long gone
    (the marker that keeps ticks from piling senders up lives two ticks in Redis)."""
    app.services.redis.delete(f"broadcasts:{broadcast_id}:senders-requested")
    app.services.broadcasts.dispatch.tick_now(force=True)


def shown_controls(client, broadcast_id):
    page = client.get(f"/console/broadcasts/{broadcast_id}").get_data(as_text=True)
    return [name for name, hidden in re.findall(r'data-control="(\w+)"( hidden)?>', page) if not hidden]


def test_controls_offer_only_valid_transitions(night, run_jobs):
    client = logged_in(night, "editor")
    later = make_broadcast(night, topics=["torture"], send_at=parse_local_time("2026-12-02 09:00"))
    url = f"/console/broadcasts/{later}"
    steps = [(None, "scheduled", ["pause", "cancel"]), ("pause", "paused", ["resume", "cancel"]),
             ("resume", "scheduled", ["pause", "cancel"]), ("cancel", "cancelled", [])]
    for action, status, controls in steps:
        if action:
            assert post(client, f"{url}/{action}").location == url
        figures = client.get(f"{url}/progress.json").get_json()
        assert (figures["status"], figures["controls"]) == (status, controls)
        assert shown_controls(client, later) == controls
    sending = make_broadcast(night, topics=["torture"])
    start_due(night)
    assert shown_controls(client, sending) == ["pause", "cancel"]  # running (waiting for 08:00)
    night.services.clock.set(parse_local_time("2026-12-01 09:00"))
    later_tick(night, sending)
    assert run_jobs(night)
    assert client.get(f"/console/broadcasts/{sending}/progress.json").get_json()["status"] == "completed"
    assert shown_controls(client, sending) == []
