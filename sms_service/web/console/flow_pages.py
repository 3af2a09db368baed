"""Flows: what is in flows/ and what `flask flows check` finds wrong with it, read afresh."""

from flask import current_app, render_template

from sms_service.engine.checks.flows import check_flows
from sms_service.web.console.blueprint import blueprint
from sms_service.web.console.roles import requires


@blueprint.get("/flows")
@requires("viewer")
def flows():
    book, problems = check_flows(current_app.config["FLOWS_PATH"])
    return render_template("console/flows.html", book=book, problems=problems,
                           running_problems=current_app.services.flow_problems)
