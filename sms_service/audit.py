"""The audit log: who sent, scheduled, paused, exported, imported or changed what, from the console
or a `flask` command. Written in the same transaction as the change itself, so one is never
kept without the other."""

from sms_service.models import AuditEntry, utcnow


def record(session, actor, action, subject, **detail):
    entry = AuditEntry(at=utcnow(), actor=actor[:64], action=action, subject=str(subject)[:200], detail=detail)
    session.add(entry)
    return entry


def command_line_actor():
    """Who runs a `flask` command: their login name on this machine."""
    import getpass

    return f"cli:{getpass.getuser()}"
