"""What outbound events say about cases and clocks: references and states, never people's
contact details, notes or reasoning (API-3). Every app's events go through
``publish_event``, which strips those again whatever a caller passes."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType

from core.models import SlaClock


def case_data(case) -> dict:
    return {
        "case": {
            "reference": case.reference,
            "kind": case.kind,
            "priority": case.priority,
            "status": case.status,
            "segment": case.client_segment,
            "source_channel": case.source_channel,
            "external_ticket_id": case.external_ticket_id,
            "team_id": case.team_id,
            "assignee_id": case.assignee_id,
        }
    }


CLOCK_FIELDS = ("metric", "state", "due_at", "warned_at", "breached_at", "met_at")


def clock_data(clock: SlaClock, subject) -> dict:
    # The sweep hands over partly loaded clocks: read only the loaded columns (no query).
    loaded = vars(clock)
    content_type = ContentType.objects.get_for_id(loaded["content_type_id"])
    return {
        "clock": {"id": clock.pk, **{name: loaded.get(name) for name in CLOCK_FIELDS}},
        "subject": {
            "type": content_type.model,
            "id": loaded.get("object_id"),
            "reference": getattr(subject, "reference", None),
        },
    }
