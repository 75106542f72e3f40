"""REST endpoints under /api/v1/sourcing/ (SRC-1 to SRC-6). Each action calls one service."""

import django_filters
from django.db.models import Exists, OuterRef
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.validation import NumberFilter
from core.errors import InvalidInput
from core.permissions import IsAdminOrReadOnly, IsTeamLead

from . import selectors, services
from .access import READ_SCOPE, WRITE_SCOPE, require_can_act_on_shortlist, shortlists_visible_to
from .models import (
    CompletedJob,
    EnglishLevel,
    Freelancer,
    FreelancerSkill,
    ImportJob,
    Region,
    Shortlist,
)
from .models.pool import normalize_term
from .serializers import (
    AgencyImportSerializer,
    AgencySerializer,
    CriteriaSerializer,
    ExplainSerializer,
    FreelancerImportSerializer,
    FreelancerSerializer,
    ImportErrorSerializer,
    ImportJobSerializer,
    InvitationSerializer,
    InviteConflictSerializer,
    InviteSerializer,
    NearMissSerializer,
    ShortlistListSerializer,
    ShortlistSerializer,
    SourcingRulesSerializer,
)

IMPORT_RESPONSES = {
    201: ImportJobSerializer,
    400: OpenApiResponse(ImportErrorSerializer, description="Nothing imported; errors per row."),
}


def _rows(request) -> list:
    data = request.data
    rows = data.get("rows") if isinstance(data, dict) else data
    if not isinstance(rows, list):
        raise InvalidInput('Send {"rows": [...]} with a list of rows.', field="rows")
    return rows


class FreelancerFilter(django_filters.FilterSet):
    country = django_filters.CharFilter(method="filter_country")
    region = django_filters.ChoiceFilter(choices=Region.choices)
    jss_min = NumberFilter(field_name="jss", lookup_expr="gte")
    english_min = django_filters.ChoiceFilter(
        field_name="english_level", lookup_expr="gte", choices=EnglishLevel.choices
    )
    top_rated = django_filters.BooleanFilter(field_name="is_top_rated")
    rising_talent = django_filters.BooleanFilter(field_name="is_rising_talent")
    premium = django_filters.BooleanFilter(field_name="is_premium")
    agency = django_filters.CharFilter(field_name="agency__external_id")
    skill = django_filters.CharFilter(method="filter_skill", help_text="A skill name.")
    category = django_filters.CharFilter(
        method="filter_category", help_text="Has a completed job in this category."
    )

    class Meta:
        model = Freelancer
        fields = ["external_id"]

    def filter_country(self, queryset, name, value):
        return queryset.filter(country=value.upper())

    def filter_skill(self, queryset, name, value):
        has = FreelancerSkill.objects.filter(
            freelancer=OuterRef("pk"), skill__normalized=normalize_term(value)
        )
        return queryset.filter(Exists(has))

    def filter_category(self, queryset, name, value):
        has = CompletedJob.objects.filter(freelancer=OuterRef("pk"), category__name__iexact=value)
        return queryset.filter(Exists(has))


@extend_schema_view(
    list=extend_schema(summary="Talent pool: freelancers (filterable)"),
    retrieve=extend_schema(summary="One freelancer"),
)
class FreelancerViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = FreelancerSerializer
    service_scopes = (READ_SCOPE, WRITE_SCOPE)
    filterset_class = FreelancerFilter
    search_fields = ["name", "external_id", "title"]
    ordering_fields = ["name", "jss", "total_hours", "updated_at"]

    def get_queryset(self):
        return selectors.freelancer_list().order_by("name", "id")

    @extend_schema(
        summary="Bulk import freelancers (SRC-1): all-or-nothing, upsert by external_id",
        request=FreelancerImportSerializer,
        responses=IMPORT_RESPONSES,
    )
    @action(detail=False, methods=["post"], url_path="import", permission_classes=[IsTeamLead])
    def import_rows(self, request):
        job = services.freelancers_import(rows=_rows(request), actor=request.user)
        return Response(ImportJobSerializer(job).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="Agencies with their reputation figures (SRC-3)"),
    retrieve=extend_schema(summary="One agency"),
)
class AgencyViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = AgencySerializer
    service_scopes = (READ_SCOPE, WRITE_SCOPE)
    filterset_fields = ["is_premium", "country", "external_id"]
    search_fields = ["name", "external_id"]
    ordering_fields = ["name", "jss", "dispute_count"]

    def get_queryset(self):
        return selectors.agency_list()

    @extend_schema(
        summary="Bulk import agencies: all-or-nothing, upsert by external_id",
        request=AgencyImportSerializer,
        responses=IMPORT_RESPONSES,
    )
    @action(detail=False, methods=["post"], url_path="import", permission_classes=[IsTeamLead])
    def import_rows(self, request):
        job = services.agencies_import(rows=_rows(request), actor=request.user)
        return Response(ImportJobSerializer(job).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="Import runs (REST and CSV) with their progress"),
    retrieve=extend_schema(summary="One import run: status, processed/total, errors"),
)
class ImportJobViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ImportJobSerializer
    service_scopes = (READ_SCOPE, None)
    permission_classes = [IsTeamLead]
    filterset_fields = ["status", "kind", "source"]

    def get_queryset(self):
        return ImportJob.objects.order_by("-created_at", "-id")


