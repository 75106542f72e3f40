"""The period claim of beat-driven sweeps (CORE-4): a row unique on (periodic task, period
start) (core.periodic.period_claim), so it holds on SQLite and PostgreSQL alike. The
two-beat-processes test is in test_integrations_faults.py.
"""

from __future__ import annotations

import pytest
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from core import tasks
from core.models import PeriodicClaim
from core.periodic import sync_periodic_tasks


@pytest.mark.django_db
def test_second_dispatch_in_one_period_is_a_no_op_manual_sweeps_always_run_core_4():
    sync_periodic_tasks()
    hour, _ = IntervalSchedule.objects.get_or_create(every=3600, period="seconds")
    PeriodicTask.objects.filter(name="sla-sweep").update(interval=hour)
    beat = {"periodic_task_name": "sla-sweep"}
    first = tasks.sla_sweep.apply(headers=beat).get()
    second = tasks.sla_sweep.apply(headers=beat).get()
    manual = tasks.sla_sweep.apply().get()  # a catch-up sent by hand is never claimed away
    assert "skipped" not in first and second.get("skipped") is True
    assert "skipped" not in manual
    claim = PeriodicClaim.objects.get()
    assert claim.name == "sla-sweep"
    assert claim.period_start.timestamp() % 3600 == 0
