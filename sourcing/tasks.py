"""Thin tasks: load ids, call a service."""

from celery import shared_task

from .services.imports import import_job_run, import_jobs_resume_stale


@shared_task(name="sourcing.import_job_run", ignore_result=True, acks_late=True)
def import_job_run_task(job_id: int) -> None:
    import_job_run(job_id=job_id)


@shared_task(name="sourcing.import_jobs_resume_stale", ignore_result=True)
def import_jobs_resume_stale_task() -> None:
    import_jobs_resume_stale()
