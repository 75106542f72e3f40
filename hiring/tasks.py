"""Hiring's beat tasks (registered in HiringConfig.ready)."""

from celery import shared_task


@shared_task(name="hiring.purge_expired")
def purge_expired() -> int:
    from .services import applicants_purge_expired

    return applicants_purge_expired()


@shared_task(name="hiring.remind_stale_postings")
def remind_stale_postings() -> int:
    from .services import postings_remind_stale

    return postings_remind_stale()
