"""Every console URL refuses an anonymous visitor (to the login page) and a role below its own
(403). The list comes from the app's URL map, so a new page cannot be left out: it must be
named in EXPECTED_ROLES, with the role it needs, or the first test fails. Every URL outside the
console is public on purpose, and named in PUBLIC_OUTSIDE_THE_CONSOLE with the reason."""

import pytest

from sms_service.domain.staff.roles import PUBLIC, ROLES

EXPECTED_ROLES = {
    "console.login": PUBLIC,
    "console.static": PUBLIC,
    "console.home": "door",
    "console.logout": "door",
    "console.dashboard": "viewer",
    "console.broadcasts": "viewer",
    "console.broadcast": "viewer",
    "console.broadcast_progress": "viewer",
    "console.compose": "editor",
    "console.compose_submit": "editor",
    "console.describe": "editor",
    "console.control_broadcast": "editor",
    "console.confirm_cost": "admin",
    "console.subscribers": "viewer",
    "console.import_template": "viewer",
    "console.export_subscribers": "editor",
    "console.import_form": "editor",
    "console.import_upload": "editor",
    "console.petitions": "viewer",
    "console.export_petition": "editor",
    "console.export_petition_counts": "viewer",
    "console.quizzes": "viewer",
    "console.ussd_journeys": "viewer",
    "console.export_quiz": "editor",
    "console.schools": "viewer",
    "console.register_school": "editor",
    "console.events": "viewer",
    "console.event": "viewer",
    "console.new_event": "editor",
    "console.edit_event": "editor",
    "console.cancel_event": "editor",
    "console.export_event": "editor",
    "console.door": "door",
    "console.door_event": "door",
    "console.check_in": "door",
    "console.booklet_requests": "viewer",
    "console.decide_booklets": "editor",
    "console.dispatch_booklets": "editor",
    "console.export_booklets": "editor",
    "console.essay_competitions": "viewer",
    "console.publish_essay_competition": "editor",
    "console.essay_competition": "viewer",
    "console.announce_essay_results": "editor",
    "console.export_essay_entrants": "editor",
    "console.inbound_messages": "viewer",
    "console.conversations": "viewer",
    "console.conversation": "viewer",
    "console.reply_to_conversation": "editor",
    "console.note_conversation": "editor",
    "console.assign_conversation": "editor",
    "console.handle_conversation": "editor",
    "console.flows": "viewer",
    "console.queue": "admin",
    "console.requeue_job": "admin",
    "console.accounts": "admin",
    "console.create_account": "admin",
    "console.change_account": "admin",
    "console.audit_log": "admin",
    "console.charts": "viewer",
    "console.campaign": "viewer",
    "console.chart_csv": "viewer",
    "console.people": "admin",
    "console.find_person": "admin",
    "console.erase_person_page": "admin",
}
# Outside the console nothing asks for a login: AT's webhooks are guarded by WEBHOOK_TOKEN, the
# simulator is mounted only in demo mode (it reaches no real phone).
PUBLIC_OUTSIDE_THE_CONSOLE = {
    "landing.index": "the landing page: links to the console, the simulator, the health check",
    "landing.favicon": "the icon every page names",
    "health.healthz": "for load balancers and tasks.py run; names only the kind of failure",
    "static": "Flask's own static route (no folder: answers 404)",
    "sms.inbound_message": "AT webhook", "sms.delivery_report": "AT webhook", "sms.opt_out": "AT webhook",
    "ussd_events.session_ended": "AT webhook",
    "simulator.phone": "simulator", "simulator.ussd": "simulator", "simulator.send_sms": "simulator",
    "simulator.inbox": "simulator", "simulator.static": "simulator", "simulator.end_ussd": "simulator",
    "petition.page": "the public petition page", "petition.sign": "signing it, from any browser",
    "petition.thanks": "after signing", "petition.privacy": "the petition's privacy notice",
}
SAMPLE_ARGUMENTS = {"broadcast_id": 1, "action": "pause", "petition": "att", "quiz": "att", "job_id": "no-such-job",
                    "account_id": 1, "filename": "console.css", "request_id": 1, "county": "Nakuru",
                    "competition_id": 1, "conversation_id": 1, "event_id": 1, "registration_id": 1,
                    "topic": "torture", "campaign": "all", "chart": "sms"}


