from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import render
from django.utils import timezone

from .admin_audit import AuditedModelAdmin
from .calendars import calendar_holidays_generate, calendar_snapshot, validate_intervals
from .errors import DomainError
from .models import (
    AccessSettings,
    AuditEvent,
    BusinessCalendar,
    ChatMessage,
    Heartbeat,
    Holiday,
    Notification,
    NotificationSettings,
    ServiceToken,
    SlaClock,
    SlaFanOut,
    SlaPause,
    Team,
    User,
    WorkingInterval,
)
from .services import audit_record

admin.site.site_header = "Escalations Desk administration"
admin.site.site_title = "Escalations Desk"


@admin.register(User)
class UserAdmin(AuditedModelAdmin, BaseUserAdmin):
    list_display = ["username", "get_full_name", "role", "team", "time_zone", "is_active"]
    list_filter = ["role", "team", "is_active"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        (
            "Escalations Desk",
            {
                "fields": ["role", "team", "time_zone", "languages", "channels", "start_date"],
            },
        ),
    ]
    add_fieldsets = [
        *BaseUserAdmin.add_fieldsets,
        ("Escalations Desk", {"fields": ["role", "team", "time_zone"]}),
    ]


@admin.register(Team)
class TeamAdmin(AuditedModelAdmin):
    list_display = ["name", "lead"]
    search_fields = ["name"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the trail has no edit or delete path, the admin included."""

    list_display = ["at", "actor_label", "action", "target_type", "target_repr"]
    list_filter = ["action", "target_type"]
    search_fields = ["target_repr", "actor_label", "action", "target_id"]
    date_hierarchy = "at"

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Heartbeat)
class HeartbeatAdmin(admin.ModelAdmin):
    list_display = ["name", "last_run_at", "hostname", "runs"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# Calendars (CORE-1) ------------------------------------------------------------------------
class WorkingIntervalFormSet(forms.BaseInlineFormSet):
    """Working intervals of one calendar: valid and non-overlapping on each weekday."""

    def clean(self):
        super().clean()
        rows = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE"):
                continue
            if data.get("weekday") is None or not data.get("start") or data.get("end") is None:
                continue
            rows.append((int(data["weekday"]), data["start"], data["end"]))
        try:
            validate_intervals(rows)
        except ValidationError as exc:
            raise ValidationError(exc.messages) from None


class WorkingIntervalInline(admin.TabularInline):
    model = WorkingInterval
    formset = WorkingIntervalFormSet
    extra = 0
    fields = ["weekday", "start", "end"]


class HolidayInline(admin.TabularInline):
    model = Holiday
    extra = 0
    fields = ["date", "name", "start", "end", "source"]
    ordering = ["date", "start"]


class GenerateHolidaysForm(forms.Form):
    country = forms.CharField(max_length=8, help_text="ISO code, e.g. US, GB, DE.")
    subdiv = forms.CharField(max_length=16, required=False, help_text="e.g. CA; optional.")
    first_year = forms.IntegerField(min_value=1900, max_value=2200)
    last_year = forms.IntegerField(min_value=1900, max_value=2200)
    follow = forms.BooleanField(
        required=False,
        initial=True,
        label="Follow this country for every year",
        help_text="Deadlines reaching years outside the range still see its holidays.",
    )


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(AuditedModelAdmin):
    list_display = ["name", "slug", "time_zone", "holiday_country", "holiday_subdiv", "updated_at"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["updated_at"]
    inlines = [WorkingIntervalInline, HolidayInline]
    actions = ["generate_holidays"]

    def save_model(self, request, obj, form, change):
        if change and obj.pk:
            previous = BusinessCalendar.objects.filter(pk=obj.pk).first()
            request._calendar_before = calendar_snapshot(previous) if previous else None
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        calendar = form.instance
        calendar.touch()
        before = getattr(request, "_calendar_before", None)
        after = calendar_snapshot(calendar)
        if (
            change
            and before is not None
            and (before["weekly"] != after["weekly"] or before["holidays"] != after["holidays"])
        ):
            audit_record(
                actor=request.user,
                action="businesscalendar.schedule_changed",
                target=calendar,
                before=before,
                after=after,
                reason="via admin",
            )

    @admin.action(description="Generate holidays from the holidays package")
    def generate_holidays(self, request, queryset):
        if "apply" in request.POST:
            form = GenerateHolidaysForm(request.POST)
            if form.is_valid():
                data = form.cleaned_data
                try:
                    added = sum(
                        calendar_holidays_generate(
                            calendar=calendar,
                            country=data["country"],
                            subdiv=data["subdiv"],
                            first_year=data["first_year"],
                            last_year=data["last_year"],
                            follow=data["follow"],
                            actor=request.user,
                        )
                        for calendar in queryset
                    )
                except DomainError as exc:
                    form.add_error(None, exc.message)
                else:
                    self.message_user(
                        request, f"Added {added} holidays to {queryset.count()} calendar(s)."
                    )
                    return None
        else:
            this_year = timezone.now().year
            form = GenerateHolidaysForm(
                initial={"country": "US", "first_year": this_year, "last_year": this_year + 2}
            )
        return render(
            request,
            "admin/core/businesscalendar/generate_holidays.html",
            {
                **self.admin_site.each_context(request),
                "title": "Generate holidays",
                "form": form,
                "calendars": queryset,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                "opts": self.model._meta,
            },
        )


# SLA clocks (CORE-3): read-only here, state changes go through the services ---------------
class SlaPauseInline(admin.TabularInline):
    model = SlaPause
    extra = 0
    fields = ["started_at", "ended_at", "reason"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ViewOnlyAdmin(admin.ModelAdmin):
    """Rows written by the system: listed and opened, never added, edited or deleted."""

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "show_save": False,
            "show_save_and_continue": False,
            "show_save_and_add_another": False,
            "show_delete": False,
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return request.method in ("GET", "HEAD")

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SlaClock)
class SlaClockAdmin(ViewOnlyAdmin):
    list_display = [
        "id",
        "metric",
        "subject_label",
        "state",
        "calendar",
        "started_at",
        "due_at",
        "warned_at",
        "breached_at",
        "met_at",
        "acknowledged_at",
    ]
    list_filter = ["state", "metric", "calendar", "content_type"]
    date_hierarchy = "due_at"
    list_select_related = ["calendar", "content_type"]
    inlines = [SlaPauseInline]

    @admin.display(description="Subject")
    def subject_label(self, obj):
        return f"{obj.content_type.model} #{obj.object_id}"


@admin.register(SlaFanOut)
class SlaFanOutAdmin(ViewOnlyAdmin):
    """Read-only: the sweep's notification batches; a pending one is sent by the next sweep."""

    list_display = ["__str__", "swept_at", "done_at", "notifications"]
    list_filter = ["kind", ("done_at", admin.EmptyFieldListFilter)]
    date_hierarchy = "created_at"


# Notifications (CORE-7) --------------------------------------------------------------------
@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "kind", "title", "read_at", "email_status"]
    list_filter = ["kind", "email_status"]
    search_fields = ["title", "recipient__username"]
    list_select_related = ["recipient"]
    date_hierarchy = "created_at"

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(NotificationSettings)
class NotificationSettingsAdmin(AuditedModelAdmin):
    list_display = ["__str__", "fallback_chat_webhook_url", "email_enabled", "updated_at"]

    def has_add_permission(self, request):
        return not NotificationSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ChatMessage)
class ChatMessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "team", "status", "attempts", "short_text", "last_error"]
    list_filter = ["status", "team"]
    actions = ["resend"]

    @admin.display(description="Text")
    def short_text(self, obj):
        return obj.text[:80]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Send again")
    def resend(self, request, queryset):
        from .tasks import chat_message_send

        ids = list(queryset.exclude(status=ChatMessage.Status.SENT).values_list("pk", flat=True))
        queryset.filter(pk__in=ids).update(status=ChatMessage.Status.PENDING)
        for pk in ids:
            transaction.on_commit(lambda pk=pk: chat_message_send.delay(pk), robust=True)
        self.message_user(request, f"Queued {len(ids)} message(s).")


@admin.register(AccessSettings)
class AccessSettingsAdmin(AuditedModelAdmin):
    """CORE-8: the read-only cross-team visibility switch (off by default)."""

    list_display = ["__str__", "cross_team_read", "updated_at"]

    def has_add_permission(self, request):
        return not AccessSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ServiceToken)
class ServiceTokenAdmin(admin.ModelAdmin):
    """Tokens are created by `manage.py create_service_token` (the key is shown once)."""

    list_display = ["name", "scopes", "key_prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = [
        "name",
        "user",
        "key_prefix",
        "scopes",
        "created_by",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    exclude = ["key_hash"]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request, queryset):
        from .tokens import service_token_revoke

        for token in queryset:
            service_token_revoke(token=token, actor=request.user)
        self.message_user(request, f"Revoked {queryset.count()} token(s).")
