"""The 48-hour unresponsive-freelancer and refund process (UFL-1 to UFL-7).

One ``UflPlan`` per unresponsive-freelancer or refund case holds where the process is;
the attempt schedule and the 48-hour mark are SLA clocks of the engine (``core.sla``) whose
subject is the plan, swept by beat. ``UflAttempt`` rows are the attempt log, ``UflClaim``
the claims (UFL-5) and ``NdfMark`` a freelancer marked as non-delivery fraud, with the NDF
case it opened.
"""

from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from core.models import SlaClock

from .cases import Case, Kind

UFL_KINDS = (Kind.UNRESPONSIVE_FREELANCER, Kind.REFUND_REQUEST)

# UFL-4 / seed step 2, in order: (key, label).
UFL_RESEARCH = [
    ("ufl_contract_type", "Contract type checked"),
    ("ufl_contract_ids", "Contract ids (and links) gathered"),
    ("ufl_contract_spend", "Contract spend checked"),
    ("ufl_previous_refunds", "Previous refunds and credits reviewed"),
    ("ufl_messages_reviewed", "Messages between the parties reviewed"),
    ("ufl_expected_vs_delivered", "What the client expected versus what was delivered"),
    ("ufl_tone", "Tone of the communication (civil or hostile)"),
    ("ufl_contact_info", "Contact information found, and where"),
]
UFL_RESEARCH_KEYS = [key for key, _ in UFL_RESEARCH]

# Metrics of the plan's clocks: one per scheduled attempt after the first, and the mark.
ATTEMPT_METRIC_PREFIX = "ufl_attempt_"
EXHAUST_METRIC = "ufl_48h_mark"


def attempt_metric(number: int) -> str:
    return f"{ATTEMPT_METRIC_PREFIX}{number}"


def validate_offsets(value) -> None:
    if not isinstance(value, list) or not value:
        raise ValidationError("Give a list of hours, e.g. [0, 24, 44].")
    if any(not isinstance(v, int) or isinstance(v, bool) for v in value):
        raise ValidationError("Offsets are whole hours.")
    if value[0] != 0 or sorted(set(value)) != value:
        raise ValidationError("Offsets start at 0 and increase, e.g. [0, 24, 44].")
    if len(value) > 10:
        raise ValidationError("At most 10 attempts.")


def validate_time_zone(value: str) -> None:
    if not value:
        return
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(f"Unknown time zone {value!r} (use an IANA name).") from None


DEFAULT_EXPECTATIONS = "\n".join(
    [
        "Hello {{ client_first_name }},",
        "",
        "Here is what happens next with {{ case_reference }}:",
        "",
        "- We will try to reach the freelancer several times over the next 48 hours.",
        "- If the freelancer answers, we will share what you would like to happen and ask "
        "what they are willing to do to resolve it.",
        "- If there is no answer after 48 hours, we consider that avenue exhausted and will "
        "not keep contacting them.",
        "",
        "Your options if the freelancer does not respond: close the contract, leave "
        "feedback, and move forward. Moving forward can include a code review where it "
        "applies, or a new hire with our help.",
    ]
)

DEFAULT_STRINGENT = "\n".join(
    [
        "Please also keep in mind:",
        "",
        "- Upwork acts as an escrow agent.",
        "- Upwork has no legal authority to decide who is right or wrong.",
    ]
)


def default_expectations() -> str:
    return DEFAULT_EXPECTATIONS


def default_stringent() -> str:
    return DEFAULT_STRINGENT


