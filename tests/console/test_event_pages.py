"""The console's event pages through their HTTP surface: create (codes checked against the words
people text), edit and cancel (people told by the workers' sweep), registrations and their
audited CSV export, and the door's check-in page for the `door` role."""

import csv
import io

import pytest
from sqlalchemy import select

from sms_service.core.clock import ManualClock, parse_local_time
from sms_service.core.models import AuditEntry, Event
from tests.broadcast_helpers import BROADCAST_SETTINGS
from tests.console_helpers import logged_in, make_role_accounts, post
from tests.event_helpers import registrations, sent
from tests.sms_phone import Texter

FORM = {"code": "F12", "title_en": "Forum on consent", "title_sw": "Jukwaa la ridhaa", "kind": "forum",
        "campaign": "sexual_violence", "venue": "Moi Girls Hall", "county": "Nairobi", "starts": "2026-12-03 10:00",
        "ends": "2026-12-03 13:00", "capacity": "2", "audience": "public"}


@pytest.fixture
def app(live_app):
    app = live_app(clock=ManualClock(parse_local_time("2026-12-01 10:00")), **BROADCAST_SETTINGS)
    make_role_accounts(app)
    return app


def audited(app, action):
    with app.services.database.transaction() as session:
        return session.scalars(select(AuditEntry.subject).where(AuditEntry.action == action).order_by(AuditEntry.id)).all()


def event_id(app, code="F12"):
    with app.services.database.transaction() as session:
        return session.scalar(select(Event.id).where(Event.code == code))


@pytest.mark.parametrize("change, reason", [
    ({"code": "STOP"}, "the code STOP is a keyword, topic or quiz word people text"),
    ({"code": "F 12"}, "the code must be 2 to 8 letters or digits"),
    ({"code": "mateso"}, "the code MATESO is a keyword, topic or quiz word people text"),
    ({"title_sw": ""}, "a title is needed in every language (missing: sw)"),
    ({"starts": "tomorrow"}, "is not a time like 2026-12-01 09:30"),
    ({"ends": "2026-12-03 09:00"}, "the event must end after it starts"),
    ({"capacity": "many"}, "the capacity is a whole number of places"),
    ({"capacity": "99999999999999999999999"}, "the capacity is 1 to 100,000 places"),  # the attack: OverflowError, a 500
    ({"capacity": "100001"}, "the capacity is 1 to 100,000 places"),
    ({"capacity": "0"}, "the capacity is 1 to 100,000 places"),
    ({"county": "Atlantis"}, "choose one of Kenya&#39;s 47 counties"),
])
def test_a_bad_event_gets_400_with_the_reason(app, change, reason):
    response = post(logged_in(app, "editor"), "/console/events/new", dict(FORM, **change))
    assert response.status_code == 400
    assert reason in response.get_data(as_text=True)
    assert event_id(app) is None


@pytest.mark.parametrize("capacity, status", [
    ("99999999999999999999999", 400),  # the attack: OverflowError, a 500
    ("100001", 400),
    ("100000", 302),
])
def test_an_edit_keeps_the_capacity_within_bounds(app, capacity, status):
    editor = logged_in(app, "editor")
    post(editor, "/console/events/new", FORM)
    response = post(editor, f"/console/events/{event_id(app)}/edit", dict(FORM, capacity=capacity))
    assert response.status_code == status
    if status == 400:
        assert "the capacity is 1 to 100,000 places" in response.get_data(as_text=True)
    with app.services.database.transaction() as session:
        assert session.get(Event, event_id(app)).capacity == (100_000 if status == 302 else 2)


