"""The menu engine: where a caller is in the flow, and what one answer does to that.

Pure logic over the flow definitions. Actions (signing, subscribing) are handed to a `perform`
callback, so the engine never touches the database itself.
"""

from dataclasses import dataclass, field

from sms_service.core.counties import is_ascii_number
from sms_service.engine.flows.validators import VALIDATORS, Refused
from sms_service.engine.ussd.screens import (
    INVALID_CHOICE,
    render_pages,
    template_values,
    with_reason,
)

HOME = "00"
BACK = "0"
MORE = "98"
MAX_HISTORY = 30


@dataclass
class Position:
    """Where one caller is: the screen, the page of it, how they got there, what they answered."""

    screen: str
    phone: str
    language: str
    page: int = 0
    history: list = field(default_factory=list)
    answers: dict = field(default_factory=dict)

    def to_dict(self):
        return {
            "screen": self.screen,
            "phone": self.phone,
            "language": self.language,
            "page": self.page,
            "history": self.history,
            "answers": self.answers,
        }

    @classmethod
    def from_dict(cls, data):
        return cls(**data)


@dataclass(frozen=True)
class Reply:
    """A screen to show: its text, whether it ends the session (the channel renders it), and
    whether it is shown again because the answer was refused (journey analytics count those)."""

    text: str
    end: bool = False
    refused: bool = False



class Navigator:
    def __init__(self, book, perform):
        """`perform(action, params, position)` runs an action and returns (outcome, language)."""
        self.book = book
        self.perform = perform
        self._page_cache = {}

    def begin(self, phone, language):
        position = Position(screen=self.book.start, phone=phone, language=language)
        return position, self.show(position)

    def show(self, position, reason_key=None):
        """The reply for the current page, with a translated reason above it when `reason_key` is set."""
        screen = self.book.screens[position.screen]
        pages = self._pages(position)
        page = pages[min(position.page, len(pages) - 1)]
        if reason_key:
            page = with_reason(self.book.message(reason_key, position.language), page)
        return Reply(page, end=screen.type == "end", refused=reason_key is not None)

    def answer(self, position, raw):
        """Apply one typed answer to `position` (in place) and return what to show next."""
        value = raw.strip()
        screen = self.book.screens[position.screen]
        if value == HOME:
            position.history.clear()
            position.screen, position.page = self.book.start, 0
            return self.show(position)
        if value == BACK:
            return self._back(position)
        if screen.type in ("menu", "info"):
            return self._choose(position, screen, value)
        if screen.type == "input":
            try:
                position.answers[screen.save_as] = VALIDATORS[screen.validate].parse(value)
            except Refused as refused:
                return self.show(position, refused.message_key)
            return self._go(position, screen.next)
        return self.show(position)  # an end screen takes no answers

    def _back(self, position):
        if position.page > 0:
            position.page -= 1
        elif position.history:
            position.screen, position.page = position.history.pop(), 0
        else:
            return self.show(position, INVALID_CHOICE)
        return self.show(position)

    def _choose(self, position, screen, value):
        if value == MORE:
            if position.page + 1 < len(self._pages(position)):
                position.page += 1
                return self.show(position)
            return self.show(position, INVALID_CHOICE)
        if is_ascii_number(value) and 1 <= int(value) <= len(screen.options):
            option = screen.options[int(value) - 1]
            position.answers.update(option.save)
            return self._go(position, option.next)
        return self.show(position, INVALID_CHOICE)

    def _go(self, position, target):
        position.history = (position.history + [position.screen])[-MAX_HISTORY:]
        screen = self.book.screens[target]
        # Action screens are never shown and never returned to with Back: they run and pass on.
        while screen.type == "action":
            outcome, position.language = self.perform(screen.action, screen.params, position)
            screen = self.book.screens[screen.outcomes[outcome]]
        position.screen, position.page = screen.name, 0
        if screen.name == self.book.start:
            position.history.clear()  # arriving home is a fresh start, as with 00
        return self.show(position)

    def _pages(self, position):
        screen = self.book.screens[position.screen]
        cacheable = not any("{" in text for text in screen.text.values())
        key = (screen.name, position.language)
        if cacheable and key in self._page_cache:
            return self._page_cache[key]
        values = {} if cacheable else template_values(self.book, position.language, position.answers)
        pages = render_pages(
            self.book, screen, position.language, values, is_start=screen.name == self.book.start
        )
        if cacheable:
            self._page_cache[key] = pages
        return pages
