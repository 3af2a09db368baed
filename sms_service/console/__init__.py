"""The staff console: server-rendered pages behind a login, at /console (see README "Staff console").

Pages call the same service functions as the `flask` commands; nothing here sends an SMS itself.
"""

from flask import current_app, g, render_template, url_for
from redis.exceptions import RedisError
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException

from sms_service.console.blueprint import blueprint
from sms_service.console.login_throttle import LoginThrottle
from sms_service.console.navigation import sections_for
from sms_service.console.staff_sessions import StaffSessions


def register_console(app):
    """Mount the console on `app`, with its sessions in the app's Redis."""
    # Each module adds its pages to the blueprint when first imported.
    from sms_service.console import (  # noqa: F401
        account_pages, audit_pages, auth_pages, broadcast_pages, dashboard, flow_pages, message_pages,
        petition_pages, queue_pages, quiz_pages, subscriber_pages,
    )
    from sms_service.console.cli import console_cli

    redis = app.extensions["redis"]
    app.extensions["console_sessions"] = StaffSessions(redis, app.config["CONSOLE_SESSION_MINUTES"])
    app.extensions["console_login_throttle"] = LoginThrottle(redis)
    # Flask's defaults (no SameSite, not Secure) are there already: set, not setdefault.
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    app.config["SESSION_COOKIE_SECURE"] = bool(app.config["CONSOLE_SECURE_COOKIE"])
    app.register_blueprint(blueprint)
    app.cli.add_command(console_cli)


@blueprint.app_context_processor
def _navigation():
    staff = g.get("staff")
    if staff is None:
        return {"sections": [], "simulator_url": None}
    views = current_app.view_functions
    return {"sections": sections_for(staff.role, views),
            "simulator_url": url_for("simulator.phone") if "simulator.phone" in views else None}


@blueprint.errorhandler(HTTPException)
def _http_error(error):
    return render_template("console/error.html", error=error), error.code


@blueprint.errorhandler(SQLAlchemyError)
@blueprint.errorhandler(RedisError)
def _store_down(error):
    store = "Redis" if isinstance(error, RedisError) else "The database"
    current_app.logger.error("console: %s error: %s", store, error)
    message = f"{store} did not answer. Nothing was changed; try again in a moment."
    return render_template("console/error.html", error=None, message=message), 503