def test_create_register_edit_export_and_cancel(app, run_jobs):
    editor = logged_in(app, "editor")
    assert "E1" in editor.get("/console/events/new").get_data(as_text=True)  # a free code is offered
    response = post(editor, "/console/events/new", FORM)
    assert response.status_code == 302
    assert post(editor, "/console/events/new", FORM).status_code == 400  # the code is taken
    first, second = (Texter(app, app.test_client(), run_jobs, number) for number in ("0733000001", "0733000002"))
    first.text("EVENT F12 Amina Wekesa")
    second.text("EVENT F12 =cmd|x")
    page = editor.get(f"/console/events/{event_id(app)}").get_data(as_text=True)
    assert "2 registered of 2 places" in page and "Amina Wekesa" in page and "+254733***001" in page
    assert "+254733000001" not in page
    assert audited(app, "events.view_registrations") == ["event F12"]
    viewer_page = logged_in(app, "viewer").get(f"/console/events/{event_id(app)}").get_data(as_text=True)
    assert "Amina" not in viewer_page and "2 registered of 2 places" in viewer_page

    export = editor.get(f"/console/events/{event_id(app)}/export.csv")
    rows = list(csv.reader(io.StringIO(export.get_data(as_text=True))))
    assert rows[0] == ["event", "name", "phone", "status", "channel", "registered", "place_in_line", "checked_in"]
    assert [row[:5] for row in rows[1:]] == [["F12", "Amina Wekesa", "+254733000001", "registered", "sms"],
                                            ["F12", "'=cmd|x", "+254733000002", "registered", "sms"]]
    assert audited(app, "events.export") == ["event F12"]

    moved = dict(FORM, starts="2026-12-04 15:00", ends="2026-12-04 17:00")
    assert post(editor, f"/console/events/{event_id(app)}/edit", moved).status_code == 302
    assert post(editor, f"/console/events/{event_id(app)}/edit", dict(moved, capacity="1")).status_code == 400
    app.services.queue.enqueue("workers.event_jobs.sweep")
    run_jobs(app)
    run_jobs(app)
    assert first.last.startswith("Change: Forum on consent is now on 4/12 15:00 at Moi Girls Hall.")
    assert post(editor, f"/console/events/{event_id(app)}/cancel").status_code == 302
    assert post(editor, f"/console/events/{event_id(app)}/cancel").status_code == 400
    app.services.queue.enqueue("workers.event_jobs.sweep")
    run_jobs(app)
    run_jobs(app)
    assert second.last == "Sorry: Forum on consent on 4/12 15:00 is cancelled. Text EVENT for other events."
    assert len(sent(app, "event_notice")) == 4
    assert audited(app, "events.create") == audited(app, "events.cancel") == ["event F12"]


def test_the_door_checks_people_in_by_name_or_last_digits(app, run_jobs):
    post(logged_in(app, "editor"), "/console/events/new", dict(FORM, starts="2026-12-01 09:00",
                                                                    ends="2026-12-01 18:00", capacity="1"))
    with app.services.database.write_transaction() as session:  # registered before it started
        from sms_service.domain.events.registrations import register

        register(session, "F12", "+254733000011", "Grace Achieng", "sms", parse_local_time("2026-11-30 10:00"))
        register(session, "F12", "+254733000012", "Grace Otieno", "sms", parse_local_time("2026-11-30 10:00"))
    door = logged_in(app, "door")
    assert door.get("/console/dashboard").status_code == 403  # the door page only
    assert "Forum on consent" in door.get("/console/door").get_data(as_text=True)
    found = event_id(app)
    page = door.get(f"/console/door/{found}?q=grace").get_data(as_text=True)
    assert "Grace Achieng · +254733***011" in page and "Grace Otieno · +254733***012 · waiting list" in page
    assert page.count(">Check in</button>") == 1  # only a registered person
    assert "+254733000011" not in page
    by_digits = door.get(f"/console/door/{found}?q=011").get_data(as_text=True)
    assert "Grace Achieng" in by_digits and "Grace Otieno" not in by_digits
    with app.services.database.transaction() as session:
        from sms_service.core.models import EventRegistration

        registration = session.scalar(select(EventRegistration.id).where(EventRegistration.phone == "+254733000011"))
        waiting = session.scalar(select(EventRegistration.id).where(EventRegistration.phone == "+254733000012"))
    response = post(door, f"/console/door/{found}/check-in/{registration}", {"q": "011"})
    assert response.status_code == 303 and response.location.endswith("q=011")
    assert "Checked in." in door.get(response.location).get_data(as_text=True)
    post(door, f"/console/door/{found}/check-in/{registration}")
    assert "Already checked in." in door.get(f"/console/door/{found}").get_data(as_text=True)
    post(door, f"/console/door/{found}/check-in/{waiting}")
    assert "no place at this event" in door.get(f"/console/door/{found}").get_data(as_text=True)
    assert "1 checked in of 1 registered" in door.get(f"/console/door/{found}").get_data(as_text=True)
    assert registrations(app, found)[0] == ("+254733000011", "registered", "Grace Achieng")
    # Another day's event is no door's: its registrants' names are not listed, nobody is checked in.
    post(logged_in(app, "editor"), "/console/events/new", dict(FORM, code="T34", starts="2026-12-05 09:00",
                                                                    ends="2026-12-05 18:00"))
    with app.services.database.write_transaction() as session:
        register(session, "T34", "+254733000013", "Grace Wanjiru", "sms", parse_local_time("2026-11-30 10:00"))
        later = session.scalar(select(EventRegistration.id).where(EventRegistration.phone == "+254733000013"))
    other_day = door.get(f"/console/door/{event_id(app, 'T34')}?q=grace")
    assert other_day.status_code == 404 and "Grace Wanjiru" not in other_day.get_data(as_text=True)
    assert post(door, f"/console/door/{event_id(app, 'T34')}/check-in/{later}").status_code == 404
    dashboard = logged_in(app, "viewer").get("/console/dashboard").get_data(as_text=True)
    attendance = dashboard.split('id="event-attendance"')[1].split("</table>")[0]
    assert "F12 Forum on consent" in attendance and '<td class="num">1</td>' in attendance
