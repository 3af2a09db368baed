"""Essay competitions, end to end: staff publish one in the console, students enter by SMS (ESSAY,
INSHA) or USSD with their school through the real webhooks, get the theme, a reminder a week and
a day before the deadline from the workers' sweep (one each, however often it runs, STOP
respected), and the results; staff export entrants per county and school (audited, no numbers).
The app's clock is a ManualClock: no test depends on the wall clock."""

import csv
import io

import pytest
from sqlalchemy import select

from sms_service.core.clock import ManualClock, parse_local_time
from sms_service.core.models import AuditEntry, EssayEntrant, OutboundMessage
from sms_service.domain.programmes import essays
from sms_service.domain.programmes.essay_timers import SWEEP_JOB
from sms_service.domain.schools import registry
from tests.console_helpers import logged_in, make_role_accounts, post
from tests.sms_phone import Texter
from tests.ussd_phone import UssdPhone
from workers.runner import queue_essay_sweep

SCHOOLS_MENU, ESSAY = "8", "8"
COMPETITION = {
    "title_en": "Haki Essay 2026", "title_sw": "Insha ya Haki 2026",
    "theme_en": "What would a Kenya free of torture look like?",
    "theme_sw": "Kenya isiyo na mateso ingekuwaje?",
    "deadline": "2026-12-20 17:00", "submission": "email", "submit_email": "insha@example.org",
}
ENTERED = ("You are entered in Haki Essay 2026. Theme: What would a Kenya free of torture look like? "
           "Deadline: 20 Dec 2026 17:00. Email your essay and your school's name to insha@example.org.")


# Schools whose contact registered them and confirmed guardians' consent (as in the console).
CONSENTED = (("Moi Girls Eldoret", "Uasin Gishu"), ("Kapsabet Boys", "Nandi"), ("Nakuru High", "Nakuru"))


@pytest.fixture
def app(live_app):
    app = live_app(clock=ManualClock(parse_local_time("2026-12-01 10:00")))
    make_role_accounts(app)
    with app.services.database.write_transaction() as session:
        for index, (school, county) in enumerate(CONSENTED):
            registry.register_contact(session, school, county, "Teacher", f"+25472290000{index}", "console",
                                      app.services.clock.now(), consent=True)
    return app


def student(app, run_jobs, number):
    return Texter(app, app.test_client(), run_jobs, number=number)


def publish(app, **changes):
    return post(logged_in(app, "editor"), "/console/essays", dict(COMPETITION, **changes))


def competition_id(app):
    with app.services.database.transaction() as session:
        return session.scalars(select(essays.EssayCompetition.id).order_by(essays.EssayCompetition.id.desc())).first()


def sweep(app, run_jobs, times=1):
    for _ in range(times):
        app.services.queue.enqueue(SWEEP_JOB)
    run_jobs(app)


def sent(app, purpose):
    with app.services.database.transaction() as session:
        return session.execute(select(OutboundMessage.phone, OutboundMessage.text)
                               .where(OutboundMessage.purpose == purpose).order_by(OutboundMessage.id)).all()


def test_a_student_enters_by_sms_with_their_school(app, run_jobs):
    assert publish(app).status_code == 302
    amina = student(app, run_jobs, "0733600100")
    amina.text("ESSAY")
    assert amina.last.startswith("To enter the essay competition text ESSAY, your school, a comma and your county")
    amina.text("ESSAY Moi Girls Eldoret, Uasin Gishu")
    assert amina.last == ENTERED
    amina.text("essay")
    assert amina.last == ENTERED.replace("You are entered", "You are already entered")
    juma = student(app, run_jobs, "0733600200")
    juma.text("SHULE Kapsabet Boys, Nandi").text("LUGHA SW").text("INSHA")
    assert juma.last == ("Umesajiliwa kwa Insha ya Haki 2026. Mada: Kenya isiyo na mateso ingekuwaje? Mwisho: "
                         "20 Dec 2026 17:00. Tuma insha yako na jina la shule kwa barua pepe insha@example.org.")
    with app.services.database.transaction() as session:
        assert session.execute(select(EssayEntrant.phone, EssayEntrant.school, EssayEntrant.county, EssayEntrant.channel)
                               .order_by(EssayEntrant.id)).all() == [
            ("+254733600100", "Moi Girls Eldoret", "Uasin Gishu", "sms"), ("+254733600200", "Kapsabet Boys", "Nandi", "sms")]


def entrants(app):
    with app.services.database.transaction() as session:
        return session.execute(select(EssayEntrant.phone, EssayEntrant.school_id).order_by(EssayEntrant.id)).all()


