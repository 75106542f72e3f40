"""Admin changes go through the audit trail too (CORE-5).

``AuditedModelAdmin`` records every add, change and delete made in the Django admin with
before and after snapshots of the concrete fields. Configuration models use it.
"""

from django.contrib import admin
from django.db import transaction

from .services import audit_record, snapshot


def _fields(obj) -> list[str]:
    return [f.name for f in obj._meta.concrete_fields if f.name not in ("password", "last_login")]


class AuditedModelAdmin(admin.ModelAdmin):
    def save_model(self, request, obj, form, change):
        before = None
        if change and obj.pk:
            previous = type(obj)._default_manager.filter(pk=obj.pk).first()
            before = snapshot(previous, _fields(previous)) if previous else None
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            after = snapshot(obj, _fields(obj))
            if before != after:
                label = obj._meta.model_name
                audit_record(
                    actor=request.user,
                    action=f"{label}.{'changed' if change else 'created'}",
                    target=obj,
                    before=before,
                    after=after,
                    reason="via admin",
                )

    def delete_model(self, request, obj):
        with transaction.atomic():
            audit_record(
                actor=request.user,
                action=f"{obj._meta.model_name}.deleted",
                target=obj,
                before=snapshot(obj, _fields(obj)),
                reason="via admin",
            )
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)
