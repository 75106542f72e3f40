"""SLA policies as data (ESC-5)."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from .cases import Case, Kind, Priority, Segment


class Metric(models.TextChoices):
    FIRST_RESPONSE = "first_response", "First response"
    CLIENT_FOLLOW_UP = "client_follow_up", "Follow-up with the client"


class StartEvent(models.TextChoices):
    CASE_CREATED = "case_created", "When the case is created"
    FIRST_CONTACT_ATTEMPT = "first_contact_attempt", "At the first freelancer contact attempt"


class SlaPolicy(models.Model):
    """One SLA target and the cases it applies to.

    Empty ``kind``/``segment``/``priority`` match anything. For each metric the most
    specific active match wins (the most of the three set), then the higher ``precedence``,
    then the oldest row.
    """

    name = models.CharField(max_length=120, unique=True)
    metric = models.CharField(max_length=30, choices=Metric.choices)
    kind = models.CharField(max_length=30, choices=Kind.choices, null=True, blank=True)
    segment = models.CharField(max_length=20, choices=Segment.choices, null=True, blank=True)
    priority = models.CharField(max_length=10, choices=Priority.choices, null=True, blank=True)
    duration_seconds = models.PositiveIntegerField(validators=[MinValueValidator(60)])
    calendar = models.ForeignKey("core.BusinessCalendar", on_delete=models.PROTECT)
    warn_fraction = models.FloatField(
        default=0.75, validators=[MinValueValidator(0.05), MaxValueValidator(0.99)]
    )
    start_event = models.CharField(
        max_length=30, choices=StartEvent.choices, default=StartEvent.CASE_CREATED
    )
    precedence = models.IntegerField(
        default=0, help_text="Breaks ties between equally specific policies (higher wins)."
    )
    active = models.BooleanField(default=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["metric", "name"]
        verbose_name_plural = "SLA policies"

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if self.warn_fraction is not None and not 0 < self.warn_fraction < 1:
            raise ValidationError({"warn_fraction": "Must be between 0 and 1."})

    @property
    def duration(self) -> timedelta:
        return timedelta(seconds=self.duration_seconds)

    @property
    def specificity(self) -> int:
        return sum(v is not None and v != "" for v in (self.kind, self.segment, self.priority))

    def matches(self, case: Case) -> bool:
        return (
            self.active
            and (not self.kind or self.kind == case.kind)
            and (not self.segment or self.segment == case.client_segment)
            and (not self.priority or self.priority == case.priority)
        )


class CaseClock(models.Model):
    """Which policy started which clock of a case (breach review filters by policy)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="clock_links")
    clock = models.OneToOneField(
        "core.SlaClock", on_delete=models.CASCADE, related_name="case_link"
    )
    policy = models.ForeignKey(
        SlaPolicy, on_delete=models.SET_NULL, null=True, blank=True, related_name="clock_links"
    )

    def __str__(self) -> str:
        return f"{self.case_id}: {self.policy or 'no policy'}"
