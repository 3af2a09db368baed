"""One USSD hop: from AT's (sessionId, phoneNumber, text) to the screen to show.

AT sends `text` as every answer of the session joined by `*`. The newest answer is worked out
from the text stored at the previous hop, so an answer that itself holds a `*` stays whole.
"""

import logging

from sms_service.ussd.navigator import BACK, HOME, Position, Reply

log = logging.getLogger(__name__)

RESUME_CONTINUE = "1"
RESUME_RESTART = ("2", BACK, HOME)
RESUME_PROMPT = "resume_prompt"
INVALID_CHOICE = "invalid_choice"


class SessionOfAnotherNumber(ValueError):
    """A sessionId we know, arriving with a different phoneNumber."""


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
    def __init__(self, navigator, store, find_language):
        """`find_language(phone)` is the number's remembered language, or None."""
        self.navigator = navigator
        self.store = store
        self.find_language = find_language
        self.book = navigator.book

    def hop(self, session_id, phone, text):
        """Answer one AT callback; returns the `CON ...`/`END ...` body."""
        token, state, snapshot = self.store.claim(session_id, phone)
        try:
            if state is not None and state.get("phone") != phone:
                raise SessionOfAnotherNumber(session_id)
            if state is not None and state["text"] == text:
                self.store.release(session_id, token)
                return state["reply"]  # a retried hop: same screen, no second side effect
            if state is None:
                state, position, reply = self._first_hop(phone, text, snapshot)
            else:
                position, reply = self._next_hop(state, newest_answer(state["text"], text))
            state.update(phone=phone, text=text, reply=reply.as_ussd(), position=position and position.to_dict())
            snapshot = state["resuming"] if position is None else self._resume_snapshot(position, reply)
            self.store.save(session_id, token, state, phone, snapshot)
        except BaseException:
            self.store.release(session_id, token)
            raise
        return state["reply"]

    def _restore(self, data):
        """A stored position, or None if the flows changed under it (a screen was removed)."""
        screens = self.book.screens
        names = [data.get("screen")] + list(data.get("history") or [])
        if not all(name in screens and screens[name].type != "action" for name in names):
            return None
        return Position.from_dict(data)

    def _first_hop(self, phone, text, snapshot):
        if snapshot and not text and self._restore(snapshot):
            prompt = self.book.message(RESUME_PROMPT, snapshot["language"])
            return {"resuming": snapshot}, None, Reply(prompt)
        language = self.find_language(phone) or self.book.default_language
        if text:
            # A dial string with shortcuts (*384*123*1*3#): replay each answer from the start.
            position, reply = self.navigator.begin(phone, language)
            for answer in text.split("*"):
                if reply.end:
                    break
                reply = self.navigator.answer(position, answer)
            return {"resuming": None}, position, reply
        position, reply = self.navigator.begin(phone, language)
        return {"resuming": None}, position, reply

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
