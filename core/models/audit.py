"""Append-only audit trail (CORE-5).

One row per state change: who, when, what, before and after. There is no update or
delete path through the application: the queryset and the model refuse both, the admin
is read-only and, on PostgreSQL, a trigger refuses UPDATE and DELETE as well.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models


class AppendOnlyError(Exception):
    """Raised on any attempt to change or remove an audit entry."""


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("The audit trail is append-only: entries cannot be updated.")

    def delete(self):
        raise AppendOnlyError("The audit trail is append-only: entries cannot be deleted.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError("The audit trail is append-only: entries cannot be updated.")

    def for_object(self, obj):
        return self.filter(
            target_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
            target_id=str(obj.pk),
        )


class AuditEvent(models.Model):
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        # No database constraint (PROTECT is still enforced by Django): an audit row
        # outlives what it points at, and the per-row foreign-key trigger cost the SLA
        # sweep a sixth of its time (one audit row per breached clock).
        db_constraint=False,
        help_text="Empty when the system (a sweep, a webhook) made the change.",
    )
    actor_label = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=100)
    # No index of its own: the (target_type, target_id, -at) index below serves it.
    target_type = models.ForeignKey(
        ContentType,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,  # see actor
    )
    target_id = models.CharField(max_length=64)
    target_repr = models.CharField(max_length=255, blank=True)
    before = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)
    reason = models.TextField(blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        # Every index costs each insert (the SLA sweep writes one row per clock): a plain
        # btree on action (equality filters; no varchar_pattern_ops twin, nothing searches
        # it with LIKE) and none on target_type alone (the composite index leads with it).
        indexes = [
            models.Index(fields=["target_type", "target_id", "-at"]),
            models.Index(fields=["action"], name="core_auditevent_action"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_label or 'system'} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("The audit trail is append-only: entries cannot be updated.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("The audit trail is append-only: entries cannot be deleted.")

    @property
    def changes(self) -> dict:
        """Field -> (before, after) for the fields that differ."""
        before, after = self.before or {}, self.after or {}
        if not isinstance(before, dict) or not isinstance(after, dict):
            return {}
        keys = sorted(set(before) | set(after))
        return {k: (before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)}
