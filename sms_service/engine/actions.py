"""The one registry of actions: what a USSD screen (`action: sign_petition`) or an SMS keyword
(flows/sms/keywords.yaml `routes:`) may do, each a thin call into the domain. "Sign the
petition", "subscribe", "leave a topic", "set language", "start a quiz", "register for an event",
"request booklets", "enter an essay competition", "opt out" are one action each, whichever
channel triggers them.

An action gets the conversation's answers so far and returns an outcome name; the USSD flow maps
each outcome to the screen that follows, the SMS route to its reply.
"""

from dataclasses import dataclass, field
from typing import Callable

from sms_service.domain.campaigns import petitions, subscribers, subscriptions, suppression
from sms_service.domain.programmes import booklets, essays
from sms_service.domain.quizzes import schools
from sms_service.domain.quizzes.attempts import pause_open
from sms_service.domain.schools import registry as school_registry
from sms_service.engine import event_actions, people_actions, programme_actions, quiz_actions


@dataclass
class ActionContext:
    """What an action may read and change: who is asking, in which language, what they answered."""

    session: object  # an open SQLAlchemy session, committed by the caller
    phone: str
    language: str
    channel: str
    answers: dict
    book: object = None  # the FlowBook, for actions that read definitions (quizzes)
    now: object = None  # the app clock's time when the action runs (an aware UTC datetime)
    phone_keys: object = None  # services.phone_keys: erasure keeps an opted-out number's keyed hash


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
        now=context.now,
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
        now=context.now,
    )


OPTED_OUT, ALREADY_OPTED_OUT = "opted_out", "already_opted_out"


def opt_out(session, phone, channel, language, now):
    """STOP, whatever the channel: the number gets nothing more (campaigns/suppression.py), no
    quiz reminders either (its open quiz is paused; QUIZ <name> takes it up after JOIN). True if
    it was not opted out already."""
    newly = suppression.suppress(session, phone, channel, language, now)
    if newly:
        pause_open(session, phone)
    return newly


def _opt_out(context):
    newly = opt_out(context.session, context.phone, context.channel, context.language, context.now)
    return OPTED_OUT if newly else ALREADY_OPTED_OUT


def _leave_topic(context):
    return subscriptions.withdraw(context.session, phone=context.phone, topic=context.answers["topic"],
                                  channel=context.channel, language=context.language, now=context.now)


def _set_language(context):
    context.language = context.answers["language"]
    subscribers.set_language(context.session, context.phone, context.language)
    return "changed"


def _register_school_contact(context):
    """A teacher or school contact registers their school; `consent` when they confirm it at once."""
    answers = context.answers
    outcome, school = school_registry.register_contact(
        context.session, answers["school"], answers["county"], answers["name"], context.phone, context.channel,
        context.now, consent=bool(answers.get("consent")))
    answers.update(school=school.name, county=school.county)
    return outcome


def _confirm_school_consent(context):
    outcome, school = school_registry.confirm_consent(context.session, context.phone, context.now)
    if school is not None:
        context.answers.update(school=school.name, county=school.county)
    return outcome


ACTIONS = {
    "sign_petition": Action(
        _sign_petition,
        outcomes=frozenset({petitions.SIGNED, petitions.ALREADY_SIGNED, petitions.DECLINED}),
        params=frozenset({"petition"}),
        answers=frozenset({"name", "county", "consent"}),
    ),
    "opt_out": Action(_opt_out, outcomes=frozenset({OPTED_OUT, ALREADY_OPTED_OUT}), params=frozenset()),
    "leave_topic": Action(
        _leave_topic,
        outcomes=frozenset({subscriptions.LEFT, subscriptions.NOT_SUBSCRIBED}),
        params=frozenset(),
        answers=frozenset({"topic"}),
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
        quiz_actions.register_school,
        outcomes=frozenset({schools.REGISTERED, schools.ALREADY_REGISTERED}),
        params=frozenset(),
        answers=frozenset({"school", "county"}),
    ),
    # School programmes (engine/programme_actions.py).
    "request_booklets": Action(
        programme_actions.request_booklets,
        outcomes=frozenset({booklets.REQUESTED, booklets.ALREADY_REQUESTED, booklets.TOO_MANY,
                            booklets.SCHOOL_NOT_REGISTERED}),
        params=frozenset(),
        answers=frozenset({"booklet", "pupils", "school", "county", "address"}),
        provides=programme_actions.BOOKLET_FIELDS,
    ),
    "check_essay": Action(
        programme_actions.check_essay,
        outcomes=frozenset({essays.NONE_OPEN, essays.ALREADY_ENTERED, essays.NEEDS_SCHOOL,
                            programme_actions.SCHOOL_KNOWN}),
        params=frozenset(),
        provides=programme_actions.ESSAY_FIELDS,
    ),
    "enter_essay": Action(
        programme_actions.enter_essay,
        outcomes=frozenset({essays.ENTERED, essays.ALREADY_ENTERED, essays.NONE_OPEN, essays.NEEDS_SCHOOL,
                            essays.SCHOOL_NOT_REGISTERED}),
        params=frozenset(),
        provides=programme_actions.ESSAY_FIELDS,
    ),
    # People's own data (MY DATA by SMS, "My account" on USSD).
    "show_my_data": Action(people_actions.show_my_data, outcomes=frozenset({people_actions.SHOWN}),
                           params=frozenset(), provides=people_actions.MY_DATA_FIELDS),
    "erase_my_data": Action(people_actions.erase_my_data,
                            outcomes=frozenset({people_actions.ERASED, people_actions.KEPT}), params=frozenset(),
                            answers=frozenset({"erase"})),
    # The generated quiz screens (quizzes/ussd_screens.py) map every outcome themselves.
    "start_quiz": Action(quiz_actions.start_quiz, outcomes=None, params=frozenset({"quiz"}),
                         provides={"quiz_start": "already_done"}),
    "answer_quiz": Action(quiz_actions.answer_quiz, outcomes=None, params=frozenset({"quiz", "question"}),
                          answers=frozenset({"quiz_choice"})),
    "finish_quiz": Action(quiz_actions.finish_quiz, outcomes=None, params=frozenset({"quiz"}),
                          provides=quiz_actions.STANDING_FIELDS),
    "register_event": Action(event_actions.register_event, outcomes=event_actions.REGISTER_OUTCOMES,
                             params=frozenset(), answers=frozenset({"event_code"}),
                             provides=event_actions.EVENT_FIELDS),
    "list_events": Action(event_actions.list_events, outcomes=frozenset({event_actions.LISTED, event_actions.NO_EVENTS}),
                          params=frozenset(), provides=event_actions.LIST_FIELDS),
    "leave_event": Action(event_actions.leave_event, outcomes=event_actions.LEAVE_OUTCOMES, params=frozenset(),
                          answers=frozenset({"event_code"}), provides=event_actions.EVENT_FIELDS),
    "register_school_contact": Action(
        _register_school_contact,
        outcomes=frozenset({school_registry.NEEDS_CONSENT, school_registry.REGISTERED, school_registry.OTHER_CONTACT}),
        params=frozenset(), answers=frozenset({"school", "county", "name"})),
    "confirm_school_consent": Action(
        _confirm_school_consent,
        outcomes=frozenset({school_registry.CONFIRMED, school_registry.NOTHING_TO_CONFIRM}), params=frozenset()),
}
