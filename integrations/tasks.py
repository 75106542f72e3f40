from celery import shared_task


@shared_task(name="integrations.webhook_deliver", ignore_result=True)
def webhook_deliver(delivery_id: int) -> None:
    """API-3: one try of one webhook delivery (retries are due rows the sweep queues)."""
    from .delivery import delivery_attempt

    delivery_attempt(delivery_id=delivery_id)


@shared_task(name="integrations.webhook_sweep", ignore_result=True)
def webhook_sweep() -> dict:
    """API-3: route unrouted events, queue due deliveries (beat runs it every 30 s)."""
    from .delivery import webhook_sweep as sweep

    result = sweep()
    return {"routed": result.routed, "queued": result.queued}


RETRY_BASE_SECONDS = 15
RETRY_MAX_SECONDS = 600


@shared_task(bind=True, name="integrations.client_message_send", ignore_result=True, max_retries=5)
def client_message_send(self, message_id: int) -> None:
    """ESC-10: email one client message; retry a failing mail server with back-off."""
    from .messages import client_message_deliver

    final = self.request.retries >= self.max_retries
    if client_message_deliver(message_id=message_id, final=final) is False and not final:
        countdown = min(RETRY_MAX_SECONDS, RETRY_BASE_SECONDS * 2**self.request.retries)
        raise self.retry(countdown=countdown)


@shared_task(name="integrations.client_messages_requeue", ignore_result=True)
def client_messages_requeue() -> dict:
    """ESC-10: queue again client messages whose task was lost (beat, every 60 s)."""
    from .messages import client_messages_requeue as requeue

    result = requeue()
    return {"requeued": result.requeued, "failed": result.failed}
