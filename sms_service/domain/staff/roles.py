"""Console roles, weakest first; each may do everything the ones before it may.

door:      check people in at an event's door (the mobile check-in page), nothing else.
viewer:    read every page and export nothing but what it sees (no CSV exports of personal data);
           people shown as pseudonyms (web/console/contacts.py); no answers in the conversations inbox.
editor:    also compose, schedule, pause, resume and cancel broadcasts; import and export
           subscribers; export petition signatures; answer, assign and close conversations;
           create, change and cancel events, see and export their registrations.
responder: also read and answer urgent threads (texts with danger wording): their texts are
           shown to responders and admins only, every view audited.
admin:     also manage accounts, read the audit log, watch and requeue the job queue.
"""

ROLES = ("door", "viewer", "editor", "responder", "admin")
PUBLIC = "public"  # a page anyone may open: the login form, stylesheets


def allows(role, minimum):
    """True when an account with `role` may open a page that needs `minimum`."""
    if minimum == PUBLIC:
        return True
    return role in ROLES and ROLES.index(role) >= ROLES.index(minimum)


def reads_urgent_threads(role):
    """True when `role` may read (and answer) the texts of urgent threads: responders and admins."""
    return allows(role, "responder")
