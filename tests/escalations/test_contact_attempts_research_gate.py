"""UFL-4: the older ``POST /cases/{ref}/contact-attempts/`` has the research gate of
``/ufl/attempts/``: a first attempt before the research checklist is complete needs
``research_incomplete_ok``; without it a 400 naming the field and nothing recorded."""

from __future__ import annotations

import pytest
import time_machine

from core.models import AuditEvent, SlaClock
from escalations.models import Kind, UflAttempt

from .ufl_helpers import T0, open_refund_case, research_done

pytestmark = pytest.mark.django_db


def _url(case) -> str:
    return f"/api/v1/cases/{case.reference}/contact-attempts/"


def test_old_endpoint_refuses_first_attempt_before_research_ufl_4(agent, agent_api):
    case = open_refund_case(agent)
    events, audits = case.events.count(), AuditEvent.objects.count()
    with time_machine.travel(T0, tick=False):
        refused = agent_api.post(_url(case), {"channel": "email"}, format="json")
        assert refused.status_code == 400
        assert "research_incomplete_ok" in refused.json()["error"]["fields"]
        assert case.events.count() == events and AuditEvent.objects.count() == audits
        assert not UflAttempt.objects.filter(plan__case=case).exists()
        assert not SlaClock.objects.filter(object_id=case.pk, metric="client_follow_up").exists()

        made = agent_api.post(
            _url(case), {"channel": "email", "research_incomplete_ok": True}, format="json"
        )
    assert made.status_code == 201
    attempt = UflAttempt.objects.get(plan__case=case)
    assert attempt.plan.research_skipped_by_id == made.wsgi_request.user.pk
    audit = AuditEvent.objects.filter(action="ufl.attempt_recorded").latest("id")
    assert audit.after["research_incomplete_ok"] is True


def test_old_endpoint_needs_no_confirmation_once_research_is_done_ufl_4(agent, agent_api):
    case = open_refund_case(agent)
    research_done(case, agent)
    with time_machine.travel(T0, tick=False):
        made = agent_api.post(_url(case), {"channel": "phone"}, format="json")
    assert made.status_code == 201
    assert UflAttempt.objects.get(plan__case=case).plan.research_skipped_by_id is None


def test_old_endpoint_on_a_general_case_has_no_research_gate_ufl_4(make_case, agent, agent_api):
    from escalations.services import case_claim

    case = case_claim(case=make_case(kind=Kind.GENERAL), agent=agent)
    made = agent_api.post(_url(case), {"channel": "email"}, format="json")
    assert made.status_code == 201
