from django.apps import AppConfig


class HiringConfig(AppConfig):
    name = "hiring"
    verbose_name = "Hiring"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from core.navigation import register_nav
        from core.periodic import register_periodic
        from core.widgets import register_widget

        from .widgets import stale_postings_widget

        register_nav("Hiring", "hiring:rounds", min_role="team_lead", order=40)
        register_widget(stale_postings_widget)
        register_periodic(
            name="hiring-purge-expired",
            task="hiring.purge_expired",
            every_seconds=24 * 3600,
            description="Retention: rejected and withdrawn applicants after the set period.",
        )
        register_periodic(
            name="hiring-stale-postings",
            task="hiring.remind_stale_postings",
            every_seconds=7 * 24 * 3600,
            description="HIR-1: postings older than the staleness age ask for a review.",
        )
