"""Reply macros (ESC-6) and contact-information requests (ESC-7)."""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from .cases import Case

PLACEHOLDER_RE = re.compile(r"\{\{\s*(.*?)\s*\}\}")
NAME_RE = re.compile(r"^[a-z_][a-z0-9_]*$")

# The only names a macro may use, and where each value comes from.
PLACEHOLDERS = {
    "client_name": "The client's full name",
    "client_first_name": "The client's first name",
    "client_company": "The client's company",
    "issue_summary": "The case's client-facing issue summary (never internal notes)",
    "empathy_statement": "An empathy statement (a default per case kind, or supplied)",
    "agent_name": "The sending agent's name",
    "agent_first_name": "The sending agent's first name",
    "scheduling_link": "The agent's call-scheduling link",
    "case_reference": "The public case reference, e.g. ESC-000123",
    "freelancer_name": "The freelancer's or agency's name",
    # ESC-11 (issue 15): the help-center links the agent picks in the macro panel.
    "resources": "The help-center links chosen from the resource library",
    # --- credits (CRD-6): the offer names the amount only, filled by the credit service ---
    "credit_amount": "The courtesy credit's amount (filled when a credit offer is sent)",
    # --- end credits ---
}


def placeholders_in(body: str) -> list[str]:
    return list(dict.fromkeys(m.strip() for m in PLACEHOLDER_RE.findall(body or "")))


def unknown_placeholders(body: str) -> list[str]:
    return [name for name in placeholders_in(body) if name not in PLACEHOLDERS]


def validate_macro_body(body: str) -> None:
    unknown = unknown_placeholders(body)
    if unknown:
        raise ValidationError(
            "Unknown placeholder(s): %(names)s. Allowed: %(allowed)s.",
            params={"names": ", ".join(unknown), "allowed": ", ".join(PLACEHOLDERS)},
        )


class Macro(models.Model):
    """An admin-managed reply template. Placeholders are written ``{{ client_name }}``."""

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    subject = models.CharField(max_length=200, blank=True, validators=[validate_macro_body])
    body = models.TextField(validators=[validate_macro_body])
    kinds = models.JSONField(
        default=list, blank=True, help_text="Case kinds it suits; empty means every kind."
    )
    suggest_when_no_phone = models.BooleanField(
        default=False, help_text="Offer it on cases whose client has no phone on file (UFL-6)."
    )
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def placeholders(self) -> list[str]:
        return placeholders_in(f"{self.subject}\n{self.body}")

    def suits(self, case: Case) -> bool:
        return self.active and (not self.kinds or case.kind in self.kinds)


class Party(models.TextChoices):
    CLIENT = "client", "Client"
    FREELANCER = "freelancer", "Freelancer"


class ContactRequestStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    DENIED = "denied", "Denied"


class ContactInfoRequest(models.Model):
    """One party asks for the other party's contact info; a lead must approve (ESC-7)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="contact_requests")
    requested_for = models.CharField(
        max_length=20, choices=Party.choices, help_text="The party asking for the info."
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField()
    status = models.CharField(
        max_length=20, choices=ContactRequestStatus.choices, default=ContactRequestStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "requested_for"],
                condition=models.Q(status="pending"),
                name="one_pending_contact_request_per_party",
            )
        ]

    def __str__(self) -> str:
        return f"Contact info for the {self.requested_for} on {self.case_id} ({self.status})"

    @property
    def other_party(self) -> str:
        return Party.FREELANCER if self.requested_for == Party.CLIENT else Party.CLIENT
