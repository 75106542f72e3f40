from django.contrib import admin

from core.admin import ViewOnlyAdmin
from core.admin_audit import AuditedModelAdmin

from .models import RULE_FIELDS, Contract, CreditFact, CreditQuote, CreditRules, LedgerEntry
from .services import credit_rules_update


@admin.register(CreditRules)
class CreditRulesAdmin(AuditedModelAdmin):
    """Saving never edits a version in place: it saves the next one through the service
    (which writes the audit entry); quotes keep the version they were computed with."""

    list_display = [
        "version",
        "baseline_percent",
        "min_percent",
        "max_percent",
        "approval_threshold",
        "approval_window_days",
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
        new = credit_rules_update(
            actor=request.user, values=values, note=form.cleaned_data.get("note", "")
        )
        obj.pk, obj.version = new.pk, new.version

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CreditFact)
class CreditFactAdmin(ViewOnlyAdmin):
    list_display = ["case", "name", "value", "source", "entered_by", "entered_at"]
    list_filter = ["name", "source"]


@admin.register(Contract)
class ContractAdmin(ViewOnlyAdmin):
    list_display = ["external_id", "non_refunded_payments", "updated_at"]
    search_fields = ["external_id"]


@admin.register(CreditQuote)
class CreditQuoteAdmin(ViewOnlyAdmin):
    list_display = ["id", "case", "serial", "amount", "status", "requested_by", "approved_by"]
    list_filter = ["status"]


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ViewOnlyAdmin):
    list_display = ["id", "kind", "case", "contract", "amount", "actor", "at"]
    list_filter = ["kind"]
