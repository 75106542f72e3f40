from django.apps import AppConfig


class SourcingConfig(AppConfig):
    name = "sourcing"
    verbose_name = "Freelancer sourcing"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from core.defaults import register_default_data
        from core.navigation import register_nav
        from core.periodic import register_periodic

        register_nav("Sourcing", "sourcing:builder", order=30)
        register_nav("Talent import", "sourcing:import", min_role="team_lead", order=31)
        register_nav("Thresholds", "sourcing:thresholds", min_role="team_lead", order=32)
        register_default_data("sourcing.migrations.0002_reference_data")
        # Issue 16: an import whose worker died resumes after its last committed chunk.
        register_periodic(
            name="sourcing-import-resume",
            task="sourcing.import_jobs_resume_stale",
            every_seconds=60,
            description="SRC-1: queue again the imports whose worker stopped mid-run.",
        )
