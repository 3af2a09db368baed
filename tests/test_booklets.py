"""Booklets for teachers, end to end: a teacher requests by SMS or USSD (the real webhooks), staff
approve a quantity and mark the parcel dispatched in the console, and the teacher gets an SMS at
each step through the one send path, a real RQ worker and the SDK against the local gateway. The
county export is audited; bad input gets a clear answer and keeps nothing."""

import csv
import io

import pytest
from sqlalchemy import select, update

from sms_service.core.clock import ManualClock, parse_local_time
from sms_service.core.models import AuditEntry, BookletRequest, OutboundMessage
from sms_service.domain.programmes import booklets
from sms_service.domain.schools import registry
from tests.console_helpers import logged_in, make_role_accounts, post
from tests.sms_phone import Texter
from tests.ussd_phone import UssdPhone

SCHOOLS_MENU, BOOKLETS = "8", "7"  # home 8, then "Teachers: booklets" after the quizzes and school registration
REQUEST = "BOOKLET RAPE 120 Moi Girls Eldoret, Uasin Gishu, P.O. Box 45 Eldoret"


@pytest.fixture
def app(live_app):
    # Morning in Nairobi: the teacher's updates are transactional, sent 07:00-21:00.
    app = live_app(clock=ManualClock(parse_local_time("2026-12-01 10:00")))
    make_role_accounts(app)
    return app


@pytest.fixture
def teacher(app, run_jobs):
    """A teacher who registered two schools as their contact (TEACHER): booklets go only to those."""
    teacher = Texter(app, app.test_client(), run_jobs, number="0722500100")
    teacher.text("TEACHER Moi Girls Eldoret, Uasin Gishu, Jane Chebet")
    return teacher.text("TEACHER Shule ya Upili Kaptagat, Elgeyo Marakwet, Jane Chebet")


def requests(app):
    with app.services.database.transaction() as session:
        return session.execute(select(BookletRequest.phone, BookletRequest.booklet, BookletRequest.pupils,
                                      BookletRequest.school, BookletRequest.county, BookletRequest.delivery_address,
                                      BookletRequest.channel, BookletRequest.status, BookletRequest.approved_quantity)
                               .order_by(BookletRequest.id)).all()


def request_id(app):
    with app.services.database.transaction() as session:
        return session.scalars(select(BookletRequest.id).order_by(BookletRequest.id)).first()


@pytest.mark.parametrize("text, reply", [
    (REQUEST, "Request received: Sexual violence booklets for 120 pupils of Moi Girls Eldoret, Uasin Gishu. "
              "We will SMS you when it is approved."),
    ("kijitabu mateso 40 Shule ya Upili Kaptagat, Elgeyo Marakwet, S.L.P. 12 Iten",
     "Ombi limepokelewa: vijitabu vya Mateso kwa wanafunzi 40 wa Shule ya Upili Kaptagat, Elgeyo-Marakwet. "
     "Tutakutumia SMS likikubaliwa."),
])
def test_a_teacher_requests_booklets_by_sms(app, teacher, text, reply):
    if text.startswith("kijitabu"):
        teacher.text("LUGHA SW")
    teacher.text(text)
    assert teacher.last == reply
    [(phone, _, _, _, _, address, channel, status, quantity)] = requests(app)
    assert (phone, channel, status, quantity) == ("+254722500100", "sms", "requested", None)
    assert address in ("P.O. Box 45 Eldoret", "S.L.P. 12 Iten")


@pytest.mark.parametrize("text, reply_starts", [
    ("BOOKLET", "Teachers: text BOOKLET, the booklet"),
    ("BOOKLET RAPE", "Teachers: text BOOKLET, the booklet"),
    ("BOOKLET FOOTBALL 20 Moi Girls, Nakuru, P.O. Box 4", "Teachers: text BOOKLET, the booklet"),
    ("BOOKLET RAPE twenty Moi Girls, Nakuru, P.O. Box 4", "Teachers: text BOOKLET, the booklet"),
    ("BOOKLET RAPE 20 Moi Girls, Atlantis, P.O. Box 4", "Unknown county. Type its name or number 1-47. Teachers: text BOOKLET"),
    ("BOOKLET RAPE 20 Moi Girls, Nakuru", "Teachers: text BOOKLET, the booklet"),
    ("BOOKLET RAPE 301 Moi Girls, Nakuru, P.O. Box 4", "One request can be for 1 to 300 pupils."),
    ("BOOKLET RAPE 0 Moi Girls, Nakuru, P.O. Box 4", "One request can be for 1 to 300 pupils."),  # not "at most"
])
def test_a_request_that_cannot_be_read_gets_the_example_and_keeps_nothing(app, teacher, text, reply_starts):
    teacher.text(text)
    assert teacher.last.startswith(reply_starts)
    assert requests(app) == []