class UflSettings(models.Model):
    """The single row of admin-set settings of the process (edited in the admin, audited)."""

    attempt_offsets_hours = models.JSONField(
        default=list,
        validators=[validate_offsets],
        blank=True,
        help_text="UFL-2: hours after the first attempt, e.g. [0, 24, 44] (empty: default).",
    )
    exhaust_after_hours = models.PositiveSmallIntegerField(
        default=48,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 14)],
        help_text="UFL-3: calendar hours from the first attempt to exhaustion.",
    )
    # ESC-5 (fix): the follow-up is due at the mark and breached only after this grace.
    follow_up_grace_hours = models.PositiveSmallIntegerField(
        default=4,
        validators=[MaxValueValidator(24 * 7)],
        help_text="ESC-5: calendar hours after the 48-hour mark to follow up with the client "
        "before the follow-up counts as breached.",
    )
    expectations_template = models.TextField(
        default=default_expectations,
        help_text="UFL-1: the plan shown to the client on opening (macro placeholders).",
    )
    stringent_block = models.TextField(
        default=default_stringent,
        help_text="UFL-1: optional stringent reminders an agent may add (never by default).",
    )
    ndf_team = models.ForeignKey(
        "core.Team",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="UFL-5: the team of NDF escalations (empty: the case's own team).",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "unresponsive-freelancer settings"
        verbose_name_plural = "unresponsive-freelancer settings"

    def __str__(self) -> str:
        return "Unresponsive-freelancer process settings"

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def load(cls) -> UflSettings:
        obj, _ = cls.objects.get_or_create(pk=1)
        return obj

    @property
    def offsets(self) -> list[int]:
        return list(self.attempt_offsets_hours or [0, 24, 44])


class PlanStatus(models.TextChoices):
    PLANNED = "planned", "Research and first contact"
    CONTACTING = "contacting", "Contacting the freelancer"
    EXHAUSTED = "exhausted", "Freelancer avenue exhausted"
    MEDIATION = "mediation", "Mediation"
    RESOLVED = "resolved", "Resolved with the freelancer"
    NOT_RESOLVABLE = "not_resolvable", "Not resolvable"
    STOPPED = "stopped", "Stopped (case closed)"


OPEN_PLAN_STATUSES = (
    PlanStatus.PLANNED,
    PlanStatus.CONTACTING,
    PlanStatus.EXHAUSTED,
    PlanStatus.MEDIATION,
)


class Outcome(models.TextChoices):
    """UFL-7."""

    PARTIAL_REFUND = "partial_refund", "Resolved: partial refund"
    DELIVERY = "delivery", "Resolved: delivery of the work done"
    COMPLETION = "completion", "Resolved: completion of the project"
    NOT_RESOLVABLE = "not_resolvable", "Not resolvable (client told of the other options)"


RESOLUTION_PATHS = [
    (Outcome.PARTIAL_REFUND, "Partial refund"),
    (Outcome.DELIVERY, "Delivery of the work done"),
    (Outcome.COMPLETION, "Completion of the project"),
]


class UflPlan(models.Model):
    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="ufl_plan")
    status = models.CharField(
        max_length=20, choices=PlanStatus.choices, default=PlanStatus.PLANNED, db_index=True
    )
    offsets_hours = models.JSONField(default=list, help_text="The offsets used (copied).")
    exhaust_after_hours = models.PositiveSmallIntegerField(default=48)
    freelancer_time_zone = models.CharField(
        max_length=64, blank=True, validators=[validate_time_zone]
    )
    client_time_zone = models.CharField(max_length=64, blank=True, validators=[validate_time_zone])
    client_wishes = models.TextField(
        blank=True, help_text="What the client would like to happen (shared in mediation)."
    )
    stringent_added_at = models.DateTimeField(null=True, blank=True)
    research_skipped_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    first_attempt_at = models.DateTimeField(null=True, blank=True)
    exhausted_at = models.DateTimeField(null=True, blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    reply_summary = models.TextField(blank=True)
    reply_source = models.CharField(max_length=20, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    outcome_at = models.DateTimeField(null=True, blank=True)
    outcome_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outcome_summary = models.TextField(blank=True)
    client_followed_up_at = models.DateTimeField(null=True, blank=True)
    # "Help them move forward": the contract's details for the shortlist builder.
    job_category = models.CharField(max_length=100, blank=True)
    job_subcategory = models.CharField(max_length=100, blank=True)
    job_skills = models.CharField(max_length=500, blank=True, help_text="Comma-separated.")
    job_budget = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    client_countries = models.CharField(max_length=200, blank=True, help_text="E.g. US, CA.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    clocks = GenericRelation(SlaClock, related_query_name="ufl_plan")

    # The SLA sweep loads plans with these (core.sla).
    sla_select_related = ("case", "case__assignee", "case__team")

    class Meta:
        verbose_name = "unresponsive-freelancer plan"

    def __str__(self) -> str:
        return f"{self.case.reference} freelancer contact plan"

    def get_absolute_url(self) -> str:
        return reverse("escalations:case-detail", args=[self.case.reference]) + "#ufl-panel"

    # core.sla hooks: the reminders are this app's own notifications (see services.ufl),
    # so the engine's generic "SLA breached" notice and chat post are not sent.
    def sla_recipients(self, clock) -> list:
        return []

    def sla_chat_team(self, clock):
        return None

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_PLAN_STATUSES


class Channel(models.TextChoices):
    MESSAGE = "message", "Platform message"
    EMAIL = "email", "Email"
    PHONE = "phone", "Phone"
    SMS = "sms", "SMS"


class DeliveryStatus(models.TextChoices):
    SENT = "sent", "Sent"
    DELIVERED = "delivered", "Delivered"
    READ = "read", "Read"
    BOUNCED = "bounced", "Bounced"
    FAILED = "failed", "Failed"
    NOT_APPLICABLE = "not_applicable", "Not applicable (call)"


class AttemptOutcome(models.TextChoices):
    NO_RESPONSE = "no_response", "No response"
    VOICEMAIL = "voicemail", "Left a voicemail"
    NO_ANSWER = "no_answer", "No answer"
    WRONG_CONTACT = "wrong_contact", "Wrong contact details"
    REPLIED = "replied", "The freelancer replied"


# The state of one scheduled attempt as the plan shows it.
SCHEDULE_STATES = [
    ("made", "Made"),
    ("due", "Due now"),
    ("upcoming", "Upcoming"),
    ("cancelled", "Not needed"),
]


class UflAttempt(models.Model):
    plan = models.ForeignKey(UflPlan, on_delete=models.CASCADE, related_name="attempts")
    number = models.PositiveSmallIntegerField()
    channel = models.CharField(max_length=20, choices=Channel.choices)
    at = models.DateTimeField()
    freelancer_time_zone = models.CharField(max_length=64, blank=True)
    freelancer_local = models.CharField(
        max_length=40, blank=True, help_text="The instant in the freelancer's zone (ISO 8601)."
    )
    delivery_status = models.CharField(max_length=20, choices=DeliveryStatus.choices)
    outcome = models.CharField(max_length=20, choices=AttemptOutcome.choices)
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(blank=True, help_text="Internal: never in the evidence packet.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="ufl_one_attempt_per_number")
        ]

    def __str__(self) -> str:
        return f"Attempt {self.number} on {self.plan_id} by {self.channel}"


class ClaimKind(models.TextChoices):
    """UFL-5 / seed step 2 ("trust but verify")."""

    FRAUD = "fraud", "Fraud"
    IDENTITY = "identity", "Identity theft or account sharing"
    EXTORTION = "extortion", "Extortion"
    WORK_DIARY = "work_diary", "Work-diary abuse or overbilling"


class Verification(models.TextChoices):
    REPORTED = "reported", "Reported"
    VERIFYING = "verifying", "Verifying"
    VERIFIED = "verified", "Verified"
    UNFOUNDED = "unfounded", "Unfounded"


class UflClaim(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="ufl_claims")
    kind = models.CharField(max_length=20, choices=ClaimKind.choices)
    claimed_by = models.CharField(
        max_length=20, choices=[("client", "Client"), ("freelancer", "Freelancer")]
    )
    status = models.CharField(
        max_length=20, choices=Verification.choices, default=Verification.REPORTED
    )
    description = models.TextField()
    evidence_notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["case", "recorded_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} claim on {self.case_id} ({self.status})"


class NdfMark(models.Model):
    """A freelancer found to be non-delivery fraud on a case (UFL-5): counts in credit policy."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="ndf_mark")
    ndf_case = models.OneToOneField(
        Case, on_delete=models.PROTECT, related_name="ndf_source", null=True, blank=True
    )
    freelancer_ref = models.CharField(max_length=64, db_index=True)
    reason = models.TextField()
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    marked_at = models.DateTimeField()

    class Meta:
        ordering = ["-marked_at", "-id"]
        verbose_name = "NDF mark"

    def __str__(self) -> str:
        return f"NDF: {self.freelancer_ref} on {self.case_id}"
