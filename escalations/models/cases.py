"""Escalation cases (ESC-1 to ESC-3): the case, its tags, timeline events and logged calls."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Case as When_
from django.db.models import CharField, F, Value, When
from django.db.models.functions import Cast, Concat, LPad
from django.urls import reverse

from core.models import SlaClock

REFERENCE_PREFIX = "ESC-"


def format_reference(pk: int) -> str:
    return f"{REFERENCE_PREFIX}{pk:06d}"


def parse_reference(reference: str) -> int | None:
    """``ESC-000123`` -> 123; None for anything that is not a case reference."""
    reference = (reference or "").strip().upper()
    if not reference.startswith(REFERENCE_PREFIX):
        return None
    digits = reference[len(REFERENCE_PREFIX) :]
    return int(digits) if digits.isascii() and digits.isdigit() else None


class Kind(models.TextChoices):
    """ESC-2."""

    NEW_CLIENT_OUTREACH = "new_client_outreach", "New-client outreach"
    UNRESPONSIVE_FREELANCER = "unresponsive_freelancer", "Unresponsive freelancer"
    REFUND_REQUEST = "refund_request", "Refund request"
    GENERAL = "general", "General"
    # UFL-5: the escalation a freelancer found to be non-delivery fraud opens.
    NON_DELIVERY_FRAUD = "non_delivery_fraud", "Non-delivery fraud (NDF)"


class Priority(models.TextChoices):
    LOW = "low", "Low"
    NORMAL = "normal", "Normal"
    HIGH = "high", "High"
    URGENT = "urgent", "Urgent"


PRIORITY_RANK = {Priority.LOW: 0, Priority.NORMAL: 1, Priority.HIGH: 2, Priority.URGENT: 3}


class Status(models.TextChoices):
    """ESC-3. The allowed moves between them live in ``escalations.state_machine``."""

    NEW = "new", "New"
    CLAIMED = "claimed", "Claimed"
    WAITING_ON_CLIENT = "waiting_on_client", "Waiting on client"
    WAITING_ON_FREELANCER = "waiting_on_freelancer", "Waiting on freelancer"
    IN_PROGRESS = "in_progress", "In progress"
    HANDED_OFF = "handed_off", "Handed off (Talent Solutions)"
    RESOLVED = "resolved", "Resolved"
    CLOSED = "closed", "Closed"


class Segment(models.TextChoices):
    """Client segments, smallest first (their order is used by NCO-1)."""

    INDIVIDUAL = "individual", "Individual"
    SMALL_BUSINESS = "small_business", "Small business"
    MID_MARKET = "mid_market", "Mid-market"
    ENTERPRISE = "enterprise", "Enterprise"


SEGMENT_RANK = {s.value: i for i, s in enumerate(Segment)}


class ContractType(models.TextChoices):
    HOURLY = "hourly", "Hourly"
    FIXED_PRICE = "fixed_price", "Fixed price"


class SourceChannel(models.TextChoices):
    SOCIAL_MEDIA = "social_media", "Social media"
    COMMUNITY = "community", "Community"
    SUPPORT_TICKET = "support_ticket", "Support ticket"
    EMAIL = "email", "Email"
    PHONE = "phone", "Phone"
    API = "api", "API"


class Visibility(models.TextChoices):
    """ESC-7: internal events never reach anything sent to a client or freelancer."""

    INTERNAL = "internal", "Internal"
    CLIENT_VISIBLE = "client_visible", "Client-visible"


class Tag(models.Model):
    name = models.SlugField(max_length=50, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CaseQuerySet(models.QuerySet):
    def fill_references(self) -> int:
        """Set ``reference`` on rows created without one (e.g. by ``bulk_create``)."""
        digits = Cast(F("id"), CharField())
        return self.filter(reference__isnull=True).update(
            reference=Concat(
                Value(REFERENCE_PREFIX),
                When_(When(id__lt=1_000_000, then=LPad(digits, 6, Value("0"))), default=digits),
                output_field=CharField(),
            )
        )

    def open(self):
        return self.exclude(status__in=[Status.RESOLVED, Status.CLOSED])


class Case(models.Model):
    reference = models.CharField(
        max_length=20,
        unique=True,
        null=True,
        editable=False,
        help_text="Public reference, ESC-000123 (derived from the id on creation).",
    )
    title = models.CharField(max_length=200)
    issue_summary = models.TextField(
        blank=True,
        help_text="Client-facing paraphrase of the issue (used by macros; never internal notes).",
    )
    kind = models.CharField(max_length=30, choices=Kind.choices, default=Kind.GENERAL)
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    status = models.CharField(max_length=30, choices=Status.choices, default=Status.NEW)

    client_name = models.CharField(max_length=200)
    client_email = models.EmailField(blank=True)
    client_phone = models.CharField(max_length=40, blank=True)
    client_company = models.CharField(max_length=200, blank=True)
    client_account_id = models.CharField(max_length=64, blank=True)
    client_segment = models.CharField(
        max_length=20, choices=Segment.choices, default=Segment.INDIVIDUAL
    )

    freelancer_name = models.CharField(
        max_length=200, blank=True, help_text="Freelancer or agency name."
    )
    freelancer_id = models.CharField(max_length=64, blank=True)
    freelancer_email = models.EmailField(
        blank=True, help_text="Shared with the client only after a lead's approval (ESC-7)."
    )
    freelancer_phone = models.CharField(max_length=40, blank=True)
    is_agency = models.BooleanField(default=False)

    contract_ids = models.JSONField(default=list, blank=True)
    contract_type = models.CharField(max_length=20, choices=ContractType.choices, blank=True)
    contract_spend = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="USD.",
    )

    source_channel = models.CharField(
        max_length=20, choices=SourceChannel.choices, default=SourceChannel.SUPPORT_TICKET
    )
    external_ticket_id = models.CharField(max_length=100, null=True, blank=True, unique=True)

    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_cases",
    )
    team = models.ForeignKey(
        "core.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="cases"
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="cases")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    sla_clocks = GenericRelation(SlaClock, related_query_name="case")

    objects = CaseQuerySet.as_manager()

    # The SLA sweep loads a batch of cases with these (core.sla, no N+1 queries).
    sla_select_related = ("assignee", "team__lead")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The case list filters by status and kind and shows the newest first. Issue 16:
            # covering the CORE-8 scope columns, its count and the ids of a deep page are
            # index-only scans (47 -> 0.8 ms for the count over 100,000 cases).
            # (The scope columns trail as key columns, not INCLUDE: SQLite has no INCLUDE.)
            models.Index(
                fields=["status", "kind", "-created_at", "-id", "team", "assignee"],
                name="esc_case_list_scoped",
            ),
            # Issue 16: the list's count by status and kind in the caller's scope. Without
            # the ordering columns equal keys share one deduplicated B-tree entry, so the
            # index-only count reads a 776 kB index instead of 13 MB (0.76 -> 0.48 ms for
            # 4,000 cases, pgbench over bench_search's 100,000).
            models.Index(
                fields=["status", "kind", "team", "assignee"], name="esc_case_count_scoped"
            ),
            # Issue 16: the unfiltered list, newest first, by page number or cursor.
            models.Index(
                fields=["-created_at", "-id", "team", "assignee"], name="esc_case_new_scoped"
            ),
            models.Index(fields=["assignee", "status"]),
            models.Index(fields=["team", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.reference or 'ESC-?'} {self.title}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        if self.reference is None and self.pk is not None:
            self.reference = format_reference(self.pk)
            type(self).objects.filter(pk=self.pk).update(reference=self.reference)

    def get_absolute_url(self) -> str:
        return reverse("escalations:case-detail", args=[self.reference])

    # Questions about one case ------------------------------------------------------------
    @property
    def is_open(self) -> bool:
        return self.status not in (Status.RESOLVED, Status.CLOSED)

    @property
    def client_first_name(self) -> str:
        return (self.client_name or "").split(" ")[0]

    @property
    def allowed_transitions(self) -> list[str]:
        from escalations.state_machine import allowed_from

        return allowed_from(self.status)

    @property
    def suggested_macros(self):
        """Macros the case page should offer now (UFL-6: no phone on file -> scheduling)."""
        from escalations.selectors import macros_suggested_for

        return macros_suggested_for(case=self)

    def sla_recipients(self, clock) -> list:
        """Who hears about a warning or breach of one of this case's clocks (CORE-4)."""
        people = []
        if self.assignee_id and self.assignee.is_active:
            people.append(self.assignee)
        lead = self.team.lead if self.team_id else None
        if lead is not None and lead.is_active and lead not in people:
            people.append(lead)
        return people


