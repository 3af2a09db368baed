"""`flask flows check` on the quizzes: each mistake a quiz author can make is named with its file
and question; texts over one SMS segment are warned about, not refused."""

import shutil

import pytest
import yaml

from sms_service.core.config import PROJECT_ROOT
from sms_service.engine.checks.flows import check_flows
from sms_service.engine.checks.quizzes import quiz_warnings
from sms_service.engine.flows.reading import parse_flow_yaml

REAL_FLOWS = PROJECT_ROOT / "flows"
ATT = "quizzes/att.yaml"
MESSAGES = "quizzes/messages.yaml"
MENU = "ussd/menu.yaml"


@pytest.fixture
def flows(tmp_path):
    target = tmp_path / "flows"
    shutil.copytree(REAL_FLOWS, target)

    def edit(relative, change):
        path = target / relative
        data = parse_flow_yaml(path.read_text()) if path.exists() else {}
        change(data)
        path.write_text(yaml.safe_dump(data, allow_unicode=True))
        return target

    return edit


def question(data, number):
    return data["questions"][number - 1]


BREAKAGES = [
    (ATT, lambda d: question(d, 1).update(answer="D"), "question '1'", "'answer' must be one letter of A, B, C, not 'D'"),
    (ATT, lambda d: question(d, 1).update(answer="B, C"), "question '1'", "'answer' must be one letter of A, B, C"),
    (ATT, lambda d: question(d, 2).pop("answer"), "question '2'", "'answer' must be one letter of A, B, C, not None"),
    (ATT, lambda d: question(d, 1).update(options=[{"en": "x", "sw": "x"}]), "question '1'", "needs 2 to 4 options"),
    (ATT, lambda d: question(d, 1)["options"].extend([{"en": "x", "sw": "x"}] * 2), "question '1'",
     "needs 2 to 4 options"),
    (ATT, lambda d: question(d, 3)["explanation"].pop("sw"), "question '3'", "the explanation has no sw text"),
    (ATT, lambda d: question(d, 4)["options"][1].pop("en"), "question '4'", "option B has no en text"),
    (ATT, lambda d: question(d, 2)["text"].update(en="What does the \u201cATT\u201d regulate?"), "question '2'",
     "would go UCS-2 (en prompt) because of"),
    (ATT, lambda d: question(d, 2)["explanation"].update(en="Long. " * 80), "question '2'",
     "is over 3 SMS segments (en explanation"),
    (ATT, lambda d: d.update(questions=[]), None, "a quiz needs a list of 'questions'"),
    (ATT, lambda d: d.update(time_limit_minutes=0), None, "'time_limit_minutes' must be a whole number of minutes"),
    (ATT, lambda d: d["name"].pop("sw"), None, "the quiz name has no sw text"),
    (ATT, lambda d: question(d, 1).update(hint="none"), "question '1'", "'hint' has no meaning in a question"),
    ("quizzes/torture.yaml", lambda d: d["words"].append("ATT"), None, "QUIZ ATT names both att and torture"),
    (MESSAGES, lambda d: d["messages"].pop("reask"), None, "message 'reask' is missing"),
    (MESSAGES, lambda d: d["messages"]["wrong"].update(en="Wrong: {answer}"), None,
     "message 'wrong' (en) has a bad placeholder"),
    (MENU, lambda d: d["screens"].update(quiz_extra={"type": "end", "text": {"en": "x", "sw": "x"}}),
     "screen 'quiz_extra'", "names starting 'quiz_' are the quizzes' own"),
]


@pytest.mark.parametrize("relative, change, where, message", BREAKAGES)
def test_each_quiz_mistake_is_named(flows, relative, change, where, message):
    _, problems = check_flows(flows(relative, change))
    expected = f"{relative}: {where}: {message}" if where else f"{relative}: {message}"
    assert any(str(problem).startswith(expected) for problem in problems), [str(p) for p in problems]


def test_a_question_over_one_segment_is_a_warning_not_a_failure(flows):
    longer = "Under the treaty, a state must refuse to allow an arms transfer if it knows that the arms would be used for which of these?"
    book, problems = check_flows(flows(ATT, lambda d: question(d, 3)["text"].update(en=longer)))
    assert problems == []
    assert "quizzes/att.yaml: question '3': takes 2 SMS segments (en prompt: 172 characters, one holds 160)" in [
        str(warning) for warning in quiz_warnings(book)]


def test_a_flows_folder_without_quizzes_has_none(tmp_path):
    target = tmp_path / "flows"
    shutil.copytree(REAL_FLOWS, target)
    shutil.rmtree(target / "quizzes")
    menu = target / MENU
    data = parse_flow_yaml(menu.read_text())
    data["screens"]["home"]["options"] = [o for o in data["screens"]["home"]["options"] if o["next"] != "quiz_menu"]
    # Without quizzes there is no quiz_menu, nor the school screens it offers (home option 8).
    offered_by_quiz_menu = ("school", "event", "teacher", "booklet", "essay")
    data["screens"] = {name: s for name, s in data["screens"].items() if not name.startswith(offered_by_quiz_menu)}
    menu.write_text(yaml.safe_dump(data, allow_unicode=True))
    book, problems = check_flows(target)
    assert problems == []
    assert book.quizzes.quizzes == {}
    assert not any(name.startswith("quiz_") for name in book.screens)
