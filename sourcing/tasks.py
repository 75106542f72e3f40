"""Thin tasks: load ids, call a service."""

from celery import shared_task

from .services.imports import import_job_run


@shared_task(name="sourcing.import_job_run", ignore_result=True, acks_late=True)
def import_job_run_task(job_id: int) -> None:
    import_job_run(job_id=job_id)
