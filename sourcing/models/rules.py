"""Eligibility thresholds as configuration (SRC-2 to SRC-4).

Every change makes a new ``SourcingRules`` row with the next ``version`` (rows are never
edited in place) and an audit entry, so a saved shortlist can point at the exact numbers
it was built with. The highest version is the one in force.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from .pool import EnglishLevel

DEFAULT_PREMIUM_AGENCY_CATEGORIES = [
    "Design",
    "Admin",
    "Customer Support",
    "Web/Mobile Development",
    "Translation",
    "Management Consulting",
    "Market Research",
]
DEFAULT_WRITING_CATEGORIES = ["Writing", "Translation"]


def default_premium_agency_categories() -> list[str]:
    return list(DEFAULT_PREMIUM_AGENCY_CATEGORIES)


def default_writing_categories() -> list[str]:
    return list(DEFAULT_WRITING_CATEGORIES)


# Fields that make up a rule set (everything but the bookkeeping columns).
RULE_FIELDS = [
    "min_jss",
    "rising_talent_bypasses_jss",
    "premium_bypasses_jss",
    "recent_job_days",
    "min_english_level",
    "writing_min_english_level",
    "writing_categories",
    "min_skill_matches",
    "min_completed_jobs",
    "min_total_hours",
    "volume_exempt_rising_talent",
    "volume_exempt_premium",
    "min_keyword_matches",
    "invite_cooldown_days",
    "agency_min_jss",
    "agency_max_disputes",
    "premium_agency_categories",
    "large_budget_threshold",
    "mix_window",
    "max_per_region_in_window",
    "min_top_rated_in_window",
    "min_rising_talent_in_window",
    "no_jss_score",
    "default_shortlist_size",
]


class SourcingRules(models.Model):
    version = models.PositiveIntegerField(unique=True)
    # SRC-2
    min_jss = models.PositiveSmallIntegerField(
        "minimum JSS", default=80, validators=[MaxValueValidator(100)]
    )
    rising_talent_bypasses_jss = models.BooleanField(
        "Rising Talent passes the JSS rule", default=True
    )
    premium_bypasses_jss = models.BooleanField("Expert-Vetted passes the JSS rule", default=True)
    recent_job_days = models.PositiveIntegerField(
        "same-skill job within (days)",
        default=365,
        validators=[MinValueValidator(1)],
        help_text="A job that ended exactly this many days ago still counts.",
    )
    min_english_level = models.PositiveSmallIntegerField(
        "minimum English level", choices=EnglishLevel.choices, default=EnglishLevel.CONVERSATIONAL
    )
    writing_min_english_level = models.PositiveSmallIntegerField(
        "minimum English for writing jobs",
        choices=EnglishLevel.choices,
        default=EnglishLevel.FLUENT,
    )
    writing_categories = models.JSONField(
        default=default_writing_categories,
        help_text="Categories whose jobs count as writing jobs.",
    )
    min_skill_matches = models.PositiveSmallIntegerField(
        "relevant skills: at least", default=1, validators=[MinValueValidator(1)]
    )
    min_completed_jobs = models.PositiveIntegerField("completed jobs: at least", default=4)
    min_total_hours = models.PositiveIntegerField("or hours: at least", default=100)
    volume_exempt_rising_talent = models.BooleanField(
        "Rising Talent exempt from jobs/hours", default=True
    )
    volume_exempt_premium = models.BooleanField(
        "Expert-Vetted exempt from jobs/hours", default=True
    )
    min_keyword_matches = models.PositiveSmallIntegerField(
        "matching keywords: at least (when the job has keywords)",
        default=1,
        validators=[MinValueValidator(1)],
    )
    invite_cooldown_days = models.PositiveIntegerField(
        "invitation cooldown (days)",
        default=7,
        validators=[MinValueValidator(1)],
        help_text="Invited exactly this many days ago is eligible again.",
    )
    # SRC-3
    agency_min_jss = models.PositiveSmallIntegerField(
        "agency minimum JSS", default=85, validators=[MaxValueValidator(100)]
    )
    agency_max_disputes = models.PositiveIntegerField("agency maximum disputes", default=2)
    premium_agency_categories = models.JSONField(
        default=default_premium_agency_categories,
        help_text="Categories in which Premium agencies are listed first.",
    )
    # SRC-4
    large_budget_threshold = models.DecimalField(
        "larger-than-average budget above",
        max_digits=12,
        decimal_places=2,
        default=Decimal("5000.00"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    mix_window = models.PositiveSmallIntegerField(
        "mix applies to the top", default=10, validators=[MinValueValidator(1)]
    )
    max_per_region_in_window = models.PositiveSmallIntegerField(
        "at most this many from one region in the top",
        default=4,
        validators=[MinValueValidator(1)],
    )
    min_top_rated_in_window = models.PositiveSmallIntegerField(
        "at least this many Top Rated in the top", default=2
    )
    min_rising_talent_in_window = models.PositiveSmallIntegerField(
        "at least this many Rising Talent in the top", default=2
    )
    # Ranking
    no_jss_score = models.PositiveSmallIntegerField(
        "score points standing in for a missing JSS",
        default=70,
        validators=[MaxValueValidator(100)],
        help_text="Rising Talent and Expert-Vetted freelancers without a JSS yet.",
    )
    default_shortlist_size = models.PositiveSmallIntegerField(
        default=50, validators=[MinValueValidator(1), MaxValueValidator(200)]
    )
    # Bookkeeping
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-version"]
        verbose_name = "sourcing rules version"
        verbose_name_plural = "sourcing rules versions"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(min_jss__lte=100, agency_min_jss__lte=100),
                name="src_rules_jss_range",
            )
        ]

    def __str__(self) -> str:
        return f"Sourcing rules v{self.version}"

    def values(self) -> dict:
        return {name: getattr(self, name) for name in RULE_FIELDS}
