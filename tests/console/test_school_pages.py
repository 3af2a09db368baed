"""The console's schools page: staff register a school for its contact only with guardians'
consent confirmed; students who text SCHOOL are linked and counted, never named."""

import pytest
from sqlalchemy import select

from sms_service.core.models import AuditEntry
from tests.console_helpers import post
from tests.sms_phone import Texter

FORM = {"name": "Kisumu Girls", "county": "Kisumu", "contact_name": "Halima Atieno", "contact_phone": "0755000100",
        "consent": "yes"}


@pytest.mark.parametrize("change, reason", [
    ({"consent": ""}, "tick the box only when the school"),
    ({"contact_phone": "12"}, "the contact&#39;s phone number cannot be read"),
    ({"county": "Atlantis"}, "Unknown county"),
])
def test_a_school_needs_consent_and_readable_details(app, as_role, change, reason):
    response = post(as_role("editor"), "/console/schools", dict(FORM, **change))
    assert response.status_code == 400 and reason in response.get_data(as_text=True)
    assert "No school registered yet." in as_role("viewer").get("/console/schools").get_data(as_text=True)


def test_staff_register_a_school_and_its_students_are_counted(app, as_role, run_jobs):
    assert post(as_role("editor"), "/console/schools", FORM).status_code == 302
    Texter(app, app.test_client(), run_jobs, "0755000001").text("SCHOOL kisumu girls, Kisumu")
    page = as_role("viewer").get("/console/schools").get_data(as_text=True)
    pseudonym = app.services.phone_keys.pseudonym("+254755000100")
    assert f"<td>Kisumu Girls</td><td>Kisumu</td><td>[name] {pseudonym}</td>" in page  # viewers: no number, no name
    assert '<td class="num">1</td>' in page and "+254755" not in page
    assert "+254755***100" in as_role("editor").get("/console/schools").get_data(as_text=True)
    assert post(as_role("editor"), "/console/schools", dict(FORM, contact_phone="0755000101")).status_code == 400
    with app.services.database.transaction() as session:
        assert session.scalars(select(AuditEntry.subject).where(AuditEntry.action == "schools.register")).all() == [
            "Kisumu Girls, Kisumu"]