class EventKind(models.TextChoices):
    CREATED = "created", "Created"
    UPDATED = "updated", "Updated"
    CLAIMED = "claimed", "Claimed"
    FIRST_RESPONSE = "first_response", "First response"
    ASSIGNED = "assigned", "Assigned"
    STATUS_CHANGED = "status_changed", "Status changed"
    NOTE = "note", "Note"
    RESEARCH = "research", "Research"
    REPLY = "reply", "Reply sent"
    CALL = "call", "Call"
    CONTACT_ATTEMPT = "contact_attempt", "Freelancer contact attempt"
    CHECKLIST = "checklist", "Checklist"
    CONTACT_REQUEST = "contact_request", "Contact-info request"
    CLIENT_MESSAGE = "client_message", "Client message"
    SLA = "sla", "SLA"
    # UFL-2 to UFL-7: the unresponsive-freelancer process.
    UFL = "ufl", "Freelancer contact plan"
    FREELANCER_REPLY = "freelancer_reply", "Freelancer reply"
    CLAIM = "claim", "Claim"


# Kinds that may ever be client-visible; everything else is forced internal (ESC-7).
CLIENT_SHAREABLE_KINDS = frozenset({EventKind.NOTE, EventKind.REPLY, EventKind.CLIENT_MESSAGE})


