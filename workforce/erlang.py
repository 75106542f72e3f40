"""Agents required for a contact volume: Erlang C with shrinkage (HIR-5).

A small function of ours (the queueing formula is a dozen lines); the tests check its
figures against the pyworkforce package, which is a dev-only dependency because it pulls
in ortools and pandas.

``contacts`` arrive in ``interval_seconds``; each takes ``handle_seconds``. Traffic
intensity A = contacts x handle / interval (Erlangs). Erlang C gives the probability a
contact waits with N agents; the service level (share answered within ``answer_within``
seconds) is 1 - C(N, A) x exp(-(N - A) x answer_within / handle). ``raw`` is the smallest
N above A reaching the target; ``scheduled`` adds shrinkage: ceil(raw / (1 - shrinkage)),
computed exactly (Decimal), so 7 agents at 30 % shrinkage need 10 scheduled, not 11.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

MAX_AGENTS = 10_000


@dataclass(frozen=True)
class Staffing:
    raw: int  # agents answering, before shrinkage
    scheduled: int  # agents to schedule, after shrinkage
    service_level: float  # achieved share answered within the target time
    intensity: float  # Erlangs


def erlang_c(agents: int, intensity: float) -> float:
    """Probability that a contact waits (Erlang C), via the stable Erlang B recursion."""
    if agents <= intensity:
        return 1.0
    b = 1.0
    for k in range(1, agents + 1):
        b = intensity * b / (k + intensity * b)
    return agents * b / (agents - intensity * (1 - b))


def service_level(agents: int, intensity: float, answer_within: float, handle: float) -> float:
    if agents <= intensity:
        return 0.0
    waiting = erlang_c(agents, intensity)
    return max(0.0, 1 - waiting * math.exp(-(agents - intensity) * answer_within / handle))


def agents_required(
    contacts: float,
    *,
    handle_seconds: float,
    target: float = 0.80,
    answer_within_seconds: float = 20,
    shrinkage: Decimal | float = Decimal("0.30"),
    interval_seconds: float = 3600,
) -> Staffing:
    if contacts < 0 or handle_seconds <= 0 or interval_seconds <= 0:
        raise ValueError("contacts must be >= 0 and handle and interval times > 0")
    if not 0 < target < 1:
        raise ValueError("target must be between 0 and 1")
    shrink = Decimal(str(shrinkage))
    if not Decimal(0) <= shrink < Decimal(1):
        raise ValueError("shrinkage must be in [0, 1)")
    if contacts == 0:
        return Staffing(raw=0, scheduled=0, service_level=1.0, intensity=0.0)
    intensity = contacts * handle_seconds / interval_seconds
    agents = math.floor(intensity) + 1
    achieved = service_level(agents, intensity, answer_within_seconds, handle_seconds)
    while achieved < target and agents < MAX_AGENTS:
        agents += 1
        achieved = service_level(agents, intensity, answer_within_seconds, handle_seconds)
    scheduled = (Decimal(agents) / (1 - shrink)).to_integral_value(rounding=ROUND_CEILING)
    return Staffing(
        raw=agents, scheduled=int(scheduled), service_level=achieved, intensity=intensity
    )
