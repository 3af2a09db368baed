"""Whole USSD journeys through POST /ussd, on a real Redis and a real database."""

import json
import threading

import pytest
from sqlalchemy import func, select

from sms_service.core.models import Consent, PetitionSignature, Subscriber, Subscription
from tests.ussd_phone import UssdPhone

CALLER = "+254712345678"  # what "0712345678" becomes at the edge


def count(database, model, **where):
    with database.transaction() as session:
        query = select(func.count()).select_from(model).filter_by(**where)
        return session.execute(query).scalar_one()


def rows(database, model):
    with database.transaction() as session:
        return session.execute(select(model)).scalars().all()


def test_first_hop_shows_the_home_menu(phone):
    phone.dial().assert_continues().assert_see(
        "Haki Yetu", "1. Stop torture", "3. Arms Trade Treaty", "4. Sign ATT petition", "7. About us"
    )


@pytest.mark.parametrize(
    "answers, expected",
    [
        (["1", "1"], "Article"),
        (["1", "2"], "Medico-Legal"),
        (["1", "3"], "IPOA"),
        (["1", "4"], "2017"),
        (["1", "5"], "KNCHR"),
        (["2", "1"], "Offences"),
        (["2", "2"], "essay"),
        (["2", "3"], "1195"),
        (["3", "1"], "2013"),
        (["3", "2"], "ratified"),
        (["7"], "2019"),
    ],
)
def test_every_campaign_page_is_reachable(phone, answers, expected):
    phone.dial().answer_all(*answers)
    # Long texts are paged: read on with 98 until the word shows or the pages run out.
    for _ in range(6):
        if expected in phone.screen:
            break
        phone.answer("98")
    phone.assert_see(expected).assert_continues()


def test_info_text_is_paged_with_more_and_back(phone):
    phone.dial().answer_all("1", "1").assert_see("98 More", "0 Back 00 Home")
    first_page = phone.screen
    phone.answer("98").assert_see("0 Back")
    second_page = phone.screen
    assert second_page != first_page
    phone.answer("0")
    assert phone.screen == first_page  # Back steps to the previous page first
    phone.answer("0").assert_see("Ending torture and impunity", "1. What is torture?")
    phone.answer("00").assert_see("Haki Yetu", "7. About us")


def test_more_past_the_last_page_is_refused_not_fatal(phone):
    phone.dial().answer_all("3", "1")
    while "98 More" in phone.screen:
        phone.answer("98")
    phone.answer("98").assert_continues().assert_see("Invalid choice.", "0 Back 00 Home")


def test_signing_the_att_petition_keeps_a_durable_signature_with_consent(phone, database):
    phone.dial().answer("4").assert_see("Type your full name")
    phone.answer("Wanjiku Kamau").assert_see("Type your county")
    phone.answer("nyeri").assert_see("Agree?", "1. Yes, sign")
    phone.answer("1").assert_ended().assert_see("Thank you, Wanjiku Kamau of Nyeri!")

    [signature] = rows(database, PetitionSignature)
    assert (signature.petition, signature.full_name, signature.county, signature.channel) == (
        "att", "Wanjiku Kamau", "Nyeri", "ussd"
    )
    assert signature.consent_at is not None
    [consent] = rows(database, Consent)
    assert (consent.purpose, consent.granted, consent.channel) == ("petition:att", True, "ussd")
    [subscriber] = rows(database, Subscriber)
    # The county is kept with the signature only, as the consent screen promises.
    assert (subscriber.phone, subscriber.county) == (CALLER, None)


def test_one_signature_per_number_per_petition(phone, database):
    phone.dial().answer_all("4", "Wanjiku Kamau", "19", "1").assert_see("Thank you")
    # Signed already: told so at once, before typing a name.
    phone.dial().answer_all("3", "3").assert_ended().assert_see("already signed")
    phone.dial().answer("4").assert_ended().assert_see("already signed")
    assert count(database, PetitionSignature) == 1


