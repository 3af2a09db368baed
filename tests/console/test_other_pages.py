"""The inbound SMS log, the flows page with its lint, and the queue page."""

import shutil

import pytest
from sqlalchemy import select

from sms_service.core.config import PROJECT_ROOT
from sms_service.core.models import AuditEntry, InboundMessage, utcnow
from tests.console_helpers import post


def test_the_inbound_log_lists_messages_and_finds_a_number(app, as_role):
    with app.services.database.transaction() as session:
        for at_id, phone, text in (("a1", "+254712000001", "JOIN torture"), ("a2", "+254712000002", "<b>STOP</b>")):
            session.add(InboundMessage(at_id=at_id, phone=phone, shortcode="21212", text=text, received_at=utcnow()))
    client = as_role("viewer")
    page = client.get("/console/inbound").get_data(as_text=True)
    assert "JOIN torture" in page and "&lt;b&gt;STOP&lt;/b&gt;" in page  # escaped, never run
    # A viewer who knows a number could learn its pseudonym by searching: only editors may.
    refused = client.get("/console/inbound?q=0712000001").get_data(as_text=True)
    assert "Searching by number is for editors" in refused and "JOIN torture" not in refused
    editor = as_role("editor")
    found = editor.get("/console/inbound?q=0712000001").get_data(as_text=True)
    assert "JOIN torture" in found and "STOP" not in found
    assert "not a phone number" in editor.get("/console/inbound?q=abc!").get_data(as_text=True)


def test_the_inbound_log_shows_senders_that_are_not_phone_numbers(app, as_role):
    webhook = app.test_client()
    for sender, text in (("MPESA", "QK12ABC Confirmed. Ksh500"), ("22384", "Your bundle expires today")):
        response = webhook.post("/sms/inbound", data={"from": sender, "to": "21212", "text": text,
                                                      "date": "2026-11-25 09:00:00", "id": f"from-{sender}"})
        assert response.status_code == 200
    client = as_role("viewer")
    page = client.get("/console/inbound").get_data(as_text=True)
    assert "<td>MPESA</td>" in page and "QK12ABC Confirmed" in page and "sender_not_a_phone" in page
    found = client.get("/console/inbound?q=MPESA").get_data(as_text=True)
    assert "QK12ABC Confirmed" in found and "Your bundle" not in found


def test_the_flows_page_lints_the_definitions_now(make_app, tmp_path):
    flows = tmp_path / "flows"
    shutil.copytree(PROJECT_ROOT / "flows", flows)
    from tests.console_helpers import logged_in, make_account
    app = make_app(FLOWS_PATH=str(flows))
    make_account(app, "vera", "viewer")
    client = logged_in(app, "viewer")
    assert "flows OK" in client.get("/console/flows").get_data(as_text=True)
    menu = flows / "ussd" / "menu.yaml"
    menu.write_text(menu.read_text().replace("next: petition_check", "next: no_such_screen", 1))
    page = client.get("/console/flows").get_data(as_text=True)
    assert "the server would refuse to start" in page and "no_such_screen" in page


def test_the_queue_page_shows_failed_jobs_and_runs_one_again(app, as_role, run_jobs):
    queue = app.services.queue
    job = queue.enqueue("tests.jobs_for_tests.fail_with", "the gateway exploded")
    run_jobs(app)
    client = as_role("admin")
    page = client.get("/console/queue").get_data(as_text=True)
    assert 'data-registry="failed">1<' in page and "ValueError: the gateway exploded" in page
    assert post(client, f"/console/queue/failed/{job.id}/requeue").location == "/console/queue"
    assert (queue.count, queue.failed_job_registry.count) == (1, 0)
    assert post(client, f"/console/queue/failed/{job.id}/requeue").status_code == 404
    with app.services.database.transaction() as session:
        assert session.scalars(select(AuditEntry.subject).where(AuditEntry.action == "queue.requeue")).all() == [f"job {job.id}"]


@pytest.mark.parametrize("job_id", [
    "%2e%2e",  # the attack: RQ refuses the id ("Job ID must only contain letters, ..."), a 500
    "job.1",
    "a%20b",
    "job%3A1",
    "no-such-job",
])
def test_requeueing_a_job_that_cannot_exist_is_a_404(as_role, job_id):
    response = post(as_role("admin"), f"/console/queue/failed/{job_id}/requeue")
    assert response.status_code == 404 and "There is no failed job" in response.get_data(as_text=True)


def test_redis_down_gets_a_clear_503_not_a_500(app, make_app):
    from tests.console_helpers import console_session, log_in
    client = make_app(REDIS_URL="redis://127.0.0.1:9/0").test_client()
    response = log_in(client, "vera")
    assert response.status_code == 503 and "Redis did not answer" in response.get_data(as_text=True)
    with console_session(client) as session:
        session["sid"] = "a-login-made-while-redis-was-up"
    assert client.get("/console/dashboard").status_code == 503


def test_today_on_the_dashboard_is_the_nairobi_day(make_app):
    """At 01:30 in Nairobi the UTC date is still yesterday's: "today" counts from Nairobi's midnight."""
    from datetime import timedelta

    from sms_service.core.clock import ManualClock, parse_local_time
    from sms_service.core.models import OutboundMessage
    from tests.console_helpers import logged_in, make_account

    app = make_app(clock=ManualClock(parse_local_time("2026-12-02 01:30")))
    make_account(app, "vera", "viewer")
    midnight = parse_local_time("2026-12-02 00:00")
    with app.services.database.transaction() as session:
        for number, at in enumerate((midnight - timedelta(minutes=1), midnight, midnight + timedelta(hours=1))):
            session.add(InboundMessage(at_id=f"t{number}", phone="+254712000001", shortcode="21212", text="HELP",
                                       received_at=at))
            session.add(OutboundMessage(phone="+254712000001", text="Hi", purpose="reply", status="sent",
                                        created_at=at, updated_at=at))
    page = logged_in(app, "viewer").get("/console/dashboard").get_data(as_text=True)
    assert '<div class="figure" id="messages-today">2 / 2</div>' in page
