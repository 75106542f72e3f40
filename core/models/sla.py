"""SLA clocks (CORE-3): database rows that any case-like object attaches to.

A clock measures one target (``metric``, ``target_seconds`` of working time on a
``calendar``) for one subject (a generic foreign key). States::

    running --pause--> paused --resume--> running
    running --meet--> met            running/paused --cancel--> cancelled
    running --(sweep at due_at)--> breached --meet--> breached (met late: met_at set)

``due_at`` and ``warn_at`` are the instants at which the target and the warning point
(``warn_fraction`` of the target) are reached if the clock keeps running. While paused they
keep their last values (the sweep ignores paused clocks) and ``remaining_at_pause`` holds
the working time that was left; resuming recomputes both from the resume instant.

A breached clock stays ``breached`` forever: meeting it afterwards records ``met_at`` (met
late) without changing the state, so breach reviews and compliance counts stay truthful.
``breached_at`` is the instant the clock actually breached (its ``due_at``), not the time a
sweep noticed.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .calendars import BusinessCalendar


class ClockState(models.TextChoices):
    RUNNING = "running", "Running"
    PAUSED = "paused", "Paused"
    MET = "met", "Met"
    BREACHED = "breached", "Breached"
    CANCELLED = "cancelled", "Cancelled"


OPEN_STATES = (ClockState.RUNNING, ClockState.PAUSED)


class SlaClockQuerySet(models.QuerySet):
    def open(self):
        return self.filter(state__in=OPEN_STATES)

    def for_subject(self, subject):
        return self.filter(
            content_type=ContentType.objects.get_for_model(subject, for_concrete_model=False),
            object_id=subject.pk,
        )

    def at_risk(self, now: dt.datetime | None = None):
        """Running clocks past their warning point but not yet breached."""
        now = now or timezone.now()
        return self.filter(state=ClockState.RUNNING, warn_at__lte=now)


class SlaClock(models.Model):
    State = ClockState

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    metric = models.CharField(max_length=40)
    target_seconds = models.PositiveIntegerField()
    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.PROTECT, related_name="+")
    warn_fraction = models.FloatField(default=0.75)
    state = models.CharField(max_length=10, choices=ClockState.choices, default=ClockState.RUNNING)

    started_at = models.DateTimeField()
    due_at = models.DateTimeField()
    warn_at = models.DateTimeField(null=True, blank=True)
    warned_at = models.DateTimeField(null=True, blank=True)
    met_at = models.DateTimeField(null=True, blank=True)
    breached_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    paused_at = models.DateTimeField(null=True, blank=True)
    remaining_at_pause = models.DurationField(null=True, blank=True)
    cancel_reason = models.TextField(blank=True)

    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    acknowledge_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SlaClockQuerySet.as_manager()

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [
            # The sweep: only running rows, by due time / by warning time not yet warned.
            models.Index(
                fields=["due_at"],
                condition=Q(state="running"),
                name="core_slaclock_running_due",
            ),
            models.Index(
                fields=["warn_at"],
                condition=Q(state="running", warned_at__isnull=True),
                name="core_slaclock_unwarned_warn",
            ),
            models.Index(fields=["content_type", "object_id", "metric"]),
            models.Index(fields=["state", "breached_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "metric"],
                condition=Q(state__in=["running", "paused"]),
                name="core_slaclock_one_open_per_metric",
            ),
            models.CheckConstraint(
                condition=Q(warn_fraction__gt=0) & Q(warn_fraction__lt=1),
                name="core_slaclock_warn_fraction_0_1",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.metric} clock #{self.pk}"

    def get_absolute_url(self) -> str:
        subject = self.subject
        if subject is not None and hasattr(subject, "get_absolute_url"):
            return subject.get_absolute_url()
        return ""

    # Questions about one clock -----------------------------------------------------------
    @property
    def target(self) -> dt.timedelta:
        return dt.timedelta(seconds=self.target_seconds)

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def is_overdue(self) -> bool:
        """Running past ``due_at`` (whether or not a sweep has noticed yet), or breached."""
        if self.state == ClockState.BREACHED:
            return True
        return self.state == ClockState.RUNNING and self.due_at <= timezone.now()

    @property
    def met_late(self) -> bool:
        return self.state == ClockState.BREACHED and self.met_at is not None

    def remaining(self, now: dt.datetime | None = None) -> dt.timedelta:
        """Working time left before the target (zero once due, met, breached or cancelled)."""
        if self.state == ClockState.PAUSED:
            return self.remaining_at_pause or dt.timedelta(0)
        if self.state != ClockState.RUNNING:
            return dt.timedelta(0)
        return self.calendar.elapsed(now or timezone.now(), self.due_at)

    def worked(self, now: dt.datetime | None = None) -> dt.timedelta:
        """Working time consumed so far (capped at the target while open)."""
        if self.state == ClockState.MET and self.met_at is not None:
            return self.target - self._remaining_at(self.met_at)
        if self.state in (ClockState.BREACHED,):
            return self.target
        return self.target - self.remaining(now)

    def _remaining_at(self, at: dt.datetime) -> dt.timedelta:
        return self.calendar.elapsed(at, self.due_at)

    def fraction_used(self, now: dt.datetime | None = None) -> float:
        if not self.target_seconds:
            return 1.0
        return min(1.0, self.worked(now).total_seconds() / self.target_seconds)


class SlaPause(models.Model):
    clock = models.ForeignKey(SlaClock, on_delete=models.CASCADE, related_name="pauses")
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["clock", "started_at", "id"]

    def __str__(self) -> str:
        return f"pause of {self.clock_id} from {self.started_at:%Y-%m-%d %H:%M}"


class SweepKind(models.TextChoices):
    BREACH = "breach", "Breach"
    WARN = "warn", "Warning"


class SlaFanOutQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(done_at__isnull=True)


class SlaFanOut(models.Model):
    """An outbox row: one sweep batch whose notifications are still to be sent (CORE-4, 7).

    The sweep writes it in the same transaction as the clock updates and their audit rows,
    then queues a Celery task for it; the task creates the notifications and sets
    ``done_at`` in one transaction, under a row lock, so a batch is notified exactly once
    however often its task is delivered. ``clock_ids`` lists the batch's clocks.
    """

    kind = models.CharField(max_length=10, choices=SweepKind.choices)
    swept_at = models.DateTimeField(help_text="The sweep's instant (a warning's warned_at).")
    clock_ids = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)
    queued_at = models.DateTimeField(
        null=True, blank=True, help_text="When its Celery task was last queued."
    )
    done_at = models.DateTimeField(null=True, blank=True)
    notifications = models.PositiveIntegerField(default=0)

    objects = SlaFanOutQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=Q(done_at__isnull=True),
                name="core_slafanout_pending",
            )
        ]
        verbose_name = "SLA notification batch"
        verbose_name_plural = "SLA notification batches"

    def __str__(self) -> str:
        state = "sent" if self.done_at else "pending"
        count = len(self.clock_ids)
        clocks = f"{count} clock" if count == 1 else f"{count:,} clocks"
        return f"{self.get_kind_display()} batch #{self.pk} ({clocks}, {state})"