def console_requests(app):
    """(endpoint, method, url) for every console rule and method."""
    from flask import url_for

    found = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if not rule.endpoint.startswith("console."):
                continue
            url = url_for(rule.endpoint, **{name: SAMPLE_ARGUMENTS[name] for name in rule.arguments})
            found += [(rule.endpoint, method, url) for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return found


def send(client, method, url):
    from tests.console_helpers import post

    return post(client, url) if method == "POST" else client.get(url)


def test_every_console_url_has_an_expected_role(app):
    assert {endpoint for endpoint, _, _ in console_requests(app)} == set(EXPECTED_ROLES)


def test_every_url_outside_the_console_is_public_on_purpose(app):
    outside = {rule.endpoint for rule in app.url_map.iter_rules() if not rule.endpoint.startswith("console.")}
    assert outside == set(PUBLIC_OUTSIDE_THE_CONSOLE)


@pytest.mark.parametrize("url", ["/", "/favicon.ico", "/healthz"])
def test_an_anonymous_visitor_opens_the_public_pages(app, url):
    assert app.test_client().get(url).status_code == 200


def test_an_anonymous_visitor_is_sent_to_the_login_page(app):
    wrong = []
    for endpoint, method, url in console_requests(app):
        if EXPECTED_ROLES[endpoint] == PUBLIC:
            continue
        response = send(app.test_client(), method, url)
        if response.status_code != 302 or not response.location.startswith("/console/login"):
            wrong.append((method, url, response.status_code, response.location))
    assert wrong == []


@pytest.mark.parametrize("role", ROLES)
def test_each_role_opens_only_the_pages_its_role_allows(app, as_role, role):
    wrong = []
    for endpoint, method, url in console_requests(app):
        needed = EXPECTED_ROLES[endpoint]
        response = send(as_role(role), method, url)
        allowed = needed == PUBLIC or ROLES.index(role) >= ROLES.index(needed)
        refused = response.status_code == 403
        if refused == allowed:
            wrong.append((role, method, url, needed, response.status_code))
    assert wrong == []


def id_requests(app, number):
    """(method, url) for every console rule with an id in its path, each id being `number`."""
    from flask import url_for

    ids = {name for name, value in SAMPLE_ARGUMENTS.items() if isinstance(value, int)}
    found = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if rule.endpoint.startswith("console.") and rule.arguments & ids:
                url = url_for(rule.endpoint, **{name: number if name in ids else SAMPLE_ARGUMENTS[name]
                                                for name in rule.arguments})
                found += [(method, url) for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return found


@pytest.mark.parametrize("number, status", [
    (2**63, 404),  # the attack: one past SQLite's INTEGER (OverflowError, a 500)
    (99999999999999999999999, 404),
    (2**31, 404),  # one past PostgreSQL's INTEGER, the schema's ids (a DataError there)
    (0, 404),  # no row has it either
    (2**31 - 1, None),  # the largest id the schema holds: the page's own answer to an unknown id
])
def test_an_id_beyond_the_databases_integers_is_a_404_on_every_console_url(app, as_role, number, status):
    admin, wrong = as_role("admin"), []
    requests = id_requests(app, number)
    assert ("GET", f"/console/door/{number}") in requests and ("POST", f"/console/door/{number}/check-in/{number}") in requests
    for method, url in requests:
        response = send(admin, method, url)
        if response.status_code != status if status else response.status_code >= 500:
            wrong.append((method, url, response.status_code))
    assert wrong == []


def test_the_menu_shows_a_role_only_its_sections(app, as_role):
    viewer_page = as_role("viewer").get("/console/dashboard").get_data(as_text=True)
    admin_page = as_role("admin").get("/console/dashboard").get_data(as_text=True)
    for admin_only in ("/console/audit", "/console/accounts", "/console/queue"):
        assert admin_only not in viewer_page and admin_only in admin_page
