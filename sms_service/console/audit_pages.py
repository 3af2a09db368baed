"""The audit log (admins only): newest first, optionally one person's."""

from flask import current_app, render_template, request
from sqlalchemy import select

from sms_service.broadcasts.schedule import show_local
from sms_service.console.blueprint import blueprint
from sms_service.console.roles import requires
from sms_service.models import AuditEntry

PAGE_SIZE = 100


@blueprint.get("/audit")
@requires("admin")
def audit_log():
    actor, page = request.args.get("actor", "").strip(), max(1, request.args.get("page", 1, type=int))
    query = select(AuditEntry).order_by(AuditEntry.id.desc())
    if actor:
        query = query.where(AuditEntry.actor == actor)
    with current_app.extensions["database"].transaction() as session:
        rows = session.scalars(query.offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)).all()
    return render_template("console/audit.html", rows=rows[:PAGE_SIZE], actor=actor, page=page,
                           has_next=len(rows) > PAGE_SIZE, show_local=show_local)
