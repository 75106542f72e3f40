"""API shapes for cases, notes, macros, outreach and the ticket webhook."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.schema import ErrorSerializer as _ErrorSerializer
from core.api.serializers import BlankAsNullModelSerializer
from core.api.validation import (
    BoundedDateTimeField,
    FreeTextField,
    SingleLineCharField,
    model_int_kwargs,
)
from core.models import SlaClock, User

from . import limits
from .models import (
    PLACEHOLDERS,
    PROBING_QUESTIONS,
    CallDirection,
    CallLog,
    CallOutcome,
    Case,
    CaseEvent,
    ChecklistItem,
    ContactInfoRequest,
    ContractType,
    EventKind,
    Kind,
    Macro,
    NcoAssessment,
    Party,
    Priority,
    Segment,
    SourceChannel,
    Status,
    Visibility,
)
from .selectors import CLOCK_DETAIL_FIELDS


class UserMiniSerializer(serializers.ModelSerializer):
    name = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "name"]

    def get_name(self, obj) -> str:
        return obj.get_full_name() or obj.username


class TeamMiniSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ClockSerializer(serializers.ModelSerializer):
    class Meta:
        model = SlaClock
        fields = list(CLOCK_DETAIL_FIELDS)  # the detail's JSON clocks select the same


class CaseSerializer(BlankAsNullModelSerializer):
    url = serializers.SerializerMethodField()
    assignee = UserMiniSerializer(read_only=True, allow_null=True)
    team = TeamMiniSerializer(read_only=True, allow_null=True)
    tags = serializers.SerializerMethodField()
    clocks = serializers.SerializerMethodField()
    next_due_at = serializers.DateTimeField(read_only=True, allow_null=True)
    is_breached = serializers.BooleanField(read_only=True)
    allowed_transitions = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text="Statuses reachable now."
    )

    class Meta:
        model = Case
        fields = [
            "reference",
            "url",
            "title",
            "issue_summary",
            "kind",
            "priority",
            "status",
            "allowed_transitions",
            "client_name",
            "client_email",
            "client_phone",
            "client_company",
            "client_account_id",
            "client_segment",
            "freelancer_name",
            "freelancer_id",
            "is_agency",
            "contract_ids",
            "contract_type",
            "contract_spend",
            "source_channel",
            "external_ticket_id",
            "assignee",
            "team",
            "tags",
            "next_due_at",
            "is_breached",
            "clocks",
            "claimed_at",
            "resolved_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_url(self, obj) -> str:
        return obj.get_absolute_url()

    def get_tags(self, obj) -> list[str]:
        return [t.name for t in obj.tags.all()]

    @extend_schema_field(ClockSerializer(many=True))
    def get_clocks(self, obj):
        # One clock serializer for the whole page: building its fields for every case
        # cost about 2 ms per case (bench/bench_case_list.py).
        child = self.__dict__.get("_clock_child")
        if child is None:
            child = self.__dict__["_clock_child"] = ClockSerializer()
        return [child.to_representation(clock) for clock in obj.sla_clocks.all()]

    # Issue 16 (API-1, perf): the detail's read path -------------------------------------
    def to_representation(self, instance):
        """The declared fields' output built by hand (what DRF's per-field loop gives;
        tests/escalations/test_case_read_path.py compares the two). The generic loop was
        most of the detail's Python time (bench/bench_peer.py). A field added to
        ``Meta.fields`` without a line here falls back to the generic loop."""
        tz = self.__dict__.get("_tz")
        if tz is None:
            tz = self.__dict__["_tz"] = _output_timezone()
        data = case_detail_dict(instance, tz)
        return data if case_detail_is_hand_built(data) else super().to_representation(instance)


def case_detail_data(case) -> dict:
    """``CaseSerializer(case).data`` for the detail's read path, without building the
    serializer's fields for every request."""
    data = case_detail_dict(case, _output_timezone())
    return data if case_detail_is_hand_built(data) else CaseSerializer(case).data


def _output_timezone():
    """What ``DateTimeField.default_timezone()`` gives, without building a field."""
    return timezone.get_current_timezone() if settings.USE_TZ else None


def case_detail_is_hand_built(data: dict) -> bool:
    """Whether ``case_detail_dict`` gave every field ``CaseSerializer`` declares, in order
    (a field added to ``Meta.fields`` only falls back to DRF's loop)."""
    return list(data) == CaseSerializer.Meta.fields


