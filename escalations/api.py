"""REST endpoints (API-1, API-2): thin; every write calls one service."""

from __future__ import annotations

import json

from django.shortcuts import get_object_or_404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from core.access import deny
from core.errors import Forbidden, InvalidInput, NotFound

from . import access, selectors, services
from .api_search import CaseSearchFilter
from .conditional import ETAG_HEADER, IF_NONE_MATCH, NOT_MODIFIED, conditional
from .exports import outreach_csv_response, outreach_filters_from
from .filters import CaseFilter, CaseOrderingFilter
from .models import Case, ChecklistItem, ContactInfoRequest, EventKind, Macro, Segment, Status
from .pagination import CasePagination
from .serializers import (
    AssignSerializer,
    CallCreateSerializer,
    CallSerializer,
    CaseListSerializer,
    CaseSerializer,
    CaseUpdateSerializer,
    CaseWriteSerializer,
    ChecklistItemSerializer,
    ChecklistTickSerializer,
    ContactAttemptSerializer,
    ContactDecisionSerializer,
    ContactInfoSerializer,
    ContactRequestCreateSerializer,
    ContactRequestSerializer,
    ErrorSerializer,
    EventSerializer,
    MacroSendSerializer,
    MacroSerializer,
    NcoAssessmentSerializer,
    NcoIntakeSerializer,
    NoteCreateSerializer,
    RenderedMacroSerializer,
    TicketEventResultSerializer,
    TicketEventSerializer,
    TransitionSerializer,
    case_detail_data,
)
from .webhooks import SIGNATURE_HEADER, TIMESTAMP_HEADER, verified_body

ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="Invalid input (names the field)."),
    403: OpenApiResponse(ErrorSerializer, description="Not allowed."),
    404: OpenApiResponse(ErrorSerializer, description="No such case."),
    409: OpenApiResponse(ErrorSerializer, description="Conflict (illegal move, claimed)."),
}


def _err(*codes):
    return {code: ERRORS[code] for code in codes}


