"""Workforce (HIR-5, HIR-8, TEAM-2, TEAM-3): availability, forecasts, time tracking,
platform outages, CSAT ratings and the Monday report's send log.

Availability is stored as local clock hours in the person's own zone (``WorkProfile``);
it is expanded to UTC week by week (``workforce.coverage``), so weeks in which US and
European clocks change on different dates come out right.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from core.models import Team
from core.models.people import validate_time_zone


class WorkforceSettings(models.Model):
    """One row, set by an admin in the Django admin."""

    service_level = models.DecimalField(
        max_digits=4,
        decimal_places=2,
        default=Decimal("0.80"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("0.99"))],
        help_text="Share of contacts answered within the target time (0.80 = 80 %).",
    )
    answer_within_seconds = models.PositiveIntegerField(
        default=20, validators=[MinValueValidator(1), MaxValueValidator(3600)]
    )
    shrinkage = models.DecimalField(
        max_digits=4,
        decimal_places=2,
        default=Decimal("0.30"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("0.90"))],
        help_text="Share of paid time not spent answering contacts (0.30 = 30 %).",
    )
    handle_minutes = models.DecimalField(
        max_digits=6,
        decimal_places=2,
        default=Decimal("6.00"),
        validators=[MinValueValidator(Decimal("0.1")), MaxValueValidator(Decimal("480"))],
        help_text="Average handle time of one contact, in minutes.",
    )
    forecast_weeks = models.PositiveIntegerField(
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(26)],
        help_text="Weeks of past cases averaged when no forecast has been entered.",
    )
    rating_link_days = models.PositiveIntegerField(
        default=14, validators=[MinValueValidator(1), MaxValueValidator(90)]
    )
    recognition_min_ratings = models.PositiveIntegerField(
        default=3,
        validators=[MaxValueValidator(1000)],
        help_text="Ratings an agent needs in the period to be considered for highest CSAT.",
    )
    correction_days = models.PositiveIntegerField(
        default=2,
        validators=[MaxValueValidator(14)],
        help_text="Days after a billing week ends during which its entries can be corrected.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "Workforce settings"
        verbose_name_plural = "Workforce settings"

    def __str__(self) -> str:
        return "Workforce settings"

    @classmethod
    def current(cls) -> WorkforceSettings:
        return cls.objects.filter(pk=1).first() or cls(pk=1)


class WorkProfile(models.Model):
    """A hired agent's weekly availability in their own zone, and their manual-time switch."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="work_profile"
    )
    zone = models.CharField(max_length=64, validators=[validate_time_zone])
    availability = models.JSONField(default=list, blank=True)  # [[weekday 0=Mon, hour], ...]
    manual_time_disabled = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Work profile of {self.user}"


class ForecastHour(models.Model):
    """Admin-entered contacts expected in one UTC hour of the week, per team."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="forecast_hours")
    weekday = models.PositiveSmallIntegerField(validators=[MaxValueValidator(6)])
    hour = models.PositiveSmallIntegerField(validators=[MaxValueValidator(23)])
    contacts = models.DecimalField(
        max_digits=8, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["team", "weekday", "hour"], name="wf_forecast_hour")
        ]
        ordering = ["team", "weekday", "hour"]

    def __str__(self) -> str:
        return f"{self.team}: {self.weekday}/{self.hour} {self.contacts}"


class Outage(models.Model):
    """A declared platform outage: manual time inside it is not flagged (HIR-8)."""

    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    reason = models.CharField(max_length=200, blank=True)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["starts_at", "ends_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="wf_outage_order"
            )
        ]

    def __str__(self) -> str:
        return f"Outage {self.starts_at:%Y-%m-%d %H:%M}-{self.ends_at:%H:%M}"


class EntryKind(models.TextChoices):
    TRACKED = "tracked", "Tracked"
    MANUAL = "manual", "Manual"


class EntrySource(models.TextChoices):
    CSV = "csv", "CSV import"
    API = "api", "API"


class TimeEntry(models.Model):
    """One logged interval of a freelancer's work; minutes = ends_at - starts_at."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="time_entries"
    )
    kind = models.CharField(max_length=10, choices=EntryKind.choices)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    minutes = models.PositiveIntegerField()
    day = models.DateField(help_text="UTC day the entry starts on.")
    week = models.DateField(help_text="Monday (UTC) of the billing week.")
    flagged_minutes = models.PositiveIntegerField(
        default=0, help_text="Manual minutes outside every declared outage."
    )
    source = models.CharField(max_length=10, choices=EntrySource.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["week", "user"]), models.Index(fields=["user", "day"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="wf_entry_order"
            ),
            models.UniqueConstraint(fields=["user", "kind", "starts_at"], name="wf_entry_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.kind} {self.starts_at:%Y-%m-%d %H:%M} ({self.minutes} min)"

    @property
    def is_flagged(self) -> bool:
        return self.flagged_minutes > 0


class CsatRating(models.Model):
    """One rating request per resolved case (TEAM-2); the rating is set once."""

    case = models.OneToOneField("escalations.Case", on_delete=models.CASCADE, related_name="csat")
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, related_name="+")
    nonce = models.CharField(max_length=32)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    emailed_at = models.DateTimeField(null=True, blank=True)
    rating = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(blank=True, max_length=2000)
    rated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["team", "rated_at"]),
            models.Index(fields=["agent", "rated_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="wf_csat_range",
            )
        ]

    def __str__(self) -> str:
        return f"Rating of case {self.case_id}"


class WeeklyReportRun(models.Model):
    """The Monday report of one team and billing week was emailed (once)."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    week = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "week"], name="wf_report_once")]

    def __str__(self) -> str:
        return f"Report {self.team} {self.week}"
