"""Console roles, weakest first; each may do everything the ones before it may.

viewer: read every page and export nothing but what it sees (no CSV exports of personal data).
editor: also compose, schedule, pause, resume and cancel broadcasts; import and export
        subscribers; export petition signatures.
admin:  also manage accounts, read the audit log, watch and requeue the job queue.
"""

ROLES = ("viewer", "editor", "admin")
PUBLIC = "public"  # a page anyone may open: the login form, stylesheets


def allows(role, minimum):
    """True when an account with `role` may open a page that needs `minimum`."""
    if minimum == PUBLIC:
        return True
    return role in ROLES and ROLES.index(role) >= ROLES.index(minimum)


def requires(minimum):
    """Mark a view with the weakest role that may use it; the guard enforces it.

    A console view without a mark is admin-only: forgetting the mark shuts a page, never opens it.
    """
    if minimum != PUBLIC and minimum not in ROLES:
        raise ValueError(f"no such role: {minimum}")

    def mark(view):
        view.minimum_role = minimum
        return view

    return mark


def minimum_role(view):
    return getattr(view, "minimum_role", "admin")