def test_two_sessions_signing_at_once_make_one_signature(client, database):
    first, second = UssdPhone(client, "0712345678"), UssdPhone(client, "0712345678")
    first.dial().answer_all("4", "Wanjiku Kamau", "Nyeri")
    second.dial().answer_all("2").answer("00").answer_all("4", "Wanjiku K", "Nyeri")
    first.answer("1").assert_see("Thank you")
    second.answer("1").assert_see("already signed")
    assert count(database, PetitionSignature) == 1


def test_declining_consent_keeps_nothing(phone, database):
    phone.dial().answer_all("4", "Otieno Odhiambo", "Kisumu", "2").assert_ended()
    phone.assert_see("You did not sign, and your name and county were not kept")
    assert count(database, PetitionSignature) == 0
    assert count(database, Subscriber) == 0


def test_a_name_containing_a_star_is_not_split(phone, database):
    phone.dial().answer_all("4", "Mary*Jane Atieno", "Nairobi", "1").assert_see("Mary*Jane Atieno")
    [signature] = rows(database, PetitionSignature)
    assert signature.full_name == "Mary*Jane Atieno"
    assert signature.county == "Nairobi"


@pytest.mark.parametrize(
    "menu_path, topic, topic_name",
    [
        (["5", "1"], "torture", "Ending torture"),
        (["5", "2"], "sexual_violence", "Freedom from sexual violence"),
        (["5", "3"], "arms_control", "Arms Trade Treaty"),
        (["1", "6"], "torture", "Ending torture"),
        (["2", "4"], "sexual_violence", "Freedom from sexual violence"),
        (["3", "4"], "arms_control", "Arms Trade Treaty"),
    ],
)
def test_subscribing_to_a_topic_records_consent(phone, database, menu_path, topic, topic_name):
    phone.dial().answer_all(*menu_path).assert_see(f"Free SMS updates on {topic_name}", "STOP")
    phone.answer("1").assert_ended().assert_see(f"You will get SMS updates on {topic_name}")
    [subscription] = rows(database, Subscription)
    assert (subscription.topic, subscription.channel, subscription.withdrawn_at) == (topic, "ussd", None)
    [consent] = rows(database, Consent)
    assert (consent.purpose, consent.granted) == (f"updates:{topic}", True)
    assert consent.recorded_at is not None


def test_subscribing_twice_is_one_subscription(phone, database):
    phone.dial().answer_all("5", "2", "1").assert_see("You will get SMS updates")
    phone.dial().answer_all("5", "2", "1").assert_see("You already get SMS updates")
    assert count(database, Subscription) == 1


def test_declining_updates_keeps_nothing(phone, database):
    phone.dial().answer_all("5", "1", "2").assert_ended().assert_see("you will not get SMS updates")
    assert count(database, Subscription) == 0
    assert count(database, Subscriber) == 0


def test_language_choice_is_remembered_for_the_number(phone, client, database):
    phone.dial().answer_all("6", "2").assert_continues().assert_see("Haki Yetu", "1. Komesha mateso")
    phone.answer("1").assert_see("Kukomesha mateso", "0 Rudi 00 Mwanzo")
    phone.answer("00")  # back on the home screen there is nothing to resume
    [subscriber] = rows(database, Subscriber)
    assert subscriber.language == "sw"

    phone.dial().assert_see("1. Komesha mateso")  # a new session, still in Kiswahili
    other = UssdPhone(client, "0722000111")
    other.dial().assert_see("1. Stop torture")  # other numbers keep the default

    phone.answer_all("6", "1").assert_see("1. Stop torture")
    phone.dial().assert_see("1. Stop torture")


def test_petition_in_kiswahili(phone, database):
    phone.dial().answer_all("6", "2", "4").assert_see("Andika jina lako kamili")
    phone.answer_all("Achieng Otieno", "42").assert_see("Unakubali?", "1. Ndiyo, tia saini")
    phone.answer("ndiyo").assert_ended().assert_see("Asante, Achieng Otieno wa Kisumu!")
    assert count(database, PetitionSignature) == 1


