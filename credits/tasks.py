from celery import shared_task

from .services.idempotency import idempotency_records_purge


@shared_task(name="credits.purge_idempotency_keys")
def purge_idempotency_keys() -> int:
    return idempotency_records_purge()
