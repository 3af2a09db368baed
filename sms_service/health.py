"""GET /healthz: 200 when Redis and the database answer, 503 naming what is down."""

from flask import Blueprint, current_app, jsonify

blueprint = Blueprint("health", __name__)


@blueprint.get("/healthz")
def healthz():
    checks = {
        "redis": lambda: current_app.extensions["redis"].ping(),
        "database": lambda: current_app.extensions["database"].ping(),
    }
    report = {}
    for name, check in checks.items():
        try:
            check()
            report[name] = "ok"
        except Exception as error:  # any failure means "down"; say which and why
            report[name] = f"down: {type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"
    healthy = all(state == "ok" for state in report.values())
    return jsonify(status="ok" if healthy else "unavailable", checks=report), 200 if healthy else 503
