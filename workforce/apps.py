from django.apps import AppConfig


class WorkforceConfig(AppConfig):
    name = "workforce"
    verbose_name = "Workforce"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from core.navigation import register_nav
        from core.periodic import register_periodic
        from core.widgets import register_widget
        from escalations.models import CaseEvent

        from . import widgets
        from .services.csat import on_case_event_saved

        register_nav("Workforce", "workforce:coverage", min_role="team_lead", order=45)
        register_widget(widgets.team_dashboard_widget)
        register_widget(widgets.my_csat_widget)
        post_save.connect(on_case_event_saved, sender=CaseEvent, dispatch_uid="workforce-csat")
        register_periodic(
            name="workforce-weekly-report",
            task="workforce.weekly_reports_send",
            every_seconds=3600,
            description="HIR-8: on Monday, email each team's report of the last billing week.",
        )
        register_periodic(
            name="workforce-csat-emails",
            task="workforce.csat_emails_send",
            every_seconds=600,
            description="TEAM-2: rating links of resolved cases not yet emailed.",
        )
