"""The inbound SMS log, the flows page with its lint, and the queue page."""

import shutil

from sqlalchemy import select

from sms_service.config import PROJECT_ROOT
from sms_service.models import AuditEntry, InboundMessage, utcnow
from tests.console_helpers import post


def test_the_inbound_log_lists_messages_and_finds_a_number(app, as_role):
    with app.extensions["database"].transaction() as session:
        for at_id, phone, text in (("a1", "+254712000001", "JOIN torture"), ("a2", "+254712000002", "<b>STOP</b>")):
            session.add(InboundMessage(at_id=at_id, phone=phone, shortcode="21212", text=text, received_at=utcnow()))
    client = as_role("viewer")
    page = client.get("/console/inbound").get_data(as_text=True)
    assert "JOIN torture" in page and "&lt;b&gt;STOP&lt;/b&gt;" in page  # escaped, never run
    found = client.get("/console/inbound?q=0712000001").get_data(as_text=True)
    assert "JOIN torture" in found and "STOP" not in found
    assert "not a phone number" in client.get("/console/inbound?q=abc").get_data(as_text=True)


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
    queue = app.extensions["queue"]
    job = queue.enqueue("tests.jobs_for_tests.fail_with", "the gateway exploded")
    run_jobs(app)
    client = as_role("admin")
    page = client.get("/console/queue").get_data(as_text=True)
    assert 'data-registry="failed">1<' in page and "ValueError: the gateway exploded" in page
    assert post(client, f"/console/queue/failed/{job.id}/requeue").location == "/console/queue"
    assert (queue.count, queue.failed_job_registry.count) == (1, 0)
    assert post(client, f"/console/queue/failed/{job.id}/requeue").status_code == 404
    with app.extensions["database"].transaction() as session:
        assert session.scalars(select(AuditEntry.subject).where(AuditEntry.action == "queue.requeue")).all() == [f"job {job.id}"]


def test_redis_down_gets_a_clear_503_not_a_500(app, make_app):
    from tests.console_helpers import log_in
    client = make_app(REDIS_URL="redis://127.0.0.1:9/0").test_client()
    response = log_in(client, "vera")
    assert response.status_code == 503 and "Redis did not answer" in response.get_data(as_text=True)
    with client.session_transaction() as session:
        session["sid"] = "a-login-made-while-redis-was-up"
    assert client.get("/console/dashboard").status_code == 503
