"""The applicant pipeline (HIR-2): one table of allowed moves. Pure."""

from __future__ import annotations

from .models import Stage

S = Stage
_EXITS = (S.REJECTED, S.WITHDRAWN)

ALLOWED_MOVES: dict[str, tuple[str, ...]] = {
    S.APPLIED: (S.ASSESSMENT_OFFERED, *_EXITS),
    S.ASSESSMENT_OFFERED: (S.SUBMITTED, *_EXITS),
    S.SUBMITTED: (S.SCORED, *_EXITS),
    S.SCORED: (S.INVITED, *_EXITS),
    S.INVITED: (S.INTERVIEWED, *_EXITS),
    S.INTERVIEWED: (S.HIRED, *_EXITS),
    S.HIRED: (),
    S.REJECTED: (),
    S.WITHDRAWN: (),
}

# The funnel's forward order (HIR-9); rejected and withdrawn are exits from any stage.
FUNNEL_ORDER: tuple[str, ...] = (
    S.APPLIED,
    S.ASSESSMENT_OFFERED,
    S.SUBMITTED,
    S.SCORED,
    S.INVITED,
    S.INTERVIEWED,
    S.HIRED,
)
CLOSED = (S.HIRED, S.REJECTED, S.WITHDRAWN)


def allowed_from(stage: str) -> tuple[str, ...]:
    return ALLOWED_MOVES.get(stage, ())


def is_allowed(from_stage: str, to_stage: str) -> bool:
    return to_stage in allowed_from(from_stage)


def describe_allowed(stage: str) -> str:
    names = [Stage(s).label.lower() for s in allowed_from(stage)]
    return ", ".join(names) if names else "none (this stage is final)"
