"""Case search over REST (ESC-9): ``GET /api/v1/search/?q=`` and ``?search=`` on the list.

Both call ``escalations.search``; results are scoped by ``cases_visible_to`` (CORE-8).
"""

from __future__ import annotations

from django.core.paginator import EmptyPage, PageNotAnInteger
from django.core.paginator import Paginator as DjangoPaginator
from django.db.models import Count, Window
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound
from rest_framework.filters import BaseFilterBackend

from core.api.pagination import StandardPagination

from . import access
from .models import Case, Kind, Status
from .search import (
    MAX_QUERY_LENGTH,
    case_search_with_fallback,
    clean_query,
    matched_fields,
    search_filter,
)
from .serializers import CaseListSerializer, ErrorSerializer

MATCHABLE = [
    "reference",
    "external_ticket_id",
    "contract_ids",
    "title",
    "client_name",
    "client_email",
    "client_company",
    "freelancer_name",
]


class CaseSearchQuerySerializer(serializers.Serializer):
    q = serializers.CharField(
        max_length=MAX_QUERY_LENGTH,
        help_text="Reference (ESC-000123 or 123), title words, client name, email or company, "
        "external ticket id, contract id, freelancer or agency name; misspelt names are "
        "matched fuzzily on PostgreSQL.",
    )
    status = serializers.ListField(
        child=serializers.ChoiceField(choices=Status.choices),
        required=False,
        help_text="Only these statuses (repeat the parameter); default: every status.",
    )
    kind = serializers.ListField(
        child=serializers.ChoiceField(choices=Kind.choices),
        required=False,
        help_text="Only these kinds (repeat the parameter).",
    )


class CaseSearchResultSerializer(CaseListSerializer):
    """A list row plus how well it matched."""

    rank = serializers.FloatField(
        read_only=True,
        help_text="Higher is better: 100+ exact reference, 50+ exact ticket or contract id, "
        "then text relevance.",
    )
    matched = serializers.ListField(
        child=serializers.ChoiceField(choices=MATCHABLE),
        read_only=True,
        help_text="Fields containing the query; empty for a fuzzy (misspelt) match.",
    )

    class Meta(CaseListSerializer.Meta):
        fields = [*CaseListSerializer.Meta.fields, "rank", "matched"]
        read_only_fields = fields

    def to_representation(self, instance):
        row = super().to_representation(instance)
        row["rank"] = round(float(instance.search_rank), 4)
        row["matched"] = matched_fields(instance, self.context["q"])
        return row


class RankedPaginator(DjangoPaginator):
    """A page of ranked rows and the total in one statement (``COUNT(*) OVER ()``): ranking
    reads every match anyway, so the total costs nothing there, where a separate count
    read them all again. A count query runs only when a page past the first is empty."""

    def page(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger("That page number is not an integer") from None
        if number < 1:
            raise EmptyPage("That page number is less than 1")
        bottom = (number - 1) * self.per_page
        rows = list(
            self.object_list.annotate(search_total=Window(Count("*")))[
                bottom : bottom + self.per_page
            ]
        )
        if rows:
            self.__dict__["count"] = rows[0].search_total  # Paginator.count is cached
        elif number == 1:
            self.__dict__["count"] = 0
        elif self.count and number > self.num_pages:
            raise EmptyPage("That page contains no results")
        return self._get_page(rows, number, self)


class SearchPagination(StandardPagination):
    """The lists' pagination (same parameters, same response) over ``RankedPaginator``;
    when the query as typed finds nothing, the view's fuzzy fallback is paged instead."""

    django_paginator_class = RankedPaginator

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        page_size = self.get_page_size(request)
        number = request.query_params.get(self.page_query_param) or 1
        if number in self.last_page_strings:
            number = self.django_paginator_class(queryset, page_size).num_pages
        try:
            page = self.django_paginator_class(queryset, page_size).page(number)
            fallback = getattr(view, "search_fallback", None)
            if page.paginator.count == 0 and fallback is not None:
                fuzzy = fallback()
                if fuzzy is not None:
                    page = self.django_paginator_class(fuzzy, page_size).page(number)
            if page.paginator.count == 0 and page.number > 1:
                raise EmptyPage("That page contains no results")
        except (EmptyPage, PageNotAnInteger) as exc:
            message = self.invalid_page_message.format(page_number=number, message=exc)
            raise NotFound(message) from exc
        self.page = page
        if page.paginator.num_pages > 1 and self.template is not None:
            self.display_page_controls = True
        return list(page)


@extend_schema(
    summary="Search cases (ESC-9)",
    description="One box for any case the caller may see, whatever its status: ranked "
    "(exact reference first, then exact ticket or contract id, then text relevance), "
    "paginated like the lists. An empty `q` or one over "
    f"{MAX_QUERY_LENGTH} characters is a 400 naming `q`.",
    parameters=[CaseSearchQuerySerializer],
    responses={
        200: CaseSearchResultSerializer(many=True),
        400: OpenApiResponse(ErrorSerializer, description="Invalid input (names the field)."),
    },
)
class CaseSearchView(generics.ListAPIView):
    serializer_class = CaseSearchResultSerializer
    pagination_class = SearchPagination
    service_scopes = (access.READ_SCOPE, None)
    filter_backends: list = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no database
            return Case.objects.none()
        params = CaseSearchQuerySerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        self.q = clean_query(params.validated_data["q"])
        ranked, self.search_fallback = case_search_with_fallback(
            user=self.request.user,
            q=self.q,
            statuses=params.validated_data.get("status"),
            kinds=params.validated_data.get("kind"),
        )
        return ranked

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "q": getattr(self, "q", "")}


class CaseSearchFilter(BaseFilterBackend):
    """``?search=`` on the case list: the ESC-9 search, ranked unless ``ordering`` is given.

    The view's queryset is already scoped (``cases_visible_to``); an empty value is no
    filter, one over the limit is a 400 naming ``search``.
    """

    search_param = "search"

    def filter_queryset(self, request, queryset, view):
        raw = request.query_params.get(self.search_param)
        if raw is None or not raw.strip():
            return queryset
        text = clean_query(raw, field=self.search_param)
        ranked = search_filter(queryset, text)
        if request.query_params.get("ordering"):
            return ranked.order_by(*queryset.query.order_by)
        return ranked

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.search_param,
                "required": False,
                "in": "query",
                "description": "The case search of ESC-9 (`GET /api/v1/search/`): reference, "
                "title, client, ticket or contract id, freelancer or agency; ranked unless "
                f"`ordering` is given; at most {MAX_QUERY_LENGTH} characters.",
                "schema": {"type": "string", "maxLength": MAX_QUERY_LENGTH},
            }
        ]
