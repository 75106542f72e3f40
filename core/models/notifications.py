"""Notifications (CORE-7): in-app rows, delivered by email and team chat in Celery tasks."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone


class EmailStatus(models.TextChoices):
    NONE = "none", "Not emailed"
    PENDING = "pending", "Pending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)

    def for_user(self, user):
        return self.filter(recipient=user)


class Notification(models.Model):
    # No single-column index on recipient: (recipient, -created_at) below leads with it.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        db_index=False,
    )
    kind = models.CharField(max_length=50)
    title = models.CharField(max_length=255)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    target_type = models.ForeignKey(
        ContentType, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    target_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    email_status = models.CharField(
        max_length=10, choices=EmailStatus.choices, default=EmailStatus.NONE
    )
    emailed_at = models.DateTimeField(null=True, blank=True)
    email_error = models.TextField(blank=True)
    # CORE-7, no lost email: when the email's task was last queued and how many times. A
    # pending email whose task was lost (broker down at commit, worker killed) is queued
    # again by the beat task ``core.notification_emails_requeue``, then given up on.
    email_queued_at = models.DateTimeField(null=True, blank=True)
    email_queue_count = models.PositiveSmallIntegerField(default=0)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        # Kept lean: an SLA sweep inserts thousands of rows at once. A plain btree on kind
        # (equality filters only, so no varchar_pattern_ops twin).
        indexes = [
            models.Index(fields=["recipient", "-created_at"]),
            models.Index(fields=["kind"], name="core_notification_kind"),
            models.Index(
                fields=["recipient"],
                condition=Q(read_at__isnull=True),
                name="core_notification_unread",
            ),
            # The requeue sweep's only read: pending emails, oldest queued first.
            models.Index(
                fields=["email_queued_at"],
                condition=Q(email_status="pending"),
                name="core_notif_email_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient_id}: {self.title}"

    def get_absolute_url(self) -> str:
        return self.url

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationSettings(models.Model):
    """Site-wide delivery settings (one row, edited by admins)."""

    fallback_chat_webhook_url = models.URLField(
        blank=True,
        help_text="Slack-compatible incoming webhook used for teams without their own URL.",
    )
    email_enabled = models.BooleanField(
        default=True, help_text="Send notification emails through Django's email backend."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "notification settings"
        verbose_name_plural = "notification settings"

    def __str__(self) -> str:
        return "Notification settings"

    @classmethod
    def current(cls) -> NotificationSettings:
        obj = cls.objects.order_by("pk").first()
        return obj if obj is not None else cls(email_enabled=True)


class ChatMessage(models.Model):
    """One chat-webhook delivery (an outbox row, so failures are visible to admins)."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    team = models.ForeignKey(
        "core.Team", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    url = models.URLField(max_length=500)
    text = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"chat to {self.team or 'fallback'}: {self.text[:40]}"
