"""Reading a student's texted answer: "B", "b.", "(b)", "2", "answer b", "Jibu: B" all mean B."""

import re

from sms_service.domain.quizzes.definitions import LETTERS

_ANSWER = re.compile(
    r"""\s*
    (?:(?:answer|ans|jibu)(?:\s+(?:is|ni))?\s*[:\-]?\s*)?   # an optional "answer"/"jibu" before it
    [(\[]?\s*([a-d1-4])\s*[)\].]?                          # the letter or number, maybe bracketed
    [\s.!]*""",
    re.IGNORECASE | re.VERBOSE | re.ASCII,
)


def parse_answer(text):
    """The letter A-D a text answers with, or None when it is not an answer at all.

    A letter past a question's options ("D" when there are three) is still returned: the
    caller re-asks with the letters that question has.
    """
    match = _ANSWER.fullmatch(text or "")
    if match is None:
        return None
    choice = match.group(1).upper()
    return LETTERS[int(choice) - 1] if choice.isdigit() else choice
