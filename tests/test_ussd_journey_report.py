"""The journeys reported on match the menu in flows/: every screen a step names exists."""

import re

from sms_service.engine.ussd.journey_definitions import journeys


def test_every_step_names_screens_of_the_menu(app):
    book = app.services.flow_book
    for journey in journeys(book):
        for step in journey.steps:
            pattern = re.compile(step.screens)
            assert any(pattern.fullmatch(name) for name in book.screens), (journey.code, step.label)
            for alternative in step.screens.split("|"):
                if not re.search(r"[.*+?\\()]", alternative):
                    assert alternative in book.screens, (journey.code, alternative)


def test_information_pages_are_the_menus_info_screens(app):
    book = app.services.flow_book
    info = next(journey for journey in journeys(book) if journey.code == "info")
    assert info.steps[-1].reached_by(["torture_what"]) and info.steps[-1].reached_by(["about"])
    assert not info.steps[-1].reached_by(["home", "torture"])
