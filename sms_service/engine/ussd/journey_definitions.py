"""The USSD journeys the console reports on, as Steps of screen ids of the menu in flows/ (see
domain/ussd_journeys/report.py). Screens named here are checked against the flows by
tests/test_ussd_journey_report.py; information pages are every `info` screen of the menu."""

import re

from sms_service.domain.ussd_journeys.report import Journey, Step
from sms_service.engine.flows.quiz_screens import PREFIX as QUIZ_PREFIX

CAMPAIGN_MENUS = ("torture", "sexual_violence", "att")


def journeys(book):
    """The Journeys of `book` (a FlowBook): petition signed, subscribed, quiz finished, info read."""
    info = sorted(name for name, screen in book.screens.items()
                  if screen.type == "info" and not name.startswith(QUIZ_PREFIX))
    quiz = re.escape(QUIZ_PREFIX)
    return (
        Journey("petition", "Petition signed", (
            Step("Name", "petition_name"), Step("County", "petition_county"), Step("Consent", "petition_consent"),
            Step("Signed (or had signed)", "petition_signed|petition_already_signed"),
        )),
        Journey("subscribe", "Subscribed", (
            Step("Consent", "updates_consent"),
            Step("Subscribed (or was)", "updates_subscribed|updates_already_subscribed"),
        )),
        Journey("quiz", "Quiz finished", (
            Step("Quiz menu", f"{quiz}menu"), Step("First question", f"{quiz}.+_1"),
            Step("Score", f"{quiz}.+_score"),
        )),
        Journey("info", "Info read", (
            Step("Campaign menu", "|".join(CAMPAIGN_MENUS)),
            Step("Information page", "|".join(re.escape(name) for name in info) or "(?!)"),
        )),
    )
