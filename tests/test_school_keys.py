"""One school however it is typed: students who type `'`, `’` or a backtick register one school
(per county), a broadcast to it reaches them all, the leaderboard has one row, and the data
migration merges existing rows by exact key only."""

import importlib.util

import pytest
from sqlalchemy import insert, select, update

from sms_service.core.config import PROJECT_ROOT
from sms_service.core.models import Subscriber
from sms_service.domain.quizzes.results import quiz_results
from tests.broadcast_helpers import make_broadcast, received, send_now
from tests.sms_phone import Texter
from tests.ussd_phone import UssdPhone

MIGRATION = PROJECT_ROOT / "sms_service" / "core" / "migrations" / "versions" / "0006_school_keys.py"
TYPED = [  # number, what the student typed after SCHOOL
    ("0722500001", "St. Mary's Girls, Nairobi"),
    ("0722500002", "St. Mary\u2019s Girls, Nairobi"),
    ("0722500003", "st. mary`s girls,  nairobi"),
    ("0722500004", "St Marys Girls, Kisumu"),  # the same name in another county: another school
    ("0722500005", "St. Mary Girls, Nairobi"),  # one letter apart: another school, never a fuzzy match
]


def schools(app):
    with app.services.database.transaction() as session:
        return session.execute(select(Subscriber.phone, Subscriber.school, Subscriber.county, Subscriber.school_key)
                               .where(Subscriber.school.is_not(None)).order_by(Subscriber.phone)).all()


@pytest.fixture
def registered(live_app, run_jobs):
    app = live_app()
    client = app.test_client()
    students = {number: Texter(app, client, run_jobs, number=number).text(f"SCHOOL {typed}") for number, typed in TYPED}
    return app, students


def test_one_school_per_key_and_county_shown_as_first_typed(registered):
    app, students = registered
    assert schools(app) == [
        ("+254722500001", "St. Mary's Girls", "Nairobi", "saint marys girls"),
        ("+254722500002", "St. Mary's Girls", "Nairobi", "saint marys girls"),
        ("+254722500003", "St. Mary's Girls", "Nairobi", "saint marys girls"),
        ("+254722500004", "St Marys Girls", "Kisumu", "saint marys girls"),
        ("+254722500005", "St. Mary Girls", "Nairobi", "saint mary girls"),
    ]
    assert students["0722500003"].last == "Registered: St. Mary's Girls, Nairobi. Your quiz scores now count for your school."


@pytest.mark.parametrize("school, county, reached", [
    ("St. Mary's Girls", "Nairobi", ["0722500001", "0722500002", "0722500003"]),
    ("ST MARY\u2019S GIRLS", None, ["0722500001", "0722500002", "0722500003", "0722500004"]),
    ("St. Mary Girls", None, ["0722500005"]),
])
def test_a_broadcast_to_a_school_reaches_every_way_it_was_typed(registered, school, county, reached):
    app, _ = registered
    send_now(app, make_broadcast(app, texts={"en": "Forum at 2pm"}, school=school, county=county, urgent=True))
    assert [number for number, _ in TYPED if "Forum at 2pm" in received(app, "+254" + number[1:])] == reached


def test_the_leaderboard_has_one_row_per_school(app):
    client = app.test_client()
    for number, school, answers in [("+254722600001", "Moi Girls' High", "2212"), ("+254722600002", "moi girls\u2019 high", "1211"),
                                    ("+254722600003", "MOI GIRLS` HIGH", "2211")]:
        phone = UssdPhone(client, number)
        phone.dial().answer_all("8", "4", school, "Uasin Gishu").assert_see("Registered: Moi Girls' High, Uasin Gishu.")
        phone.dial().answer_all("8", "1")
        for choice in answers:
            phone.answer_all(choice, "1")
    book = app.services.flow_book
    with app.services.database.transaction() as session:
        found = quiz_results(session, book.quizzes.quizzes["att"], "en")
    assert [(group.name, group.takers, group.best) for group in found.schools] == [("Moi Girls' High, Uasin Gishu", 3, 4)]


def _migration():
    spec = importlib.util.spec_from_file_location("school_keys_migration", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_data_migration_merges_by_exact_key_and_county_and_says_what_it_merged(database):
    rows = [  # as stored before the migration: no key, each as typed
        ("+254722700001", "St. Mary's Girls", "Nairobi"), ("+254722700002", "St. Mary\u2019s Girls", "Nairobi"),
        ("+254722700003", "ST MARYS GIRLS", "Nairobi"), ("+254722700004", "St. Mary\u2019s Girls", "Kisumu"),
        ("+254722700005", "St. Mary Girls", "Nairobi"), ("+254722700006", "Kenya High", None),
        ("+254722700007", None, "Nairobi"),
    ]
    with database.engine.begin() as connection:
        connection.execute(insert(Subscriber), [dict(phone=phone, language="en", school=school, county=county)
                                                for phone, school, county in rows])
        connection.execute(update(Subscriber).values(school_key=None))
        printed = []
        _migration().merge_schools(connection, report=printed.append)
        after = connection.execute(select(Subscriber.phone, Subscriber.school, Subscriber.school_key)
                                   .order_by(Subscriber.phone)).all()
    assert printed == ["merged school 'ST MARYS GIRLS', 'St. Mary\u2019s Girls' into \"St. Mary's Girls\" (Nairobi): 2 student(s)"]
    assert after == [
        ("+254722700001", "St. Mary's Girls", "saint marys girls"),
        ("+254722700002", "St. Mary's Girls", "saint marys girls"),
        ("+254722700003", "St. Mary's Girls", "saint marys girls"),
        ("+254722700004", "St. Mary\u2019s Girls", "saint marys girls"),
        ("+254722700005", "St. Mary Girls", "saint mary girls"),
        ("+254722700006", "Kenya High", "kenya high"),
        ("+254722700007", None, None),
    ]
