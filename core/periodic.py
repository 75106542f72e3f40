"""Periodic tasks, declared once in code and synced into django-celery-beat.

Apps call ``register_periodic`` from ``AppConfig.ready``; after ``migrate`` the missing
rows are created. Existing rows are left alone so an admin's edits (interval, enabled)
survive deployments.
"""

from dataclasses import dataclass

PERIODIC_TASKS: dict[str, "PeriodicSpec"] = {}


@dataclass(frozen=True)
class PeriodicSpec:
    name: str
    task: str
    every_seconds: int
    description: str = ""


def register_periodic(*, name: str, task: str, every_seconds: int, description: str = "") -> None:
    PERIODIC_TASKS[name] = PeriodicSpec(name, task, every_seconds, description)


def sync_periodic_tasks(**kwargs) -> list[str]:
    """Create the declared periodic tasks that do not exist yet; return their names."""
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    created = []
    for spec in PERIODIC_TASKS.values():
        if PeriodicTask.objects.filter(name=spec.name).exists():
            continue
        schedule, _ = IntervalSchedule.objects.get_or_create(
            every=spec.every_seconds, period=IntervalSchedule.SECONDS
        )
        PeriodicTask.objects.create(
            name=spec.name, task=spec.task, interval=schedule, description=spec.description
        )
        created.append(spec.name)
    return created


CLAIMS_KEPT_FOR = 7 * 24 * 3600  # seconds of claim rows kept (older ones are pruned)


def period_claim(request) -> bool:
    """CORE-4: take this period's claim for a beat dispatch; False means another dispatch
    of the same periodic task (a second beat) already did this period's work.

    Beat dispatches carry the ``periodic_task_name`` header (django-celery-beat); the
    period is the task's current interval, aligned on the epoch. A dispatch without that
    header (a manual ``.delay()``, a catch-up) always runs. Works on any database: the
    claim is a row unique on (task, period start)."""
    import datetime as dt

    from django.db import IntegrityError, transaction
    from django.utils import timezone
    from django_celery_beat.models import PeriodicTask

    from .models import PeriodicClaim

    name = (getattr(request, "headers", None) or {}).get("periodic_task_name") or getattr(
        request, "periodic_task_name", None
    )
    if not name:
        return True
    periodic = PeriodicTask.objects.filter(name=name).select_related("interval").first()
    if periodic is None or periodic.interval is None:
        return True
    seconds = max(1, int(periodic.interval.schedule.run_every.total_seconds()))
    now = timezone.now()
    epoch = int(now.timestamp())
    start = dt.datetime.fromtimestamp(epoch - epoch % seconds, tz=dt.UTC)
    try:
        with transaction.atomic():
            PeriodicClaim.objects.create(
                name=name[:200], period_start=start, hostname=(request.hostname or "")[:255]
            )
    except IntegrityError:
        return False
    PeriodicClaim.objects.filter(
        name=name[:200], period_start__lt=now - dt.timedelta(seconds=CLAIMS_KEPT_FOR)
    ).delete()
    return True
