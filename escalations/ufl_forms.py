"""Page forms of the unresponsive-freelancer panel: they shape input; services decide."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from core.forms import GuardedForm

from .models import (
    AttemptOutcome,
    Channel,
    ClaimKind,
    DeliveryStatus,
    Outcome,
    Party,
    Verification,
)


class LocalInstantField(forms.DateTimeField):
    """A ``datetime-local`` input read in the viewer's time zone; blank means now."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("input_formats", ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"])
        kwargs.setdefault("help_text", "Your time; leave blank for now.")
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value is not None and timezone.is_naive(value):
            value = timezone.make_aware(value, timezone.get_current_timezone())
        return value


class AttemptForm(GuardedForm):
    channel = forms.ChoiceField(choices=Channel.choices)
    delivery_status = forms.ChoiceField(choices=DeliveryStatus.choices, label="Delivery")
    outcome = forms.ChoiceField(
        choices=[c for c in AttemptOutcome.choices if c[0] != AttemptOutcome.REPLIED]
    )
    at = LocalInstantField(label="When")
    note = forms.CharField(
        required=False,
        max_length=4000,
        label="Internal note",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Never in the evidence packet.",
    )
    research_incomplete_ok = forms.BooleanField(
        required=False, label="Contact the freelancer before the research is complete"
    )


class ReplyForm(GuardedForm):
    summary = forms.CharField(
        max_length=4000,
        label="What the freelancer answered",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    at = LocalInstantField(label="When they replied")


class OutcomeForm(GuardedForm):
    outcome = forms.ChoiceField(choices=Outcome.choices)
    summary = forms.CharField(
        required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )
    client_told_options = forms.BooleanField(
        required=False,
        label="The client was told of the other options (close the contract, feedback, "
        "move forward)",
    )


class ClaimForm(GuardedForm):
    kind = forms.ChoiceField(choices=ClaimKind.choices, label="Claim")
    claimed_by = forms.ChoiceField(choices=Party.choices, label="Claimed by")
    description = forms.CharField(max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))
    evidence_notes = forms.CharField(
        required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ClaimUpdateForm(GuardedForm):
    status = forms.ChoiceField(choices=Verification.choices, label="Verification")
    evidence_notes = forms.CharField(
        required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )


class NdfForm(GuardedForm):
    reason = forms.CharField(
        max_length=4000,
        label="What shows non-delivery fraud",
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ResearchForm(GuardedForm):
    done = forms.BooleanField(required=False)
    note = forms.CharField(required=False, max_length=500, label="What you found, and where")


class PlanForm(GuardedForm):
    freelancer_time_zone = forms.CharField(
        required=False, max_length=64, help_text="IANA name, e.g. Asia/Manila."
    )
    client_time_zone = forms.CharField(
        required=False, max_length=64, help_text="IANA name, e.g. America/Chicago."
    )
    client_wishes = forms.CharField(
        required=False,
        max_length=4000,
        label="What the client would like",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    job_category = forms.CharField(required=False, max_length=100, label="Category")
    job_subcategory = forms.CharField(required=False, max_length=100, label="Subcategory")
    job_skills = forms.CharField(required=False, max_length=500, label="Skills")
    job_budget = forms.DecimalField(
        required=False, max_digits=12, decimal_places=2, min_value=0, label="Budget (USD)"
    )
    client_countries = forms.CharField(
        required=False, max_length=200, label="Client's countries", help_text="E.g. US, CA."
    )
