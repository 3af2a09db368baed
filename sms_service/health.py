"""GET /healthz: 200 when the service can work, 503 naming what is down.

It checks Redis, the database, that the schema is at the newest migration, and that the flow
definitions loaded. Only the kind of error is shown: this page is public.
"""

from flask import Blueprint, current_app, jsonify

from sms_service.schema import schema_is_current

blueprint = Blueprint("health", __name__)


@blueprint.get("/healthz")
def healthz():
    checks = {
        "redis": lambda: current_app.extensions["redis"].ping(),
        "database": _database_state,
        "flows": lambda: "flow_problems" not in current_app.extensions or "broken: run flask flows check",
    }
    report = {}
    for name, check in checks.items():
        try:
            outcome = check()
            report[name] = outcome if isinstance(outcome, str) else "ok"
        except Exception as error:  # any failure means "down"; say which
            report[name] = f"down: {type(error).__name__}"
    healthy = all(state == "ok" for state in report.values())
    return jsonify(status="ok" if healthy else "unavailable", checks=report), 200 if healthy else 503


def _database_state():
    database = current_app.extensions["database"]
    database.ping()
    return True if schema_is_current(database) else "down: schema is old, run flask db upgrade"
