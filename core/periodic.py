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
