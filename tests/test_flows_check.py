"""`flask flows check` and start-up refuse broken definitions, naming file and screen."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from sms_service.core.config import PROJECT_ROOT
from sms_service.engine.checks.flows import check_flows
from sms_service.engine.flows.definitions import FlowDefinitionError
from sms_service.engine.flows.reading import parse_flow_yaml

REAL_FLOWS = PROJECT_ROOT / "flows"
MENU = "ussd/menu.yaml"
MESSAGES = "ussd/messages.yaml"
CATALOG = "catalog.yaml"
KEYWORDS = "sms/keywords.yaml"
PETITION_PAGE = "web/petition.yaml"


def test_the_shipped_flows_are_sound():
    book, problems = check_flows(REAL_FLOWS)
    assert problems == []
    assert book.languages == ("en", "sw")
    assert {"home", "petition_sign", "updates_subscribe", "language_set"} <= set(book.screens)


@pytest.fixture
def flows(tmp_path):
    """A copy of the real flows to break, one change at a time."""
    target = tmp_path / "flows"
    shutil.copytree(REAL_FLOWS, target)

    def edit(relative, change):
        path = target / relative
        data = parse_flow_yaml(path.read_text())
        change(data)
        path.write_text(yaml.safe_dump(data, allow_unicode=True))
        return target

    return edit


def screens(data):
    return data["screens"]


BREAKAGES = [
    (MENU, lambda d: screens(d)["torture"]["options"][0].update(next="nowhere"),
     "torture", "unknown target 'nowhere'"),
    (MENU, lambda d: screens(d).update(orphan={"type": "end", "text": {"en": "x", "sw": "x"}}),
     "orphan", "unreachable from 'home'"),
    (MENU, lambda d: screens(d)["about"]["text"].pop("sw"),
     "about", "no sw text"),
    (MENU, lambda d: screens(d)["my_erase_confirm"].update(typed_only="yes"),
     "my_erase_confirm", "'typed_only' is true or false"),
    (MENU, lambda d: screens(d)["att"]["options"][1]["label"].pop("en"),
     "att", "option 2 has no en label"),
    (MENU, lambda d: screens(d)["petition_declined"]["text"].update(en="Sorry. " * 30),
     "petition_declined", "en screen is 209 characters (limit 182)"),
    (MENU, lambda d: screens(d)["petition_sign"].update(action="sign_petitions"),
     "petition_sign", "unknown action 'sign_petitions'"),
    (MENU, lambda d: screens(d)["petition_sign"]["outcomes"].pop("declined"),
     "petition_sign", "outcome 'declined' of sign_petition leads nowhere (dead end)"),
    (MENU, lambda d: screens(d)["petition_sign"].update({"with": {"petition": "nope"}}),
     "petition_sign", "unknown petition 'nope'"),
    (MENU, lambda d: screens(d)["petition_county"].update(validate="postcode"),
     "petition_county", "unknown validator 'postcode'"),
    (MENU, lambda d: screens(d)["petition_county"].pop("next"),
     "petition_county", "a input screen needs 'next'"),
    (MENU, lambda d: screens(d)["updates"].update(options=[]),
     "updates", "a menu needs at least one option (dead end)"),
    (MENU, lambda d: screens(d)["about"].update(type="poem"),
     "about", "unknown type 'poem'"),
    (MENU, lambda d: screens(d)["updates"]["options"][0]["save"].update(topic="weather"),
     "updates", "unknown topic 'weather'"),
    (MENU, lambda d: screens(d)["updates_subscribed"]["text"].update(en="Hi {nickname}"),
     "updates_subscribed", "en text uses '{nickname}', which no screen asks for"),
    (MENU, lambda d: d.update(start="welcome"),
     None, "start screen 'welcome' is not defined"),
    (MESSAGES, lambda d: d["messages"].pop("nav_more"),
     None, "message 'nav_more' is missing"),
    (MESSAGES, lambda d: d["messages"]["invalid_choice"].pop("sw"),
     None, "message 'invalid_choice' has no sw text"),
    (MENU, lambda d: screens(d)["updates"]["options"][0].update(save="torture"),
     "updates", "option 1 'save' must map names to plain values"),
    (MENU, lambda d: screens(d)["petition_sign"].update({"with": ["att"]}),
     "petition_sign", "'with' must map names to plain values"),
    (MENU, lambda d: screens(d)["petition_sign"].update({"with": {"petition": ["att"]}}),
     "petition_sign", "'with' must map names to plain values"),
    (MENU, lambda d: screens(d)["about"]["text"].update(en="Braces { left open"),
     "about", "en text has a stray brace"),
    (MENU, lambda d: screens(d)["about"]["text"].update(en="Don\u2019t wait"),
     "about", "en screen has non-GSM-7 characters"),
    (MENU, lambda d: screens(d)["home"].update(type="end", text={"en": "x", "sw": "x"}) or screens(d)["home"].pop("options"),
     "home", "the start screen must be a menu or info screen"),
    (CATALOG, lambda d: d.update(languages="en"),
     None, "'languages' must be a list such as [en, sw]"),
    (KEYWORDS, lambda d: d["replies"]["help"].update(en="Text JOIN \u2013 it\u2019s free"),
     None, "reply 'help' (en) would go UCS-2 because of"),
    (KEYWORDS, lambda d: d["replies"]["help"].update(en="Help me " * 60),
     None, "reply 'help' (en) is 4 SMS segments"),
    (KEYWORDS, lambda d: d["replies"].pop("stop_confirmed"),
     None, "route 'stop': reply 'stop_confirmed' is not among the replies"),
    (KEYWORDS, lambda d: d["replies"].pop("unknown"),
     None, "reply 'unknown' is missing"),
    (KEYWORDS, lambda d: d["keywords"]["help"].append("STOP"),
     None, "keywords: 'STOP' means both help and stop"),
    (KEYWORDS, lambda d: d["keywords"].update(dance=["DANCE"]),
     None, "keyword 'dance' has no route"),
    (KEYWORDS, lambda d: d["routes"].pop("stop"),
     None, "keyword 'stop' has no route"),
    (KEYWORDS, lambda d: d["routes"]["att"].update(action="sign_petitions"),
     None, "route 'att': unknown action 'sign_petitions'"),
    (KEYWORDS, lambda d: d["routes"]["att"]["with"].update(petition="nope"),
     None, "route 'att': unknown petition 'nope'"),
    (KEYWORDS, lambda d: d["routes"]["att"].pop("with"),
     None, "route 'att': sign_petition takes ['petition'], not 'petition'"),
    (KEYWORDS, lambda d: d["routes"]["att"]["replies"].update(exploded="help"),
     None, "route 'att': sign_petition has no outcome 'exploded'"),
    (KEYWORDS, lambda d: d["routes"]["stop"].update(purpose="newsletter"),
     None, "route 'stop': unknown purpose 'newsletter'"),
    (KEYWORDS, lambda d: d["routes"]["quiz"].update(replies={"started": "help"}),
     None, "route 'quiz': start_quiz composes its replies from the quiz messages: give none"),
    (CATALOG, lambda d: d["language_names"].pop("sw"),
     None, "language 'sw' has no name in language_names"),
    (CATALOG, lambda d: d.update(default_language="fr"),
     None, "default_language 'fr' is not one of the languages"),
    (KEYWORDS, lambda d: d["topics"].update(weather=["RAIN"]),
     None, "topic word 'RAIN' names unknown topic 'weather'"),
    (PETITION_PAGE, lambda d: d["asks"]["att"].update(en=""),
     None, "petition 'att' has no en text"),
    (PETITION_PAGE, lambda d: d["asks"]["att"].pop("sw"),
     None, "petition 'att' has no sw text"),
    (PETITION_PAGE, lambda d: d["asks"].update(torture={"en": "x", "sw": "x"}),
     None, "'torture' is not a petition of catalog.yaml"),
    (PETITION_PAGE, lambda d: d["texts"].pop("error_busy"),
     None, "text 'error_busy' is missing"),
    (PETITION_PAGE, lambda d: d["texts"]["thanks"].pop("sw"),
     None, "text 'thanks' has no sw text"),
    (PETITION_PAGE, lambda d: d.update(privacy_contact=""),
     None, "'privacy_contact' must be an email address people can write to"),
    (PETITION_PAGE, lambda d: d.update(texts=["thanks"]),
     None, "'texts' must map each name to its text per language"),
]


# Whatever people see, texted back, must not opt them out (engine/checks/readings.py), and the
# start screen fits one page in every language.
BREAKAGES += [
    (MENU, lambda d: screens(d)["home"]["options"][0]["label"].update(en="Stop"),
     "home", "option 1 label (en) 'Stop' would opt out whoever texts it back"),
    (MENU, lambda d: screens(d)["torture"]["options"][5]["label"].update(sw="Acha tafadhali"),
     "torture", "option 6 label (sw) 'Acha tafadhali' would opt out"),
    (CATALOG, lambda d: d["topics"]["torture"].update(en="Unsubscribe now"),
     None, "topic 'torture' name (en) 'Unsubscribe now' would opt out"),
    (CATALOG, lambda d: d["petitions"]["att"].update(sw="Nitoe"),
     None, "petition 'att' name (sw) 'Nitoe' would opt out"),
    ("quizzes/torture.yaml", lambda d: d["questions"][0]["options"][1].update(en="Stop!"),
     None, "question 1 option B (en) 'Stop!' would opt out"),
    ("quizzes/torture.yaml", lambda d: d["name"].update(en="End"),
     None, "quiz 'torture' name (en) 'End' would opt out"),
    (MENU, lambda d: screens(d)["home"]["options"][1]["label"].update(sw="Komesha ukatili wa kingono na dhuluma"),
     "home", "the start screen needs 2 sw pages: it must fit one"),
    (KEYWORDS, lambda d: d["intent"]["en"].update(stopwords=["STOP"]),
     None, "intent: 'en' takes opt_out_phrases, filler, negations, negated_stops, negation_bridges, clause_breaks, "
           "reversals, interrogatives, requests, scopes, list_words, other_senses, reversible, danger_phrases, danger_stems, danger_verbs, "
           "danger_passives, danger_near_misses, danger_commands, my_data_phrases, erase_words, confirm_words and objects"),
    (KEYWORDS, lambda d: d["intent"]["sw"]["danger_stems"].append("PIG"),
     None, "intent: sw danger_stems: 'PIG' is shorter than 4 letters"),
    (KEYWORDS, lambda d: d["replies"].pop("helplines"), None, "reply 'helplines' is missing"),
    ("sms/saved_replies.yaml", lambda d: d["saved_replies"]["how_to_sign"]["texts"].pop("sw"),
     None, "'how_to_sign' has no sw text"),
    ("sms/saved_replies.yaml", lambda d: d["saved_replies"]["how_to_sign"]["texts"].update(en="Saini \u2705"),
     None, "'how_to_sign' (en) would go UCS-2"),
    (KEYWORDS, lambda d: d["intent"]["en"]["filler"].append("THANK YOU"),
     None, "intent: en filler: 'THANK YOU' must be one word"),
    (KEYWORDS, lambda d: d["intent"]["sw"]["objects"]["arms_control"].append("MATESO"),
     None, "intent: object 'MATESO' names both torture and arms_control"),
    (KEYWORDS, lambda d: d["routes"].pop("support"),
     None, "route 'support' is missing"),
    (KEYWORDS, lambda d: d["routes"]["support"]["replies"].update(weather="support"),
     None, "route 'support': a reply has no outcome 'weather'"),
]


def test_a_petition_without_page_text_is_sound_and_has_no_public_page(flows, make_app):
    path = flows(PETITION_PAGE, lambda d: d["asks"].pop("att"))
    assert check_flows(path)[1] == []
    client = make_app(FLOWS_PATH=str(path)).test_client()
    assert client.get("/petition/att").status_code == 404 and client.post("/petition/att").status_code == 404


@pytest.mark.parametrize("relative, change, screen, message", BREAKAGES)
def test_each_breakage_is_reported_with_file_and_screen(flows, relative, change, screen, message):
    _, problems = check_flows(flows(relative, change))
    expected = f"{relative}: screen '{screen}': {message}" if screen else f"{relative}: {message}"
    assert any(str(problem).startswith(expected) for problem in problems), problems


def test_a_menu_screen_over_182_characters_is_reported_per_language(flows):
    def long_label(data):
        screens(data)["att"]["options"][0]["label"]["sw"] = "Maelezo marefu sana " * 10

    _, problems = check_flows(flows(MENU, long_label))
    assert any("screen 'att': sw screen is" in str(p) for p in problems)


def test_a_reason_longer_than_a_page_is_reported_not_looped_on(flows):
    broken = flows(MESSAGES, lambda d: d["messages"]["invalid_choice"].update(en="Wrong. " * 30))
    _, problems = check_flows(broken)
    assert any(str(p).startswith(f"{MENU}: screen 'home': en screen is") for p in problems)


def test_a_screen_defined_twice_is_reported(tmp_path):
    target = tmp_path / "flows"
    shutil.copytree(REAL_FLOWS, target)
    menu = target / MENU
    menu.write_text(menu.read_text() + "\n  about:\n    type: end\n    text: {en: x, sw: x}\n")
    _, problems = check_flows(target)
    assert "'about' is defined twice" in str(problems[0])


@pytest.mark.parametrize("bare_word", ["YES", "No", "ON", "off"])
def test_a_bare_yaml_1_1_boolean_word_is_a_keyword_word_not_true_or_false(tmp_path, bare_word):
    """YAML 1.1 reads a bare YES as true: the join word YES once became "TRUE"."""
    target = tmp_path / "flows"
    shutil.copytree(REAL_FLOWS, target)
    keywords = target / KEYWORDS
    keywords.write_text(keywords.read_text().replace("  join:    [JOIN,", f"  join:    [{bare_word}, JOIN,", 1))
    book, problems = check_flows(target)
    assert problems == [] and book.sms.keywords[bare_word.upper()] == "join"
    assert "TRUE" not in book.sms.keywords and "FALSE" not in book.sms.keywords


def test_the_shipped_yes_and_ndiyo_join():
    book, _ = check_flows(REAL_FLOWS)
    assert book.sms.keywords["YES"] == book.sms.keywords["NDIYO"] == "join"


def test_a_keyword_word_that_is_not_text_is_reported(tmp_path):
    target = tmp_path / "flows"
    shutil.copytree(REAL_FLOWS, target)
    keywords = target / KEYWORDS
    keywords.write_text(keywords.read_text().replace("  join:    [JOIN,", "  join:    [1, JOIN,", 1))
    _, problems = check_flows(target)
    assert [str(p) for p in problems] == [f"{KEYWORDS}: keywords: join: '1' is not text; quote it"]


def test_a_changed_file_is_read_and_checked_again(tmp_path):
    """check_flows remembers a result for the files' exact bytes: one changed byte reads again,
    even at the same size and within one tick of the file clock."""
    target = tmp_path / "flows"
    shutil.copytree(REAL_FLOWS, target)
    book, problems = check_flows(target)
    assert problems == [] and check_flows(target)[0] is book  # same bytes: read once
    messages = target / MESSAGES
    sound = messages.read_text()
    messages.write_text(sound.replace("invalid_choice:", "invalid_choicE:", 1))  # same size
    _, problems = check_flows(target)
    assert any("invalid_choice" in str(problem) for problem in problems)
    problems.clear()  # a caller's list is its own
    assert check_flows(target)[1] != []
    messages.write_text(sound)
    assert check_flows(target) == (book, [])


def test_unreadable_yaml_is_reported(tmp_path):
    target = tmp_path / "flows"
    shutil.copytree(REAL_FLOWS, target)
    (target / MENU).write_text("screens: [unclosed\n")
    _, problems = check_flows(target)
    assert str(problems[0]).startswith(f"{MENU}: not valid YAML")


def test_the_app_refuses_to_start_on_broken_flows(flows, make_app):
    broken = flows(MENU, lambda d: screens(d)["torture"]["options"][0].update(next="nowhere"))
    with pytest.raises(FlowDefinitionError) as raised:
        make_app(FLOWS_PATH=str(broken))
    assert "ussd/menu.yaml: screen 'torture': unknown target 'nowhere'" in str(raised.value)


def _env(flows_path, instance_path, database_url):
    # DEMO_MODE: the servers started here are refused for their flows, not for a missing token.
    env = dict(os.environ, FLOWS_PATH=str(flows_path), INSTANCE_PATH=instance_path, DEMO_MODE="1")
    env["DATABASE_URL"] = database_url
    return env


def test_flask_flows_check_command(flows, instance_path, migrated_database_url):
    flask = [sys.executable, "-m", "flask", "--app", "sms_service", "flows", "check"]
    ok = subprocess.run(flask, cwd=PROJECT_ROOT, capture_output=True, text=True,
                        env=_env(REAL_FLOWS, instance_path, migrated_database_url), timeout=60)
    assert ok.returncode == 0, ok.stderr
    assert "flows OK" in ok.stdout

    broken = flows(MENU, lambda d: screens(d)["about"]["text"].pop("sw"))
    failed = subprocess.run(flask, cwd=PROJECT_ROOT, capture_output=True, text=True,
                            env=_env(broken, instance_path, migrated_database_url), timeout=60)
    assert failed.returncode == 1
    assert "ussd/menu.yaml: screen 'about': no sw text" in failed.stderr


def test_the_procfile_web_server_refuses_to_start_on_broken_flows(flows, instance_path, migrated_database_url):
    broken = flows(MENU, lambda d: screens(d)["torture"]["options"][0].update(next="nowhere"))
    web = Path(PROJECT_ROOT, "Procfile").read_text().split("web:", 1)[1].splitlines()[0]
    env = _env(broken, instance_path, migrated_database_url)
    env.update(PORT="0", WEB_CONCURRENCY="1", PATH=f"{Path(sys.executable).parent}:{env['PATH']}")
    server = subprocess.run("exec " + web, shell=True, cwd=PROJECT_ROOT, capture_output=True, text=True,
                            env=env, timeout=60)
    assert server.returncode != 0
    assert "ussd/menu.yaml: screen 'torture': unknown target 'nowhere'" in server.stderr


def test_a_paged_start_screen_offers_back_on_every_page_after_the_first(flows):
    from sms_service.engine.flows.reading import load_flow_book
    from sms_service.engine.ussd.screens import render_pages

    book, _ = load_flow_book(flows(MENU, lambda d: screens(d)["home"]["options"][1]["label"].update(sw="Mengi " * 12)))
    first, *later = render_pages(book, book.screens["home"], "sw", {}, is_start=True)
    assert first.endswith("\n98 Zaidi") and "0 Rudi" not in first
    assert later and all(page.endswith("0 Rudi 00 Mwanzo") for page in later)
