"""REST endpoints of credits (CRD-1 to CRD-5): thin; every write calls one service."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from core import access as core_access
from core.api.pagination import StandardPagination
from core.api.schema import error_response
from core.errors import InvalidInput
from escalations.access import READ_SCOPE, WRITE_SCOPE, case_for, require_can_work

from . import access, selectors, services
from .exports import ledger_csv_response
from .models import CreditQuote, FactSource, LedgerEntry
from .serializers import (
    ApproveSerializer,
    CaseFactsSerializer,
    CreditSerializer,
    FactSerializer,
    FactsWriteSerializer,
    LedgerPageSerializer,
    QuoteSerializer,
    RejectSerializer,
    ReverseSerializer,
)

CONFLICT = error_response(
    "Conflict: needs approval, outdated snapshot, code review pending, already issued, "
    "or over the contract's non-refunded payments (the code says which)."
)
REFERENCE = OpenApiParameter(
    "reference", str, OpenApiParameter.PATH, description="Case reference, e.g. ESC-000123."
)
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    required=True,
    description="Required. Any 1-255 visible ASCII characters, unique per intended issue. "
    "A retry with the same key and body gets the first answer again (same status and "
    "body, kept at least 24 hours); the same key with a different body is a 422.",
)


def _facts_body(case) -> dict:
    facts = services.case_facts_current(case)
    return {
        "case": case.reference,
        "facts": FactSerializer(list(facts.values()), many=True).data,
        "code_review_pending": services.code_review_pending(case),
    }


class CaseCreditFactsView(APIView):
    """The facts a credit quote needs, entered by people or posted by integrations."""

    service_scopes = (READ_SCOPE, WRITE_SCOPE)

    @extend_schema(
        summary="The case's credit facts (CRD-1)",
        parameters=[REFERENCE],
        responses={200: CaseFactsSerializer},
    )
    def get(self, request, reference):
        return Response(_facts_body(case_for(request.user, reference)))

    @extend_schema(
        summary="Record credit facts (CRD-1)",
        description="Any subset of the facts; only changed values make entries. Each entry "
        "keeps who, when and where from (an integration's token or a person), and is audited.",
        parameters=[REFERENCE],
        request=FactsWriteSerializer,
        responses={200: CaseFactsSerializer},
    )
    def post(self, request, reference):
        case = case_for(request.user, reference)
        require_can_work(request.user, case, "record credit facts")
        data = FactsWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        source = FactSource.INTEGRATION if core_access.is_service(request.user) else FactSource.API
        services.credit_facts_record(
            case=case, actor=request.user, values=dict(data.validated_data), source=source
        )
        return Response(_facts_body(case))


class CaseCreditQuoteView(APIView):
    """Quote a credit from the case's current facts (people only)."""

    @extend_schema(
        summary="Quote a credit for the case (CRD-1 to CRD-3)",
        parameters=[REFERENCE],
        request=None,
        responses={201: QuoteSerializer, 409: CONFLICT},
    )
    def post(self, request, reference):
        case = case_for(request.user, reference)
        require_can_work(request.user, case, "quote a credit")
        quote = services.credit_quote_create(case=case, actor=request.user)
        return Response(QuoteSerializer(quote).data, status=status.HTTP_201_CREATED)


