"""UFL-3: the freelancer avenue is exhausted exactly once when sweeps overlap.

PostgreSQL, real threads released together by a barrier (each with its own connection).
"""

from __future__ import annotations

import threading

import pytest
import time_machine
from django.db import connection, connections

from core.models import AuditEvent, Notification
from core.sla import sla_sweep
from escalations.models import PlanStatus, UflPlan
from escalations.models.ufl import EXHAUST_METRIC
from escalations.services.ufl import on_clocks_breached
from integrations.models import OutboundEvent

from .ufl_helpers import T0, H, attempt, open_refund_case

SWEEPS = 4
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="real concurrency: PostgreSQL"),
]


def _together(target, n: int) -> list:
    barrier = threading.Barrier(n)
    errors = []

    def run():
        try:
            barrier.wait(timeout=30)
            target()
        except Exception as exc:  # surfaced below: a thread must not fail silently
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def _exhausted_once(case, agent) -> None:
    plan = UflPlan.objects.get(case=case)
    assert plan.status == PlanStatus.EXHAUSTED and plan.exhausted_at == T0 + 48 * H
    assert AuditEvent.objects.filter(action="ufl.exhausted", target_id=str(case.pk)).count() == 1
    assert case.events.filter(data__ufl="exhausted").count() == 1
    assert Notification.objects.filter(recipient=agent, kind="ufl_exhausted").count() == 1
    assert OutboundEvent.objects.filter(event_type="case.ufl_exhausted").count() == 1


def test_overlapping_sweeps_exhaust_once_ufl_3(agent):
    case = open_refund_case(agent)
    attempt(case, agent)
    with time_machine.travel(T0 + 48 * H + H, tick=False):
        errors = _together(lambda: sla_sweep(now=T0 + 48 * H), SWEEPS)
    assert errors == []
    _exhausted_once(case, agent)


def test_the_breach_handled_twice_at_once_still_exhausts_once_ufl_3(agent):
    """A fan-out delivered twice (a retried task) races on the plan's conditional UPDATE."""
    case = open_refund_case(agent)
    attempt(case, agent)
    plan = UflPlan.objects.get(case=case)
    mark = plan.clocks.get(metric=EXHAUST_METRIC)
    with time_machine.travel(T0 + 48 * H, tick=False):
        sla_sweep(now=T0 + 48 * H)  # claims the clock and exhausts
        UflPlan.objects.filter(pk=plan.pk).update(status=PlanStatus.CONTACTING, exhausted_at=None)
        before = AuditEvent.objects.filter(action="ufl.exhausted").count()
        errors = _together(lambda: on_clocks_breached(None, clock_ids=[mark.pk]), SWEEPS)
    assert errors == []
    assert AuditEvent.objects.filter(action="ufl.exhausted").count() == before + 1
