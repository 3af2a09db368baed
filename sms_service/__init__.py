"""Haki Yetu: the webhook server and staff tools for SMS and USSD human-rights campaigns."""

import logging
import os
import sys

from flask import Flask

from sms_service.core.config import ConfigError, load_config, serving_problems
from sms_service.core.log_redaction import configure_logging
from sms_service.engine.flows.definitions import FlowDefinitionError
from sms_service.services import Services, build_services

log = logging.getLogger(__name__)


class ServiceApp(Flask):
    """A Flask app carrying the service's parts as `app.services` (sms_service/services.py)."""

    services: Services


def create_app(config=None, clock=None):
    """The web app, from the environment with `config` (a dict) taking precedence, reading the
    time from `clock` (the wall clock by default; tests pass a ManualClock).

    Refuses to build when it could not serve safely: ConfigError naming what is missing outside
    DEMO_MODE (config.serving_problems), FlowDefinitionError when the definitions in flows/ are
    broken (a menu that would strand callers). `flask` commands other than `flask run` are the
    exception: they serve nothing, and `flask flows check` must still load to show the problems.
    """
    settings = load_config(config)
    configure_logging()
    problems = serving_problems(settings)
    if problems:
        _refuse_unless_a_flask_command(ConfigError("refusing to start: " + "; ".join(problems)),
                                       "not fit to serve the web as configured (" + "; ".join(problems) + ")")
    services = build_services(settings, clock)
    if services.flow_problems:
        _refuse_unless_a_flask_command(FlowDefinitionError(services.flow_problems), "the flows have problems")
    app = ServiceApp(__name__, instance_path=settings["INSTANCE_PATH"])
    app.config.update(settings)
    app.services = services

    from sms_service.cli import register_commands
    from sms_service.web import register_web
    from sms_service.web.database_ids import DatabaseIdConverter

    # Before any route is added: every <int:...> is then a database id, a bigger number a 404.
    app.url_map.converters["int"] = DatabaseIdConverter
    register_web(app)
    register_commands(app)
    return app


def _refuse_unless_a_flask_command(error, what):
    """Raise `error`, unless this is a `flask` command other than `flask run`: it serves nothing,
    so it goes on, and says so as a warning naming `what` is wrong (not "refusing to start",
    which a new user running `flows check` would rightly read as a failure)."""
    flask_command = os.environ.get("FLASK_RUN_FROM_CLI") == "true" and "run" not in sys.argv[1:]
    if not flask_command:
        raise error
    log.warning("%s: this command serves nothing, so it goes on; the web process would refuse to start", what)
