"""Outbound events for the kernel's SLA clocks (the kernel imports no app of ours)."""

from __future__ import annotations

import logging

from core.models import SlaClock

from .events import publish_events
from .payloads import clock_data

log = logging.getLogger(__name__)

CLOCK_EVENT_TYPES = {"warned": "clock.warned", "breached": "clock.breached", "met": "clock.met"}


def _subject(clock: SlaClock):
    cached = clock._state.fields_cache.get("subject")
    if cached is not None:
        return cached
    try:
        return clock.subject
    except Exception:  # a subject deleted since: the event still names the clock
        return None


def clocks_changed(sender, *, clocks: list[SlaClock], kind: str, **kwargs) -> None:
    """Publish clock.warned / clock.breached / clock.met in the sweep's transaction."""
    event_type = CLOCK_EVENT_TYPES.get(kind)
    if event_type is None or not clocks:
        return
    items = []
    for clock in clocks:
        subject = _subject(clock)
        items.append((event_type, clock_data(clock, subject), getattr(subject, "team_id", None)))
    publish_events(items)


def connect() -> None:
    from core.sla import sla_clocks_changed

    sla_clocks_changed.connect(clocks_changed, dispatch_uid="integrations.clocks_changed")
