"""API shapes for credits. Quote bodies carry the contributions (staff only; CRD-6 keeps
them out of everything client-facing)."""

from __future__ import annotations

from rest_framework import serializers

from core.api.validation import FreeTextField, SingleLineCharField

from .models import CreditFact, CreditQuote, FactName, LedgerEntry

MONEY_HELP = 'USD as a string with at most two decimals, e.g. "120.50".'


class FactSerializer(serializers.ModelSerializer):
    label = serializers.CharField(source="get_name_display", read_only=True)
    source_label = serializers.CharField(source="get_source_display", read_only=True)
    entered_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = CreditFact
        fields = ["name", "label", "value", "source", "source_label", "entered_by", "entered_at"]


class CaseFactsSerializer(serializers.Serializer):
    case = serializers.CharField(help_text="The case reference.")
    facts = FactSerializer(many=True)
    code_review_pending = serializers.BooleanField()


class FactsWriteSerializer(serializers.Serializer):
    """Any subset of the facts; the service validates each value and names the bad one."""

    contract_id = SingleLineCharField(required=False, max_length=64)
    non_refunded_payments = serializers.CharField(
        required=False, max_length=20, help_text=MONEY_HELP
    )
    contract_spend = serializers.CharField(required=False, max_length=20, help_text=MONEY_HELP)
    spend_12m = serializers.CharField(required=False, max_length=20, help_text=MONEY_HELP)
    lifetime_spend = serializers.CharField(required=False, max_length=20, help_text=MONEY_HELP)
    tenure_months = serializers.IntegerField(required=False, min_value=0, max_value=100000)
    growth_potential = serializers.ChoiceField(required=False, choices=["low", "medium", "high"])
    received_product = serializers.BooleanField(required=False)
    work_diary = serializers.ChoiceField(
        required=False,
        choices=["not_reviewed", "supports_client", "supports_freelancer", "inconclusive"],
    )
    code_review = serializers.ChoiceField(
        required=False,
        choices=[
            "not_requested",
            "requested",
            "favours_client",
            "favours_freelancer",
            "inconclusive",
        ],
    )
    ndf_found = serializers.BooleanField(required=False)
    past_ndf_count = serializers.IntegerField(required=False, min_value=0, max_value=100000)

    def validate(self, attrs):
        unknown = (
            set(self.initial_data) - set(self.fields)
            if isinstance(self.initial_data, dict)
            else set()
        )
        if unknown:
            raise serializers.ValidationError({sorted(unknown)[0]: ["Unknown fact."]})
        if not attrs:
            raise serializers.ValidationError({"facts": ["Give at least one fact."]})
        return attrs


assert set(FactsWriteSerializer._declared_fields) == set(FactName.values)


class ContributionSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    points = serializers.CharField(help_text="Percentage points of the non-refunded payments.")
    amount = serializers.CharField(help_text="Unrounded USD; the total is rounded once.")


class QuoteSerializer(serializers.ModelSerializer):
    case = serializers.CharField(source="case.reference", read_only=True)
    contract = serializers.CharField(source="contract.external_id", read_only=True)
    requested_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    approved_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    contributions = ContributionSerializer(many=True, read_only=True)
    inputs = serializers.DictField(child=serializers.CharField(), read_only=True)
    rules = serializers.DictField(child=serializers.CharField(), read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = CreditQuote
        fields = [
            "id",
            "case",
            "serial",
            "contract",
            "status",
            "status_label",
            "amount",
            "computed_amount",
            "percent",
            "needs_approval",
            "window_total",
            "contributions",
            "inputs",
            "rules_version",
            "rules",
            "content_hash",
            "changed_from",
            "change_reason",
            "requested_by",
            "created_by",
            "created_at",
            "approved_by",
            "approved_hash",
            "decided_at",
            "decision_reason",
        ]
        read_only_fields = fields


class ApproveSerializer(serializers.Serializer):
    content_hash = serializers.CharField(
        max_length=64, help_text="The content_hash of the snapshot you reviewed."
    )
    amount = serializers.CharField(
        required=False, allow_blank=True, max_length=20, help_text="A changed amount. " + MONEY_HELP
    )
    reason = FreeTextField(required=False, allow_blank=True, max_length=2000)


class RejectSerializer(serializers.Serializer):
    content_hash = serializers.CharField(max_length=64)
    reason = FreeTextField(max_length=2000)


class CreditSerializer(serializers.ModelSerializer):
    case = serializers.CharField(source="case.reference", read_only=True)
    contract = serializers.CharField(source="contract.external_id", read_only=True)
    actor = serializers.SlugRelatedField(slug_field="username", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = LedgerEntry
        fields = [
            "id",
            "kind",
            "kind_label",
            "case",
            "contract",
            "quote",
            "reverses",
            "amount",
            "reason",
            "actor",
            "at",
        ]
        read_only_fields = fields


class ReverseSerializer(serializers.Serializer):
    amount = serializers.CharField(max_length=20, help_text=MONEY_HELP)
    reason = FreeTextField(max_length=2000)


class LedgerTotalsSerializer(serializers.Serializer):
    issued = serializers.DecimalField(max_digits=14, decimal_places=2)
    reversed = serializers.DecimalField(max_digits=14, decimal_places=2)
    net = serializers.DecimalField(max_digits=14, decimal_places=2)
    entries = serializers.IntegerField()


class LedgerPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.CharField(allow_null=True)
    previous = serializers.CharField(allow_null=True)
    totals = LedgerTotalsSerializer()
    results = CreditSerializer(many=True)