class CreditQuoteViewSet(viewsets.GenericViewSet):
    serializer_class = QuoteSerializer
    queryset = CreditQuote.objects.none()

    def _quote(self, pk):
        return access.quote_for(self.request.user, pk)

    @extend_schema(summary="One credit quote (its snapshot and state)")
    def retrieve(self, request, pk=None):
        return Response(QuoteSerializer(self._quote(pk)).data)

    @extend_schema(
        summary="Approve the snapshot, optionally with a changed amount (CRD-3)",
        description="A lead of the case's team who did not request it. `content_hash` must "
        "be the snapshot's; a changed `amount` needs a `reason` and makes a new snapshot, "
        "approved by you (the answer is that new quote).",
        request=ApproveSerializer,
        responses={200: QuoteSerializer, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        quote = self._quote(pk)
        access.require_can_decide(request.user, quote.case, "approve a credit")
        data = ApproveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        approved = services.credit_quote_approve(
            quote=quote, lead=request.user, **data.validated_data
        )
        return Response(QuoteSerializer(approved).data)

    @extend_schema(
        summary="Reject the snapshot (CRD-3)",
        request=RejectSerializer,
        responses={200: QuoteSerializer, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        quote = self._quote(pk)
        access.require_can_decide(request.user, quote.case, "reject a credit")
        data = RejectSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rejected = services.credit_quote_reject(
            quote=quote, lead=request.user, **data.validated_data
        )
        return Response(QuoteSerializer(rejected).data)

    @extend_schema(
        summary="Issue the credit, once per case (CRD-5)",
        description="Needs an `Idempotency-Key` header. The credit is an entry of the "
        "append-only ledger; the credits on the contract never exceed its non-refunded "
        "payments.",
        parameters=[IDEMPOTENCY_KEY],
        request=None,
        responses={
            201: CreditSerializer,
            409: CONFLICT,
            422: error_response("The Idempotency-Key was used with a different request."),
        },
    )
    @action(detail=True, methods=["post"])
    def issue(self, request, pk=None):
        quote = self._quote(pk)
        require_can_work(request.user, quote.case, "issue a credit")
        body = request.data if isinstance(request.data, dict) else {"body": request.data}

        def run():
            credit = services.credit_issue(quote=quote, actor=request.user)
            return status.HTTP_201_CREATED, CreditSerializer(credit).data

        code, payload, replayed = services.idempotent_call(
            actor=request.user,
            key=request.headers.get("Idempotency-Key", ""),
            fingerprint=services.request_fingerprint(
                method=request.method, path=request.path, body=body
            ),
            run=run,
        )
        response = Response(payload, status=code)
        if replayed:
            response["Idempotent-Replayed"] = "true"
        return response


class CreditViewSet(viewsets.GenericViewSet):
    serializer_class = CreditSerializer
    queryset = LedgerEntry.objects.none()

    @extend_schema(
        summary="Reverse (part of) a credit (CRD-5)",
        description="A new negative ledger entry with a reason (a lead of the case's team); "
        "never more than what is left of the credit.",
        request=ReverseSerializer,
        responses={201: CreditSerializer},
    )
    @action(detail=True, methods=["post"])
    def reverse(self, request, pk=None):
        credit = access.credit_for(request.user, pk)
        access.require_can_decide(request.user, credit.case, "reverse a credit")
        data = ReverseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        entry = services.credit_reverse(credit=credit, actor=request.user, **data.validated_data)
        return Response(CreditSerializer(entry).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="The credit ledger, with totals; CSV for finance",
        description="Leads see their teams' entries, admins all. Filters: `case` "
        "(reference), `client` (account id, email or part of the name), `contract`, "
        "`date_from`/`date_to` (YYYY-MM-DD, inclusive), `kind`. `export=csv` streams "
        "every matching entry as CSV.",
        parameters=[
            OpenApiParameter("case", str),
            OpenApiParameter("client", str),
            OpenApiParameter("contract", str),
            OpenApiParameter("date_from", OpenApiTypes.DATE),
            OpenApiParameter("date_to", OpenApiTypes.DATE),
            OpenApiParameter("kind", str, enum=["issue", "reversal"]),
            OpenApiParameter("export", str, enum=["csv"]),
            OpenApiParameter("page", int),
            OpenApiParameter("page_size", int),
        ],
        responses={
            (200, "application/json"): LedgerPageSerializer,
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="CSV"),
        },
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def ledger(self, request):
        access.require_can_read_ledger(request.user)
        filters = selectors.ledger_filters_clean(request.query_params)
        qs = selectors.ledger_for(request.user, filters)
        export = request.query_params.get("export", "")
        if export == "csv":
            return ledger_csv_response(qs)
        if export:
            raise InvalidInput("export: the only export is csv.", field="export")
        paginator = StandardPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        body = paginator.get_paginated_response(CreditSerializer(page, many=True).data).data
        totals = selectors.ledger_totals(qs)
        body["totals"] = {
            "issued": str(totals.issued),
            "reversed": str(totals.reversed),
            "net": str(totals.net),
            "entries": totals.entries,
        }
        return Response(body)
