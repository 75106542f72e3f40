from django.apps import AppConfig
from django.conf import settings
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "People, calendars, SLA clocks and notifications"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import signals
        from .access import register_kernel_subjects
        from .defaults import ensure_default_data, register_default_data
        from .navigation import register_nav
        from .periodic import register_periodic, sync_periodic_tasks

        register_nav("Dashboard", "dashboard", order=0)
        register_nav("API", "api-docs", min_role="team_lead", order=900)
        register_nav("Admin", "admin:index", min_role="admin", order=1000)

        register_periodic(
            name="heartbeat",
            task="core.heartbeat",
            every_seconds=settings.HEARTBEAT_INTERVAL_SECONDS,
            description="Records that worker and beat are alive (shown on /healthz/).",
        )
        register_periodic(
            name="sla-sweep",
            task="core.sla_sweep",
            every_seconds=settings.SLA_SWEEP_INTERVAL_SECONDS,
            description="CORE-4: warns and breaches due SLA clocks, notifies (edit the interval "
            "here; the sweep catches up on anything missed).",
        )
        register_periodic(
            name="email-requeue",
            task="core.notification_emails_requeue",
            every_seconds=60,
            description="CORE-7: queues again notification emails still pending 5 minutes "
            "after they were queued (broker down, worker killed); gives up after 6 tries.",
        )
        post_migrate.connect(sync_periodic_tasks, sender=self, dispatch_uid="core.sync_periodic")
        register_default_data("core.migrations.0004_default_calendars")
        post_migrate.connect(ensure_default_data, sender=self, dispatch_uid="core.defaults")
        signals.connect()
        register_kernel_subjects()