_CLOCK_TIMES = tuple(name for name in CLOCK_DETAIL_FIELDS if name.endswith("_at"))


def _clock_dict(clock, tz) -> dict:
    """One ``ClockSerializer`` row from a clock or from its JSON object (PostgreSQL's
    ``detail_clocks``, whose times are ISO 8601 text)."""
    if isinstance(clock, dict):
        get = clock.get
        times = [get(name) for name in _CLOCK_TIMES]
        times = [dt.datetime.fromisoformat(t) if t else None for t in times]
    else:
        get = clock.__dict__.get
        times = [get(name) for name in _CLOCK_TIMES]
    row = {"id": get("id"), "metric": get("metric"), "state": get("state")}
    row["target_seconds"] = get("target_seconds")
    for name, value in zip(_CLOCK_TIMES, times, strict=True):
        row[name] = _iso_datetime(value, tz)
    return row


def _decimal_text(value) -> str | None:
    """``serializers.DecimalField(decimal_places=2)`` output."""
    if value is None:
        return None
    return format(Decimal(value).quantize(Decimal("0.01")), "f")


def case_detail_dict(case, tz) -> dict:
    """The full case (``CaseSerializer``) as a dict: tags and clocks from
    ``selectors.case_detail_for`` (``detail_tag_names``, ``detail_clocks``) when it
    selected them in the case's own statement, else from the prefetched relations."""
    from .state_machine import allowed_from

    names = getattr(case, "detail_tag_names", None)
    tags = list(names) if names is not None else [t.name for t in case.tags.all()]
    clocks = getattr(case, "detail_clocks", None)
    if clocks is None:
        clocks = case.sla_clocks.all()
    assignee = case.assignee if case.assignee_id is not None else None
    team = case.team if case.team_id is not None else None
    return {
        "reference": case.reference,
        "url": _CASE_URL.to_representation(case.reference),
        "title": case.title,
        "issue_summary": case.issue_summary,
        "kind": case.kind,
        "priority": case.priority,
        "status": case.status,
        "allowed_transitions": allowed_from(case.status),
        "client_name": case.client_name,
        "client_email": case.client_email or None,
        "client_phone": case.client_phone,
        "client_company": case.client_company,
        "client_account_id": case.client_account_id,
        "client_segment": case.client_segment,
        "freelancer_name": case.freelancer_name,
        "freelancer_id": case.freelancer_id,
        "is_agency": case.is_agency,
        "contract_ids": case.contract_ids,
        "contract_type": case.contract_type or None,
        "contract_spend": _decimal_text(case.contract_spend),
        "source_channel": case.source_channel,
        "external_ticket_id": case.external_ticket_id,
        "assignee": None
        if assignee is None
        else {
            "id": assignee.pk,
            "username": assignee.username,
            "name": assignee.get_full_name() or assignee.username,
        },
        "team": None if team is None else {"id": team.pk, "name": team.name},
        "tags": tags,
        "next_due_at": _iso_datetime(case.next_due_at, tz),
        "is_breached": bool(case.is_breached),
        "clocks": [_clock_dict(clock, tz) for clock in clocks],
        "claimed_at": _iso_datetime(case.claimed_at, tz),
        "resolved_at": _iso_datetime(case.resolved_at, tz),
        "created_at": _iso_datetime(case.created_at, tz),
        "updated_at": _iso_datetime(case.updated_at, tz),
    }


