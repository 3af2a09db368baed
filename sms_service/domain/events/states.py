"""An event's states: scheduled (open until it starts), or cancelled (for good)."""

SCHEDULED, CANCELLED = "scheduled", "cancelled"
