"""Outbound events (integrations.publish_event) when that app is installed."""

from __future__ import annotations

from django.apps import apps


def publish(event_type: str, applicant, **extra) -> None:
    """No contact data: ids, round, stage, country and languages only."""
    if not apps.is_installed("integrations"):
        return
    from integrations.events import publish_event

    data = {
        "applicant_id": applicant.pk,
        "round_id": applicant.round_id,
        "stage": applicant.stage,
        **extra,
    }
    publish_event(event_type, data, team_id=applicant.round.team_id)
