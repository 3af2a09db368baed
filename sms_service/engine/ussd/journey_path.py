"""The screens one USSD session went through, kept in the session's own state (the document the
hop already reads and writes: no extra Redis round trip) until the session is closed and the path
is stored for journey analytics (engine/ussd/journey_closing.py).

State fields (all optional, so a session stored before this existed still reads):

    journey_started  epoch seconds (UTC) of the first hop
    network          AT's networkCode of the first hop ("63902"), or ""
    path             screen ids, one per hop that moved or re-showed a screen, oldest first
    refused          screen ids where an answer was refused (an invalid choice or input)

Only screen ids: never what the caller typed.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

# A session lasts at most 180 s at AT; a caller keying fast manages a few dozen hops.
MAX_STEPS = 120
RESUME_STEP = "resume_prompt"  # the "continue where you left off?" prompt, which is no screen


def start(state, now, network):
    """Begin the path of a new session at `now` (aware datetime) on `network`."""
    state["journey_started"] = int(now.timestamp())
    state["network"] = network or ""
    state["path"] = []
    state["refused"] = []


def record(state, screen, refused):
    """Add one step: the screen shown (`screen`, None for the resume prompt), and whether it was
    shown again because the answer was refused."""
    step = screen or RESUME_STEP
    path = state.setdefault("path", [])
    if len(path) < MAX_STEPS:
        path.append(step)
    if refused and len(state.setdefault("refused", [])) < MAX_STEPS:
        state["refused"].append(step)


@dataclass(frozen=True)
class JourneyPath:
    """A session's path as read from its state, for storing."""

    path: tuple  # screen ids, one per hop
    refused: tuple  # screen ids where an answer was refused
    started_at: datetime | None  # UTC
    network: str
    language: str | None  # the caller's language at the last hop


def read(state):
    """The JourneyPath of a session's state (a dict as stored by the conversation)."""
    started = state.get("journey_started")
    position = state.get("position") or state.get("resuming") or {}
    return JourneyPath(
        path=tuple(state.get("path") or ()),
        refused=tuple(state.get("refused") or ()),
        started_at=datetime.fromtimestamp(started, UTC) if started else None,
        network=state.get("network") or "",
        language=position.get("language"),
    )
