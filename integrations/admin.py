"""Admin pages (API-3, ESC-10, ESC-11): endpoints go through the service (URL checked,
audited without the secret); deliveries, attempts and events are the system's rows, read
only, with replay actions; resources and packs are audited like every configuration."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.utils import timezone
from django.utils.html import format_html

from core.admin import ViewOnlyAdmin
from core.admin_audit import AuditedModelAdmin
from core.errors import DomainError
from core.services import audit_record

from .delivery import target_check
from .models import (
    ClientMessage,
    OutboundEvent,
    Resource,
    ResourcePack,
    TeamMailbox,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
from .services import deliveries_replay_range, delivery_replay, endpoint_save


class WebhookEndpointForm(forms.ModelForm):
    secret = forms.CharField(
        min_length=16,
        max_length=200,
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text="At least 16 characters; leave empty to keep the current one.",
    )
    event_types = forms.CharField(
        help_text='Comma-separated, e.g. "case.*, clock.breached, credit.issued"; "*" for all.'
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["name", "url", "secret", "event_types", "team", "source_system", "active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["event_types"] = ", ".join(self.instance.event_types or [])
        else:
            self.fields["secret"].required = True

    def clean_url(self):
        url = self.cleaned_data["url"]
        try:
            target_check(url)  # http(s) only; no private network unless allowed
        except DomainError as exc:
            raise forms.ValidationError(exc.message) from None
        return url

    def clean_event_types(self):
        return [v.strip() for v in self.cleaned_data["event_types"].split(",") if v.strip()]


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    form = WebhookEndpointForm
    list_display = ["name", "url", "types", "active", "consecutive_failures", "disabled_at"]
    list_filter = ["active"]
    search_fields = ["name", "url", "source_system"]
    readonly_fields = ["consecutive_failures", "failing_since", "disabled_at", "disabled_reason"]
    actions = ["replay_last_day"]

    @admin.display(description="Event types")
    def types(self, obj):
        return ", ".join(obj.event_types or [])

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        previous = WebhookEndpoint.objects.get(pk=obj.pk) if change else None
        try:
            saved = endpoint_save(
                actor=request.user,
                endpoint=previous,
                name=data["name"],
                url=data["url"],
                secret=data.get("secret") or (previous.secret if previous else ""),
                event_types=data["event_types"],
                team_id=data["team"].pk if data.get("team") else None,
                source_system=data.get("source_system") or "",
                active=data.get("active", True),
            )
        except DomainError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        with transaction.atomic():
            audit_record(
                actor=request.user,
                action="webhook_endpoint.deleted",
                target=obj,
                before={"name": obj.name, "url": obj.url},
                reason="via admin",
            )
            obj.delete()

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)

    @admin.action(description="Replay the last 24 hours of events to the selected endpoints")
    def replay_last_day(self, request, queryset):
        now = timezone.now()
        total = 0
        for endpoint in queryset:
            try:
                total += len(
                    deliveries_replay_range(
                        actor=request.user,
                        endpoint=endpoint,
                        since=now - dt.timedelta(hours=24),
                        until=now,
                    )
                )
            except DomainError as exc:
                self.message_user(request, f"{endpoint}: {exc.message}", messages.ERROR)
        self.message_user(request, f"Queued {total} events again (same event ids).")


class WebhookAttemptInline(admin.TabularInline):
    model = WebhookAttempt
    fields = ["attempted_at", "status_code", "latency_ms", "response_excerpt", "error"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ViewOnlyAdmin):
    list_display = [
        "event_type",
        "endpoint",
        "status",
        "attempts",
        "last_status_code",
        "occurred",
        "next_attempt_at",
        "replay_label",
    ]
    list_filter = ["status", "endpoint", "event__event_type"]
    search_fields = ["event__event_id", "event__event_type"]
    list_select_related = ["endpoint", "event"]
    inlines = [WebhookAttemptInline]
    actions = ["replay"]
    date_hierarchy = "created_at"

    @admin.display(description="Event", ordering="event__event_type")
    def event_type(self, obj):
        return format_html("{}<br><small>{}</small>", obj.event.event_type, obj.event.event_id)

    @admin.display(description="Occurred", ordering="event__occurred_at")
    def occurred(self, obj):
        return obj.event.occurred_at

    @admin.display(description="Replay", boolean=True)
    def replay_label(self, obj):
        return obj.replay_of_id is not None

    @admin.action(description="Replay the selected deliveries (same event ids)")
    def replay(self, request, queryset):
        done = 0
        for item in queryset:
            try:
                delivery_replay(actor=request.user, delivery_id=item.pk)
                done += 1
            except DomainError as exc:
                self.message_user(request, f"{item}: {exc.message}", messages.ERROR)
        self.message_user(request, f"Queued {done} deliveries again.")


@admin.register(OutboundEvent)
class OutboundEventAdmin(ViewOnlyAdmin):
    list_display = ["event_type", "event_id", "team", "occurred_at", "routed_at"]
    list_filter = ["event_type"]
    search_fields = ["event_id", "event_type"]
    date_hierarchy = "occurred_at"


@admin.register(ClientMessage)
class ClientMessageAdmin(ViewOnlyAdmin):
    list_display = ["subject", "case", "status", "attempts", "sent_at", "last_error"]
    list_filter = ["status"]
    search_fields = ["subject", "case__reference", "message_id"]
    list_select_related = ["case"]


@admin.register(TeamMailbox)
class TeamMailboxAdmin(AuditedModelAdmin):
    list_display = ["team", "from_name", "from_email"]


@admin.register(Resource)
class ResourceAdmin(AuditedModelAdmin):
    list_display = ["title", "audience", "kinds", "active", "updated_at"]
    list_filter = ["audience", "active"]
    search_fields = ["title", "url"]

    @admin.display(description="Case kinds")
    def kinds(self, obj):
        return ", ".join(obj.case_kinds) or "Every kind"


@admin.register(ResourcePack)
class ResourcePackAdmin(AuditedModelAdmin):
    list_display = ["name", "slug", "contract_type"]
    filter_horizontal = ["resources"]
    prepopulated_fields = {"slug": ("name",)}

    def save_related(self, request, form, formsets, change):
        obj = form.instance
        before = sorted(obj.resources.values_list("pk", flat=True)) if obj.pk else []
        super().save_related(request, form, formsets, change)
        after = sorted(obj.resources.values_list("pk", flat=True))
        if before != after:  # the pack's links are configuration too (CORE-5)
            audit_record(
                actor=request.user,
                action="resourcepack.resources_set",
                target=obj,
                before={"resources": before},
                after={"resources": after},
                reason="via admin",
            )
