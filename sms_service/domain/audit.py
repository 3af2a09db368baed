"""The audit log: who sent, scheduled, paused, exported, imported or changed what, from the console
or a `flask` command. Written in the same transaction as the change itself, so one is never
kept without the other."""

from sms_service.core.log_redaction import redact
from sms_service.core.models import AuditEntry, utcnow


def record(session, actor, action, subject, **detail):
    """Add an audit entry. Phone numbers in `subject` and in any string of `detail` (a searched
    number among export filters, say) are masked as in the logs (core/log_redaction.py): the audit
    log is kept after a person's erasure, so it must hold no number to erase."""
    entry = AuditEntry(at=utcnow(), actor=actor[:64], action=action, subject=redact(str(subject), limit=200)[:200],
                       detail=_masked(detail))
    session.add(entry)
    return entry


def _masked(value):
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {key: _masked(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_masked(item) for item in value]
    return value


def command_line_actor():
    """Who runs a `flask` command: their login name on this machine."""
    import getpass

    return f"cli:{getpass.getuser()}"
