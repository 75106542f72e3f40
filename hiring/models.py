"""The paid-assessment hiring funnel (HIR-1..HIR-4, HIR-6, HIR-7, HIR-9).

A ``Round`` belongs to a team (its lead decides, CORE-8) and has two ``Posting`` rows: the
public $5 assessment job and the invite-only long-term hourly job. ``Applicant`` rows move
through one table of stages (``hiring.pipeline``); every move is a ``StageChange`` row, so
the funnel figures survive the retention purge of personal data.
"""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone

from core.models import Team

DEFAULT_SPEEDTEST_SHAPES = "\n".join(
    [
        "https://www.speedtest.net/result/*",
        "https://www.speedtest.net/my-result/*",
        "https://www.speedtest.net/result/d/*",
    ]
)


class HiringSettings(models.Model):
    """One row, set by an admin in the Django admin."""

    staleness_days = models.PositiveIntegerField(
        default=30, help_text="A posting older than this asks its lead for a review (HIR-1)."
    )
    retention_days = models.PositiveIntegerField(
        default=180,
        help_text="Rejected and withdrawn applicants' personal data is purged after this.",
    )
    speedtest_url_shapes = models.TextField(
        default=DEFAULT_SPEEDTEST_SHAPES,
        help_text="One accepted speed-test result address per line; * stands for one or more "
        "letters, digits, dashes or underscores.",
    )
    assessment_minutes = models.PositiveIntegerField(default=60)
    link_valid_days = models.PositiveIntegerField(
        default=14, help_text="How long an applicant's submission link stays valid."
    )
    pass_mark = models.PositiveIntegerField(
        default=60, help_text="Percentage of the assessment's points needed to pass."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "Hiring settings"
        verbose_name_plural = "Hiring settings"

    def __str__(self) -> str:
        return "Hiring settings"

    @classmethod
    def current(cls) -> HiringSettings:
        return cls.objects.filter(pk=1).first() or cls(pk=1)


class Round(models.Model):
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="hiring_rounds")
    name = models.CharField(max_length=120)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name


class PostingKind(models.TextChoices):
    ASSESSMENT = "assessment", "Public $5 assessment"
    HOURLY = "hourly", "Invite-only long-term hourly"


class Posting(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="postings")
    kind = models.CharField(max_length=20, choices=PostingKind.choices)
    title = models.CharField(max_length=200)
    text = models.TextField()
    posted_at = models.DateTimeField()
    reviewed_at = models.DateTimeField(null=True, blank=True)
    price = models.DecimalField(max_digits=8, decimal_places=2, default=Decimal("5.00"))
    hours_per_week = models.PositiveIntegerField(default=30)
    months = models.PositiveIntegerField(default=6)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["round", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["round", "kind"], name="hiring_one_posting_per_kind")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def freshness_from(self) -> dt.datetime:
        return max(self.posted_at, self.reviewed_at or self.posted_at)

    def is_stale(self, *, now=None, days: int | None = None) -> bool:
        now = now or timezone.now()
        days = HiringSettings.current().staleness_days if days is None else days
        return now - self.freshness_from > dt.timedelta(days=days)


class QuestionKind(models.TextChoices):
    CHOICE = "choice", "Multiple choice"
    FREE = "free", "Free text"


class Question(models.Model):
    """The question bank (HIR-4). Multiple-choice options keep their stored order; the
    applicant sees them shuffled, and answers name the stored index."""

    kind = models.CharField(max_length=10, choices=QuestionKind.choices)
    text = models.TextField()
    options = models.JSONField(default=list, blank=True)
    correct_option = models.PositiveSmallIntegerField(null=True, blank=True)
    rubric = models.TextField(blank=True)
    points = models.PositiveSmallIntegerField(default=1)
    as_image = models.BooleanField(
        default=True, help_text="Show the question as a picture, so it cannot be pasted."
    )
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.text[:60]


class Stage(models.TextChoices):
    APPLIED = "applied", "Applied"
    ASSESSMENT_OFFERED = "assessment_offered", "Assessment offered"
    SUBMITTED = "submitted", "Submitted"
    SCORED = "scored", "Scored"
    INVITED = "invited_to_interview", "Invited to interview"
    INTERVIEWED = "interviewed", "Interviewed"
    HIRED = "hired", "Hired"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Withdrawn"


