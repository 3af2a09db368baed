"""The service's parts, built once from a loaded configuration and shared by everything that runs
it: the web app (create_app), the workers (workers/runner.py) and the tests.

Each part is a typed attribute (`services.database`, `services.broadcasts`), never a lookup by
string; the web app carries its services as `app.services`.
"""

import threading
from dataclasses import dataclass

from redis import Redis
from rq import Queue

from sms_service.channels.africastalking.account import AfricasTalkingAccount
from sms_service.channels.africastalking.client import AfricasTalkingSms
from sms_service.core.clock import Clock
from sms_service.core.counters import FixedWindows
from sms_service.core.database import Database
from sms_service.core.pseudonyms import PhoneKeys
from sms_service.core.redis_connection import connect_redis
from sms_service.domain.broadcasts.runtime import BroadcastRuntime
from sms_service.domain.campaigns.signing_pace import SigningPace
from sms_service.domain.campaigns.subscribers import find_language
from sms_service.domain.campaigns.suppression import restore_erased_opt_out
from sms_service.domain.messaging.balance import BalanceSource, NoBalance
from sms_service.domain.messaging.gateway import NoGateway, SmsGateway
from sms_service.domain.messaging.kinds import DEFAULT_QUEUE, REPLY_QUEUE
from sms_service.domain.messaging.settings import MessagingSettings
from sms_service.domain.staff.login_throttle import LoginThrottle
from sms_service.domain.staff.sessions import StaffSessions
from sms_service.engine.actions import ACTIONS, ActionContext
from sms_service.engine.checks.flows import check_flows
from sms_service.engine.flows.definitions import FlowBook
from sms_service.engine.sms.unknown_replies import UnknownReplyLimit
from sms_service.engine.ussd.conversation import UssdConversation
from sms_service.engine.ussd.journey_closing import JourneyClosing
from sms_service.engine.ussd.navigator import Navigator
from sms_service.engine.ussd.session_store import UssdSessionStore


@dataclass(frozen=True)
class Services:
    config: dict  # the loaded configuration (core/config.py load_config), the one source of settings
    clock: Clock  # every decision by hour or date reads it (core/clock.py)
    database: Database
    redis: Redis
    queue: Queue  # RQ's default queue: transactional sends, broadcasts, the periodic jobs
    queues: dict  # every queue by name, replies first: what workers listen to, in that order
    flow_book: FlowBook  # the definitions in flows/
    flow_problems: tuple  # what is wrong with them (empty when sound)
    gateway: SmsGateway  # where SMS go: AT through its SDK, the local gateway (demo mode), or NoGateway
    account: BalanceSource  # the gateway account's balance: AT's (or the local gateway's), or NoBalance
    messaging: MessagingSettings  # attempts and send windows of every kind of message
    unknown_replies: UnknownReplyLimit  # how many "not understood" replies a number may get
    broadcasts: BroadcastRuntime
    conversation: UssdConversation | None  # the USSD menu; None while the flows are broken
    journeys: JourneyClosing  # ends USSD sessions for journey analytics (notification or sweep)
    staff_sessions: StaffSessions  # console logins, in Redis
    login_throttle: LoginThrottle
    signing_pace: SigningPace  # web petition signatures per client address
    phone_keys: PhoneKeys  # pseudonyms and keyed hashes of numbers (core/pseudonyms.py)
    # Set when the worker process using these services is told to stop (workers/runner.py).
    stopping: threading.Event


def build_services(config, clock=None):
    """Every part, from `config` (a loaded configuration) and `clock` (the wall clock by default).

    Builds even when flows/ is broken (`flow_problems` says how), so that `flask flows check`
    can show the problems; create_app and the workers refuse to serve with them.
    """
    clock = clock or Clock()
    book, problems = check_flows(config["FLOWS_PATH"])
    database = Database(config["DATABASE_URL"])
    redis = connect_redis(config["REDIS_URL"], config["INSTANCE_PATH"])
    queues = {name: Queue(name, connection=redis) for name in (REPLY_QUEUE, DEFAULT_QUEUE)}
    counters = FixedWindows(redis)
    gateway = _gateway(config)
    phone_keys = PhoneKeys.from_config(config)
    stopping = threading.Event()
    ussd_store = UssdSessionStore(redis, config["USSD_SESSION_TTL"], config["USSD_RESUME_TTL"])
    return Services(
        config=config, clock=clock, database=database, redis=redis, queue=queues[DEFAULT_QUEUE], queues=queues,
        flow_book=book, flow_problems=tuple(problems), gateway=gateway, account=_account(config),
        messaging=MessagingSettings.from_config(config),
        unknown_replies=UnknownReplyLimit(counters, config["SMS_UNKNOWN_REPLIES_PER_HOUR"]),
        broadcasts=BroadcastRuntime.build(config, database, redis, gateway, queues[DEFAULT_QUEUE], clock, stopping,
                                          book.default_language if book else "", book),
        conversation=None if problems else _ussd_conversation(book, database, ussd_store, clock, phone_keys),
        journeys=JourneyClosing(ussd_store, database, phone_keys, clock),
        staff_sessions=StaffSessions(redis, config["CONSOLE_SESSION_MINUTES"]),
        login_throttle=LoginThrottle(counters), stopping=stopping,
        signing_pace=SigningPace(counters, config["PETITION_SIGNATURES_PER_ADDRESS_PER_MINUTE"]),
        phone_keys=phone_keys,
    )


def _gateway(config):
    """AT with its credentials; the local gateway in demo mode; otherwise none (every SMS fails
    at once with "no SMS gateway configured")."""
    if not config["AT_API_KEY"] and not config["DEMO_MODE"]:
        return NoGateway()
    return AfricasTalkingSms(
        config["AT_USERNAME"], config["AT_API_KEY"] or "local-gateway",
        base_url=config["AT_API_BASE_URL"] or None, sender_id=config["AT_SENDER_ID"],
    )


def _account(config):
    """Where the balance is read: as `_gateway` decides where SMS go."""
    if not config["AT_API_KEY"] and not config["DEMO_MODE"]:
        return NoBalance()
    return AfricasTalkingAccount(config["AT_USERNAME"], config["AT_API_KEY"] or "local-gateway",
                                 base_url=config["AT_API_BASE_URL"] or None)


def _ussd_conversation(book, database, store, clock, phone_keys):
    def perform(action_name, params, position):
        with database.write_transaction() as session:
            # An erased number that had opted out acts again: it is an opted-out subscriber.
            restore_erased_opt_out(session, position.phone, phone_keys, book.default_language, clock.now())
            context = ActionContext(session, position.phone, position.language, "ussd", position.answers, book,
                                    clock.now(), phone_keys)
            outcome = ACTIONS[action_name].run(context, **params)
            return outcome, context.language

    def remembered_language(caller):
        with database.engine.connect() as connection:
            return find_language(connection, caller)

    navigator = Navigator(book, perform)
    return UssdConversation(navigator, store, remembered_language, clock)
