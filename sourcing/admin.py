from django.contrib import admin

from core.admin_audit import AuditedModelAdmin

from .models import (
    Agency,
    Category,
    CompletedJob,
    Freelancer,
    ImportJob,
    Invitation,
    Shortlist,
    SourcingRules,
    Subcategory,
)
from .models.rules import RULE_FIELDS
from .services import sourcing_rules_update


@admin.register(SourcingRules)
class SourcingRulesAdmin(AuditedModelAdmin):
    """Saving never edits a version in place: it saves the next one through the service
    (which writes the audit entry)."""

    list_display = [
        "version",
        "min_jss",
        "recent_job_days",
        "invite_cooldown_days",
        "large_budget_threshold",
        "created_by",
        "created_at",
        "note",
    ]
    readonly_fields = ["version", "created_by", "created_at"]
    fields = ["version", *RULE_FIELDS, "note", "created_by", "created_at"]

    def save_model(self, request, obj, form, change):
        values = {
            name: form.cleaned_data[name] for name in RULE_FIELDS if name in form.cleaned_data
        }
        new = sourcing_rules_update(
            actor=request.user, values=values, note=form.cleaned_data.get("note", "")
        )
        obj.pk, obj.version = new.pk, new.version

    def has_delete_permission(self, request, obj=None):
        return False


class SubcategoryInline(admin.TabularInline):
    model = Subcategory
    extra = 1


@admin.register(Category)
class CategoryAdmin(AuditedModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]
    inlines = [SubcategoryInline]


@admin.register(Agency)
class AgencyAdmin(AuditedModelAdmin):
    list_display = ["name", "external_id", "jss", "dispute_count", "is_premium", "country"]
    list_filter = ["is_premium"]
    search_fields = ["name", "external_id"]


class CompletedJobInline(admin.TabularInline):
    model = CompletedJob
    fields = ["title", "category", "subcategory", "end_date", "hours"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Freelancer)
class FreelancerAdmin(admin.ModelAdmin):
    """Read-only: the pool is imported (SRC-1), never hand-typed."""

    list_display = [
        "name",
        "external_id",
        "jss",
        "is_top_rated",
        "is_rising_talent",
        "is_premium",
        "country",
        "region",
        "completed_jobs_count",
        "total_hours",
    ]
    list_filter = ["region", "is_top_rated", "is_rising_talent", "is_premium", "english_level"]
    search_fields = ["name", "external_id"]
    list_select_related = ["agency"]
    inlines = [CompletedJobInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["freelancer", "job_reference", "invited_at", "source", "invited_by"]
    list_select_related = ["freelancer", "invited_by"]
    search_fields = ["job_reference", "freelancer__name", "freelancer__external_id"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    # An invitation deleted here differs from the freelancer's last imported row, which
    # the next import must then write again (issue 16: unchanged rows are skipped).
    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        Freelancer.objects.filter(pk=obj.freelancer_id).update(import_digest="")

    def delete_queryset(self, request, queryset):
        ids = list(queryset.values_list("freelancer_id", flat=True).distinct())
        super().delete_queryset(request, queryset)
        Freelancer.objects.filter(pk__in=ids).update(import_digest="")


@admin.register(Shortlist)
class ShortlistAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "title",
        "job_reference",
        "case_reference",
        "eligible_count",
        "created_by",
        "created_at",
    ]
    search_fields = ["title", "job_reference", "case_reference"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "kind",
        "source",
        "status",
        "total_rows",
        "created_count",
        "updated_count",
        "error_count",
        "created_by",
        "created_at",
    ]
    list_filter = ["status", "kind", "source"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