class TagNamesField(serializers.Field):
    """The case's tag names: ``summary_tag_names`` when ``selectors.case_summaries``
    selected them (PostgreSQL), else the (prefetched) tags."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        return _tag_names(instance)

    def to_representation(self, value):
        return list(value)


def _tag_names(case) -> list[str]:
    names = getattr(case, "summary_tag_names", None)
    return names if names is not None else [tag.name for tag in case.tags.all()]


extend_schema_field({"type": "array", "items": {"type": "string"}})(TagNamesField)


class CaseUrlField(serializers.Field):
    """The case page's URL (``Case.get_absolute_url``), reversed once per serializer rather
    than once per row (a URL reverse was a third of the list's serializing time)."""

    SENTINEL = "ESC-000000"

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        return instance.reference

    def to_representation(self, reference):
        parts = self.__dict__.get("_parts")
        if parts is None:
            url = Case(reference=self.SENTINEL).get_absolute_url()
            parts = self.__dict__["_parts"] = url.split(self.SENTINEL, 1)
        return f"{parts[0]}{reference}{parts[1]}"


extend_schema_field(OpenApiTypes.STR)(CaseUrlField)
_CASE_URL = CaseUrlField()  # the detail's URL, reversed once per process (issue 16)


class CaseListSerializer(serializers.ModelSerializer):
    """API-1: the list representation, what a queue or an integration needs per case.

    Plain columns of ``escalations.selectors.case_summaries`` rows; the full case, with
    its clocks and allowed transitions, is ``GET /cases/{reference}/``.
    """

    url = CaseUrlField(help_text="The case page.")
    segment = serializers.CharField(
        source="client_segment",
        read_only=True,
        help_text=f"The client segment: {', '.join(Segment.values)}.",
    )
    assignee = serializers.CharField(
        source="assignee_username",
        read_only=True,
        allow_null=True,
        help_text="The assignee's username; null when unassigned.",
    )
    team = serializers.IntegerField(
        source="team_id", read_only=True, allow_null=True, help_text="Team id."
    )
    tags = TagNamesField()
    next_due_at = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text="The nearest due time of a clock still owed."
    )
    is_breached = serializers.BooleanField(read_only=True)

    class Meta:
        model = Case
        fields = [
            "reference",
            "url",
            "title",
            "kind",
            "status",
            "priority",
            "segment",
            "client_name",
            "client_company",
            "assignee",
            "team",
            "tags",
            "created_at",
            "updated_at",
            "next_due_at",
            "is_breached",
        ]
        read_only_fields = fields

    def to_representation(self, instance):
        """The declared fields' output, read straight off a ``case_summaries`` row.

        DRF's generic per-field loop cost 4-6 ms for a page of 50, more than the page's SQL
        (bench/bench_case_list.py); this builds the same dict in under 1 ms
        (tests/escalations/test_api.py compares it with the generic output).
        """
        tz = self.__dict__.get("_tz")
        if tz is None:  # issue 16: not through self.fields (building them cost ~1 ms)
            tz = self.__dict__["_tz"] = _output_timezone()
        return {
            "reference": instance.reference,
            "url": _CASE_URL.to_representation(instance.reference),
            "title": instance.title,
            "kind": instance.kind,
            "status": instance.status,
            "priority": instance.priority,
            "segment": instance.client_segment,
            "client_name": instance.client_name,
            "client_company": instance.client_company,
            "assignee": instance.assignee_username,
            "team": instance.team_id,
            "tags": _tag_names(instance),
            "created_at": _iso_datetime(instance.created_at, tz),
            "updated_at": _iso_datetime(instance.updated_at, tz),
            "next_due_at": _iso_datetime(instance.next_due_at, tz),
            "is_breached": bool(instance.is_breached),
        }


def _iso_datetime(value, tz):
    """What ``serializers.DateTimeField`` renders (ISO 8601 in ``tz``, UTC as ``Z``)."""
    if not value:
        return None
    if tz is not None and timezone.is_aware(value):
        value = value.astimezone(tz)
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


