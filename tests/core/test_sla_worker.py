"""A real Celery worker and beat sweep SLA clocks (CORE-4, CORE-7)."""

import datetime as dt
import uuid

import pytest
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from core.models import ClockState, Notification, SlaClock
from core.sla import clock_start

from ..conftest import wait_until
from ..factories import UserFactory


@pytest.mark.celery_worker
def test_worker_and_beat_breach_a_clock_and_the_notification_appears_core_4(celery_processes):
    queue = f"test-sla-{uuid.uuid4().hex[:8]}"
    # Only the sweep runs, every second, on this test's own queue.
    PeriodicTask.objects.exclude(name="sla-sweep").update(enabled=False)
    every_second, _ = IntervalSchedule.objects.get_or_create(
        every=1, period=IntervalSchedule.SECONDS
    )
    sweep = PeriodicTask.objects.get(name="sla-sweep")
    assert sweep.task == "core.sla_sweep"
    sweep.interval = every_second
    sweep.queue = queue
    sweep.enabled = True
    sweep.save()

    # No email address: nothing is queued on the shared default queue.
    agent = UserFactory(username="sweep-agent", email="")
    clock = clock_start(
        subject=agent,
        metric="first_response",
        duration=dt.timedelta(seconds=2),
        calendar="24x7",
        started_at=timezone.now(),
    )
    worker, beat = celery_processes(queues=[queue], beat=True)
    try:
        notification = wait_until(
            lambda: Notification.objects.filter(recipient=agent, kind="sla_breach").first(),
            timeout=120,
            message="beat to send the sweep and the worker to breach the clock",
        )
    except AssertionError:
        raise AssertionError(
            "worker log:\n" + worker.output()[-3000:] + "\nbeat log:\n" + beat.output()[-3000:]
        ) from None
    clock = SlaClock.objects.get(pk=clock.pk)
    assert clock.state == ClockState.BREACHED
    assert clock.breached_at == clock.due_at
    assert notification.title == f"SLA breached: first response on {agent}"
    assert Notification.objects.filter(recipient=agent, kind="sla_breach").count() == 1
