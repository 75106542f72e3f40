"""Outbound events of hiring: applicant.added, applicant.moved, applicant.hired (no contact
data in the payload)."""

import json

import pytest
from django.apps import apps

from .conftest import complete

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not apps.is_installed("integrations"), reason="integrations not installed"),
]


def test_applicant_events_published_without_contact_data(offered, lead):
    from integrations.models import OutboundEvent

    applicant = complete(offered(email="private.person@example.com"))
    events = list(OutboundEvent.objects.order_by("occurred_at", "id"))
    types = [e.event_type for e in events]
    assert types[0] == "applicant.added"
    assert types.count("applicant.moved") == 2  # offered, submitted
    payload = json.dumps([e.payload for e in events])
    assert "private.person" not in payload and "@" not in payload
    moved = [e for e in events if e.event_type == "applicant.moved"][-1]
    assert moved.payload["applicant_id"] == applicant.pk
    assert moved.payload["stage"] == "submitted" and moved.team_id == applicant.round.team_id