class CaseWriteSerializer(serializers.Serializer):
    """Fields a client may set on create (all) or on PATCH (any subset)."""

    title = SingleLineCharField(max_length=limits.MAX_TITLE)
    client_name = SingleLineCharField(max_length=200)
    issue_summary = FreeTextField(max_length=limits.MAX_TEXT, required=False, allow_blank=True)
    kind = serializers.ChoiceField(choices=Kind.choices, required=False)
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)
    client_email = serializers.EmailField(required=False, allow_blank=True)
    client_phone = SingleLineCharField(max_length=40, required=False, allow_blank=True)
    client_company = SingleLineCharField(max_length=200, required=False, allow_blank=True)
    client_account_id = SingleLineCharField(max_length=64, required=False, allow_blank=True)
    client_segment = serializers.ChoiceField(choices=Segment.choices, required=False)
    freelancer_name = SingleLineCharField(max_length=200, required=False, allow_blank=True)
    freelancer_id = SingleLineCharField(max_length=64, required=False, allow_blank=True)
    freelancer_email = serializers.EmailField(required=False, allow_blank=True)
    freelancer_phone = SingleLineCharField(max_length=40, required=False, allow_blank=True)
    is_agency = serializers.BooleanField(required=False)
    contract_ids = serializers.ListField(
        child=SingleLineCharField(max_length=limits.MAX_CONTRACT_ID_LENGTH),
        max_length=limits.MAX_CONTRACT_IDS,
        required=False,
    )
    contract_type = serializers.ChoiceField(
        choices=ContractType.choices, required=False, allow_blank=True
    )
    contract_spend = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    source_channel = serializers.ChoiceField(choices=SourceChannel.choices, required=False)
    external_ticket_id = SingleLineCharField(
        max_length=100, required=False, allow_blank=True, allow_null=True
    )
    team = serializers.IntegerField(
        required=False, allow_null=True, help_text="Team id.", min_value=1, max_value=2**63 - 1
    )
    tags = serializers.ListField(
        child=SingleLineCharField(max_length=limits.MAX_TAG_LENGTH),
        max_length=limits.MAX_TAGS,
        required=False,
    )

    def validate_team(self, value):
        from core.models import Team

        if value is None:
            return None
        team = Team.objects.filter(pk=value).first()
        if team is None:
            raise serializers.ValidationError(f"No team with id {value}.")
        return team


class CaseUpdateSerializer(CaseWriteSerializer):
    reason = FreeTextField(max_length=limits.MAX_SHORT_TEXT, required=False, allow_blank=True)

    def __init__(self, *args, **kwargs):
        kwargs["partial"] = True
        super().__init__(*args, **kwargs)
        for name in ("external_ticket_id", "team"):
            self.fields.pop(name)


class TransitionSerializer(serializers.Serializer):
    to = SingleLineCharField(max_length=30, help_text=f"One of: {', '.join(Status.values)}.")
    reason = FreeTextField(
        max_length=limits.MAX_SHORT_TEXT, required=False, allow_blank=True, default=""
    )


class AssignSerializer(serializers.Serializer):
    assignee = SingleLineCharField(
        max_length=150,
        allow_null=True,
        help_text="Username or id of the new assignee; null to unassign.",
    )
    reason = FreeTextField(
        max_length=limits.MAX_SHORT_TEXT, required=False, allow_blank=True, default=""
    )

    def validate_assignee(self, value):
        if value in (None, ""):
            return None
        lookup = (
            {"pk": int(value)}
            if str(value).isascii() and str(value).isdigit() and len(str(value)) < 19
            else {"username": value}
        )
        user = User.objects.filter(**lookup).first()
        if user is None:
            raise serializers.ValidationError(f"No user {value!r}.")
        return user


class EventSerializer(serializers.ModelSerializer):
    actor = UserMiniSerializer(read_only=True, allow_null=True)
    kind = serializers.CharField(
        read_only=True, help_text=f"One of: {', '.join(EventKind.values)}."
    )

    class Meta:
        model = CaseEvent
        fields = ["id", "kind", "visibility", "at", "actor", "body", "data"]


class NoteCreateSerializer(serializers.Serializer):
    body = FreeTextField(max_length=limits.MAX_TEXT)
    visibility = serializers.ChoiceField(choices=Visibility.choices, default=Visibility.INTERNAL)
    research = serializers.BooleanField(
        default=False, help_text="Research notes are always internal (ESC-7)."
    )


class CallSerializer(serializers.ModelSerializer):
    agent = UserMiniSerializer(read_only=True)

    class Meta:
        model = CallLog
        fields = [
            "id",
            "party",
            "direction",
            "outcome",
            "phone_number",
            "started_at",
            "duration_seconds",
            "answers",
            "summary",
            "agent",
        ]
        read_only_fields = fields


class CallCreateSerializer(serializers.Serializer):
    party = serializers.ChoiceField(choices=Party.choices)
    outcome = serializers.ChoiceField(choices=CallOutcome.choices)
    direction = serializers.ChoiceField(
        choices=CallDirection.choices, default=CallDirection.OUTBOUND
    )
    phone_number = SingleLineCharField(max_length=40, required=False, allow_blank=True)
    started_at = BoundedDateTimeField(
        required=False,
        help_text="Not before the case was opened, at most 5 minutes ahead; default now.",
    )
    duration_seconds = serializers.IntegerField(
        default=0, **model_int_kwargs(CallLog, "duration_seconds")
    )
    answers = serializers.DictField(
        child=FreeTextField(max_length=limits.MAX_SHORT_TEXT, allow_blank=True),
        required=False,
        help_text=f"Probing question key -> answer. Keys: {', '.join(PROBING_QUESTIONS)}.",
    )
    summary = FreeTextField(
        max_length=limits.MAX_TEXT, required=False, allow_blank=True, default=""
    )


