"""The case state machine (ESC-3): every allowed move, in one table.

A plain table rather than django-fsm-2 or viewflow.fsm: eight states and a handful of
side effects (pause, resume, meet or cancel SLA clocks) are clearer as data plus one
service (``case_transition``) than as decorated model methods, and the table is what the
pages, the API (``allowed_transitions``) and the exhaustive tests read.
"""

from __future__ import annotations

from .models.cases import Status

S = Status

ALLOWED: dict[str, frozenset[str]] = {
    # Claiming is the way out of "new" (ESC-4); a lead may close spam or duplicates.
    S.NEW: frozenset({S.CLAIMED, S.CLOSED}),
    # claimed -> new releases the case back to the unassigned queue.
    S.CLAIMED: frozenset(
        {
            S.NEW,
            S.IN_PROGRESS,
            S.WAITING_ON_CLIENT,
            S.WAITING_ON_FREELANCER,
            S.HANDED_OFF,
            S.RESOLVED,
        }
    ),
    S.IN_PROGRESS: frozenset(
        {S.WAITING_ON_CLIENT, S.WAITING_ON_FREELANCER, S.HANDED_OFF, S.RESOLVED}
    ),
    S.WAITING_ON_CLIENT: frozenset(
        {S.IN_PROGRESS, S.WAITING_ON_FREELANCER, S.HANDED_OFF, S.RESOLVED, S.CLOSED}
    ),
    S.WAITING_ON_FREELANCER: frozenset(
        {S.IN_PROGRESS, S.WAITING_ON_CLIENT, S.HANDED_OFF, S.RESOLVED, S.CLOSED}
    ),
    # Talent Solutions may hand the case back.
    S.HANDED_OFF: frozenset({S.IN_PROGRESS, S.CLOSED}),
    # A resolved case may be reopened until it is closed.
    S.RESOLVED: frozenset({S.CLOSED, S.IN_PROGRESS}),
    S.CLOSED: frozenset(),
}

# Side effects on SLA clocks, applied by ``case_transition``.
PAUSING = frozenset({S.WAITING_ON_CLIENT})  # entering pauses running clocks
MEETING = frozenset({S.RESOLVED, S.HANDED_OFF})  # entering meets open clocks
CANCELLING = frozenset({S.CLOSED})  # entering cancels clocks still open (closed unresolved)
NEEDS_REASON = frozenset({S.CLOSED, S.NEW})  # closing or releasing needs a reason


def allowed_from(status: str) -> list[str]:
    """The statuses reachable from ``status``, in the order of ``Status``."""
    targets = ALLOWED.get(status, frozenset())
    return [s.value for s in Status if s in targets]


def is_allowed(from_status: str, to_status: str) -> bool:
    return to_status in ALLOWED.get(from_status, frozenset())
