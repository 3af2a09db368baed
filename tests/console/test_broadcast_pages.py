"""The broadcast composer and a broadcast's page: preview (recipients, segments, cost, schedule,
quiet hours), confirm, refusals with the reason, pause/resume/cancel, and the audit log."""

import io

import pytest
from sqlalchemy import select

from sms_service.core.models import AuditEntry, Broadcast
from tests.console_helpers import post
from tests.seeding import seed_subscribers

COMPOSE = "/console/broadcasts/new"
CONSENTED = {"consent_basis": "Signed the festival list, Kisumu ASK show, 2026-11-20", "consent_confirmed": "on"}


def form(**fields):
    base = {"name": "ATT week", "audience": "topics", "topics": ["torture"], "text_en": "Sign for the ATT",
            "text_sw": "", "when": "now", "repeat": "", "step": "preview"}
    return {**base, **fields}


def saved(app):
    with app.services.database.transaction() as session:
        return session.scalars(select(Broadcast).order_by(Broadcast.id)).all()


def audit_actions(app):
    with app.services.database.transaction() as session:
        return [(entry.actor, entry.action) for entry in session.scalars(select(AuditEntry).order_by(AuditEntry.id))
                if entry.action != "login"]


def test_preview_shows_recipients_per_language_segments_and_cost_and_saves_nothing(app, as_role):
    database = app.services.database
    seed_subscribers(database, 30, language="sw")
    seed_subscribers(database, 10, language="en", start=30)
    text_sw = "Kenya bado haijaridhia Mkataba wa Biashara ya Silaha. " * 4  # 216 characters: two segments
    page = post(as_role("editor"), COMPOSE, form(text_sw=text_sw)).get_data(as_text=True)
    assert '<strong id="recipients">40</strong>' in page
    assert "Kiswahili: 30 × 2 segment(s), GSM-7" in page and "English: 10 × 1 segment(s), GSM-7" in page
    assert "70 segments; estimated cost <strong id=\"cost\">KES 56.00</strong>" in page
    assert saved(app) == [] and audit_actions(app) == []


def test_confirm_saves_audits_and_asks_a_worker_to_start(app, as_role):
    seed_subscribers(app.services.database, 5)
    response = post(as_role("editor"), COMPOSE, form(step="confirm"))
    [broadcast] = saved(app)
    assert response.location == f"/console/broadcasts/{broadcast.id}"
    assert (broadcast.name, broadcast.status, broadcast.created_by, broadcast.topics) == ("ATT week", "scheduled", "eddie", ["torture"])
    assert audit_actions(app) == [("eddie", "broadcast.send")]
    assert app.services.queue.fetch_job("broadcasts-tick") is not None


def test_a_later_time_is_scheduled_with_the_quiet_hours_notice(make_app):
    app = make_app(BROADCAST_SEND_WINDOW="08:00-18:00")
    from tests.console_helpers import logged_in, make_account
    make_account(app, "eddie", "editor")
    client = logged_in(app, "editor")
    page = post(client, COMPOSE, form(when="at", send_at="2099-12-01T20:30")).get_data(as_text=True)
    assert "Sends: <strong id=\"sends\">2099-12-01 20:30 EAT</strong>" in page
    assert "outside 08:00-18:00 EAT it waits until 2099-12-02 08:00 EAT" in page
    response = post(client, COMPOSE, form(when="at", send_at="2099-12-01T20:30", step="confirm", repeat="weekly"))
    assert response.status_code == 302
    [broadcast] = saved(app)
    assert (broadcast.status, broadcast.recurrence) == ("recurring", "weekly")
    assert audit_actions(app) == [("eddie", "broadcast.schedule")]


@pytest.mark.parametrize("fields, reason", [
    ({"text_en": "", "text_sw": "Habari"}, "an English text is required"),
    ({"topics": []}, "choose at least one topic"),
    ({"topics": ["whales"]}, "no such topic: whales"),
    ({"name": "  "}, "give the broadcast a name"),
    ({"when": "at", "send_at": "next tuesday"}, "is not a time like"),
    ({"when": "at", "send_at": "0001-01-01T00:00"}, "is not a time like"),
    ({"when": "at", "send_at": "9999-12-31T23:59"}, "on a day from 2000-01-01 to 2099-12-31"),  # quiet: the next day
    ({"text_en": "x" * 1601}, "the en text is over 1600 characters"),
    ({"repeat": "cron", "cron": "every day"}, "is not daily, weekly"),
    ({"repeat": "cron", "cron": "0 0 30 2 *"}, "never falls due"),  # was a 500 (CroniterBadDateError)
    ({"repeat": "hourly"}, "choose how it repeats"),
    ({"county": "Atlantis"}, "no Kenyan county"),
    ({"audience": "list", **CONSENTED}, "choose a CSV file"),
    ({"audience": "list", "list_token": "gone", **CONSENTED}, "the uploaded list has expired"),
    ({"audience": "list", "consent_basis": "They signed up at the stall"}, "confirm that every person on the list agreed"),
    ({"quiz": "football", "text_en": ""}, "no such quiz: football"),
    ({"quiz": "att"}, "give no text of your own"),
    ({"topics": [], "school": "  "}, "choose at least one topic, a school"),
])
def test_a_broadcast_that_cannot_be_is_refused_with_the_reason(app, as_role, fields, reason):
    response = post(as_role("editor"), COMPOSE, form(step="confirm", **fields))
    assert response.status_code == 400
    assert reason in response.get_data(as_text=True)
    assert saved(app) == []


