"""The client resource library (ESC-11): help-center links agents insert into replies."""

from django.core.exceptions import ValidationError
from django.db import models


class Audience(models.TextChoices):
    CLIENT = "client", "Clients"
    FREELANCER = "freelancer", "Freelancers"


def validate_kinds(value) -> None:
    from escalations.models import Kind

    if not isinstance(value, list) or any(v not in Kind.values for v in value):
        raise ValidationError(f"Case kinds must be a list drawn from {', '.join(Kind.values)}.")


def validate_tags(value) -> None:
    if not isinstance(value, list) or any(not isinstance(v, str) or not v.strip() for v in value):
        raise ValidationError("Tags must be a list of words.")


class Resource(models.Model):
    title = models.CharField(max_length=200)
    url = models.URLField(max_length=500)
    audience = models.CharField(max_length=20, choices=Audience.choices, default=Audience.CLIENT)
    case_kinds = models.JSONField(
        default=list,
        blank=True,
        validators=[validate_kinds],
        help_text="Case kinds it suits; empty means every kind.",
    )
    tags = models.JSONField(default=list, blank=True, validators=[validate_tags])
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title

    def suits(self, kind: str) -> bool:
        return not self.case_kinds or kind in self.case_kinds


class ResourcePack(models.Model):
    """A default set of resources offered for a kind of case or contract."""

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=120)
    case_kinds = models.JSONField(
        default=list, blank=True, validators=[validate_kinds], help_text="Cases of these kinds."
    )
    contract_type = models.CharField(
        max_length=20, blank=True, help_text="Or cases on this contract type (e.g. hourly)."
    )
    resources = models.ManyToManyField(Resource, related_name="packs", blank=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def suits(self, case) -> bool:
        return case.kind in (self.case_kinds or []) or (
            bool(self.contract_type) and case.contract_type == self.contract_type
        )