@extend_schema_view(
    list=extend_schema(
        summary="List cases",
        description="Filter by status, kind, assignee, team, breached and due_before; "
        "`ordering=urgency` puts the nearest due time first; `search` is the case search of "
        "ESC-9 (ranked unless `ordering` is given). Each row is the list "
        "representation (reference, title, kind, status, priority, segment, client, "
        "assignee username, team id, tags, times, next due time, breached); "
        "`GET /cases/{reference}/` gives the full case with its clocks. "
        "A page costs at most 6 SQL queries whatever its size (on PostgreSQL 2 when only "
        "status, kind, priority, segment, page, page_size, ordering or cursor are given). "
        "Pages by number (`page`, the default) or, for clients that walk the whole list, "
        "by keyset cursor (`cursor`: empty first, then `next_cursor`; same cost at any "
        "depth). Conditional GET: send the `ETag` back as `If-None-Match` for a 304.",
        parameters=[IF_NONE_MATCH, ETAG_HEADER],
        responses={200: CaseListSerializer(many=True), 304: NOT_MODIFIED, **_err(400)},
    ),
    retrieve=extend_schema(
        summary="One case by reference",
        description="One SQL statement for the case, its tags and clocks. Conditional GET: "
        "send the `ETag` back as `If-None-Match` for a 304.",
        parameters=[IF_NONE_MATCH, ETAG_HEADER],
        responses={200: CaseSerializer, 304: NOT_MODIFIED, **_err(404)},
    ),
)
class CaseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = CaseSerializer
    service_scopes = (access.READ_SCOPE, access.WRITE_SCOPE)
    lookup_field = "reference"
    lookup_value_regex = r"[A-Za-z]{3}-\d+"
    filterset_class = CaseFilter
    filter_backends = [
        DjangoFilterBackend,
        CaseOrderingFilter,
        CaseSearchFilter,  # ESC-9: the same search as /api/v1/search/
    ]
    ordering_fields = ["created_at", "updated_at", "next_due_at", "priority", "reference", "status"]
    ordering = ["-created_at"]
    pagination_class = CasePagination  # issue 16: page numbers or keyset cursors

    # Issue 16 (API-1, perf): the read path ------------------------------------------------
    def retrieve(self, request, reference=None):
        """The case in one statement, serialized by hand (same JSON as CaseSerializer)."""
        case = selectors.case_detail_for(user=request.user, reference=reference)
        return Response(case_detail_data(case))

    def list(self, request, *args, **kwargs):
        """Plain requests (simple filters, page numbers) by one precompiled statement
        (``pagination.plain_page``); every other request the generic way."""
        rows = self.paginator.paginate_plain(request, self)
        if rows is None:
            return super().list(request, *args, **kwargs)
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if self.action in ("list", "retrieve"):
            return conditional(request, response)
        return response

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no database
            return Case.objects.none()
        user = self.request.user
        if self.action == "list":
            return access.cases_visible_to(user, selectors.case_summaries(user=user))
        return access.cases_visible_to(user, selectors.case_list(user=user))

    def get_serializer_class(self):
        return CaseListSerializer if self.action == "list" else CaseSerializer

    def get_object(self):
        """The case through the access check: a foreign case is a 404 (CORE-8)."""
        return access.case_for(
            self.request.user,
            self.kwargs[self.lookup_field],
            queryset=selectors.case_list(user=self.request.user),
        )

    def _workable(self, doing: str):
        """The case, refused with 403 before any input is read if the caller may not act."""
        case = self.get_object()
        access.require_can_work(self.request.user, case, doing)
        return case

    def _fresh(self, case):
        return CaseSerializer(
            selectors.case_get(reference=case.reference), context=self.get_serializer_context()
        ).data

    @extend_schema(
        summary="Open a case",
        request=CaseWriteSerializer,
        responses={201: CaseSerializer, **_err(400)},
    )
    def create(self, request):
        data = CaseWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        case = services.case_create(actor=request.user, **data.validated_data)
        return Response(self._fresh(case), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Edit a case",
        request=CaseUpdateSerializer,
        responses={200: CaseSerializer, **_err(400, 403, 404)},
    )
    def partial_update(self, request, reference=None):
        case = self._workable("edit the case")
        data = CaseUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        reason = fields.pop("reason", "")
        tags = fields.pop("tags", None)
        case = services.case_update(
            case=case, actor=request.user, reason=reason, tags=tags, **fields
        )
        return Response(self._fresh(case))

    @extend_schema(
        summary="Claim the case (ESC-4)",
        request=None,
        responses={200: CaseSerializer, **_err(403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def claim(self, request, reference=None):
        case = services.case_claim(case=self.get_object(), agent=request.user)
        return Response(self._fresh(case))

    @extend_schema(
        summary="Move the case along the state machine (ESC-3)",
        request=TransitionSerializer,
        responses={200: CaseSerializer, **_err(400, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def transition(self, request, reference=None):
        case = self._workable("change the status")
        data = TransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        case = services.case_transition(
            case=case,
            to_status=data.validated_data["to"],
            actor=request.user,
            reason=data.validated_data["reason"],
        )
        return Response(self._fresh(case))

    @extend_schema(
        summary="Assign, reassign or unassign (leads)",
        request=AssignSerializer,
        responses={200: CaseSerializer, **_err(400, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def assign(self, request, reference=None):
        case = self.get_object()
        access.require_can_assign(request.user, case)
        data = AssignSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        case = services.case_assign(
            case=case,
            assignee=data.validated_data["assignee"],
            lead=request.user,
            reason=data.validated_data["reason"],
        )
        return Response(self._fresh(case))

    @extend_schema(
        summary="The case's timeline",
        parameters=[
            OpenApiParameter(
                "client_visible", bool, description="Only what the client may see (ESC-7)."
            )
        ],
        responses={200: EventSerializer(many=True), **_err(404)},
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def timeline(self, request, reference=None):
        case = self.get_object()
        only_client = request.query_params.get("client_visible") in ("1", "true")
        events = selectors.case_timeline(case=case, client_visible_only=only_client)
        return Response(EventSerializer(events, many=True).data)

    @extend_schema(
        methods=["GET"],
        summary="Notes on the case",
        responses={200: EventSerializer(many=True), **_err(404)},
    )
    @extend_schema(
        methods=["POST"],
        summary="Add a note (internal or client-visible)",
        request=NoteCreateSerializer,
        responses={201: EventSerializer, **_err(400, 403, 404)},
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def notes(self, request, reference=None):
        case = self.get_object()
        if request.method == "GET":
            return Response(EventSerializer(selectors.case_notes(case=case), many=True).data)
        access.require_can_note(request.user, case)
        wants = request.data.get("visibility") if isinstance(request.data, dict) else None
        if wants == "client_visible":  # a reply to the client: the assignee's
            access.require_can_work(request.user, case, "write to the client")
        data = NoteCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        event = services.note_add(
            case=case,
            author=request.user,
            body=data.validated_data["body"],
            visibility=data.validated_data["visibility"],
            kind=EventKind.RESEARCH if data.validated_data["research"] else EventKind.NOTE,
        )
        return Response(EventSerializer(event).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        methods=["GET"], summary="Logged calls", responses={200: CallSerializer(many=True)}
    )
    @extend_schema(
        methods=["POST"],
        summary="Log a call with the probing questions' answers",
        request=CallCreateSerializer,
        responses={201: CallSerializer, **_err(400, 403, 404)},
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def calls(self, request, reference=None):
        case = self.get_object()
        if request.method == "GET":
            calls = case.calls.select_related("agent")
            return Response(CallSerializer(calls, many=True).data)
        access.require_can_work(request.user, case, "log a call")
        data = CallCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        call = services.call_log_create(case=case, agent=request.user, **data.validated_data)
        return Response(CallSerializer(call).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Record a freelancer contact attempt (starts the 48-hour follow-up)",
        request=ContactAttemptSerializer,
        responses={201: EventSerializer, **_err(400, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"], url_path="contact-attempts")
    def contact_attempts(self, request, reference=None):
        case = self._workable("record a contact attempt")
        data = ContactAttemptSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        event = services.case_record_contact_attempt(
            case=case, agent=request.user, **data.validated_data
        )
        return Response(EventSerializer(event).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="The NCO-3 checklist", responses={200: ChecklistItemSerializer(many=True)}
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def checklist(self, request, reference=None):
        items = self.get_object().checklist.select_related("done_by")
        return Response(ChecklistItemSerializer(items, many=True).data)

    @extend_schema(
        summary="Tick or untick one checklist item (NCO-3)",
        request=ChecklistTickSerializer,
        responses={200: ChecklistItemSerializer, **_err(400, 403, 404)},
    )
    @action(detail=True, methods=["post"], url_path=r"checklist/(?P<key>[a-z0-9_-]+)")
    def checklist_tick(self, request, reference=None, key=None):
        case = self._workable("tick the checklist")
        item = ChecklistItem.objects.filter(case=case, key=key).first()
        if item is None:
            raise NotFound(f"{case.reference} has no checklist item {key!r}.")
        data = ChecklistTickSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = services.checklist_tick(item=item, actor=request.user, **data.validated_data)
        return Response(ChecklistItemSerializer(item).data)

    @extend_schema(
        methods=["GET"],
        summary="Contact-info requests on the case",
        responses={200: ContactRequestSerializer(many=True)},
    )
    @extend_schema(
        methods=["POST"],
        summary="Ask to share the other party's contact info (ESC-7: a lead approves)",
        request=ContactRequestCreateSerializer,
        responses={201: ContactRequestSerializer, **_err(400, 404, 409)},
    )
    @action(
        detail=True,
        methods=["get", "post"],
        url_path="contact-requests",
        pagination_class=None,
        filter_backends=[],
    )
    def contact_requests(self, request, reference=None):
        case = self.get_object()
        if request.method == "GET":
            reqs = case.contact_requests.select_related("case", "requested_by", "decided_by")
            return Response(ContactRequestSerializer(reqs, many=True).data)
        access.require_can_work(request.user, case, "ask for contact information")
        data = ContactRequestCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        req = services.contact_request_create(
            case=case,
            requester=request.user,
            requested_for=data.validated_data["party"],
            reason=data.validated_data["reason"],
        )
        return Response(ContactRequestSerializer(req).data, status=status.HTTP_201_CREATED)


class ContactRequestViewSet(viewsets.GenericViewSet):
    serializer_class = ContactRequestSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ContactInfoRequest.objects.none()
        return access.contact_requests_visible_to(
            self.request.user,
            ContactInfoRequest.objects.select_related("case", "requested_by", "decided_by"),
        )

    def get_object(self):
        pk = self.kwargs["pk"]
        if not (str(pk).isascii() and str(pk).isdigit()):
            raise NotFound(f"No contact-info request {pk!r}.")
        return get_object_or_404(self.get_queryset(), pk=int(pk))

    @extend_schema(
        summary="Approve or deny a contact-info request (leads; not the requester)",
        request=ContactDecisionSerializer,
        responses={200: ContactRequestSerializer, **_err(400, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        req = self.get_object()
        if not access.can_decide_contact_request(request.user, req):
            deny(request.user, "decide contact request", target=req)
            raise Forbidden("Only a lead of the case's team (not the requester) may decide this.")
        data = ContactDecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        req = services.contact_request_decide(request=req, lead=request.user, **data.validated_data)
        return Response(ContactRequestSerializer(req).data)

    @extend_schema(
        summary="The other party's contact info, once approved",
        responses={200: ContactInfoSerializer, **_err(403, 404)},
    )
    @action(detail=True, methods=["get"], url_path="contact-info")
    def contact_info(self, request, pk=None):
        info = services.contact_info_shareable(request=self.get_object(), user=request.user)
        return Response(ContactInfoSerializer(info).data)


CASE_PARAM = OpenApiParameter(
    "case", str, required=True, description="Case reference, e.g. ESC-000123."
)


class MacroViewSet(viewsets.ReadOnlyModelViewSet):
    """Reply macros (ESC-6); admins edit them in the admin."""

    queryset = Macro.objects.filter(active=True)
    serializer_class = MacroSerializer
    search_fields = ["name", "body"]
    ordering_fields = ["name"]
    filterset_fields = ["suggest_when_no_phone"]

    @extend_schema(
        summary="Render a macro for a case (nothing recorded)",
        parameters=[CASE_PARAM],
        responses={200: RenderedMacroSerializer, **_err(400, 404, 409)},
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def render(self, request, pk=None):
        reference = request.query_params.get("case")
        if not reference:
            raise InvalidInput("Pass the case reference as ?case=ESC-000123.", field="case")
        case = access.case_for(request.user, reference)
        extra = {k: v for k, v in request.query_params.items() if k not in ("case", "format")}
        rendered = services.macro_render(
            macro=self.get_object(), case=case, agent=request.user, extra=extra
        )
        return Response(RenderedMacroSerializer(rendered).data)

    @extend_schema(
        summary="Send a macro: record the reply on the timeline as client-visible",
        request=MacroSendSerializer,
        responses={201: EventSerializer, **_err(400, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def send(self, request, pk=None):
        data = MacroSendSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        case = access.case_for(request.user, data.validated_data["case"])
        access.require_can_work(request.user, case, "reply to the client")
        event = services.macro_send(
            macro=self.get_object(),
            case=case,
            agent=request.user,
            extra=data.validated_data.get("extra"),
        )
        return Response(EventSerializer(event).data, status=status.HTTP_201_CREATED)

    def get_object(self):
        pk = self.kwargs["pk"]
        if not (str(pk).isascii() and str(pk).isdigit()):
            raise NotFound(f"No macro {pk!r}.")
        return get_object_or_404(self.get_queryset(), pk=int(pk))


OUTREACH_PARAMS = [
    OpenApiParameter("status", str, enum=Status.values),
    OpenApiParameter("segment", str, enum=Segment.values),
    OpenApiParameter("assignee", str, description="Username."),
    OpenApiParameter("criteria_min", int),
    OpenApiParameter("routed_general", bool),
    OpenApiParameter("since", OpenApiTypes.DATE),
    OpenApiParameter("until", OpenApiTypes.DATE, description="Inclusive."),
    OpenApiParameter("search", str, description="Client name, company, email or reference."),
]


class OutreachViewSet(viewsets.GenericViewSet):
    """The new-client outreach tracker (NCO-1, NCO-4)."""

    serializer_class = NcoAssessmentSerializer
    filter_backends = []
    service_scopes = (access.READ_SCOPE, access.WRITE_SCOPE)

    def get_queryset(self):
        return selectors.outreach_tracker(
            viewer=self.request.user,
            **outreach_filters_from(self.request.query_params, strict=True),
        )

    @extend_schema(summary="The outreach tracker", parameters=OUTREACH_PARAMS)
    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(NcoAssessmentSerializer(page, many=True).data)

    @extend_schema(
        summary="The outreach tracker as CSV (streamed)",
        parameters=OUTREACH_PARAMS,
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR)},
    )
    @action(detail=False, methods=["get"])
    def export(self, request):
        return outreach_csv_response(self.get_queryset())

    @extend_schema(
        summary="Report a possible new client: score NCO-1 and open the case",
        request=NcoIntakeSerializer,
        responses={
            201: inline_serializer(
                "NcoIntakeResult",
                {"case": CaseSerializer(), "assessment": NcoAssessmentSerializer()},
            ),
            **_err(400),
        },
    )
    @action(detail=False, methods=["post"])
    def intake(self, request):
        data = NcoIntakeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        fields["segment"] = fields.pop("client_segment")
        case = services.nco_intake(reporter=request.user, **fields)
        fresh = selectors.case_get(reference=case.reference)
        return Response(
            {
                "case": CaseSerializer(fresh).data,
                "assessment": NcoAssessmentSerializer(case.nco_assessment).data,
            },
            status=status.HTTP_201_CREATED,
        )


class TicketWebhookView(APIView):
    """Inbound ticket events (API-2), HMAC-signed; see escalations/webhooks.py."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        summary="Inbound ticket event (signed)",
        description=(
            f"Headers: `{TIMESTAMP_HEADER}` (unix seconds) and `{SIGNATURE_HEADER}: "
            'sha256=<hex HMAC-SHA256 of "{timestamp}.{raw body}">` with the shared '
            "secret `TICKET_WEBHOOK_SECRET`. Outside a 5-minute window: 401. "
            "Idempotent by `event_id`: a replay changes nothing and returns 200 with the "
            "original result and `replayed: true`."
        ),
        parameters=[
            OpenApiParameter(TIMESTAMP_HEADER, str, OpenApiParameter.HEADER, required=True),
            OpenApiParameter(SIGNATURE_HEADER, str, OpenApiParameter.HEADER, required=True),
        ],
        request=TicketEventSerializer,
        responses={
            200: TicketEventResultSerializer,
            201: TicketEventResultSerializer,
            400: ERRORS[400],
            401: OpenApiResponse(ErrorSerializer, description="Missing, forged or stale."),
            429: OpenApiResponse(
                ErrorSerializer, description="Too many failed signatures from this address."
            ),
        },
    )
    def post(self, request):
        body = verified_body(request)  # CORE-8: failed signatures throttled per IP (429)
        try:
            payload = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise InvalidInput("The body is not valid JSON.") from None
        result, replayed = services.ticket_event_receive(payload=payload)
        code = status.HTTP_201_CREATED if result["action"] == "created" and not replayed else 200
        response = Response({**result, "replayed": replayed}, status=code)
        if replayed:
            response["Idempotent-Replay"] = "true"
        return response


__all__ = [
    "CaseViewSet",
    "ContactRequestViewSet",
    "MacroViewSet",
    "OutreachViewSet",
    "TicketWebhookView",
]