class ContactAttemptSerializer(serializers.Serializer):
    channel = SingleLineCharField(max_length=40)
    outcome = SingleLineCharField(max_length=200, required=False, allow_blank=True, default="")
    note = FreeTextField(max_length=limits.MAX_TEXT, required=False, allow_blank=True, default="")
    at = BoundedDateTimeField(
        required=False,
        help_text="Not before the case was opened, at most 5 minutes ahead; default now.",
    )
    # UFL-4: the same research gate as POST /cases/{ref}/ufl/attempts/.
    research_incomplete_ok = serializers.BooleanField(
        default=False,
        help_text="Unresponsive-freelancer and refund cases: confirm recording the first "
        "attempt before the research checklist is complete.",
    )


class ChecklistItemSerializer(serializers.ModelSerializer):
    done_by = UserMiniSerializer(read_only=True, allow_null=True)

    class Meta:
        model = ChecklistItem
        fields = ["key", "label", "position", "done", "done_by", "done_at", "note"]
        read_only_fields = fields


class ChecklistTickSerializer(serializers.Serializer):
    done = serializers.BooleanField(default=True)
    # UFL-4: what the research found (internal), e.g. where the contact info was.
    note = SingleLineCharField(max_length=500, required=False, allow_blank=True)


class ContactRequestSerializer(serializers.ModelSerializer):
    case = serializers.CharField(source="case.reference", read_only=True)
    party = serializers.ChoiceField(
        source="requested_for",
        choices=Party.choices,
        read_only=True,
        help_text="The party asking for the other's contact information.",
    )
    status = serializers.CharField(read_only=True, help_text="pending, approved or denied.")
    requested_by = UserMiniSerializer(read_only=True)
    decided_by = UserMiniSerializer(read_only=True, allow_null=True)

    class Meta:
        model = ContactInfoRequest
        fields = [
            "id",
            "case",
            "party",
            "reason",
            "status",
            "requested_by",
            "decided_by",
            "decided_at",
            "decision_reason",
            "created_at",
        ]
        read_only_fields = fields


class ContactRequestCreateSerializer(serializers.Serializer):
    party = serializers.ChoiceField(
        choices=Party.choices, help_text="The party asking for the other's contact information."
    )
    reason = FreeTextField(max_length=limits.MAX_SHORT_TEXT)


class ContactDecisionSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    reason = FreeTextField(max_length=limits.MAX_SHORT_TEXT)


class ContactInfoSerializer(serializers.Serializer):
    name = serializers.CharField()
    email = serializers.CharField(allow_blank=True)
    phone = serializers.CharField(allow_blank=True)


class MacroSerializer(serializers.ModelSerializer):
    placeholders = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Macro
        fields = [
            "id",
            "name",
            "slug",
            "subject",
            "body",
            "kinds",
            "placeholders",
            "suggest_when_no_phone",
            "active",
        ]
        read_only_fields = fields


class RenderedMacroSerializer(serializers.Serializer):
    macro = serializers.IntegerField(source="macro.pk")
    case = serializers.CharField(source="case.reference")
    subject = serializers.CharField()
    body = serializers.CharField()
    values = serializers.DictField(child=serializers.CharField())


class MacroSendSerializer(serializers.Serializer):
    case = SingleLineCharField(max_length=20, help_text="Case reference, e.g. ESC-000123.")
    extra = serializers.DictField(
        child=FreeTextField(max_length=limits.MAX_SHORT_TEXT, allow_blank=True),
        required=False,
        help_text=f"Values for placeholders; allowed: {', '.join(PLACEHOLDERS)}.",
    )


