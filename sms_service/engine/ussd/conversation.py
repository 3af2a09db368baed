"""One USSD hop: from AT's (sessionId, phoneNumber, text) to the screen to show.

AT sends `text` as every answer of the session joined by `*`. The newest answer is worked out
from the text stored at the previous hop, so an answer that itself holds a `*` stays whole.
"""

import logging
import re

from sms_service.engine.ussd import journey_path
from sms_service.engine.ussd.navigator import BACK, HOME, Position, Reply

log = logging.getLogger(__name__)

RESUME_CONTINUE = "1"
RESUME_RESTART = ("2", BACK, HOME)
RESUME_PROMPT = "resume_prompt"
INVALID_CHOICE = "invalid_choice"


DIAL_SHORTCUT = re.compile(r"[0-9]+(\*[0-9]+)*")


def is_dial_shortcut(text):
    """True for what a phone can put after the service code on a first hop: digits between `*`
    ("3*1" from *384*123*3*1#). Letters, a leading or doubled `*` or an empty step are not, so a
    name, county and consent can never arrive, and be acted on, in one callback."""
    return DIAL_SHORTCUT.fullmatch(text) is not None


class SessionOfAnotherNumber(ValueError):
    """A sessionId we know, arriving with a different phoneNumber."""


def is_earlier_hop(previous_text, text):
    """True when `text` is a strict prefix of `previous_text` (answer by answer): a copy of an
    earlier hop of the session arriving late. AT's text only ever grows, so such a hop asks for
    nothing new; taking its last part as an answer to the screen shown now would act for the
    caller (confirm an erasure, answer a quiz question) without their choosing."""
    return text != previous_text and (text == "" or previous_text.startswith(text + "*"))


def newest_answer(previous_text, text):
    """The answer added since `previous_text`; `None` when nothing was added (a retried hop)."""
    if text == previous_text:
        return None
    if previous_text == "":
        return text
    if text.startswith(previous_text + "*"):
        return text[len(previous_text) + 1:]
    # AT's text no longer extends ours (it should not happen): its last part is our best guess.
    log.warning("USSD text does not extend the previous hop's; taking its last part as the answer")
    return text.rsplit("*", 1)[-1]


class UssdConversation:
    def __init__(self, navigator, store, find_language, clock):
        """`find_language(phone)` is the number's remembered language, or None; `clock` dates
        the session's path (engine/ussd/journey_path.py)."""
        self.navigator = navigator
        self.store = store
        self.find_language = find_language
        self.clock = clock
        self.book = navigator.book

    def hop(self, session_id, phone, text, network=""):
        """Answer one hop (`text`: every answer of the session so far, joined by `*`; `network`:
        AT's networkCode, kept with the path); returns the Reply to show (its text, and whether
        it ends the session). The screen shown is added to the session's path."""
        now = self.clock.now()
        token, state, snapshot = self.store.claim(session_id, phone)
        try:
            if state is not None and state.get("phone") != phone:
                raise SessionOfAnotherNumber(session_id)
            if state is not None and (state["text"] == text or is_earlier_hop(state["text"], text)):
                self.store.release(session_id, token)
                # A retried hop, or an earlier one arriving late: the screen shown now, no side effect.
                return Reply(*state["reply"])
            if state is None:
                state, position, reply = self._first_hop(phone, text, snapshot, now, network)
            else:
                position, reply = self._next_hop(state, newest_answer(state["text"], text))
                journey_path.record(state, position and position.screen, reply.refused)
            state.update(phone=phone, text=text, reply=[reply.text, reply.end], position=position and position.to_dict())
            snapshot = state["resuming"] if position is None else self._resume_snapshot(position, reply)
            self.store.save(session_id, token, state, phone, snapshot, now)
        except BaseException:
            self.store.release(session_id, token)
            raise
        return reply

    def _restore(self, data):
        """A stored position, or None if the flows changed under it (a screen was removed)."""
        screens = self.book.screens
        names = [data.get("screen")] + list(data.get("history") or [])
        if not all(name in screens and screens[name].type != "action" for name in names):
            return None
        return Position.from_dict(data)

    def _first_hop(self, phone, text, snapshot, now, network):
        state = {"resuming": None}
        journey_path.start(state, now, network)
        if snapshot and not text and self._restore(snapshot):
            prompt = self.book.message(RESUME_PROMPT, snapshot["language"])
            state["resuming"] = snapshot
            journey_path.record(state, None, False)
            return state, None, Reply(prompt)
        language = self.find_language(phone) or self.book.default_language
        position, reply = self.navigator.begin(phone, language)
        journey_path.record(state, position.screen, False)
        if is_dial_shortcut(text):
            # A dial string with shortcuts (*384*123*1*3#): replay each answer from the start.
            for answer in text.split("*"):
                if reply.end or self.book.screens[position.screen].typed_only:
                    break  # ended, or a screen whose answer must be typed on its own hop
                reply = self.navigator.answer(position, answer)
                journey_path.record(state, position.screen, reply.refused)
        elif text:  # not something a phone can dial: a fresh start at home, nothing replayed
            log.warning("USSD first hop carried a text that is no dial string; starting at home")
        return state, position, reply

    def _next_hop(self, state, answer):
        snapshot = state.get("resuming")
        if state.get("position") is None and snapshot:
            position = self._restore(snapshot) if answer.strip() == RESUME_CONTINUE else None
            if position is not None:
                state["resuming"] = None
                return position, self.navigator.show(position)
            if answer.strip() in RESUME_RESTART + (RESUME_CONTINUE,):
                state["resuming"] = None
                return self.navigator.begin(snapshot["phone"], snapshot["language"])
            language = snapshot["language"]
            reason = self.book.message(INVALID_CHOICE, language)
            return None, Reply(reason + "\n" + self.book.message(RESUME_PROMPT, language))
        position = self._restore(state["position"])
        if position is None:  # the menu changed since the last hop: start again from home
            return self.navigator.begin(state["phone"], self.book.default_language)
        return position, self.navigator.answer(position, answer)

    def _resume_snapshot(self, position, reply):
        """What a redial may continue from: nothing after an END or while still on the start screen."""
        if reply.end:
            return None
        if position.screen == self.book.start and not position.history:
            return None
        return position.to_dict()
