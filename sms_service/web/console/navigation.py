"""The console's sections, in menu order. A new area (quiz results, say) is one more entry here;
each section is shown only to roles that may open it."""

from dataclasses import dataclass

from sms_service.domain.staff.roles import allows


@dataclass(frozen=True)
class Section:
    label: str
    endpoint: str
    minimum_role: str


SECTIONS = [
    Section("Dashboard", "console.dashboard", "viewer"),
    Section("Charts", "console.charts", "viewer"),
    Section("Conversations", "console.conversations", "viewer"),
    Section("Broadcasts", "console.broadcasts", "viewer"),
    Section("Subscribers", "console.subscribers", "viewer"),
    Section("Petitions", "console.petitions", "viewer"),
    Section("Quizzes", "console.quizzes", "viewer"),
    Section("Schools", "console.schools", "viewer"),
    Section("Events", "console.events", "viewer"),
    Section("Check-in", "console.door", "door"),
    Section("Booklets", "console.booklet_requests", "viewer"),
    Section("Essays", "console.essay_competitions", "viewer"),
    Section("USSD journeys", "console.ussd_journeys", "viewer"),
    Section("Inbound SMS", "console.inbound_messages", "viewer"),
    Section("Flows", "console.flows", "viewer"),
    Section("Queue", "console.queue", "admin"),
    Section("Accounts", "console.accounts", "admin"),
    Section("People", "console.people", "admin"),
    Section("Audit log", "console.audit_log", "admin"),
]


def sections_for(role, view_functions):
    """The sections `role` may open, of those this app serves."""
    return [section for section in SECTIONS
            if section.endpoint in view_functions and allows(role, section.minimum_role)]