class ShortlistFilter(django_filters.FilterSet):
    class Meta:
        model = Shortlist
        fields = ["job_reference", "case_reference"]


@extend_schema_view(
    list=extend_schema(summary="Saved shortlists"),
    retrieve=extend_schema(summary="A saved shortlist with its snapshot, funnel and entries"),
)
class ShortlistViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    filterset_class = ShortlistFilter
    ordering_fields = ["created_at"]
    service_scopes = (READ_SCOPE, None)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Shortlist.objects.none()
        qs = shortlists_visible_to(self.request.user, selectors.shortlist_list())
        return qs if self.action == "list" else qs.prefetch_related("entries")

    def get_serializer_class(self):
        return ShortlistListSerializer if self.action == "list" else ShortlistSerializer

    def _detail(self, shortlist, code=status.HTTP_200_OK):
        invited = selectors.invited_freelancer_ids(
            shortlist.job_reference, [e.freelancer_id for e in shortlist.entries.all()]
        )
        data = ShortlistSerializer(shortlist, context={"invited_ids": invited}).data
        return Response(data, status=code)

    def retrieve(self, request, *args, **kwargs):
        return self._detail(self.get_object())

    @extend_schema(
        summary="Build a ranked, explained shortlist from job criteria (SRC-2 to SRC-5)",
        request=CriteriaSerializer,
        responses={201: ShortlistSerializer},
    )
    def create(self, request, *args, **kwargs):
        serializer = CriteriaSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        criteria = services.job_criteria_build(**serializer.validated_data)
        shortlist = services.shortlist_create(actor=request.user, criteria=criteria)
        return self._detail(selectors.shortlist_detail(shortlist.pk), status.HTTP_201_CREATED)

    @extend_schema(
        summary="Invite freelancers from this shortlist to its job (SRC-6): all or none",
        request=InviteSerializer,
        responses={
            201: InvitationSerializer(many=True),
            409: OpenApiResponse(
                InviteConflictSerializer, description="Already invited to this job, or cooldown."
            ),
        },
    )
    @action(detail=True, methods=["post"], pagination_class=None)
    def invite(self, request, pk=None):
        shortlist = self.get_object()
        require_can_act_on_shortlist(request.user, shortlist)
        serializer = InviteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        invitations = services.shortlist_invite(
            shortlist=shortlist,
            freelancer_ids=serializer.validated_data["freelancer_ids"],
            actor=request.user,
        )
        return Response(
            InvitationSerializer(invitations, many=True).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        summary="Why a freelancer is or is not on this shortlist (SRC-5)",
        parameters=[
            OpenApiParameter(
                "freelancer",
                str,
                required=True,
                description="Freelancer id (or external id).",
            )
        ],
        responses={200: ExplainSerializer},
    )
    @action(detail=True, methods=["get"])
    def explain(self, request, pk=None):
        shortlist = self.get_object()
        body = services.shortlist_explain(
            shortlist=shortlist, freelancer_ref=request.query_params.get("freelancer")
        )
        return Response(ExplainSerializer(body).data)

    @extend_schema(
        summary="The excluded candidates who failed the fewest rules, and which (SRC-5)",
        parameters=[
            OpenApiParameter(
                "limit", int, required=False, description="How many (1-50, default 5)."
            )
        ],
        responses={200: NearMissSerializer(many=True)},
    )
    @action(detail=True, methods=["get"], url_path="near-misses", pagination_class=None)
    def near_misses(self, request, pk=None):
        shortlist = self.get_object()
        raw = request.query_params.get("limit") or str(selectors.NEAREST_MISSES)
        if not (raw.isascii() and raw.isdigit() and 1 <= int(raw) <= 50):
            raise InvalidInput("limit: a whole number from 1 to 50.", field="limit")
        misses = selectors.shortlist_nearest_misses(shortlist, limit=int(raw))
        return Response(NearMissSerializer(misses, many=True).data)


@extend_schema_view(
    list=extend_schema(summary="Sourcing rules versions, newest first (SRC-2 to SRC-4)"),
    retrieve=extend_schema(summary="One rules version"),
    create=extend_schema(
        summary="Change thresholds (admins): saves the next version, audited",
        request=SourcingRulesSerializer,
        responses={201: SourcingRulesSerializer},
    ),
)
class SourcingRulesViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = SourcingRulesSerializer
    permission_classes = [IsAdminOrReadOnly]
    service_scopes = (READ_SCOPE, None)

    def get_queryset(self):
        return selectors.rules_versions()

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        values = {
            k: v for k, v in serializer.validated_data.items() if k in request.data and k != "note"
        }
        rules = services.sourcing_rules_update(
            actor=request.user, values=values, note=serializer.validated_data.get("note", "")
        )
        return Response(self.get_serializer(rules).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="The rules in force", responses={200: SourcingRulesSerializer})
    @action(detail=False, methods=["get"])
    def current(self, request):
        return Response(self.get_serializer(selectors.current_rules()).data)
