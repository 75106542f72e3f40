"""REST endpoints of the unresponsive-freelancer process (UFL-1 to UFL-7).

Thin: each write validates with a serializer and calls one service. The case is fetched
through the access check (a foreign case is a 404) and the action is checked before the
body is read (403), as everywhere else (CORE-8).
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.validation import BoundedDateTimeField, FreeTextField, SingleLineCharField
from core.errors import NotFound

from . import access, selectors
from .api import ERRORS
from .models import (
    AttemptOutcome,
    Channel,
    ClaimKind,
    DeliveryStatus,
    Outcome,
    Party,
    UflAttempt,
    UflClaim,
    Verification,
)
from .models.ufl import SCHEDULE_STATES
from .services import (
    ufl_attempt_record,
    ufl_claim_record,
    ufl_claim_update,
    ufl_outcome_record,
    ufl_plan_open,
    ufl_plan_update,
    ufl_reply_record,
)
from .services.ndf import ndf_mark
from .services.ufl import require_ufl
from .ufl_reads import ufl_evidence, ufl_plan_view

NOT_UFL = OpenApiResponse(
    ERRORS[409].response,
    description="Not an unresponsive-freelancer or refund case, or the plan's state refuses "
    "it (closed case, exhausted, already replied, outcome already recorded).",
)
REFERENCE = OpenApiParameter(
    "reference", str, OpenApiParameter.PATH, description="The case reference, e.g. ESC-000123."
)


def _errors(*codes):
    return {code: NOT_UFL if code == 409 else ERRORS[code] for code in codes}


# Serializers ---------------------------------------------------------------------------------
class UflAttemptSerializer(serializers.ModelSerializer):
    agent = serializers.CharField(source="agent.username", read_only=True)

    class Meta:
        model = UflAttempt
        fields = [
            "number",
            "channel",
            "at",
            "freelancer_time_zone",
            "freelancer_local",
            "delivery_status",
            "outcome",
            "agent",
        ]
        read_only_fields = fields


class ScheduledAttemptSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    offset_hours = serializers.IntegerField()
    due_at = serializers.DateTimeField(allow_null=True)
    state = serializers.ChoiceField(choices=SCHEDULE_STATES)
    made_at = serializers.SerializerMethodField()

    def get_made_at(self, row) -> str | None:
        return row.attempt.at.isoformat() if row.attempt is not None else None


class UflPlanSerializer(serializers.Serializer):
    case = serializers.CharField(source="plan.case.reference")
    status = serializers.CharField(source="plan.status")
    status_label = serializers.CharField(source="plan.get_status_display")
    headline = serializers.CharField()
    offsets_hours = serializers.ListField(
        child=serializers.IntegerField(), source="plan.offsets_hours"
    )
    exhaust_after_hours = serializers.IntegerField(source="plan.exhaust_after_hours")
    research_done = serializers.IntegerField()
    research_total = serializers.IntegerField()
    first_attempt_at = serializers.DateTimeField(source="plan.first_attempt_at", allow_null=True)
    mark_at = serializers.DateTimeField(allow_null=True, help_text="The 48-hour mark.")
    exhausted_at = serializers.DateTimeField(source="plan.exhausted_at", allow_null=True)
    follow_up_due_at = serializers.DateTimeField(allow_null=True)
    follow_up_done_at = serializers.DateTimeField(allow_null=True)
    follow_up_breach_at = serializers.DateTimeField(
        allow_null=True,
        help_text="ESC-5: when the follow-up counts as breached (the mark plus the grace).",
    )
    replied_at = serializers.DateTimeField(source="plan.replied_at", allow_null=True)
    client_wishes = serializers.CharField(source="plan.client_wishes")
    freelancer_time_zone = serializers.CharField(source="plan.freelancer_time_zone")
    client_time_zone = serializers.CharField(source="plan.client_time_zone")
    outcome = serializers.CharField(source="plan.outcome")
    outcome_at = serializers.DateTimeField(source="plan.outcome_at", allow_null=True)
    attempts_due = ScheduledAttemptSerializer(source="schedule", many=True)
    attempts_made = UflAttemptSerializer(source="attempts", many=True)
    ndf_case = serializers.SerializerMethodField()

    def get_ndf_case(self, view) -> str | None:
        return view.ndf.ndf_case.reference if view.ndf and view.ndf.ndf_case else None


class UflPlanUpdateSerializer(serializers.Serializer):
    freelancer_time_zone = SingleLineCharField(max_length=64, required=False, allow_blank=True)
    client_time_zone = SingleLineCharField(max_length=64, required=False, allow_blank=True)
    client_wishes = FreeTextField(max_length=4000, required=False, allow_blank=True)
    job_category = SingleLineCharField(max_length=100, required=False, allow_blank=True)
    job_subcategory = SingleLineCharField(max_length=100, required=False, allow_blank=True)
    job_skills = SingleLineCharField(max_length=500, required=False, allow_blank=True)
    job_budget = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    client_countries = SingleLineCharField(max_length=200, required=False, allow_blank=True)


class UflAttemptCreateSerializer(serializers.Serializer):
    channel = serializers.ChoiceField(choices=Channel.choices)
    delivery_status = serializers.ChoiceField(choices=DeliveryStatus.choices)
    outcome = serializers.ChoiceField(
        choices=AttemptOutcome.choices,
        help_text="A reply is recorded with freelancer-reply, not as an attempt outcome.",
    )
    at = BoundedDateTimeField(
        required=False,
        help_text="Not before the case opened, not in the future, before the 48-hour mark; "
        "default now.",
    )
    note = FreeTextField(max_length=4000, required=False, allow_blank=True, default="")
    research_incomplete_ok = serializers.BooleanField(
        default=False,
        help_text="UFL-4: confirm a first attempt before the research checklist is complete.",
    )


class UflReplySerializer(serializers.Serializer):
    summary = FreeTextField(max_length=4000, help_text="What the freelancer answered.")
    at = BoundedDateTimeField(required=False, help_text="When they replied; default now.")


class UflOutcomeSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    summary = FreeTextField(max_length=4000, required=False, allow_blank=True, default="")
    client_told_options = serializers.BooleanField(
        default=False, help_text="Required for not_resolvable: the client was told the options."
    )


class UflClaimSerializer(serializers.ModelSerializer):
    recorded_by = serializers.CharField(source="recorded_by.username", read_only=True)

    class Meta:
        model = UflClaim
        fields = [
            "id",
            "kind",
            "claimed_by",
            "status",
            "description",
            "evidence_notes",
            "recorded_by",
            "recorded_at",
            "updated_at",
        ]
        read_only_fields = fields


class UflClaimCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ClaimKind.choices)
    claimed_by = serializers.ChoiceField(choices=Party.choices)
    description = FreeTextField(max_length=4000)
    evidence_notes = FreeTextField(max_length=4000, required=False, allow_blank=True, default="")


class UflClaimUpdateSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Verification.choices, required=False)
    evidence_notes = FreeTextField(max_length=4000, required=False, allow_blank=True)


class NdfSerializer(serializers.Serializer):
    reason = FreeTextField(max_length=4000, help_text="What shows non-delivery fraud.")


class NdfResultSerializer(serializers.Serializer):
    case = serializers.CharField()
    ndf_case = serializers.CharField()
    freelancer_ref = serializers.CharField()
    ndf_count = serializers.IntegerField()


# Views ---------------------------------------------------------------------------------------
class _CaseView(APIView):
    service_scopes = (access.READ_SCOPE, access.WRITE_SCOPE)

    def case(self, reference: str, doing: str | None = None):
        case = access.case_for(self.request.user, reference, queryset=selectors.case_list())
        if doing is not None:
            access.require_can_work(self.request.user, case, doing)
        return case

    def plan(self, case):
        require_ufl(case)
        view = ufl_plan_view(case)
        if view is None:  # a UFL case opened before the plan existed gets one on first use
            ufl_plan_open(case=case, actor=None)
            view = ufl_plan_view(case)
        return UflPlanSerializer(view).data


class UflPlanView(_CaseView):
    @extend_schema(
        summary="The freelancer contact plan (UFL-2, UFL-3)",
        description="Status in words, attempts due and made with their instants, the "
        "48-hour mark, exhausted_at and the client follow-up due time (ESC-5).",
        parameters=[REFERENCE],
        responses={200: UflPlanSerializer, **_errors(400, 404, 409)},
    )
    def get(self, request, reference):
        return Response(self.plan(self.case(reference)))

    @extend_schema(
        summary="Set the plan's time zones, the client's wishes and the contract's details",
        parameters=[REFERENCE],
        request=UflPlanUpdateSerializer,
        responses={200: UflPlanSerializer, **_errors(400, 403, 404, 409)},
    )
    def patch(self, request, reference):
        case = self.case(reference, "edit the freelancer contact plan")
        data = UflPlanUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ufl_plan_update(case=case, actor=request.user, **data.validated_data)
        return Response(self.plan(case))


class UflAttemptsView(_CaseView):
    @extend_schema(
        summary="Record a freelancer contact attempt (the first starts the schedule)",
        parameters=[REFERENCE],
        request=UflAttemptCreateSerializer,
        responses={201: UflAttemptSerializer, **_errors(400, 403, 404, 409)},
    )
    def post(self, request, reference):
        case = self.case(reference, "record a contact attempt")
        data = UflAttemptCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        made = ufl_attempt_record(case=case, agent=request.user, **data.validated_data)
        return Response(UflAttemptSerializer(made).data, status=status.HTTP_201_CREATED)


class UflReplyView(_CaseView):
    @extend_schema(
        summary="Record the freelancer's reply (stops the schedule; mediation)",
        parameters=[REFERENCE],
        request=UflReplySerializer,
        responses={200: UflPlanSerializer, **_errors(400, 403, 404, 409)},
    )
    def post(self, request, reference):
        case = self.case(reference, "record the freelancer's reply")
        data = UflReplySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ufl_reply_record(case=case, actor=request.user, **data.validated_data)
        return Response(self.plan(case))


class UflOutcomeView(_CaseView):
    @extend_schema(
        summary="Record the outcome (UFL-7); stops every UFL clock",
        parameters=[REFERENCE],
        request=UflOutcomeSerializer,
        responses={200: UflPlanSerializer, **_errors(400, 403, 404, 409)},
    )
    def post(self, request, reference):
        case = self.case(reference, "record the outcome")
        data = UflOutcomeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ufl_outcome_record(case=case, actor=request.user, **data.validated_data)
        return Response(self.plan(case))


class UflEvidenceView(_CaseView):
    @extend_schema(
        summary="The evidence packet (UFL-2): attempts, claims, client-visible timeline",
        description="Instants in UTC and in both parties' zones. Never internal notes. "
        "The printable page and the CSV are at /cases/{reference}/ufl/evidence/.",
        parameters=[REFERENCE],
        responses={200: OpenApiTypes.OBJECT, **_errors(400, 404, 409)},
    )
    def get(self, request, reference):
        case = self.case(reference)
        require_ufl(case)
        return Response(ufl_evidence(case))


class UflClaimsView(_CaseView):
    @extend_schema(
        summary="Claims on the case (UFL-5)",
        parameters=[REFERENCE],
        responses={200: UflClaimSerializer(many=True), **_errors(400, 404)},
    )
    def get(self, request, reference):
        case = self.case(reference)
        claims = case.ufl_claims.select_related("recorded_by").order_by("recorded_at", "id")
        return Response(UflClaimSerializer(claims, many=True).data)

    @extend_schema(
        summary="Record a claim (fraud, identity, extortion, work-diary abuse)",
        parameters=[REFERENCE],
        request=UflClaimCreateSerializer,
        responses={201: UflClaimSerializer, **_errors(400, 403, 404)},
    )
    def post(self, request, reference):
        case = self.case(reference, "record a claim")
        data = UflClaimCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        claim = ufl_claim_record(case=case, actor=request.user, **data.validated_data)
        return Response(UflClaimSerializer(claim).data, status=status.HTTP_201_CREATED)


class UflClaimView(_CaseView):
    @extend_schema(
        summary="Move a claim's verification or add evidence notes",
        parameters=[REFERENCE],
        request=UflClaimUpdateSerializer,
        responses={200: UflClaimSerializer, **_errors(400, 403, 404)},
    )
    def patch(self, request, reference, id):
        case = self.case(reference, "verify a claim")
        claim = case.ufl_claims.filter(pk=id).first()
        if claim is None:
            raise NotFound(f"{case.reference} has no claim {id}.")
        data = UflClaimUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        claim = ufl_claim_update(claim=claim, actor=request.user, **data.validated_data)
        return Response(UflClaimSerializer(claim).data)


class UflNdfView(_CaseView):
    @extend_schema(
        summary="Mark the freelancer as non-delivery fraud: opens the linked NDF case",
        parameters=[REFERENCE],
        request=NdfSerializer,
        responses={201: NdfResultSerializer, **_errors(400, 403, 404, 409)},
    )
    def post(self, request, reference):
        case = self.case(reference, "mark the freelancer as non-delivery fraud")
        data = NdfSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        mark = ndf_mark(case=case, actor=request.user, **data.validated_data)
        body = {
            "case": case.reference,
            "ndf_case": mark.ndf_case.reference,
            "freelancer_ref": mark.freelancer_ref,
            "ndf_count": selectors.ndf_count_for_freelancer(mark.freelancer_ref),
        }
        return Response(body, status=status.HTTP_201_CREATED)
