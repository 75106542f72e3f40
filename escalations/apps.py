from django.apps import AppConfig


class EscalationsConfig(AppConfig):
    name = "escalations"
    verbose_name = "Escalation cases"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from core.defaults import register_default_data
        from core.navigation import register_nav
        from core.widgets import register_widget

        from .access import register as register_access
        from .widgets import breaches_to_review, my_urgent_cases

        register_access()

        # UFL-2/UFL-3: swept plan clocks become reminders and the 48-hour exhaustion.
        from core.sla import sla_clocks_breached

        from .services.ufl import on_clocks_breached

        sla_clocks_breached.connect(on_clocks_breached, dispatch_uid="escalations.ufl")

        register_nav("Queue", "escalations:queue", order=10)
        register_nav("Outreach", "escalations:outreach", order=20)
        register_nav("Breaches", "escalations:breach-review", min_role="team_lead", order=25)
        register_widget(my_urgent_cases)
        register_widget(breaches_to_review)
        register_default_data("escalations.migrations.0002_default_policies_and_macros")
