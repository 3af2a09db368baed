"""The staff console: server-rendered pages behind a login, at /console (see README "Staff console").

Pages call the same service functions as the `flask` commands; nothing here sends an SMS itself.
"""

from flask import current_app, g, render_template, url_for
from redis.exceptions import RedisError
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException

from sms_service.web.console.blueprint import blueprint
from sms_service.web.console.navigation import sections_for


def register_console(app):
    """Mount the console on `app`; its logins live in `app.services.staff_sessions`."""
    # Each module adds its pages to the blueprint when first imported.
    from sms_service.web.console import (  # noqa: F401
        account_pages,
        audit_pages,
        auth_pages,
        booklet_pages,
        broadcast_pages,
        contacts,
        conversation_pages,
        dashboard,
        door_pages,
        essay_pages,
        event_pages,
        figure_pages,
        flow_pages,
        journey_pages,
        message_pages,
        names,
        people_pages,
        petition_pages,
        queue_pages,
        quiz_pages,
        school_pages,
        subscriber_pages,
    )

    # Flask's defaults (no SameSite, not Secure) are there already: set, not setdefault.
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    app.config["SESSION_COOKIE_SECURE"] = bool(app.config["CONSOLE_SECURE_COOKIE"])
    app.register_blueprint(blueprint)


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
