from django.apps import AppConfig


class EscalationsConfig(AppConfig):
    name = "escalations"
    verbose_name = "Escalation cases"
    default_auto_field = "django.db.models.BigAutoField"
