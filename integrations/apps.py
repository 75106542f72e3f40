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
            name="webhook-sweep",
            task="integrations.webhook_sweep",
            every_seconds=getattr(settings, "WEBHOOK_SWEEP_INTERVAL_SECONDS", 30),
            description="API-3: fans out unrouted events and queues webhook deliveries that "
            "are due (first tries whose task was lost, retries after their back-off).",
        )
