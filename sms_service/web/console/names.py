"""Names, not codes: every console template names what flows/ defines by its name, with the
filters `topic_name` ("torture" -> "Ending torture"), `language_name` ("sw" -> "Kiswahili"),
`petition_name` and `channel_name` ("ussd" -> "USSD"), from flows/catalog.yaml in its default
language (the one staff read), and `screen_text` for a USSD screen id (what callers read on
it). A code flows/ does not know (a topic since removed) is shown as it is. CSV exports keep the
codes, in their own columns."""

from flask import current_app

from sms_service.web.console.blueprint import blueprint
from sms_service.web.console.statistics import CHANNEL_NAMES


def names_for_staff(catalogue):
    """{code: name} of a flow catalogue section (topics, petitions), in the catalogue's default
    language, the one staff read the console in."""
    language = current_app.services.flow_book.default_language
    return {code: names.get(language, code) for code, names in catalogue.items()}


def _named(code, names):
    return names.get(code, code) if code else ""


@blueprint.app_template_filter("topic_name")
def topic_name(code):
    return _named(code, names_for_staff(current_app.services.flow_book.topics))


@blueprint.app_template_filter("petition_name")
def petition_name(code):
    return _named(code, names_for_staff(current_app.services.flow_book.petitions))


@blueprint.app_template_filter("language_name")
def language_name(code):
    return _named(code, current_app.services.flow_book.language_names)


@blueprint.app_template_filter("channel_name")
def channel_name(code):
    return _named(code, CHANNEL_NAMES)


SCREEN_TEXT_CHARACTERS = 60


@blueprint.app_template_filter("screen_text")
def screen_text(screen_id):
    """What a USSD screen of flows/ussd/menu.yaml shows callers, in the default language: its first
    line, cut to SCREEN_TEXT_CHARACTERS ("petition_name" -> "Petition: Kenya, ratify the Arms
    Trade Treaty. Type your fu…"). "" for a screen flows/ no longer has, or one with no text."""
    book = current_app.services.flow_book
    screen = book.screens.get(screen_id)
    text = (screen.text.get(book.default_language) or "").strip() if screen is not None else ""
    first = text.split("\n", 1)[0]
    return first if len(first) <= SCREEN_TEXT_CHARACTERS else first[:SCREEN_TEXT_CHARACTERS - 1].rstrip() + "\u2026"
