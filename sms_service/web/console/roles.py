"""Which console pages each role may open: a view is marked with the weakest role that may use it
(the roles themselves are domain/staff/roles.py)."""

from sms_service.domain.staff.roles import PUBLIC, ROLES


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
