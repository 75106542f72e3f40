from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from core.admin_audit import AuditedModelAdmin

from .models import (
    PLACEHOLDERS,
    CallLog,
    Case,
    CaseEvent,
    ChecklistItem,
    ContactInfoRequest,
    DeskSettings,
    InboundEvent,
    Macro,
    NcoAssessment,
    NdfMark,
    SlaPolicy,
    Tag,
    UflAttempt,
    UflClaim,
    UflPlan,
    UflSettings,
    unknown_placeholders,
)


@admin.register(SlaPolicy)
class SlaPolicyAdmin(AuditedModelAdmin):
    list_display = (
        "name",
        "metric",
        "kind",
        "segment",
        "priority",
        "duration_seconds",
        "calendar",
        "start_event",
        "precedence",
        "active",
    )
    list_filter = ("metric", "kind", "segment", "priority", "active", "calendar")
    search_fields = ("name", "description")


@admin.register(Macro)
class MacroAdmin(AuditedModelAdmin):
    list_display = ("name", "slug", "suggest_when_no_phone", "active", "updated_at")
    list_filter = ("active", "suggest_when_no_phone")
    search_fields = ("name", "body")
    prepopulated_fields = {"slug": ("name",)}

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        help_text = "Placeholders: " + ", ".join(f"{{{{ {name} }}}}" for name in PLACEHOLDERS)
        if "body" in form.base_fields:
            form.base_fields["body"].help_text = help_text
        return form

    def save_model(self, request, obj, form, change):
        unknown = unknown_placeholders(f"{obj.subject}\n{obj.body}")
        if unknown:  # the field validators already refuse this; belt and braces
            raise ValidationError(f"Unknown placeholder(s): {', '.join(unknown)}")
        super().save_model(request, obj, form, change)


@admin.register(DeskSettings)
class DeskSettingsAdmin(AuditedModelAdmin):
    list_display = (
        "__str__",
        "nco_job_post_value_threshold",
        "nco_min_segment",
        "nco_min_criteria",
        "updated_at",
    )

    def has_add_permission(self, request):
        return not DeskSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Tag)
class TagAdmin(AuditedModelAdmin):
    search_fields = ("name",)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Cases change only through the services (audited); the admin just shows them."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CaseEventInline(admin.TabularInline):
    model = CaseEvent
    fields = ("at", "kind", "actor", "visibility", "body")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = (
        "reference",
        "title",
        "kind",
        "priority",
        "status",
        "client_segment",
        "assignee",
        "team",
        "created_at",
    )
    list_filter = ("status", "kind", "priority", "client_segment", "source_channel", "team")
    search_fields = ("reference", "title", "client_name", "client_email", "external_ticket_id")
    list_select_related = ("assignee", "team")
    inlines = [CaseEventInline]


@admin.register(NcoAssessment)
class NcoAssessmentAdmin(ReadOnlyAdmin):
    list_display = ("case", "segment", "job_post_value", "criteria_met", "routed_as_general")
    list_select_related = ("case",)


@admin.register(ContactInfoRequest)
class ContactInfoRequestAdmin(ReadOnlyAdmin):
    list_display = ("case", "requested_for", "requested_by", "status", "decided_by")
    list_filter = ("status",)


@admin.register(InboundEvent)
class InboundEventAdmin(ReadOnlyAdmin):
    list_display = ("event_id", "source", "event_type", "case", "received_at")
    search_fields = ("event_id",)


@admin.register(CallLog)
class CallLogAdmin(ReadOnlyAdmin):
    list_display = ("case", "party", "outcome", "agent", "started_at")


@admin.register(ChecklistItem)
class ChecklistItemAdmin(ReadOnlyAdmin):
    list_display = ("case", "label", "done", "done_by", "done_at")


# The unresponsive-freelancer process (issue 11, UFL-1 to UFL-7) ----------------------------
class UflSettingsForm(forms.ModelForm):
    class Meta:
        model = UflSettings
        fields = [
            "attempt_offsets_hours",
            "exhaust_after_hours",
            "follow_up_grace_hours",  # ESC-5: breached only after this grace
            "expectations_template",
            "stringent_block",
            "ndf_team",
        ]

    def clean(self):
        data = super().clean()
        for name in ("expectations_template", "stringent_block"):
            unknown = unknown_placeholders(data.get(name) or "")
            if unknown:
                self.add_error(name, f"Unknown placeholder(s): {', '.join(unknown)}.")
        return data


@admin.register(UflSettings)
class UflSettingsAdmin(AuditedModelAdmin):
    """UFL-1/UFL-2: the expectations template, the stringent block, the attempt offsets."""

    form = UflSettingsForm
    list_display = ("__str__", "attempt_offsets_hours", "exhaust_after_hours", "updated_at")

    def has_add_permission(self, request):
        return not UflSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(UflPlan)
class UflPlanAdmin(ReadOnlyAdmin):
    list_display = ("case", "status", "first_attempt_at", "exhausted_at", "replied_at", "outcome")
    list_filter = ("status", "outcome")


@admin.register(UflAttempt)
class UflAttemptAdmin(ReadOnlyAdmin):
    list_display = ("plan", "number", "channel", "at", "delivery_status", "outcome")


@admin.register(UflClaim)
class UflClaimAdmin(ReadOnlyAdmin):
    list_display = ("case", "kind", "claimed_by", "status", "recorded_at")
    list_filter = ("kind", "status")


@admin.register(NdfMark)
class NdfMarkAdmin(ReadOnlyAdmin):
    list_display = ("freelancer_ref", "case", "ndf_case", "marked_by", "marked_at")
    search_fields = ("freelancer_ref",)
