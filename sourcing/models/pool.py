"""The talent pool (SRC-1): freelancers, agencies, completed jobs, skills, invitations.

Skills and keywords are rows (``Skill``, ``Keyword``) joined through indexed tables so the
database can answer "has a completed job with one of these skills in the last 365 days"
with an index lookup on SQLite and PostgreSQL alike. ``CompletedJobSkill`` repeats the
job's freelancer and end date for exactly that question.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


def normalize_term(value: str) -> str:
    """Skills and keywords match case- and space-insensitively."""
    return " ".join(str(value).split()).lower()


class EnglishLevel(models.IntegerChoices):
    """Ordered: a larger number is better English."""

    BASIC = 1, "Basic"
    CONVERSATIONAL = 2, "Conversational"
    FLUENT = 3, "Fluent"
    NATIVE = 4, "Native or bilingual"

    @classmethod
    def parse(cls, value) -> "EnglishLevel | None":
        if isinstance(value, int) and value in cls.values:
            return cls(value)
        text = str(value or "").strip().lower()
        for member in cls:
            if text in (member.name.lower(), member.label.lower()):
                return member
        if text == "native":
            return cls.NATIVE
        return None


class Region(models.TextChoices):
    AFRICA = "africa", "Africa"
    ASIA = "asia", "Asia"
    EUROPE = "europe", "Europe"
    LATIN_AMERICA = "latin_america", "Latin America"
    MIDDLE_EAST = "middle_east", "Middle East"
    NORTH_AMERICA = "north_america", "North America"
    OCEANIA = "oceania", "Oceania"


class Category(models.Model):
    """Reference table: imports naming an unknown category are refused."""

    name = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name


class Subcategory(models.Model):
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="subcategories")
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["category__name", "name"]
        verbose_name_plural = "subcategories"
        constraints = [
            models.UniqueConstraint(fields=["category", "name"], name="src_subcategory_unique")
        ]

    def __str__(self) -> str:
        return f"{self.category.name} / {self.name}"


class Skill(models.Model):
    name = models.CharField(max_length=100)
    normalized = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["normalized"]

    def __str__(self) -> str:
        return self.name


class Keyword(models.Model):
    name = models.CharField(max_length=100)
    normalized = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["normalized"]

    def __str__(self) -> str:
        return self.name


class Agency(models.Model):
    external_id = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    jss = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
        help_text="Agency job success score (0-100); empty while the agency has none yet.",
    )
    dispute_count = models.PositiveIntegerField(default=0)
    is_premium = models.BooleanField(default=False)
    country = models.CharField(max_length=2, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(jss__isnull=True) | models.Q(jss__lte=100),
                name="src_agency_jss_range",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Freelancer(models.Model):
    external_id = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    title = models.CharField(max_length=200, blank=True)
    agency = models.ForeignKey(
        Agency, on_delete=models.SET_NULL, null=True, blank=True, related_name="members"
    )
    jss = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
        help_text="Job success score (0-100); empty for newcomers such as Rising Talent.",
    )
    is_top_rated = models.BooleanField(default=False)
    is_top_rated_plus = models.BooleanField(default=False)
    is_rising_talent = models.BooleanField(default=False)
    is_premium = models.BooleanField(default=False, help_text="Premium / Expert-Vetted.")
    english_level = models.PositiveSmallIntegerField(
        choices=EnglishLevel.choices, default=EnglishLevel.CONVERSATIONAL
    )
    country = models.CharField(max_length=2, help_text="ISO 3166-1 alpha-2 code.")
    region = models.CharField(max_length=20, choices=Region.choices)
    hourly_rate = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    total_hours = models.PositiveIntegerField(default=0)
    completed_jobs_count = models.PositiveIntegerField(
        default=0, help_text="Kept by the import service from the completed jobs."
    )
    skills = models.ManyToManyField(Skill, through="FreelancerSkill", related_name="+")
    keywords = models.ManyToManyField(Keyword, through="FreelancerKeyword", related_name="+")
    # Issue 16: a digest of the CSV row this record was last imported from (and of what
    # that row referred to); a later file with the very same row skips it. Empty when the
    # record was written any other way.
    import_digest = models.CharField(max_length=32, blank=True, default="", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["country"]), models.Index(fields=["region"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(jss__isnull=True) | models.Q(jss__lte=100),
                name="src_freelancer_jss_range",
            ),
            models.CheckConstraint(
                condition=models.Q(english_level__gte=1, english_level__lte=4),
                name="src_freelancer_english_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.external_id})"

    def save(self, *args, **kwargs):
        # Changed by hand: no longer what its last imported row says.
        self.import_digest = ""
        update_fields = kwargs.get("update_fields")
        if update_fields:  # an empty list saves nothing, as Django has it
            kwargs["update_fields"] = {*update_fields, "import_digest"}
        super().save(*args, **kwargs)

    @property
    def badges(self) -> list[str]:
        out = []
        if self.is_top_rated_plus:
            out.append("Top Rated Plus")
        elif self.is_top_rated:
            out.append("Top Rated")
        if self.is_rising_talent:
            out.append("Rising Talent")
        if self.is_premium:
            out.append("Expert-Vetted")
        return out


class FreelancerSkill(models.Model):
    # Both columns are covered by the composite indexes below. The pool's child tables
    # have set-based foreign keys (sourcing/integrity.py), not per-row ones.
    freelancer = models.ForeignKey(
        Freelancer, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    skill = models.ForeignKey(
        Skill, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["freelancer", "skill"], name="src_freelancer_skill")
        ]
        indexes = [models.Index(fields=["skill", "freelancer"], name="src_fskill_skill")]

    def __str__(self) -> str:
        return f"{self.freelancer_id}: skill {self.skill_id}"


class FreelancerKeyword(models.Model):
    freelancer = models.ForeignKey(
        Freelancer, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    keyword = models.ForeignKey(
        Keyword, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["freelancer", "keyword"], name="src_freelancer_keyword")
        ]
        indexes = [models.Index(fields=["keyword", "freelancer"], name="src_fkw_keyword")]

    def __str__(self) -> str:
        return f"{self.freelancer_id}: keyword {self.keyword_id}"


class CompletedJob(models.Model):
    freelancer = models.ForeignKey(
        Freelancer, on_delete=models.CASCADE, related_name="jobs", db_constraint=False
    )
    title = models.CharField(max_length=200, blank=True)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )  # covered by src_job_cat
    subcategory = models.ForeignKey(
        Subcategory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    end_date = models.DateField()
    hours = models.PositiveIntegerField(default=0)
    skills = models.ManyToManyField(Skill, through="CompletedJobSkill", related_name="+")

    class Meta:
        ordering = ["-end_date", "id"]
        indexes = [
            # Index-only answer to "who has a job in this (sub)category, ended by then".
            models.Index(
                fields=["category", "subcategory", "end_date", "freelancer"], name="src_job_cat"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title or 'job'} ({self.end_date})"


class CompletedJobSkill(models.Model):
    """A skill used on a completed job, with the job's freelancer and end date repeated."""

    job = models.ForeignKey(
        CompletedJob,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    skill = models.ForeignKey(
        Skill, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    freelancer = models.ForeignKey(
        Freelancer, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    end_date = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "skill"], name="src_job_skill")]
        indexes = [
            models.Index(fields=["skill", "end_date", "freelancer"], name="src_jskill_recent"),
            models.Index(fields=["freelancer", "skill", "end_date"], name="src_jskill_owner"),
        ]

    def __str__(self) -> str:
        return f"job {self.job_id}: skill {self.skill_id}"


class Invitation(models.Model):
    """An invitation of a freelancer to a job (SRC-6); starts the cooldown."""

    class Source(models.TextChoices):
        SHORTLIST = "shortlist", "Shortlist"
        IMPORT = "import", "Import"

    freelancer = models.ForeignKey(
        Freelancer,
        on_delete=models.CASCADE,
        related_name="invitations",
        db_index=False,
        db_constraint=False,
    )
    job_reference = models.CharField(max_length=100)
    invited_at = models.DateTimeField()
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.SHORTLIST)
    shortlist = models.ForeignKey(
        "sourcing.Shortlist",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations",
    )
    invited_by = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-invited_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["freelancer", "job_reference"], name="src_invite_once_per_job"
            )
        ]
        indexes = [
            models.Index(fields=["invited_at", "freelancer"], name="src_invite_recent"),
            models.Index(fields=["freelancer", "invited_at"], name="src_invite_owner"),
        ]

    def __str__(self) -> str:
        return f"{self.freelancer_id} -> {self.job_reference} @ {self.invited_at:%Y-%m-%d}"


JSS_VALIDATORS = [MinValueValidator(0), MaxValueValidator(100)]
