"""People (CORE-6): users with one role, teams with one lead, agent profile fields."""

from zoneinfo import available_timezones

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models


class Role(models.TextChoices):
    AGENT = "agent", "Agent"
    TEAM_LEAD = "team_lead", "Team lead"
    ADMIN = "admin", "Admin"


class Channel(models.TextChoices):
    TICKETS = "tickets", "Tickets"
    LIVE_CHAT = "live_chat", "Live chat"
    PHONE = "phone", "Phone"


def validate_time_zone(value: str) -> None:
    if value not in available_timezones():
        raise ValidationError(f"{value!r} is not an IANA time zone (e.g. America/Los_Angeles).")


def validate_channels(value) -> None:
    if not isinstance(value, list) or any(v not in Channel.values for v in value):
        raise ValidationError(f"Channels must be a list drawn from {', '.join(Channel.values)}.")


def validate_languages(value) -> None:
    if not isinstance(value, list) or any(not isinstance(v, str) or not v for v in value):
        raise ValidationError("Languages must be a list of language names or codes.")


class Team(models.Model):
    name = models.CharField(max_length=100, unique=True)
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_teams",
    )
    chat_webhook_url = models.URLField(
        blank=True,
        help_text="Slack-compatible incoming webhook for this team's chat channel.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.AGENT)
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="members"
    )
    time_zone = models.CharField(
        max_length=64, default="America/Los_Angeles", validators=[validate_time_zone]
    )
    languages = models.JSONField(default=list, blank=True, validators=[validate_languages])
    channels = models.JSONField(default=list, blank=True, validators=[validate_channels])
    start_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["username"]
        indexes = [models.Index(fields=["team", "role"])]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def save(self, *args, **kwargs):
        # Admins configure the system through the Django admin.
        if self.role == Role.ADMIN:
            self.is_staff = True
            self.is_superuser = True
        super().save(*args, **kwargs)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN or self.is_superuser

    @property
    def is_lead(self) -> bool:
        """Admin implies lead (CORE-6)."""
        return self.role in (Role.TEAM_LEAD, Role.ADMIN) or self.is_superuser

    @property
    def is_agent(self) -> bool:
        return self.role == Role.AGENT