def test_back_from_an_input_returns_to_the_previous_screen(phone):
    phone.dial().answer_all("4", "Wanjiku Kamau").assert_see("Type your county")
    phone.answer("0").assert_see("Type your full name")
    phone.answer("0").assert_see("Haki Yetu", "1. Stop torture")


def test_back_on_the_home_screen_is_refused_gently(phone):
    phone.dial().answer("0").assert_continues().assert_see("Invalid choice.", "1. Stop torture")


@pytest.mark.parametrize(
    "answers, reason, still_on",
    [
        (["9"], "Invalid choice.", "1. Stop torture"),
        (["abc"], "Invalid choice.", "1. Stop torture"),
        ([" "], "Invalid choice.", "1. Stop torture"),
        (["1", "77"], "Invalid choice.", "1. What is torture?"),
        (["4", "12345"], "Please type your name in letters.", "Type your full name"),
        (["4", "x"], "Please type your name in letters.", "Type your full name"),
        (["4", "Wanjiku", "Atlantis"], "Unknown county.", "Type your county"),
        (["4", "Wanjiku", "48"], "Unknown county.", "Type your county"),
        (["4", "Wanjiku", "Nairobi", "maybe"], "Reply 1 for Yes or 2 for No.", "Agree?"),
        (["\u00b2"], "Invalid choice.", "1. Stop torture"),  # "²".isdigit(), yet no number
        (["1", "\u0663"], "Invalid choice.", "1. What is torture?"),  # an Arabic-Indic 3
        (["4", "Wanjiku", "\u00b3"], "Unknown county.", "Type your county"),
        (["4", "Wanji\x00ku"], "Please type your name in letters.", "Type your full name"),
        (["4", "Wanjiku\u200b Kamau"], "Please type your name in letters.", "Type your full name"),
        (["4", "W" * 41], "Please type your name in letters.", "Type your full name"),
        (["5", "1", "3"], "Reply 1 for Yes or 2 for No.", "Free SMS updates"),
    ],
)
def test_bad_input_re_shows_the_screen_with_a_reason(phone, database, answers, reason, still_on):
    phone.dial().answer_all(*answers).assert_continues().assert_see(reason, still_on)
    assert len(phone.screen) - len("CON ") <= 182
    assert count(database, PetitionSignature) == 0


def test_a_refused_answer_can_be_corrected(phone, database):
    phone.dial().answer_all("4", "Wanjiku", "Atlantis").assert_see("Unknown county.")
    phone.answer("Nairobi").assert_see("Agree?")
    phone.answer("1").assert_see("Thank you, Wanjiku of Nairobi!")
    assert count(database, PetitionSignature) == 1


def test_a_retried_hop_shows_the_same_screen(phone):
    phone.dial().answer("1")
    first = phone.screen
    phone.repeat()
    assert phone.screen == first
    phone.answer("1").assert_see("Torture is severe pain")


@pytest.mark.parametrize("subscribed, answers, late, then", [
    # An earlier hop's copy arriving late, on the erasure confirmation (home 6, My account, Erase):
    # its last part "1" must not be read as "Yes, erase".
    (1, ["6", "3", "2"], "6*3", "Erase everything"),
    (1, ["6", "3", "2"], "", "Erase everything"),  # the first hop's copy
    # ... on a consent screen (home 5, a topic): "1" must not be read as "Yes".
    (0, ["5", "1"], "5", "Agree?"),
])
def test_an_earlier_hop_arriving_late_shows_the_screen_of_now_and_acts_for_nobody(phone, database, subscribed,
                                                                                  answers, late, then):
    if subscribed:
        phone.dial("5*1*1").assert_see("You will get SMS updates on Ending torture")
    phone.dial().answer_all(*answers).assert_see(then)
    shown = phone.screen
    phone.callback(late)  # the same session, a text the session has already gone past
    assert phone.screen == shown
    assert count(database, Subscription) == subscribed
    phone.answer("2").assert_ended()  # the caller's own answer still counts: No
    assert count(database, Subscription) == subscribed


