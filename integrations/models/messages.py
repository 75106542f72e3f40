"""Client messages by email (ESC-10): one row per reply sent, one per reply received.

A ``ClientMessage`` is written in the transaction that records the client-visible reply
on the timeline; its email is sent after commit by a Celery task and its status (queued,
sent, failed with the reason, retried) is shown on that timeline entry. An
``InboundEmail`` row per Message-ID makes a replayed inbound message change nothing.
"""

from django.db import models


class TeamMailbox(models.Model):
    """The address a team's client emails come from (else ``CLIENT_EMAIL_FROM``)."""

    team = models.OneToOneField("core.Team", on_delete=models.CASCADE, related_name="mailbox")
    from_email = models.EmailField()
    from_name = models.CharField(max_length=100, blank=True)

    class Meta:
        verbose_name = "team mailbox"

    def __str__(self) -> str:
        return f"{self.team}: {self.from_email}"


class MessageStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class ClientMessage(models.Model):
    case = models.ForeignKey(
        "escalations.Case", on_delete=models.CASCADE, related_name="client_messages"
    )
    event = models.OneToOneField(
        "escalations.CaseEvent", on_delete=models.CASCADE, related_name="client_message"
    )
    to_email = models.EmailField(blank=True)
    from_email = models.CharField(max_length=300)
    reply_to = models.CharField(max_length=300)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    message_id = models.CharField(max_length=300, unique=True)
    in_reply_to = models.CharField(max_length=300, blank=True)
    references = models.TextField(blank=True)
    status = models.CharField(
        max_length=10, choices=MessageStatus.choices, default=MessageStatus.QUEUED
    )
    attempts = models.PositiveIntegerField(default=0)
    # Set when the send task was last queued; a message still queued long after is
    # queued again by the beat task (broker down at commit, worker killed).
    queued_at = models.DateTimeField(null=True, blank=True)
    queue_count = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    resent_by = models.ForeignKey(
        "core.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(
                fields=["queued_at"],
                name="integ_message_queued",
                condition=models.Q(status="queued"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject} ({self.get_status_display()})"


class InboundEmail(models.Model):
    message_id = models.CharField(max_length=300, unique=True)
    case = models.ForeignKey(
        "escalations.Case",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inbound_emails",
    )
    event = models.OneToOneField(
        "escalations.CaseEvent",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inbound_email",
    )
    subject = models.CharField(max_length=300, blank=True)
    matched_by = models.CharField(max_length=20, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return self.message_id
