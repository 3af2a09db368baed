"""The audit log (admins only): newest first, optionally one person's."""

from flask import current_app, render_template, request
from sqlalchemy import select

from sms_service.core.clock import show_local
from sms_service.core.models import AuditEntry
from sms_service.web.console.blueprint import blueprint
from sms_service.web.console.paging import page_of
from sms_service.web.console.roles import requires

PAGE_SIZE = 100


@blueprint.get("/audit")
@requires("admin")
def audit_log():
    actor = request.args.get("actor", "").strip()
    query = select(AuditEntry).order_by(AuditEntry.id.desc())
    if actor:
        query = query.where(AuditEntry.actor == actor)
    with current_app.services.database.transaction() as session:
        page = page_of(session, query, PAGE_SIZE)
    return render_template("console/audit.html", page=page, actor=actor, show_local=show_local)