class CaseEventQuerySet(models.QuerySet):
    def client_visible(self):
        return self.filter(visibility=Visibility.CLIENT_VISIBLE)

    def notes(self):
        return self.filter(kind__in=[EventKind.NOTE, EventKind.RESEARCH, EventKind.REPLY])


class CaseEvent(models.Model):
    """One entry on a case's timeline; notes and replies are events too."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=30, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(db_index=True)
    visibility = models.CharField(
        max_length=20, choices=Visibility.choices, default=Visibility.INTERNAL
    )
    body = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    objects = CaseEventQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case", "at"])]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} @ {self.at:%Y-%m-%d %H:%M}"

    @property
    def is_internal(self) -> bool:
        return self.visibility == Visibility.INTERNAL


class CallDirection(models.TextChoices):
    OUTBOUND = "outbound", "Outbound"
    INBOUND = "inbound", "Inbound"


class CallOutcome(models.TextChoices):
    CONNECTED = "connected", "Connected"
    VOICEMAIL = "voicemail", "Left voicemail"
    NO_ANSWER = "no_answer", "No answer"
    WRONG_NUMBER = "wrong_number", "Wrong number"


# UFL-6 / seed step 3: the probing questions asked on a call with the client.
PROBING_QUESTIONS = {
    "last_communication": "When was the last communication or payment?",
    "why_stopped": "Why does the client think the freelancer stopped responding or won't deliver?",
    "desired_resolution": "How would the client like to see this resolved?",
    "options": "What are the options available?",
    "best_option": "Which is the best option, taking all interests into account?",
}


class CallLog(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="calls")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    party = models.CharField(
        max_length=20, choices=[("client", "Client"), ("freelancer", "Freelancer")]
    )
    direction = models.CharField(
        max_length=10, choices=CallDirection.choices, default=CallDirection.OUTBOUND
    )
    outcome = models.CharField(max_length=20, choices=CallOutcome.choices)
    phone_number = models.CharField(max_length=40, blank=True)
    started_at = models.DateTimeField()
    duration_seconds = models.PositiveIntegerField(default=0)
    answers = models.JSONField(
        default=dict, blank=True, help_text="Probing question key -> the answer given."
    )
    summary = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"Call {self.party} on {self.case_id} ({self.outcome})"