class NcoIntakeSerializer(serializers.Serializer):
    client_name = SingleLineCharField(max_length=200)
    client_segment = serializers.ChoiceField(choices=Segment.choices)
    job_post_value = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    web_presence = serializers.BooleanField(default=False)
    long_term_or_multiple = serializers.BooleanField(default=False)
    client_email = serializers.EmailField(required=False, allow_blank=True, default="")
    client_phone = SingleLineCharField(max_length=40, required=False, allow_blank=True, default="")
    client_company = SingleLineCharField(
        max_length=200, required=False, allow_blank=True, default=""
    )
    client_account_id = SingleLineCharField(
        max_length=64, required=False, allow_blank=True, default=""
    )
    source_channel = serializers.ChoiceField(
        choices=SourceChannel.choices, default=SourceChannel.SOCIAL_MEDIA
    )
    reporting_team = SingleLineCharField(
        max_length=120, required=False, allow_blank=True, default=""
    )
    report_url = serializers.URLField(required=False, allow_blank=True, default="")
    job_post_url = serializers.URLField(required=False, allow_blank=True, default="")
    issue_summary = FreeTextField(
        max_length=limits.MAX_TEXT, required=False, allow_blank=True, default=""
    )
    priority = serializers.ChoiceField(choices=Priority.choices, default=Priority.NORMAL)


class NcoAssessmentSerializer(BlankAsNullModelSerializer):
    case = serializers.CharField(source="case.reference", read_only=True)
    kind = serializers.CharField(source="case.kind", read_only=True)
    status = serializers.CharField(source="case.status", read_only=True)
    client_name = serializers.CharField(source="case.client_name", read_only=True)
    client_company = serializers.CharField(source="case.client_company", read_only=True)
    client_email = serializers.CharField(source="case.client_email", read_only=True)
    client_segment = serializers.ChoiceField(
        source="segment", choices=Segment.choices, read_only=True
    )
    assignee = serializers.SerializerMethodField()
    criteria_held = serializers.ListField(child=serializers.CharField(), read_only=True)
    min_segment_used = serializers.CharField(read_only=True)

    class Meta:
        model = NcoAssessment
        fields = [
            "case",
            "kind",
            "status",
            "client_name",
            "client_company",
            "client_email",
            "client_segment",
            "job_post_value",
            "job_post_url",
            "report_url",
            "reporting_team",
            "web_presence",
            "long_term_or_multiple",
            "threshold_used",
            "min_segment_used",
            "criteria_held",
            "criteria_met",
            "routed_as_general",
            "assignee",
            "created_at",
        ]
        read_only_fields = fields

    def get_assignee(self, obj) -> str | None:
        return obj.case.assignee.username if obj.case.assignee_id else None


class TicketRequesterSerializer(serializers.Serializer):
    name = SingleLineCharField(max_length=200, required=False)
    email = serializers.EmailField(required=False)
    phone = SingleLineCharField(max_length=40, required=False)
    company = SingleLineCharField(max_length=200, required=False)
    account_id = SingleLineCharField(max_length=64, required=False)
    segment = serializers.CharField(
        required=False, help_text=f"One of: {', '.join(Segment.values)}."
    )


class TicketSerializer(serializers.Serializer):
    id = SingleLineCharField(max_length=100, help_text="The ticketing system's ticket id.")
    subject = SingleLineCharField(
        max_length=limits.MAX_TITLE, required=False, help_text="Becomes the case title."
    )
    summary = FreeTextField(max_length=limits.MAX_TEXT, required=False)
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)
    kind = serializers.ChoiceField(choices=Kind.choices, required=False)
    tags = serializers.ListField(
        child=SingleLineCharField(max_length=limits.MAX_TAG_LENGTH),
        max_length=limits.MAX_TAGS,
        required=False,
    )
    comment = FreeTextField(
        max_length=limits.MAX_TEXT, required=False, help_text="For ticket.client_replied."
    )
    requester = TicketRequesterSerializer(required=False)


class TicketEventSerializer(serializers.Serializer):
    event_id = SingleLineCharField(max_length=200)
    type = serializers.ChoiceField(
        choices=["ticket.created", "ticket.updated", "ticket.client_replied"]
    )
    ticket = TicketSerializer()


class TicketEventResultSerializer(serializers.Serializer):
    event_id = serializers.CharField()
    action = serializers.ChoiceField(choices=["created", "updated", "unchanged", "client_replied"])
    case = serializers.CharField()
    status = serializers.CharField()
    replayed = serializers.BooleanField()


# The API's one error body (core.api.errors), documented once as the Error component.
ErrorSerializer = _ErrorSerializer


CSV_TYPE = OpenApiTypes.STR
