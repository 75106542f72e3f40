"""Celery wiring: a task round-trips through a real worker; periodic tasks sync to beat."""

import uuid

import pytest
from django_celery_beat.models import PeriodicTask

from config.celery import app as celery_app
from core.models import Heartbeat
from core.periodic import sync_periodic_tasks
from core.tasks import heartbeat, ping

from ..conftest import wait_until


@pytest.mark.celery_worker
def test_task_round_trips_through_a_real_worker(celery_processes):
    queue = f"test-{uuid.uuid4().hex[:8]}"
    worker = celery_processes(queues=[queue])
    marker = uuid.uuid4().hex[:12]
    ping.apply_async(args=[marker], queue=queue)
    try:
        wait_until(
            lambda: Heartbeat.objects.filter(name=f"ping:{marker}").exists(),
            timeout=90,
            message="the worker to run core.ping",
        )
    except AssertionError:
        raise AssertionError("worker log:\n" + worker.output()[-4000:]) from None


def test_celery_app_defaults():
    conf = celery_app.conf
    assert conf.task_acks_late is True
    assert conf.accept_content == ["json"]
    assert conf.beat_scheduler == "django_celery_beat.schedulers:DatabaseScheduler"
    assert "core.heartbeat" in celery_app.tasks


@pytest.mark.django_db
def test_heartbeat_task_records_its_last_run():
    heartbeat.delay()
    heartbeat.delay()
    beat = Heartbeat.objects.get(name="celery")
    assert beat.runs == 2


@pytest.mark.django_db
def test_periodic_tasks_are_synced_without_overwriting_admin_edits():
    task = PeriodicTask.objects.get(name="heartbeat")  # created by post_migrate
    assert task.task == "core.heartbeat"
    task.enabled = False
    task.save()
    sync_periodic_tasks()
    assert PeriodicTask.objects.get(name="heartbeat").enabled is False
