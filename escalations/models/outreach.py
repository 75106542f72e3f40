"""New-client outreach (NCO-1 to NCO-4): settings, intake assessment, checklist."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from .cases import Case, Segment


class DeskSettings(models.Model):
    """The single row of admin-set escalation settings (edited in the admin, audited)."""

    nco_job_post_value_threshold = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        default=Decimal("2500.00"),
        validators=[MinValueValidator(0)],
        help_text="NCO-1: a job post worth at least this much (USD) meets the first criterion.",
    )
    nco_min_segment = models.CharField(
        max_length=20,
        choices=Segment.choices,
        default=Segment.SMALL_BUSINESS,
        help_text="NCO-1: this segment or larger meets the segment criterion.",
    )
    nco_min_criteria = models.PositiveSmallIntegerField(
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
        help_text="NCO-1: criteria a report must meet to become an outreach case "
        "(fewer: a general case).",
    )
    scheduling_link_template = models.CharField(
        max_length=300,
        default="https://calendly.com/escalations-desk/{username}",
        help_text="Macro {{ scheduling_link }}; {username} is replaced by the agent's username.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "desk settings"
        verbose_name_plural = "desk settings"

    def __str__(self) -> str:
        return "Escalations desk settings"

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def load(cls) -> DeskSettings:
        obj, _ = cls.objects.get_or_create(pk=1)
        return obj


class NcoCriterion(models.TextChoices):
    JOB_POST_VALUE = "job_post_value", "Job post value at or above the threshold"
    WEB_PRESENCE = "web_presence", "Established web presence or company information"
    SEGMENT = "segment", "Small business or larger"
    LONG_TERM = "long_term_or_multiple", "Likely long-term or hiring several freelancers"


class NcoAssessment(models.Model):
    """The intake scoring of a reported client (NCO-1): inputs, thresholds used, results."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="nco_assessment")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reporting_team = models.CharField(max_length=120, blank=True)
    report_url = models.URLField(blank=True, help_text="Social media post or community thread.")
    job_post_url = models.URLField(blank=True)
    job_post_value = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    web_presence = models.BooleanField(default=False)
    long_term_or_multiple = models.BooleanField(default=False)
    segment = models.CharField(max_length=20, choices=Segment.choices)

    threshold_used = models.DecimalField(max_digits=12, decimal_places=2)
    min_segment_used = models.CharField(max_length=20, choices=Segment.choices)
    meets_job_post_value = models.BooleanField(default=False)
    meets_web_presence = models.BooleanField(default=False)
    meets_segment = models.BooleanField(default=False)
    meets_long_term = models.BooleanField(default=False)
    criteria_met = models.PositiveSmallIntegerField(default=0, db_index=True)
    routed_as_general = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"NCO intake for {self.case_id}: {self.criteria_met}/4"

    @property
    def criteria(self) -> dict[str, bool]:
        return {
            NcoCriterion.JOB_POST_VALUE: self.meets_job_post_value,
            NcoCriterion.WEB_PRESENCE: self.meets_web_presence,
            NcoCriterion.SEGMENT: self.meets_segment,
            NcoCriterion.LONG_TERM: self.meets_long_term,
        }

    @property
    def criteria_held(self) -> list[str]:
        return [key for key, held in self.criteria.items() if held]


# NCO-3, in order.
NCO_CHECKLIST = [
    ("announce_in_chat", "Announce in the team chat"),
    ("reply_to_reporter", "Reply to the reporting team that we are handling it"),
    ("enter_in_tracker", "Enter the client in the outreach tracker"),
    ("find_profile", "Find the client's profile, or request name and email if no account"),
    ("touch_ticket", "Create a touch ticket to schedule a call"),
    (
        "hold_call",
        "Hold the call: review or write the job post, set shortlist filters, "
        "share hiring best practices",
    ),
    ("talent_solutions_handoff", "If needed, hand off to Talent Solutions (form + appointment)"),
    ("follow_until_done", "Follow until resolved or handed off"),
]


class ChecklistItem(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="checklist")
    key = models.SlugField(max_length=60)
    label = models.CharField(max_length=200)
    position = models.PositiveSmallIntegerField(default=0)
    done = models.BooleanField(default=False)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    done_at = models.DateTimeField(null=True, blank=True)
    # UFL-4: what the research found (internal, never client-facing; ESC-7).
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["case", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "key"], name="one_checklist_item_per_key")
        ]

    def __str__(self) -> str:
        return f"{'[x]' if self.done else '[ ]'} {self.label}"