def test_a_retried_signing_hop_signs_once(phone, database):
    phone.dial().answer_all("4", "Wanjiku Kamau", "Nyeri", "1").assert_see("Thank you")
    phone.repeat().assert_ended().assert_see("Thank you, Wanjiku Kamau")  # not "already signed"
    assert count(database, PetitionSignature) == 1
    assert count(database, Consent) == 1


def test_concurrent_retries_of_the_signing_hop_sign_once(app, database):
    phone = UssdPhone(app.test_client(), "0712345678")
    phone.dial().answer_all("4", "Wanjiku Kamau", "Nyeri")
    text = "*".join(phone.answers + ["1"])
    screens = []

    def post():
        twin = UssdPhone(app.test_client(), "0712345678")
        twin.session_id = phone.session_id
        twin.callback(text)
        screens.append(twin.screen)

    threads = [threading.Thread(target=post) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(screens)) == 1 and "Thank you, Wanjiku Kamau" in screens[0]
    assert count(database, PetitionSignature) == 1


@pytest.mark.parametrize(
    "shortcut, expected",
    [
        ("3*1", "Arms Trade Treaty (ATT) sets rules"),
        ("2*3", "1195"),
        ("4", "Type your full name"),
        ("3*9", "Invalid choice."),
    ],
)
def test_a_dial_string_with_shortcuts_is_replayed(phone, shortcut, expected):
    phone.dial(shortcut).assert_continues().assert_see(expected)


@pytest.mark.parametrize("first_text", [
    "4*Wanjiku Kamau*Nyeri*1",  # a whole petition (name, county, consent) in one callback
    "4*Wanjiku*Kamau*Nyeri*1", "4*WK*47*1", "*4", "4**1", "4*", "*", "**", "4#", "3*1#", " 4", "4 *1",
    "\uff14",  # a fullwidth digit: no phone dials it
    "4*\u0661",  # an Arabic-Indic digit
])
def test_a_first_hop_that_is_no_dial_string_starts_at_home(phone, database, first_text):
    phone.dial(first_text).assert_continues().assert_see("Haki Yetu: human rights", "1. Stop torture", "8. Quiz/schools")
    assert count(database, PetitionSignature) == 0
    phone.answer("4").assert_see("Type your full name")  # and the session goes on from home


def test_a_petition_cannot_be_signed_from_a_digits_only_dial_string(phone, database):
    phone.dial("4*12*47*1").assert_see("Please type your name in letters.", "Type your full name")
    assert count(database, PetitionSignature) == 0


def test_the_kiswahili_home_screen_fits_one_page_and_keeps_its_numbers(phone):
    phone.dial().answer_all("6", "2")
    phone.dial().assert_see("1. Komesha mateso", "4. Saini ombi la ATT", "7. Kutuhusu", "8. Chemsha/shule")
    phone.assert_not_see("98 Zaidi", "0 Rudi")
    phone.dial("7").assert_see("Haki Yetu inaleta kampeni")
    phone.dial("8").assert_see("Chemsha bongo")


def test_shortcuts_then_answers_carry_on(phone, database):
    phone.dial("4").answer_all("Wanjiku Kamau", "Nyeri", "1").assert_see("Thank you")
    assert count(database, PetitionSignature) == 1


def test_a_dropped_session_can_be_continued(phone, database):
    phone.dial().answer_all("4", "Wanjiku Kamau").assert_see("Type your county")
    # The signal drops; the caller redials within minutes and gets a new session.
    phone.dial().assert_continues().assert_see("Welcome back", "1. Continue", "2. Start again")
    phone.answer("1").assert_see("Type your county")
    phone.answer_all("Nyeri", "1").assert_see("Thank you, Wanjiku Kamau of Nyeri!")
    assert count(database, PetitionSignature) == 1


def test_a_dropped_session_can_be_started_again(phone):
    phone.dial().answer_all("1", "1")
    phone.dial().answer("2").assert_see("Haki Yetu", "1. Stop torture")
    phone.answer("1").assert_see("1. What is torture?")


def test_the_resume_prompt_refuses_other_answers(phone):
    phone.dial().answer_all("1", "1")
    phone.dial().answer("7").assert_see("Invalid choice.", "1. Continue")
    phone.answer("1").assert_see("Torture is severe pain")


