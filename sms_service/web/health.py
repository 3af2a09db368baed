"""GET /healthz: 200 when the service can work, 503 naming what is down.

It checks Redis, the database (and that it takes writes: a read-only database passes a ping but
stores no message), that the schema is at the newest migration, and that the flow definitions
loaded. Only the kind of error is shown: this page is public. Under `tasks.py run`
the answer also carries `"run": RUN_NONCE`, the id tasks.py gave this run.
"""

from flask import Blueprint, current_app, jsonify

from sms_service.core.schema import schema_is_current

blueprint = Blueprint("health", __name__)

FLOWS_BROKEN = "broken: run python3 tasks.py flask flows check"
SCHEMA_OLD = "down: schema is old, run python3 tasks.py flask db upgrade"


@blueprint.get("/healthz")
def healthz():
    checks = {
        "redis": lambda: current_app.services.redis.ping(),
        "database": _database_state,
        "flows": lambda: not current_app.services.flow_problems or FLOWS_BROKEN,
    }
    report = {}
    for name, check in checks.items():
        try:
            outcome = check()
            report[name] = outcome if isinstance(outcome, str) else "ok"
        except Exception as error:  # any failure means "down"; say which
            report[name] = f"down: {type(error).__name__}"
    healthy = all(state == "ok" for state in report.values())
    body = {"status": "ok" if healthy else "unavailable", "checks": report}
    if current_app.config["RUN_NONCE"]:  # under `tasks.py run` only
        body["run"] = current_app.config["RUN_NONCE"]
    return jsonify(body), 200 if healthy else 503


def _database_state():
    database = current_app.services.database
    database.ping()
    read_only = database.read_only_reason()
    if read_only:
        return "down: " + read_only
    return True if schema_is_current(database) else SCHEMA_OLD
