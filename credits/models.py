"""Courtesy credits (CRD-1 to CRD-6): rules, facts, contracts, quote snapshots, the ledger.

- ``CreditRules``: versioned weights, bounds and the approval threshold/window; a change
  is a new version (never an edit) with an audit entry, like the sourcing rules.
- ``CreditFact``: one entered value of one fact of a case (who, when, where from); the
  newest per name is the case's current value.
- ``Contract``: the disputed contract; its row is locked while a credit is issued, so the
  credits on it can never exceed its non-refunded payments (CRD-5).
- ``CreditQuote``: an immutable snapshot (inputs, rules, contributions, amount) with a
  content hash; only its workflow state (status, approval) changes afterwards.
- ``LedgerEntry``: append-only (the database refuses UPDATE and DELETE); an issue is a
  positive entry, unique per case; a reversal is a new negative entry.
- ``IdempotencyRecord``: the first answer to an ``Idempotency-Key``, kept >= 24 hours.
"""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q, Sum

from .quoting import RULE_DEFAULTS, WEIGHT_FIELDS, CodeReview, GrowthPotential, WorkDiary

MONEY = {"max_digits": 12, "decimal_places": 2}
POINTS = {"max_digits": 6, "decimal_places": 2}


class AppendOnlyError(Exception):
    """Raised on any attempt to change or remove a ledger entry."""


# Rules (versioned) -----------------------------------------------------------------------
def _points(label: str, default: Decimal, *, signed: bool = False, cap: int = 100):
    validators = [MaxValueValidator(Decimal(cap))]
    if not signed:
        validators.append(MinValueValidator(Decimal(0)))
    else:
        validators.append(MinValueValidator(Decimal(-cap)))
    return models.DecimalField(label, default=default, validators=validators, **POINTS)


RULE_FIELDS = [*WEIGHT_FIELDS, "approval_threshold", "approval_window_days"]