def test_only_students_of_a_school_whose_contact_confirmed_guardians_consent_enter(app, run_jobs):
    """Data Protection Act 2019 s.33: a student enters only through a school whose contact confirmed
    guardians' consent; until then both channels say so and nothing is kept."""
    publish(app)
    amina = student(app, run_jobs, "0733600500").text("ESSAY Kisumu Girls, Kisumu")
    assert amina.last == ("Your school is not registered for the competition yet. "
                          "Ask a teacher to text TEACHER to register it, then text ESSAY again.")
    phone = UssdPhone(app.test_client(), "0733600600")
    phone.dial().answer_all(SCHOOLS_MENU, ESSAY, "Kisumu girls", "Kisumu").assert_ended().assert_see(
        "Your school is not registered for the competition yet.")
    teacher = student(app, run_jobs, "0722900100").text("TEACHER Kisumu Girls, Kisumu, Jane Atieno")
    amina.text("ESSAY")  # registered, but guardians' consent not yet confirmed
    assert amina.last.startswith("Your school is not registered for the competition yet.")
    assert entrants(app) == []
    teacher.text("TEACHER YES")
    amina.text("ESSAY")
    assert amina.last.startswith("You are entered in Haki Essay 2026.")
    phone.dial().answer_all(SCHOOLS_MENU, ESSAY).assert_ended().assert_see("You are entered in Haki Essay 2026.")
    with app.services.database.transaction() as session:
        kisumu = registry.find_school(session, "Kisumu Girls", "Kisumu").id
    assert entrants(app) == [("+254733600500", kisumu), ("+254733600600", kisumu)]


def test_no_competition_open_is_said_plainly(app, run_jobs):
    amina = student(app, run_jobs, "0733600100")
    amina.text("ESSAY Moi Girls, Nakuru")
    assert amina.last == "There is no essay competition open now. We will announce the next one."
    phone = UssdPhone(app.test_client(), "0733600300")
    phone.dial().answer_all(SCHOOLS_MENU, ESSAY).assert_ended().assert_see("There is no essay competition open now.")


def test_a_student_enters_on_ussd_and_gets_the_theme_by_sms(app, run_jobs):
    publish(app, submission="paper", submit_email="")
    phone = UssdPhone(app.test_client(), "0733600400")
    phone.dial().answer(SCHOOLS_MENU).answer(ESSAY).assert_see("Essay competition: type your school's name.")
    phone.answer("Nakuru High").answer("Nakuru").assert_ended().assert_see(
        "You are entered in Haki Essay 2026. Deadline: 20 Dec 2026 17:00.")
    phone.dial().answer_all(SCHOOLS_MENU, ESSAY).assert_ended().assert_see("You are already entered in Haki Essay 2026.")
    sweep(app, run_jobs, times=2)
    texter = student(app, run_jobs, "0733600400")
    assert texter.inbox == ["You are entered in Haki Essay 2026. Theme: What would a Kenya free of torture look like? "
                            "Deadline: 20 Dec 2026 17:00. Give your essay, on paper, to your teacher to send to us."]
    # The essay screens registered the school, for the quiz leaderboards too.
    phone.dial().answer_all(SCHOOLS_MENU, "4", "Other School", "Nakuru").assert_see(
        "already registered with Nakuru High, Nakuru")


