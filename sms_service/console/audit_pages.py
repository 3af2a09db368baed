"""The audit log (admins only): newest first, optionally one person's."""

from flask import current_app, render_template, request
from sqlalchemy import select

from sms_service.broadcasts.schedule import show_local
from sms_service.console.blueprint import blueprint
from sms_service.console.paging import page_of
from sms_service.console.roles import requires
from sms_service.models import AuditEntry

PAGE_SIZE = 100


@blueprint.get("/audit")
@requires("admin")
def audit_log():
    actor = request.args.get("actor", "").strip()
    query = select(AuditEntry).order_by(AuditEntry.id.desc())
    if actor:
        query = query.where(AuditEntry.actor == actor)
    with current_app.extensions["database"].transaction() as session:
        page = page_of(session, query, PAGE_SIZE)
    return render_template("console/audit.html", page=page, actor=actor, show_local=show_local)
