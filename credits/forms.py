"""Page forms of credits; every value is validated again by the services."""

from __future__ import annotations

from django import forms

from core.forms import GuardedForm

from .models import FACT_CHOICES, FactName

YES_NO = [("", "—"), ("yes", "Yes"), ("no", "No")]
MONEY_ATTRS = {"inputmode": "decimal", "placeholder": "0.00", "autocomplete": "off"}


def _choices(name):
    return [("", "—"), *FACT_CHOICES[name]]


class FactsForm(GuardedForm):
    """Every fact, optional; blank means "leave as it is"."""

    contract_id = forms.CharField(label="Disputed contract", required=False, max_length=64)
    non_refunded_payments = forms.CharField(
        label="Non-refunded payments (USD)",
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs=MONEY_ATTRS),
    )
    contract_spend = forms.CharField(
        label="Contract spend (USD)",
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs=MONEY_ATTRS),
    )
    spend_12m = forms.CharField(
        label="12-month spend (USD)",
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs=MONEY_ATTRS),
    )
    lifetime_spend = forms.CharField(
        label="Lifetime spend (USD)",
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs=MONEY_ATTRS),
    )
    tenure_months = forms.CharField(
        label="Client tenure (months)",
        required=False,
        max_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    growth_potential = forms.ChoiceField(
        label="Growth potential", required=False, choices=_choices(FactName.GROWTH_POTENTIAL)
    )
    received_product = forms.ChoiceField(
        label="Client received any product", required=False, choices=YES_NO
    )
    work_diary = forms.ChoiceField(
        label="Work diary review", required=False, choices=_choices(FactName.WORK_DIARY)
    )
    code_review = forms.ChoiceField(
        label="Code review", required=False, choices=_choices(FactName.CODE_REVIEW)
    )
    ndf_found = forms.ChoiceField(
        label="Non-delivering freelancer found", required=False, choices=YES_NO
    )
    past_ndf_count = forms.CharField(
        label="Past non-deliveries",
        required=False,
        max_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )

    def values(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if str(v).strip() != ""}


class ApproveForm(GuardedForm):
    content_hash = forms.CharField(max_length=64, widget=forms.HiddenInput)
    amount = forms.CharField(
        label="Amount (USD)",
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs=MONEY_ATTRS),
    )
    reason = forms.CharField(label="Reason", required=False, max_length=2000)


class RejectForm(GuardedForm):
    content_hash = forms.CharField(max_length=64, widget=forms.HiddenInput)
    reason = forms.CharField(label="Reason", max_length=2000)


class IssueForm(GuardedForm):
    form_token = forms.CharField(max_length=64, widget=forms.HiddenInput)


class ReverseForm(GuardedForm):
    amount = forms.CharField(
        label="Amount (USD)", max_length=20, widget=forms.TextInput(attrs=MONEY_ATTRS)
    )
    reason = forms.CharField(label="Reason", max_length=2000)


class LedgerFilterForm(GuardedForm):
    case = forms.CharField(label="Case", required=False, max_length=40)
    client = forms.CharField(label="Client", required=False, max_length=200)
    contract = forms.CharField(label="Contract", required=False, max_length=64)
    date_from = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    kind = forms.ChoiceField(
        label="Entries",
        required=False,
        choices=[("", "All"), ("issue", "Credits issued"), ("reversal", "Reversals")],
    )
