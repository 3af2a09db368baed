"""Every console URL refuses an anonymous visitor (to the login page) and a role below its own
(403). The list comes from the app's URL map, so a new page cannot be left out: it must be
named in EXPECTED_ROLES, with the role it needs, or the first test fails."""

import pytest

from sms_service.console.roles import PUBLIC, ROLES

EXPECTED_ROLES = {
    "console.login": PUBLIC,
    "console.static": PUBLIC,
    "console.home": "viewer",
    "console.logout": "viewer",
    "console.dashboard": "viewer",
    "console.broadcasts": "viewer",
    "console.broadcast": "viewer",
    "console.broadcast_progress": "viewer",
    "console.compose": "editor",
    "console.compose_submit": "editor",
    "console.describe": "editor",
    "console.control_broadcast": "editor",
    "console.subscribers": "viewer",
    "console.import_template": "viewer",
    "console.export_subscribers": "editor",
    "console.import_form": "editor",
    "console.import_upload": "editor",
    "console.petitions": "viewer",
    "console.export_petition": "editor",
    "console.quizzes": "viewer",
    "console.export_quiz": "editor",
    "console.inbound_messages": "viewer",
    "console.flows": "viewer",
    "console.queue": "admin",
    "console.requeue_job": "admin",
    "console.accounts": "admin",
    "console.create_account": "admin",
    "console.change_account": "admin",
    "console.audit_log": "admin",
}
SAMPLE_ARGUMENTS = {"broadcast_id": 1, "action": "pause", "petition": "att", "quiz": "att", "job_id": "no-such-job",
                    "account_id": 1, "filename": "console.css"}


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


def test_the_menu_shows_a_role_only_its_sections(app, as_role):
    viewer_page = as_role("viewer").get("/console/dashboard").get_data(as_text=True)
    admin_page = as_role("admin").get("/console/dashboard").get_data(as_text=True)
    for admin_only in ("/console/audit", "/console/accounts", "/console/queue"):
        assert admin_only not in viewer_page and admin_only in admin_page
