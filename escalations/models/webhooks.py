"""Inbound ticket webhook events (API-2): one row per accepted event id."""

from django.db import models

from .cases import Case


class InboundEvent(models.Model):
    source = models.CharField(max_length=50, default="tickets")
    event_id = models.CharField(max_length=200)
    event_type = models.CharField(max_length=50)
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)
    payload = models.JSONField()
    result = models.JSONField(default=dict, help_text="The response first returned.")
    case = models.ForeignKey(
        Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="inbound_events"
    )

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "event_id"], name="inbound_event_once")
        ]

    def __str__(self) -> str:
        return f"{self.source}:{self.event_id} ({self.event_type})"
