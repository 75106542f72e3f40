from django.apps import AppConfig
from django.conf import settings


class IntegrationsConfig(AppConfig):
    name = "integrations"
    verbose_name = "Integrations: outbound webhooks, client email, resources"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from core.periodic import register_periodic

        from .receivers import connect

        connect()
        register_periodic(
            name="client-messages-requeue",
            task="integrations.client_messages_requeue",
            every_seconds=60,
            description="ESC-10: queues again client emails still queued 2 minutes after "
            "their task was queued (broker down, worker killed); gives up after 6 tries.",
        )

        register_periodic(
            name="webhook-sweep",
            task="integrations.webhook_sweep",
            every_seconds=getattr(settings, "WEBHOOK_SWEEP_INTERVAL_SECONDS", 30),
            description="API-3: fans out unrouted events and queues webhook deliveries that "
            "are due (first tries whose task was lost, retries after their back-off).",
        )