def test_reminders_a_week_and_a_day_before_once_each_and_stop_is_respected(app, run_jobs):
    publish(app)
    amina, juma = student(app, run_jobs, "0733600100"), student(app, run_jobs, "0733600200")
    amina.text("ESSAY Moi Girls Eldoret, Uasin Gishu")
    juma.text("ESSAY Kapsabet Boys, Nandi")
    clock = app.services.clock
    sweep(app, run_jobs)
    assert sent(app, essays.REMINDER_PURPOSE) == []
    clock.advance(minutes=int((parse_local_time("2026-12-13 17:05") - clock.now()).total_seconds() // 60))
    juma.text("STOP")
    sweep(app, run_jobs, times=3)
    reminder = ("Reminder: Haki Essay 2026 closes on 20 Dec 2026 17:00. Theme: What would a Kenya free of torture "
                "look like? Email your essay and your school's name to insha@example.org.")
    assert amina.last == reminder
    assert [phone for phone, _ in sent(app, essays.REMINDER_PURPOSE)] == ["+254733600100", "+254733600200"]
    assert juma.last == "You will get no more messages from Haki Yetu. Text JOIN to subscribe again."  # not the reminder
    clock.advance(days=6)
    sweep(app, run_jobs, times=2)
    assert amina.inbox.count(reminder) == 2
    assert len(sent(app, essays.REMINDER_PURPOSE)) == 4
    # Queued by the workers' clock, once per interval however many workers ask.
    assert queue_essay_sweep(app.services) and not queue_essay_sweep(app.services)


def test_a_competition_published_days_before_its_deadline_skips_the_week_reminder(app, run_jobs):
    publish(app, deadline="2026-12-04 17:00")
    amina = student(app, run_jobs, "0733600100").text("ESSAY Moi Girls Eldoret, Uasin Gishu")
    sweep(app, run_jobs)
    assert sent(app, essays.REMINDER_PURPOSE) == []
    app.services.clock.advance(days=2, hours=7, minutes=5)  # 3 Dec 17:05, a day before
    sweep(app, run_jobs, times=2)
    assert [text[:40] for _, text in sent(app, essays.REMINDER_PURPOSE)] == ["Reminder: Haki Essay 2026 closes on 04 D"]
    assert amina.last.startswith("Reminder:")


def test_results_go_to_every_entrant_once_after_the_deadline(app, run_jobs):
    publish(app)
    amina = student(app, run_jobs, "0733600100").text("ESSAY Moi Girls Eldoret, Uasin Gishu")
    juma = student(app, run_jobs, "0733600200").text("LANG SW").text("INSHA Kapsabet Boys, Nandi")
    editor, number = logged_in(app, "editor"), competition_id(app)
    results = {"results_en": "Winners: Moi Girls Eldoret (1st), Kapsabet Boys (2nd). Thank you all!",
               "results_sw": "Washindi: Moi Girls Eldoret (1), Kapsabet Boys (2). Asanteni nyote!"}
    page = post(editor, f"/console/essays/{number}/announce", results, follow_redirects=True).get_data(as_text=True)
    assert "Results can be announced after the deadline." in page
    app.services.clock.advance(days=20)
    amina.text("ESSAY")
    assert amina.last == "There is no essay competition open now. We will announce the next one."
    post(editor, f"/console/essays/{number}/announce", results)
    post(editor, f"/console/essays/{number}/announce", results)  # a second click sends nothing
    run_jobs(app)
    assert amina.last == "Haki Essay 2026 results: Winners: Moi Girls Eldoret (1st), Kapsabet Boys (2nd). Thank you all!"
    assert juma.last == "Matokeo ya Insha ya Haki 2026: Washindi: Moi Girls Eldoret (1), Kapsabet Boys (2). Asanteni nyote!"
    assert len(sent(app, essays.RESULTS_PURPOSE)) == 2


@pytest.mark.parametrize("changes, reason", [
    ({"theme_sw": ""}, "The theme needs a sw text."),
    ({"deadline": "2026-11-30 17:00"}, "The deadline must be in the future."),
    ({"deadline": "next week"}, "is not a time like 2026-12-01 09:30"),
    # The attack: open for years (9999-12-31 23:59 was accepted), it blocks every other competition.
    ({"deadline": "2099-12-31 23:59"}, "The deadline must be within 2 years: 2028-11-30 10:00 EAT at the latest."),
    ({"deadline": "2028-11-30 10:01"}, "The deadline must be within 2 years"),
    ({"submit_email": "not an address"}, "Give the email address essays go to"),
    ({"submission": "fax"}, "Say how essays are submitted"),
    ({"theme_en": "W" * 101}, "The en theme is over 100 characters."),
])
def test_a_competition_that_cannot_be_published_is_refused_with_the_reason(app, changes, reason):
    response = publish(app, **changes)
    assert response.status_code == 400 and reason in response.get_data(as_text=True)
    assert competition_id(app) is None


def test_a_deadline_two_years_ahead_is_the_latest_accepted(app):
    assert publish(app, deadline="2028-11-30 10:00").status_code == 302
    assert competition_id(app) is not None


def test_one_competition_open_at_a_time_and_viewers_only_read(app):
    publish(app)
    response = publish(app, title_en="Another")
    assert response.status_code == 400 and "Another competition is still open" in response.get_data(as_text=True)
    viewer = logged_in(app, "viewer")
    assert "Haki Essay 2026" in viewer.get("/console/essays").get_data(as_text=True)
    assert post(viewer, "/console/essays", COMPETITION).status_code == 403
    assert viewer.get(f"/console/essays/{competition_id(app)}/export.csv").status_code == 403


def test_entrants_per_school_and_county_exported_without_numbers_and_audited(app, run_jobs):
    publish(app)
    for number, school in (("0733600100", "Moi Girls Eldoret, Uasin Gishu"), ("0733600200", "Kapsabet Boys, Nandi"),
                           ("0733600300", "moi girls  eldoret, Uasin Gishu")):
        student(app, run_jobs, number).text(f"ESSAY {school}")
    editor, number = logged_in(app, "editor"), competition_id(app)
    page = editor.get(f"/console/essays/{number}").get_data(as_text=True)
    assert "<td>Nandi</td><td>Kapsabet Boys</td><td class=\"num\">1</td>" in page
    assert "<td>Uasin Gishu</td><td>Moi Girls Eldoret</td><td class=\"num\">2</td>" in page
    body = editor.get(f"/console/essays/{number}/export.csv").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(body)))
    assert [(r["county"], r["school"]) for r in rows] == [
        ("Nandi", "Kapsabet Boys"), ("Uasin Gishu", "Moi Girls Eldoret"), ("Uasin Gishu", "Moi Girls Eldoret")]
    assert all(r["entrant"].startswith("Contact ") for r in rows) and "+2547" not in body
    assert editor.get("/console/essays/999/export.csv").status_code == 404
    with app.services.database.transaction() as session:
        assert session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("essays.%"))
                               .order_by(AuditEntry.id)).all() == ["essays.publish", "essays.export"]
        assert essays.erase_phone(session, "+254733600100") == 1
