from celery import shared_task

from .services import heartbeat_record


@shared_task(name="core.heartbeat", ignore_result=True)
def heartbeat() -> None:
    heartbeat_record(name="celery")


@shared_task(name="core.ping", ignore_result=True)
def ping(marker: str) -> None:
    """Record a named heartbeat; tests use it to round-trip a task through a worker."""
    heartbeat_record(name=f"ping:{marker}"[:100])
