"""Haki SMS: the webhook server and staff tools for SMS and USSD human-rights campaigns."""

import logging
import os
import sys

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from rq import Queue

from sms_service.broadcasts.runtime import BroadcastRuntime
from sms_service.campaigns.actions import ACTIONS, ActionContext
from sms_service.campaigns.subscribers import find_language
from sms_service.config import DEFAULTS, load_config
from sms_service.database import Database
from sms_service.flows.checker import check_flows
from sms_service.flows.definitions import FlowDefinitionError
from sms_service.path_dispatch import PathDispatcher
from sms_service.redis_connection import connect_redis
from sms_service.sms.at_client import AfricasTalkingSms
from sms_service.ussd.conversation import UssdConversation
from sms_service.ussd.navigator import Navigator
from sms_service.ussd.session_store import UssdSessionStore

log = logging.getLogger(__name__)


def create_app(config=None):
    """Build the app from the environment, with `config` (a dict) taking precedence.

    Refuses to build (FlowDefinitionError) when the definitions in flows/ are broken, so that a
    server never starts with a menu that would strand callers. `flask` commands other than
    `flask run` are the exception: `flask flows check` must still load to show the problems.
    """
    settings = load_config(config)
    app = Flask(__name__, instance_path=settings["INSTANCE_PATH"])
    app.config.update(settings)
    app.session_interface = WebhookSessionInterface()
    if app.config.get("MAX_CONTENT_LENGTH") is None:  # Flask's own default is None: no limit at all
        app.config["MAX_CONTENT_LENGTH"] = 64 * 1024  # AT's callbacks are a few hundred bytes
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)  # one line per plugin

    if settings["SECRET_KEY"] == DEFAULTS["SECRET_KEY"] and not settings.get("TESTING"):
        log.warning("SECRET_KEY is the development default: set it in production")

    book, problems = _checked_flows(settings["FLOWS_PATH"])
    database = Database(settings["DATABASE_URL"])
    redis = connect_redis(settings["REDIS_URL"], settings["INSTANCE_PATH"])
    sms_client = AfricasTalkingSms(
        settings["AT_USERNAME"],
        settings["AT_API_KEY"] or "local-gateway",
        base_url=settings["AT_API_BASE_URL"] or None,
        sender_id=settings["AT_SENDER_ID"],
    )
    if problems:
        app.extensions["flow_problems"] = problems
    queue = Queue("default", connection=redis)
    app.extensions.update(
        database=database, redis=redis, flow_book=book, sms_client=sms_client, queue=queue,
        broadcasts=BroadcastRuntime.build(settings, database, redis, sms_client, queue),
    )

    from sms_service import cli, health, local_gateway, simulator
    from sms_service.broadcasts.cli import broadcasts_cli
    from sms_service.console import register_console
    from sms_service.quizzes.cli import quizzes_cli
    from sms_service.sms import webhooks as sms_webhooks
    from sms_service.ussd import webhook as ussd_webhook

    app.register_blueprint(health.blueprint)
    for command in (cli.db_cli, cli.flows_cli, cli.sms_cli, broadcasts_cli, quizzes_cli):
        app.cli.add_command(command)
    if not settings["AT_API_KEY"]:
        app.register_blueprint(local_gateway.blueprint)
    if not problems:
        conversation = _ussd_conversation(settings, book, database, redis)
        app.extensions["ussd_conversation"] = conversation
        # Every hop of every caller: served outside Flask, whose per-request work costs more.
        ussd = ussd_webhook.UssdWebhook(app.config, conversation, book)
        app.wsgi_app = PathDispatcher(app.wsgi_app, {ussd_webhook.PATH: ussd})
        app.register_blueprint(sms_webhooks.blueprint)
        if not settings["AT_API_KEY"]:  # the simulator's inbox is the local gateway's
            app.register_blueprint(simulator.blueprint)
    register_console(app)
    return app


class WebhookSessionInterface(SecureCookieSessionInterface):
    """No cookie session for AT's webhooks: they carry none, and building one costs every hop."""

    WEBHOOK_PATHS = ("/sms/", "/local-at/", "/healthz")

    def open_session(self, app, request_):
        if request_.path.startswith(self.WEBHOOK_PATHS):
            return self.make_null_session(app)
        return super().open_session(app, request_)


def _checked_flows(flows_path):
    """The flow book and its problems; raises on problems unless this is a `flask` command."""
    book, problems = check_flows(flows_path)
    if problems:
        flask_command = os.environ.get("FLASK_RUN_FROM_CLI") == "true" and "run" not in sys.argv[1:]
        if not flask_command:
            raise FlowDefinitionError(problems)
        log.error("%s", FlowDefinitionError(problems))
    return book, problems


def _ussd_conversation(settings, book, database, redis):
    def perform(action_name, params, position):
        with database.write_transaction() as session:
            context = ActionContext(session, position.phone, position.language, "ussd", position.answers, book)
            outcome = ACTIONS[action_name].run(context, **params)
            return outcome, context.language

    def remembered_language(caller):
        with database.engine.connect() as connection:
            return find_language(connection, caller)

    navigator = Navigator(book, perform)
    store = UssdSessionStore(redis, settings["USSD_SESSION_TTL"], settings["USSD_RESUME_TTL"])
    return UssdConversation(navigator, store, remembered_language)
