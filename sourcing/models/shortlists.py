"""Saved shortlists (SRC-5, SRC-6).

A shortlist keeps what it was built from (the rule version and a copy of its values, the
job criteria, the evaluation time) and what it found (the funnel, every displacement and,
per shortlisted freelancer, the per-rule results and score), because the pool and the
thresholds drift after the fact.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse

from .pool import Freelancer
from .rules import SourcingRules


class Shortlist(models.Model):
    title = models.CharField(max_length=200)
    job_reference = models.CharField(
        max_length=100, blank=True, help_text="The marketplace job invitations go to."
    )
    case_reference = models.CharField(
        max_length=100, blank=True, help_text="An escalation case this shortlist helps with."
    )
    criteria = models.JSONField(help_text="The job criteria as given (normalised).")
    rules = models.ForeignKey(SourcingRules, on_delete=models.PROTECT, related_name="shortlists")
    rules_snapshot = models.JSONField(help_text="The rule values in force when it ran.")
    as_of = models.DateTimeField(help_text="The instant the rules were evaluated at.")
    pool_count = models.PositiveIntegerField(default=0)
    eligible_count = models.PositiveIntegerField(default=0)
    funnel = models.JSONField(default=list)
    displacements = models.JSONField(default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["job_reference"], name="src_shortlist_job"),
            models.Index(fields=["case_reference"], name="src_shortlist_case"),
        ]

    def __str__(self) -> str:
        return f"Shortlist #{self.pk}: {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("sourcing:shortlist", args=[self.pk])


class ShortlistEntry(models.Model):
    shortlist = models.ForeignKey(Shortlist, on_delete=models.CASCADE, related_name="entries")
    freelancer = models.ForeignKey(Freelancer, on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveIntegerField()
    base_rank = models.PositiveIntegerField(help_text="Rank by score before the re-rank.")
    score = models.IntegerField()
    rule_results = models.JSONField(default=list)
    moves = models.JSONField(default=list, help_text="Re-rank steps that moved this entry.")
    snapshot = models.JSONField(default=dict, help_text="Freelancer facts at evaluation time.")

    class Meta:
        ordering = ["shortlist", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["shortlist", "rank"], name="src_entry_rank"),
            models.UniqueConstraint(fields=["shortlist", "freelancer"], name="src_entry_once"),
        ]

    def __str__(self) -> str:
        return f"#{self.rank} {self.freelancer_id}"