def test_booklets_go_only_to_a_school_the_teacher_registered_as_its_contact(app, teacher):
    other = Texter(app, app.test_client(), teacher.run_jobs, number="0722500999")
    for text in (REQUEST, "BOOKLET ATT 30 Nakuru High, Nakuru, P.O. Box 1 Nakuru"):
        other.text(text)  # someone else's school, and a school nobody registered
        assert other.last.startswith("Booklets go to schools registered by their contact. To register ")
    phone = UssdPhone(app.test_client(), "0722500999")
    phone.dial().answer_all(SCHOOLS_MENU, BOOKLETS, "1", "40", "Moi Girls Eldoret", "Uasin Gishu", "P.O. Box 45")
    phone.assert_ended().assert_see("Booklets go to schools their contact registered. Register Moi Girls Eldoret first")
    assert requests(app) == []
    teacher.text(REQUEST.replace("Moi Girls Eldoret", "moi girls eldoret"))  # its contact, however typed
    with app.services.database.transaction() as session:
        school = registry.find_school(session, "Moi Girls Eldoret", "Uasin Gishu")
        assert session.scalars(select(BookletRequest.school_id)).all() == [school.id]
    assert [row.school for row in requests(app)] == ["Moi Girls Eldoret"]  # as the school was registered


def test_the_same_request_twice_is_one_request(app, teacher):
    teacher.text(REQUEST).text(REQUEST.replace("Moi Girls Eldoret", "moi girls  eldoret"))
    assert teacher.last == ("You already asked for Sexual violence booklets for Moi Girls Eldoret. "
                            "We will SMS you when it is approved.")
    assert len(requests(app)) == 1
    teacher.text(REQUEST.replace("RAPE", "ATT"))  # another booklet is another request
    assert [row.booklet for row in requests(app)] == ["sexual_violence", "att"]


def test_a_teacher_requests_booklets_on_ussd(app, run_jobs):
    Texter(app, app.test_client(), run_jobs, number="0722500200").text("MWALIMU Kapsabet Boys, Nandi, Kiprop")
    phone = UssdPhone(app.test_client(), "0722500200")
    phone.dial().answer(SCHOOLS_MENU).answer("98").assert_see("7. Teachers: booklets", "8. Essay competition")
    phone.answer(BOOKLETS).assert_see("Which booklet?").answer("2").assert_see("How many pupils")
    phone.answer("many").assert_see("Please type a number.")
    phone.answer("80").answer("Kapsabet Boys").answer("29").assert_see("delivery address")
    phone.answer("P.O. Box 9, Kapsabet").assert_ended().assert_see(
        "Request received: booklets for 80 pupils of Kapsabet Boys.")
    assert requests(app) == [("+254722500200", "torture", 80, "Kapsabet Boys", "Nandi", "P.O. Box 9, Kapsabet", "ussd",
                              "requested", None)]
    phone.dial().answer_all(SCHOOLS_MENU, BOOKLETS, "1", "500", "Kapsabet Boys", "Nandi", "P.O. Box 9")
    # Asked again, what was typed kept: not an END that loses the school, county and address.
    phone.assert_continues().assert_see("One request can be for 1 to 300 pupils. How many pupils need a booklet?")
    assert len(requests(app)) == 1
    phone.answer("301").assert_continues().assert_see("One request can be for 1 to 300 pupils.")
    phone.answer("120").assert_ended().assert_see("Request received: booklets for 120 pupils of Kapsabet Boys.")
    assert requests(app)[1] == ("+254722500200", "sexual_violence", 120, "Kapsabet Boys", "Nandi", "P.O. Box 9", "ussd",
                                "requested", None)


