"""The admin's erasure page: find what is kept about a number, then erase it (CSRF, a confirming
tick, audited under the pseudonym). The person texted in through the real webhook and worker."""

import pytest
from sqlalchemy import func, select

from sms_service.core.models import AuditEntry, Subscriber
from tests.broadcast_helpers import BROADCAST_SETTINGS
from tests.console_helpers import logged_in, make_role_accounts, post
from tests.sms_phone import Texter

PHONE = "+254711082001"


@pytest.fixture
def app(live_app):
    app = live_app(**BROADCAST_SETTINGS)
    make_role_accounts(app)
    return app


@pytest.fixture
def person(app, run_jobs):
    return Texter(app, app.test_client(), run_jobs).text("JOIN TORTURE").text("ATT Amina Otieno")


def audit_trail(app):
    with app.services.database.transaction() as session:
        return session.execute(select(AuditEntry.action, AuditEntry.subject).where(AuditEntry.action.like("people.%"))
                               .order_by(AuditEntry.id)).all()


def test_an_admin_finds_then_erases_a_person(app, person):
    admin, pseudonym = logged_in(app, "admin"), app.services.phone_keys.pseudonym(PHONE)
    found = post(admin, "/console/people/find", {"number": "0711 082 001"})
    page = found.get_data(as_text=True)
    assert found.status_code == 200
    assert pseudonym in page and "subscribed to: Ending torture" in page and "Petition signatures: 1" in page
    assert "Language: English;" in page and "School programme records (events, booklet requests, essay entries, school contact): 0" in page
    assert "Amina" not in page and PHONE not in page

    unticked = post(admin, "/console/people/erase", {"number": "0711 082 001"})
    assert unticked.status_code == 400 and "tick the box" in unticked.get_data(as_text=True)

    erased = post(admin, "/console/people/erase", {"number": "0711 082 001", "confirm": "yes"}, follow_redirects=True)
    assert f"Erased {pseudonym}" in erased.get_data(as_text=True)
    with app.services.database.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Subscriber)) == 0
    assert audit_trail(app) == [("people.lookup", pseudonym), ("people.erase", pseudonym)]


@pytest.mark.parametrize("data, status, says", [
    ({"number": "hello"}, 400, "phone number"),
    ({"number": ""}, 400, "type the person"),
    ({"number": "0799000111"}, 200, "Nothing is kept about this number"),
])
def test_the_find_form_answers_bad_and_unknown_numbers(app, data, status, says):
    response = post(logged_in(app, "admin"), "/console/people/find", data)
    assert (response.status_code, says in response.get_data(as_text=True)) == (status, True)


def test_erasure_needs_the_form_token_and_an_admin(app, person):
    admin = logged_in(app, "admin")
    assert admin.post("/console/people/erase", data={"number": PHONE, "confirm": "yes"}).status_code == 400
    assert post(logged_in(app, "editor"), "/console/people/erase", {"number": PHONE, "confirm": "yes"}).status_code == 403
    with app.services.database.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Subscriber)) == 1
