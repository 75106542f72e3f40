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