def test_a_csv_list_is_read_once_and_confirmed_without_uploading_again(app, as_role):
    client = as_role("editor")
    upload = (io.BytesIO(b"name,phone\nAmina,0711000001\nJuma,not a number\nAli,0711000002\n"), "festival.csv")
    page = post(client, COMPOSE, form(audience="list", topics=[], numbers=upload, **CONSENTED),
                content_type="multipart/form-data").get_data(as_text=True)
    assert "List read: 2 numbers." in page and "row 3: &#39;not a number&#39;" in page
    assert '<strong id="recipients">2</strong>' in page
    token = page.split('name="list_token" value="')[1].split('"')[0]
    response = post(client, COMPOSE, form(audience="list", topics=[], list_token=token, step="confirm", **CONSENTED))
    assert response.status_code == 302
    [broadcast] = saved(app)
    assert (broadcast.uses_list, broadcast.consent_basis) == (True, CONSENTED["consent_basis"])
    shown = client.get(response.location).get_data(as_text=True)
    assert f"Consent of the people on the list, as stated: {CONSENTED['consent_basis']}" in shown
    with app.services.database.transaction() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "broadcast.send")).one()
        assert entry.detail["consent_basis"] == CONSENTED["consent_basis"]


@pytest.mark.parametrize("basis", ["", "   ", "we asked them"])
def test_a_csv_list_without_a_stated_consent_basis_is_refused(app, as_role, basis):
    upload = (io.BytesIO(b"phone\n0711000001\n"), "festival.csv")
    response = post(as_role("editor"), COMPOSE, form(audience="list", topics=[], numbers=upload, consent_confirmed="on",
                                                     consent_basis=basis, step="confirm"),
                    content_type="multipart/form-data")
    assert response.status_code == 400
    assert "say how the people on the CSV list agreed to these messages" in response.get_data(as_text=True)
    assert saved(app) == []


def register_students(app, school, numbers, county="Uasin Gishu"):
    from sms_service.domain.quizzes.schools import register_school
    with app.services.database.transaction() as session:
        for number in numbers:
            register_school(session, number, school, county, "en")


def test_a_school_audience_reaches_its_students_and_is_offered_by_name(app, as_role):
    register_students(app, "Moi Girls Eldoret", ["+254722100001", "+254722100002"])
    register_students(app, "Kapsabet Boys", ["+254722100003"])
    client = as_role("editor")
    assert '<option value="Kapsabet Boys"><option value="Moi Girls Eldoret">' in client.get(COMPOSE).get_data(as_text=True)
    page = post(client, COMPOSE, form(topics=[], school="moi  girls ELDORET")).get_data(as_text=True)
    assert '<strong id="recipients">2</strong>' in page
    response = post(client, COMPOSE, form(topics=[], school="moi  girls ELDORET", step="confirm"))
    [broadcast] = saved(app)
    assert (broadcast.school, broadcast.topics) == ("moi girls ELDORET", [])
    assert "Audience: school moi girls ELDORET" in client.get(response.location).get_data(as_text=True)


def test_a_quiz_push_previews_the_quizs_opening_and_saves_the_quiz(app, as_role):
    register_students(app, "Moi Girls Eldoret", ["+254722100001"])
    client = as_role("editor")
    fields = form(topics=[], school="Moi Girls Eldoret", quiz="att", text_en="")
    page = post(client, COMPOSE, fields).get_data(as_text=True)
    assert '<strong id="recipients">1</strong>' in page
    assert "Arms Trade Treaty quiz (4 questions):\nQ1/4 When did the Arms Trade Treaty" in page
    response = post(client, COMPOSE, {**fields, "step": "confirm"})
    assert response.status_code == 302
    [broadcast] = saved(app)
    assert broadcast.quiz == "att" and broadcast.texts["en"].startswith("Arms Trade Treaty quiz")
    assert "Audience: school Moi Girls Eldoret; quiz att" in client.get(response.location).get_data(as_text=True)


