from django.apps import AppConfig


class CreditsConfig(AppConfig):
    name = "credits"
    verbose_name = "Courtesy credits"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from core.defaults import register_default_data
        from core.navigation import register_nav
        from core.periodic import register_periodic
        from escalations.services.macros import register_server_placeholder

        from .services.ledger import offered_credit_amount

        # One entry (the top bar must fit 1280 px): the approvals page links the ledger.
        # CRD-3/CRD-6: no macro can name a credit amount other than the issued one.
        register_server_placeholder(
            "credit_amount",
            offered_credit_amount,
            "This case has no issued credit: issue an approved credit before offering it.",
        )
        register_nav("Credits", "credits:approvals", min_role="team_lead", order=40)
        register_default_data("credits.migrations.0003_default_rules")
        register_default_data("credits.migrations.0004_offer_macro")
        register_periodic(
            name="credits: forget idempotency keys older than 48 hours",
            task="credits.purge_idempotency_keys",
            every_seconds=3600,
            description="CRD-5: answers are kept at least 24 hours, then forgotten.",
        )