class CreditRules(models.Model):
    version = models.PositiveIntegerField(unique=True)
    baseline_percent = _points("baseline (% of non-refunded payments)", Decimal("5.00"))
    code_review_favours_client_points = _points(
        "code review favours the client", Decimal("3.00"), signed=True
    )
    code_review_favours_freelancer_points = _points(
        "code review favours the freelancer", Decimal("-2.00"), signed=True
    )
    no_product_points = _points("client received no product", Decimal("2.00"), signed=True)
    work_diary_supports_client_points = _points(
        "work diary supports the client", Decimal("1.50"), signed=True
    )
    work_diary_supports_freelancer_points = _points(
        "work diary supports the freelancer", Decimal("-1.50"), signed=True
    )
    tenure_points_per_year = _points("tenure, per full year", Decimal("0.25"))
    tenure_max_points = _points("tenure, at most", Decimal("1.00"))
    contract_spend_points_per_1000 = _points("contract spend, per $1,000", Decimal("0.10"))
    contract_spend_max_points = _points("contract spend, at most", Decimal("1.00"))
    spend_12m_points_per_1000 = _points("12-month spend, per $1,000", Decimal("0.10"))
    spend_12m_max_points = _points("12-month spend, at most", Decimal("1.00"))
    lifetime_points_per_10000 = _points("lifetime spend, per $10,000", Decimal("0.25"))
    lifetime_max_points = _points("lifetime spend, at most", Decimal("1.50"))
    growth_medium_points = _points("medium growth potential", Decimal("0.50"), signed=True)
    growth_high_points = _points("high growth potential", Decimal("1.00"), signed=True)
    ndf_found_points = _points("non-delivering freelancer found", Decimal("2.00"), signed=True)
    past_ndf_points_each = _points("each past non-delivery", Decimal("0.50"))
    past_ndf_max_points = _points("past non-deliveries, at most", Decimal("2.00"))
    min_percent = _points("lowest total (%)", Decimal("0.00"))
    max_percent = _points("highest total (%)", Decimal("20.00"))
    approval_threshold = models.DecimalField(
        "approval above (USD)",
        default=Decimal("250.00"),
        validators=[MinValueValidator(Decimal(0))],
        help_text="CRD-3: a client's disputed amounts over the window above this need a "
        "lead's approval.",
        **MONEY,
    )
    approval_window_days = models.PositiveIntegerField(
        "approval window (days)",
        default=90,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-version"]
        verbose_name = "credit rules version"
        verbose_name_plural = "credit rules versions"

    def __str__(self) -> str:
        return f"Credit rules v{self.version}"

    def values(self) -> dict:
        return {name: getattr(self, name) for name in RULE_FIELDS}

    def weights(self) -> dict[str, Decimal]:
        return {name: getattr(self, name) for name in WEIGHT_FIELDS}


assert set(RULE_DEFAULTS) == set(WEIGHT_FIELDS)


# Facts -----------------------------------------------------------------------------------
class FactName(models.TextChoices):
    CONTRACT_ID = "contract_id", "Disputed contract"
    NON_REFUNDED_PAYMENTS = "non_refunded_payments", "Non-refunded payments"
    CONTRACT_SPEND = "contract_spend", "Contract spend"
    SPEND_12M = "spend_12m", "12-month spend"
    LIFETIME_SPEND = "lifetime_spend", "Lifetime spend"
    TENURE_MONTHS = "tenure_months", "Client tenure (months)"
    GROWTH_POTENTIAL = "growth_potential", "Growth potential"
    RECEIVED_PRODUCT = "received_product", "Client received any product"
    WORK_DIARY = "work_diary", "Work diary review"
    CODE_REVIEW = "code_review", "Code review"
    NDF_FOUND = "ndf_found", "Non-delivering freelancer found"
    PAST_NDF_COUNT = "past_ndf_count", "Past non-deliveries"


FACT_CHOICES = {
    FactName.GROWTH_POTENTIAL: GrowthPotential.CHOICES,
    FactName.WORK_DIARY: WorkDiary.CHOICES,
    FactName.CODE_REVIEW: CodeReview.CHOICES,
}
MONEY_FACTS = {
    FactName.NON_REFUNDED_PAYMENTS,
    FactName.CONTRACT_SPEND,
    FactName.SPEND_12M,
    FactName.LIFETIME_SPEND,
}
COUNT_FACTS = {FactName.TENURE_MONTHS, FactName.PAST_NDF_COUNT}
YES_NO_FACTS = {FactName.RECEIVED_PRODUCT, FactName.NDF_FOUND}


class FactSource(models.TextChoices):
    PAGE = "page", "Entered on the case page"
    API = "api", "Posted over the API"
    INTEGRATION = "integration", "Posted by an integration"


class CreditFact(models.Model):
    case = models.ForeignKey(
        "escalations.Case", on_delete=models.PROTECT, related_name="credit_facts"
    )
    name = models.CharField(max_length=40, choices=FactName.choices)
    value = models.CharField(max_length=64)
    source = models.CharField(max_length=20, choices=FactSource.choices)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    entered_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["case", "name", "-id"]
        indexes = [models.Index(fields=["case", "name", "-id"], name="credits_fact_current")]

    def __str__(self) -> str:
        return f"{self.get_name_display()} on case {self.case_id}"


# Contracts -------------------------------------------------------------------------------
class Contract(models.Model):
    """A disputed contract: its row is the lock of CRD-5's cap."""

    external_id = models.CharField(max_length=64, unique=True)
    client_key = models.CharField(max_length=254, db_index=True)
    non_refunded_payments = models.DecimalField(
        default=Decimal("0"), validators=[MinValueValidator(Decimal(0))], **MONEY
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["external_id"]

    def __str__(self) -> str:
        return f"Contract {self.external_id}"

    def credited_total(self) -> Decimal:
        total = self.ledger_entries.aggregate(total=Sum("amount"))["total"]
        return total or Decimal("0")

    def headroom(self) -> Decimal:
        return self.non_refunded_payments - self.credited_total()


# Quotes ----------------------------------------------------------------------------------
class QuoteStatus(models.TextChoices):
    AWAITING_APPROVAL = "awaiting_approval", "Awaiting a lead's approval"
    READY = "ready", "Ready to offer"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    SUPERSEDED = "superseded", "Replaced by a newer quote"
    ISSUED = "issued", "Issued"


OPEN_QUOTE_STATUSES = (QuoteStatus.AWAITING_APPROVAL, QuoteStatus.READY, QuoteStatus.APPROVED)
# What the content hash covers: the snapshot itself, never its workflow state.
SNAPSHOT_FIELDS = (
    "case_id",
    "serial",
    "contract_id",
    "requested_by_id",
    "created_by_id",
    "rules_version",
    "rules",
    "inputs",
    "facts_revision",
    "window_total",
    "needs_approval",
    "contributions",
    "percent",
    "computed_amount",
    "amount",
    "changed_from_id",
    "change_reason",
)


def canonical(value) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)


class CreditQuote(models.Model):
    case = models.ForeignKey(
        "escalations.Case", on_delete=models.PROTECT, related_name="credit_quotes"
    )
    serial = models.PositiveIntegerField(help_text="1 for the case's first quote, and so on.")
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="quotes")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The requester, or the lead who changed the amount.",
    )
    created_at = models.DateTimeField(db_index=True)
    rules_version = models.PositiveIntegerField()
    rules = models.JSONField(help_text="The rule values used (text of Decimals).")
    inputs = models.JSONField(help_text="The facts used (canonical text).")
    facts_revision = models.PositiveBigIntegerField(
        default=0, help_text="The newest fact id when quoted: a later fact outdates the quote."
    )
    window_total = models.DecimalField(**MONEY)
    needs_approval = models.BooleanField()
    contributions = models.JSONField()
    percent = models.DecimalField(
        max_digits=16, decimal_places=8, help_text="Exact (spend factors scale per $1,000)."
    )
    computed_amount = models.DecimalField(**MONEY)
    amount = models.DecimalField(**MONEY)
    changed_from = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="changes"
    )
    change_reason = models.TextField(blank=True)
    content_hash = models.CharField(max_length=64, unique=True)

    # Workflow state (outside the hash).
    status = models.CharField(max_length=20, choices=QuoteStatus.choices, db_index=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_hash = models.CharField(max_length=64, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"], name="credits_quote_queue")]
        constraints = [
            models.UniqueConstraint(fields=["case", "serial"], name="credits_quote_serial")
        ]

    def __str__(self) -> str:
        return f"Credit quote #{self.pk} on case {self.case_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None and kwargs.get("update_fields") is None:
            raise AppendOnlyError("A quote snapshot is immutable: save its state fields only.")
        if self.pk is not None and set(kwargs["update_fields"]) & set(SNAPSHOT_FIELDS):
            raise AppendOnlyError("A quote snapshot is immutable.")
        super().save(*args, **kwargs)

    def snapshot(self) -> dict:
        """The hashed content; a Decimal hashes by value (7.5 and 7.50 alike), so the row
        read back from the database hashes as the one just computed."""
        return {
            name: (str(v.normalize()) if isinstance(v := getattr(self, name), Decimal) else v)
            for name in SNAPSHOT_FIELDS
        }

    def compute_hash(self) -> str:
        return hashlib.sha256(canonical(self.snapshot()).encode()).hexdigest()

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_QUOTE_STATUSES

    @property
    def code_review_pending(self) -> bool:
        return self.inputs.get("code_review") == CodeReview.REQUESTED


# The ledger ------------------------------------------------------------------------------
class EntryKind(models.TextChoices):
    ISSUE = "issue", "Credit issued"
    REVERSAL = "reversal", "Reversal"


class LedgerQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("The credit ledger is append-only: entries cannot be updated.")

    def delete(self):
        raise AppendOnlyError("The credit ledger is append-only: entries cannot be deleted.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError("The credit ledger is append-only: entries cannot be updated.")

    def issues(self):
        return self.filter(kind=EntryKind.ISSUE)


class LedgerEntry(models.Model):
    kind = models.CharField(max_length=10, choices=EntryKind.choices)
    case = models.ForeignKey(
        "escalations.Case", on_delete=models.PROTECT, related_name="ledger_entries"
    )
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="ledger_entries")
    quote = models.OneToOneField(
        CreditQuote, on_delete=models.PROTECT, null=True, blank=True, related_name="credit"
    )
    reverses = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversals"
    )
    amount = models.DecimalField(**MONEY, help_text="USD; positive issues, negative reversals.")
    reason = models.TextField(blank=True, help_text="Internal (reversals).")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(db_index=True)

    objects = LedgerQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [
            # CRD-5: at most one credit per case, whatever the retries and races.
            models.UniqueConstraint(
                fields=["case"], condition=Q(kind="issue"), name="credits_one_issue_per_case"
            ),
            models.CheckConstraint(
                condition=(Q(kind="issue", amount__gt=0, reverses__isnull=True))
                | Q(kind="reversal", amount__lt=0, reverses__isnull=False),
                name="credits_entry_sign_matches_kind",
            ),
        ]
        verbose_name_plural = "ledger entries"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} {self.amount} USD"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("The credit ledger is append-only: entries cannot be updated.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("The credit ledger is append-only: entries cannot be deleted.")

    def reversed_total(self) -> Decimal:
        total = self.reversals.aggregate(total=Sum("amount"))["total"] or Decimal("0")
        return -total

    def remaining(self) -> Decimal:
        return self.amount - self.reversed_total()


# Idempotency -----------------------------------------------------------------------------
class IdempotencyRecord(models.Model):
    """CRD-5: the first answer to a key, replayed for a retry of the same request."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    response = models.JSONField()
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["actor", "key"], name="credits_one_answer_per_key")
        ]

    def __str__(self) -> str:
        return f"Idempotency key of user {self.actor_id}"
