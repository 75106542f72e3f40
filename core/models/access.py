"""Access configuration (CORE-8): the cross-team read switch and service tokens."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AccessSettings(models.Model):
    """One row: how far people see beyond their own team."""

    cross_team_read = models.BooleanField(
        default=False,
        help_text="Let agents and leads read (never change) other teams' cases, clocks and "
        "requests. Off by default (CORE-8).",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "Access settings"
        verbose_name_plural = "Access settings"

    def __str__(self) -> str:
        return "Access settings"

    @classmethod
    def current(cls) -> AccessSettings:
        return cls.objects.filter(pk=1).first() or cls(pk=1)


class ServiceToken(models.Model):
    """A REST integration's credential with named scopes; only a hash of the key is kept.

    The token acts as its own principal (a service user with no team and no password), so
    every action it takes is audited under its name.
    """

    name = models.CharField(max_length=100, unique=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="service_token"
    )
    key_prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"service token {self.name}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