def test_the_counter_names_what_forces_ucs2_and_offers_gsm7(app, as_role):
    client = as_role("editor")
    plain = post(client, "/console/broadcasts/describe", {"text": "Sign for the ATT"}).get_json()
    assert (plain["encoding"], plain["segments"], plain["forcing_ucs2"]) == ("GSM-7", 1, [])
    curly = post(client, "/console/broadcasts/describe", {"text": "Kenya\u2019s \u201cATT\u201d " + "x" * 60}).get_json()
    assert (curly["encoding"], curly["segments"]) == ("UCS-2", 2)
    assert curly["forcing_ucs2"] == ["'\u2019' (U+2019)", "'\u201c' (U+201C)", "'\u201d' (U+201D)"]
    assert curly["gsm7_suggestion"] == "Kenya's \"ATT\" " + "x" * 60


@pytest.mark.parametrize("text, encoding, segments", [
    ("a" * 152 + "[" + "a" * 152, "GSM-7", 3),  # an escape pair never straddles two parts
    ("a" * 66 + "\U0001F600" + "a" * 66, "UCS-2", 3),  # nor does a surrogate pair
])
def test_the_counter_and_the_preview_count_packed_parts(app, as_role, text, encoding, segments):
    client = as_role("editor")
    counted = post(client, "/console/broadcasts/describe", {"text": text}).get_json()
    assert (counted["encoding"], counted["segments"]) == (encoding, segments)
    seed_subscribers(app.services.database, 10)
    page = post(client, COMPOSE, form(text_en=text)).get_data(as_text=True)
    assert f"English: 10 × {segments} segment(s), {encoding}" in page
    assert f"{10 * segments} segments; estimated cost" in page


@pytest.mark.parametrize("text, warned", [
    ("STOP", True), ("Stop!", True), ("End.", True), ("Please unsubscribe", True), ("REVOKE", True), ("Nitoe", True),
    ("Acha tafadhali", True), ("Stop torture now: join the forum at 2pm", False),
    ("End sexual violence. GBV help: call 1195", False), ("Acha mateso! Tuma JIUNGE MATESO", False), ("", False),
])
def test_the_counter_warns_when_a_text_texted_back_would_opt_out(app, as_role, text, warned):
    report = post(as_role("editor"), "/console/broadcasts/describe", {"text": text}).get_json()
    assert (report["opt_out_warning"] is not None) == warned
    if warned:
        assert report["opt_out_warning"].startswith("a recipient who texts this back would be opted out of everything")


def test_the_preview_warns_which_text_reads_as_an_opt_out(app, as_role):
    seed_subscribers(app.services.database, 2)
    client = as_role("editor")
    page = post(client, COMPOSE, form(text_en="Stop torture now!", text_sw="Acha!")).get_data(as_text=True)
    assert '<p class="warning" id="opt-out-warning">The Kiswahili text reads as an opt-out' in page
    page = post(client, COMPOSE, form(text_en="Stop torture now!", text_sw="Acha mateso!")).get_data(as_text=True)
    assert 'id="opt-out-warning"' not in page and '<strong id="recipients">2</strong>' in page


def test_pause_resume_and_cancel_from_the_broadcast_page_are_audited(app, as_role):
    seed_subscribers(app.services.database, 3)
    client = as_role("editor")
    post(client, COMPOSE, form(step="confirm", when="at", send_at="2099-01-01T09:00"))
    [broadcast] = saved(app)
    page = f"/console/broadcasts/{broadcast.id}"
    for action, status in (("pause", "paused"), ("resume", "scheduled"), ("cancel", "cancelled")):
        assert post(client, f"{page}/{action}").location == page
        assert client.get(f"{page}/progress.json").get_json()["status"] == status
    refused = post(client, f"{page}/pause", follow_redirects=True).get_data(as_text=True)
    assert "Nothing changed: broadcast" in refused and "only a running, scheduled or recurring one can be paused" in refused
    assert [action for _, action in audit_actions(app)] == [
        "broadcast.schedule", "broadcast.pause", "broadcast.resume", "broadcast.cancel"]


def test_an_unknown_broadcast_is_a_clear_404(app, as_role):
    client = as_role("viewer")
    for url in ("/console/broadcasts/999", "/console/broadcasts/999/progress.json"):
        response = client.get(url)
        assert response.status_code == 404 and "There is no broadcast 999" in response.get_data(as_text=True)


def test_a_worker_sends_what_the_console_created_and_the_page_shows_it_done(live_app, run_jobs):
    from tests.broadcast_helpers import BROADCAST_SETTINGS
    from tests.console_helpers import logged_in, make_role_accounts

    app = live_app(**BROADCAST_SETTINGS)
    make_role_accounts(app)
    seed_subscribers(app.services.database, 12)
    client = logged_in(app, "editor")
    location = post(client, COMPOSE, form(step="confirm")).location
    assert run_jobs(app)
    figures = client.get(f"{location}/progress.json").get_json()
    assert (figures["status"], figures["total"], figures["counts"]["sent"], figures["done"]) == ("completed", 12, 12, 100)
    page = client.get(location).get_data(as_text=True)
    assert 'data-moving="no"' in page and 'data-count="sent">12<' in page