def test_a_resume_prompt_survives_another_drop(phone):
    phone.dial().answer_all("4", "Wanjiku Kamau")
    phone.dial().assert_see("Welcome back")
    phone.dial().assert_see("Welcome back")  # dropped again before answering
    phone.answer("1").assert_see("Type your county")


def test_a_finished_session_is_not_offered_for_resume(phone):
    phone.dial().answer_all("5", "1", "2").assert_ended()
    phone.dial().assert_not_see("Welcome back").assert_see("1. Stop torture")


def test_resume_is_per_number(phone, client):
    phone.dial().answer_all("4", "Wanjiku Kamau")
    UssdPhone(client, "0722000111").dial().assert_not_see("Welcome back").assert_see("1. Stop torture")


def test_kenyan_number_formats_are_one_caller(client):
    UssdPhone(client, "0712345678").dial().answer_all("4", "Wanjiku Kamau")
    for number in ("254712345678", "+254712345678", "+254 712 345 678"):
        UssdPhone(client, number).dial().assert_see("Welcome back")


def test_no_screen_exceeds_182_characters_on_a_long_walk(phone):
    walk = ["1", "1", "98", "98", "98", "0", "00", "2", "3", "98", "00", "6", "2", "3", "2", "98", "00"]
    phone.dial()
    for answer in walk:
        phone.answer(answer).assert_continues()
        assert len(phone.screen) - len("CON ") <= 182, phone.screen


def test_session_state_lives_in_redis_longer_than_at_sessions(phone, app):
    phone.dial().answer_all("4", "Wanjiku Kamau")
    redis = app.services.redis
    session_ttl = redis.ttl(f"ussd:session:{phone.session_id}")
    resume_ttl = redis.ttl(f"ussd:resume:{CALLER}")
    assert 180 < session_ttl <= 300  # AT gives up on a session after 180 s
    assert 0 < resume_ttl <= 300
    assert not redis.exists(f"ussd:lock:{phone.session_id}")  # released after every hop


def test_names_are_shown_in_letters_a_basic_phone_has(phone, database):
    phone.dial().answer_all("4", "Wanjik\u0169 Kamau \U0001F600", "Nyeri", "1")
    phone.assert_see("Thank you, Wanjiku Kamau of Nyeri!")  # the emoji dropped, and its space with it
    [signature] = rows(database, PetitionSignature)
    assert signature.full_name == "Wanjik\u0169 Kamau \U0001F600"  # kept as typed


def test_a_session_id_arriving_with_another_number_is_refused(phone, client, database):
    phone.dial().answer_all("4", "Wanjiku Kamau", "Nyeri")
    impostor = UssdPhone(client, "0722000111")
    impostor.session_id = phone.session_id
    response = impostor.callback("4*Wanjiku Kamau*Nyeri*1")
    assert response.status_code == 400
    assert "another phoneNumber" in impostor.screen
    assert count(database, PetitionSignature) == 0


def test_the_resume_prompt_understands_home_and_back(phone):
    phone.dial().answer_all("1", "1")
    phone.dial().answer("00").assert_see("1. Stop torture")
    phone.answer_all("1", "1")
    phone.dial().answer("0").assert_see("1. Stop torture")


def test_a_session_on_a_screen_that_no_longer_exists_starts_again(phone, app):
    phone.dial().answer_all("1", "1")
    redis = app.services.redis
    key = f"ussd:session:{phone.session_id}"
    state = json.loads(redis.get(key))
    state["position"]["screen"] = "screen_removed_in_a_deploy"
    redis.set(key, json.dumps(state))
    phone.answer("98").assert_continues().assert_see("1. Stop torture")


def test_a_long_session_is_not_refused(phone):
    phone.dial()
    for _ in range(40):
        phone.answer_all("4", "Wanjiku Kamau Wa Kwanza Wa Pili", "00")
    assert len("*".join(phone.answers)) > 1000
    phone.assert_continues().assert_see("1. Stop torture")
