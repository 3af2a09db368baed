"""The actions a flow may name (`action: sign_petition`), each a thin call into campaign logic.

An action gets the conversation's answers so far and returns an outcome name; the flow maps
each outcome to the screen that follows.
"""

from dataclasses import dataclass, field
from typing import Callable

from sms_service.campaigns import petitions, subscribers, subscriptions
from sms_service.quizzes import schools, ussd_actions


@dataclass
class ActionContext:
    """What an action may read and change: who is asking, in which language, what they answered."""

    session: object  # an open SQLAlchemy session, committed by the caller
    phone: str
    language: str
    channel: str
    answers: dict
    book: object = None  # the FlowBook, for actions that read definitions (quizzes)


@dataclass(frozen=True)
class Action:
    run: Callable
    outcomes: frozenset | None  # None: decided per screen (the generated quiz screens)
    params: frozenset  # what the flow passes under `with:`
    answers: frozenset = field(default_factory=frozenset)  # what the user must have answered
    # Answers the action itself adds for later screens to show, with their longest values.
    provides: dict = field(default_factory=dict)


def _sign_petition(context, petition):
    answers = context.answers
    return petitions.sign_petition(
        context.session,
        phone=context.phone,
        petition=petition,
        full_name=answers["name"],
        county=answers["county"],
        consent=answers["consent"],
        channel=context.channel,
        language=context.language,
    )


def _check_signature(context, petition):
    signed = petitions.has_signed(context.session, context.phone, petition)
    return petitions.ALREADY_SIGNED if signed else petitions.NOT_SIGNED


def _subscribe(context):
    return subscriptions.subscribe(
        context.session,
        phone=context.phone,
        topic=context.answers["topic"],
        consent=context.answers["consent"],
        channel=context.channel,
        language=context.language,
    )


def _set_language(context):
    context.language = context.answers["language"]
    subscribers.set_language(context.session, context.phone, context.language)
    return "changed"


ACTIONS = {
    "sign_petition": Action(
        _sign_petition,
        outcomes=frozenset({petitions.SIGNED, petitions.ALREADY_SIGNED, petitions.DECLINED}),
        params=frozenset({"petition"}),
        answers=frozenset({"name", "county", "consent"}),
    ),
    "check_signature": Action(
        _check_signature,
        outcomes=frozenset({petitions.ALREADY_SIGNED, petitions.NOT_SIGNED}),
        params=frozenset({"petition"}),
    ),
    "subscribe": Action(
        _subscribe,
        outcomes=frozenset(
            {subscriptions.SUBSCRIBED, subscriptions.ALREADY_SUBSCRIBED, subscriptions.DECLINED}
        ),
        params=frozenset(),
        answers=frozenset({"topic", "consent"}),
    ),
    "set_language": Action(
        _set_language,
        outcomes=frozenset({"changed"}),
        params=frozenset(),
        answers=frozenset({"language"}),
    ),
    "register_school": Action(
        ussd_actions.register_school,
        outcomes=frozenset({schools.REGISTERED, schools.ALREADY_REGISTERED}),
        params=frozenset(),
        answers=frozenset({"school", "county"}),
    ),
    # The generated quiz screens (quizzes/ussd_screens.py) map every outcome themselves.
    "start_quiz": Action(ussd_actions.start_quiz, outcomes=None, params=frozenset({"quiz"})),
    "answer_quiz": Action(ussd_actions.answer_quiz, outcomes=None, params=frozenset({"quiz", "question"}),
                          answers=frozenset({"quiz_choice"})),
    "finish_quiz": Action(ussd_actions.finish_quiz, outcomes=None, params=frozenset({"quiz"}),
                          provides=ussd_actions.STANDING_FIELDS),
}
