"""`flask flows check` and start-up refuse broken definitions, naming file and screen."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from sms_service.config import PROJECT_ROOT
from sms_service.flows.checker import check_flows
from sms_service.flows.definitions import FlowDefinitionError

REAL_FLOWS = PROJECT_ROOT / "flows"
MENU = "ussd/menu.yaml"
MESSAGES = "ussd/messages.yaml"
CATALOG = "catalog.yaml"
KEYWORDS = "sms/keywords.yaml"


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
        data = yaml.safe_load(path.read_text())
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
     None, "reply 'stop_confirmed' is missing"),
    (KEYWORDS, lambda d: d["keywords"]["help"].append("STOP"),
     None, "keywords: 'STOP' means both help and stop"),
    (KEYWORDS, lambda d: d["keywords"].update(dance=["DANCE"]),
     None, "unknown keyword 'dance'"),
    (KEYWORDS, lambda d: d["topics"].update(weather=["RAIN"]),
     None, "topic word 'RAIN' names unknown topic 'weather'"),
]


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
    env = dict(os.environ, FLOWS_PATH=str(flows_path), INSTANCE_PATH=instance_path)
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
