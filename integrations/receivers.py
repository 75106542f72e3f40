"""Receivers: outbound events for the kernel's SLA clocks (the kernel imports no app of
ours, it sends ``sla_clocks_changed``), and the client email of a client-visible reply
(``post_save`` of a timeline entry, in the transaction that recorded it)."""

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
    from django.db.models.signals import post_save

    from core.sla import sla_clocks_changed
    from escalations.models import CaseEvent

    from .messages import on_case_event_saved

    sla_clocks_changed.connect(clocks_changed, dispatch_uid="integrations.clocks_changed")
    # ESC-10: a client-visible reply recorded on a timeline is emailed to the client.
    post_save.connect(
        on_case_event_saved, sender=CaseEvent, dispatch_uid="integrations.client_message"
    )