def test_staff_approve_and_dispatch_and_the_teacher_hears_at_each_step(app, teacher):
    teacher.text(REQUEST)
    editor = logged_in(app, "editor")
    page = editor.get("/console/booklets").get_data(as_text=True)
    assert "Uasin Gishu" in page
    page = editor.get("/console/booklets?county=Uasin Gishu").get_data(as_text=True)
    assert "Moi Girls Eldoret" in page and "P.O. Box 45 Eldoret" in page and "Approve" in page
    number = request_id(app)
    response = post(editor, f"/console/booklets/{number}/decide", {"quantity": "100", "county": "Uasin Gishu"})
    assert response.status_code == 302
    teacher.run_jobs(app)
    assert teacher.last == ("Good news: 100 Sexual violence booklets for Moi Girls Eldoret are approved. "
                            "We will SMS you when they are sent.")
    # A second click (two staff at once) changes nothing and sends nothing.
    post(editor, f"/console/booklets/{number}/decide", {"quantity": "50", "county": "Uasin Gishu"})
    assert post(editor, f"/console/booklets/{number}/dispatch", {"county": "Uasin Gishu"}).status_code == 302
    teacher.run_jobs(app)
    assert teacher.inbox[-2:] == [
        "Good news: 100 Sexual violence booklets for Moi Girls Eldoret are approved. We will SMS you when they are sent.",
        "100 Sexual violence booklets for Moi Girls Eldoret are on their way to: P.O. Box 45 Eldoret."]
    assert requests(app)[0].status == "dispatched"
    with app.services.database.transaction() as session:
        purposes = session.scalars(select(OutboundMessage.purpose).where(OutboundMessage.purpose == booklets.PURPOSE))
        assert len(purposes.all()) == 2
        assert session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("booklets.%"))
                               .order_by(AuditEntry.id)).all() == ["booklets.decide", "booklets.dispatch"]


def test_a_declined_request_is_told_and_cannot_be_dispatched(app, teacher):
    teacher.text(REQUEST)
    editor, number = logged_in(app, "editor"), request_id(app)
    post(editor, f"/console/booklets/{number}/decide", {"quantity": "0"})
    teacher.run_jobs(app)
    assert teacher.last.startswith("Sorry, we cannot send Sexual violence booklets to Moi Girls Eldoret")
    response = post(editor, f"/console/booklets/{number}/dispatch", {"county": "Uasin Gishu"}, follow_redirects=True)
    assert "is declined, not approved: nothing was changed" in response.get_data(as_text=True)
    assert post(editor, f"/console/booklets/{number}/decide", {"quantity": "lots"}).status_code == 400
    assert post(editor, "/console/booklets/999/dispatch").status_code == 302


def test_a_request_for_a_booklet_flows_no_longer_lists_is_still_decided_and_told(app, teacher):
    """Staff may drop a booklet from flows/catalog.yaml while requests for it wait: they are still
    shown, decided and told, by its code, never a 500."""
    teacher.text(REQUEST)
    number = request_id(app)
    with app.services.database.transaction() as session:  # as if made before the booklet was removed
        session.execute(update(BookletRequest).where(BookletRequest.id == number).values(booklet="retired_kind"))
    editor = logged_in(app, "editor")
    assert "retired_kind" in editor.get("/console/booklets?county=Uasin Gishu").get_data(as_text=True)
    assert post(editor, f"/console/booklets/{number}/decide", {"quantity": "10", "county": "Uasin Gishu"}).status_code == 302
    teacher.run_jobs(app)
    assert teacher.last == "Good news: 10 retired_kind booklets for Moi Girls Eldoret are approved. We will SMS you when they are sent."


def test_the_county_export_is_for_editors_and_audited(app, teacher):
    teacher.text(REQUEST)
    Texter(app, app.test_client(), teacher.run_jobs, number="0722500300").text(
        "TEACHER Nakuru High, Nakuru, Wanjiru").text("BOOKLET ATT 30 Nakuru High, Nakuru, P.O. Box 1 Nakuru")
    viewer = logged_in(app, "viewer")
    assert "Export" not in viewer.get("/console/booklets?county=Uasin Gishu").get_data(as_text=True)
    assert viewer.get("/console/booklets/Uasin Gishu/export.csv").status_code == 403
    assert post(viewer, f"/console/booklets/{request_id(app)}/decide", {"quantity": "5"}).status_code == 403
    editor = logged_in(app, "editor")
    assert editor.get("/console/booklets/Atlantis/export.csv").status_code == 404
    rows = list(csv.DictReader(io.StringIO(editor.get("/console/booklets/Uasin Gishu/export.csv").get_data(as_text=True))))
    assert [(r["county"], r["school"], r["delivery_address"], r["contact_phone"], r["booklet"], r["pupils"], r["status"])
            for r in rows] == [("Uasin Gishu", "Moi Girls Eldoret", "P.O. Box 45 Eldoret", "+254722500100",
                                "Sexual violence", "120", "requested")]
    with app.services.database.transaction() as session:
        assert session.scalars(select(AuditEntry.subject).where(AuditEntry.action == "booklets.export")).all() == [
            "county Uasin Gishu"]


def test_erasure_removes_a_teachers_requests(app, teacher):
    teacher.text(REQUEST)
    with app.services.database.write_transaction() as session:
        assert booklets.erase_phone(session, "+254722500100") == 1
    assert requests(app) == []
