from celery import shared_task

from .services import heartbeat_record

RETRY_BASE_SECONDS = 10
RETRY_MAX_SECONDS = 600


def _backoff(retries: int) -> int:
    return min(RETRY_MAX_SECONDS, RETRY_BASE_SECONDS * 2**retries)


@shared_task(name="core.heartbeat", ignore_result=True)
def heartbeat() -> None:
    heartbeat_record(name="celery")


@shared_task(name="core.ping", ignore_result=True)
def ping(marker: str) -> None:
    """Record a named heartbeat; tests use it to round-trip a task through a worker."""
    heartbeat_record(name=f"ping:{marker}"[:100])


@shared_task(bind=True, name="core.sla_sweep", ignore_result=True)
def sla_sweep(self) -> dict:
    """CORE-4: warn and breach due SLA clocks (beat runs it every 60 s by default)."""
    from .periodic import period_claim
    from .sla import sla_sweep as sweep

    if not period_claim(self.request):  # a second beat's dispatch in this period: no-op
        return {"warned": 0, "breached": 0, "skipped": True}
    # The notifications of each batch go to their own task (sla_fan_out), queued as the
    # batch commits: the sweep's time stays that of the clock updates and audit rows.
    # They go to the queue this sweep came from (the periodic task's queue, if set).
    queue = (self.request.delivery_info or {}).get("routing_key") or None
    result = sweep(defer=True, queue=queue)
    return {"warned": result.warned, "breached": result.breached}


@shared_task(bind=True, name="core.notifications_email", ignore_result=True, max_retries=6)
def notifications_email(self, ids: list[int]) -> None:
    """Email pending notifications; retry only the failed ones, with exponential backoff."""
    from .notifications import notification_emails_send

    final = self.request.retries >= self.max_retries
    failed = notification_emails_send(ids=ids, final=final)
    if failed and not final:
        raise self.retry(args=[failed], countdown=_backoff(self.request.retries))


@shared_task(name="core.notification_emails_requeue", ignore_result=True)
def notification_emails_requeue() -> dict:
    """CORE-7: queue again the emails whose task was lost (beat runs it every 60 s)."""
    from .notifications import notification_emails_requeue as requeue

    result = requeue()
    return {"requeued": result.requeued, "failed": result.failed}


@shared_task(bind=True, name="core.chat_message_send", ignore_result=True, max_retries=8)
def chat_message_send(self, message_id: int) -> None:
    """POST one chat outbox message to its webhook; retry transient failures with backoff."""
    from .notifications import ChatDeliveryError, chat_message_deliver, chat_message_mark_failed

    try:
        chat_message_deliver(message_id=message_id)
    except ChatDeliveryError as exc:
        if exc.permanent or self.request.retries >= self.max_retries:
            chat_message_mark_failed(message_id=message_id, error=str(exc))
            return
        raise self.retry(exc=exc, countdown=_backoff(self.request.retries)) from None


@shared_task(bind=True, name="core.sla_fan_out", ignore_result=True, max_retries=6)
def sla_fan_out(self, fan_out_id: int) -> None:
    """CORE-4/7: create the notifications of one SLA sweep batch (exactly once)."""
    from django.db import DatabaseError

    from .sla import sla_fan_out_send

    try:
        sla_fan_out_send(fan_out_id=fan_out_id)
    except DatabaseError as exc:
        raise self.retry(exc=exc, countdown=_backoff(self.request.retries)) from None