def _new_seed() -> int:
    return secrets.randbits(48)


class Applicant(models.Model):
    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="applicants")
    name = models.CharField(max_length=120)
    email = models.EmailField(blank=True)
    profile_id = models.CharField(max_length=80, blank=True)
    country = models.CharField(max_length=2, help_text="ISO country code, e.g. PH.")
    region = models.CharField(
        max_length=40, blank=True, help_text="State or province, e.g. CA for California."
    )
    languages = models.JSONField(default=list, blank=True)
    # Salted hashes of the email and profile id: they outlive the purge (never paid twice).
    email_hash = models.CharField(max_length=64, db_index=True, blank=True)
    profile_hash = models.CharField(max_length=64, db_index=True, blank=True)
    duplicate_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    stage = models.CharField(max_length=30, choices=Stage.choices, default=Stage.APPLIED)
    stage_changed_at = models.DateTimeField(default=timezone.now)
    assessment_paid_at = models.DateTimeField(null=True, blank=True)
    seed = models.BigIntegerField(default=_new_seed)
    created_at = models.DateTimeField(default=timezone.now)
    # The submission (HIR-3)
    draw = models.JSONField(default=list, blank=True)  # [{"q": id, "options": [i, ...]}]
    assessment_started_at = models.DateTimeField(null=True, blank=True)
    left_page_count = models.PositiveIntegerField(default=0)
    speedtest_url = models.URLField(max_length=300, blank=True)
    operating_system = models.CharField(max_length=80, blank=True)
    browser = models.CharField(max_length=80, blank=True)
    availability = models.JSONField(default=list, blank=True)  # [[weekday 0=Mon, hour], ...]
    hours_confirmed = models.BooleanField(default=False)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # Scoring
    choice_points = models.PositiveIntegerField(null=True, blank=True)
    free_points = models.PositiveIntegerField(null=True, blank=True)
    max_points = models.PositiveIntegerField(null=True, blank=True)
    score_percent = models.PositiveSmallIntegerField(null=True, blank=True)
    integrity_points = models.PositiveSmallIntegerField(default=0)
    # Hire
    hired_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hiring_applications",
    )
    contract = models.CharField(max_length=20, blank=True)
    purged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["round", "stage"])]

    def __str__(self) -> str:
        return self.name or "Former applicant"

    @property
    def availability_hours(self) -> int:
        return len(self.availability or [])


class StageChange(models.Model):
    """Every stage an applicant entered, with its instant (HIR-2, HIR-9)."""

    applicant = models.ForeignKey(Applicant, on_delete=models.CASCADE, related_name="changes")
    from_stage = models.CharField(max_length=30, choices=Stage.choices, blank=True)
    to_stage = models.CharField(max_length=30, choices=Stage.choices)
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_from_stage_display() or 'new'} → {self.get_to_stage_display()}"


class Answer(models.Model):
    applicant = models.ForeignKey(Applicant, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    text = models.TextField(blank=True)
    option = models.PositiveSmallIntegerField(null=True, blank=True)
    saved_at = models.DateTimeField(default=timezone.now)
    # Integrity signals (never an automatic rejection)
    pasted = models.BooleanField(default=False)
    left_page = models.PositiveIntegerField(default=0)
    seconds = models.PositiveIntegerField(default=0)
    similar_to = models.ForeignKey(
        Applicant, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    similarity = models.DecimalField(max_digits=4, decimal_places=2, null=True, blank=True)
    # Scoring
    points = models.PositiveSmallIntegerField(null=True, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    review_note = models.CharField(max_length=500, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["applicant", "question"], name="hiring_one_answer")
        ]

    def __str__(self) -> str:
        return f"Answer to “{self.question}”"


class Note(models.Model):
    class Kind(models.TextChoices):
        NOTE = "note", "Note"
        INTERVIEW = "interview", "Interview notes"

    applicant = models.ForeignKey(Applicant, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.NOTE)
    body = models.TextField()
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return self.get_kind_display()
