"""A basic phone talking to POST /ussd the way Africa's Talking relays it: a fluent test API.

    phone.dial().assert_see("Haki Yetu").answer("4").assert_see("full name")
"""

import itertools

SERVICE_CODE = "*384*123#"
_session_numbers = itertools.count(1)


class UssdPhone:
    def __init__(self, client, number, network_code="63902", query=""):
        self.client = client
        self.number = number
        self.network_code = network_code
        self.query = query
        self.session_id = None
        self.answers = []
        self.screen = None
        self.status = None

    def callback(self, text, **overrides):
        """Post one AT callback for the current session with `text`; return the response."""
        form = {
            "sessionId": self.session_id,
            "serviceCode": SERVICE_CODE,
            "phoneNumber": self.number,
            "networkCode": self.network_code,
            "text": text,
        }
        form.update(overrides)
        form = {key: value for key, value in form.items() if value is not None}
        response = self.client.post("/ussd" + self.query, data=form)
        self.status = response.status_code
        self.screen = response.get_data(as_text=True)
        return response

    def dial(self, shortcut=""):
        """Start a new session, as a fresh dial of the code (optionally with `*1*3` shortcuts)."""
        self.session_id = f"ATUid_test_{next(_session_numbers)}"
        self.answers = [shortcut] if shortcut else []
        self.callback(shortcut)
        return self

    def answer(self, value):
        self.answers.append(value)
        self.callback("*".join(self.answers))
        return self

    def repeat(self):
        """AT retrying the last hop: the same sessionId and text again."""
        self.callback("*".join(self.answers))
        return self

    def answer_all(self, *values):
        for value in values:
            self.answer(value)
        return self

    def assert_see(self, *fragments):
        assert self.status == 200, (self.status, self.screen)
        for fragment in fragments:
            assert fragment in self.screen, f"{fragment!r} not on screen:\n{self.screen}"
        return self

    def assert_not_see(self, *fragments):
        for fragment in fragments:
            assert fragment not in self.screen, f"{fragment!r} unexpectedly on screen:\n{self.screen}"
        return self

    def assert_continues(self):
        assert self.screen.startswith("CON "), self.screen
        return self

    def assert_ended(self):
        assert self.screen.startswith("END "), self.screen
        return self
