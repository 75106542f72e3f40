"""The case list's pagination (API-1, issue 16): page numbers and keyset cursors.

* ``?page=N`` (the default, what the pages and existing clients use): the page's ids are
  picked first by an index scan (``WHERE id IN (SELECT id ... LIMIT n OFFSET m)``), so
  the per-row subqueries (next due time, breach flag, assignee, tags) run for the page's
  rows only, not for every row the OFFSET skips.
* ``?cursor=`` (empty for the first page, then the ``next_cursor`` of the previous page):
  keyset pagination on (ordering column, id) for clients that walk the whole list. No
  OFFSET and no count: page 2,000 costs what page 1 costs. The cursor is opaque and
  signed; a forged or foreign one is a 400 naming ``cursor``.
"""

from __future__ import annotations

import datetime as dt

from django.core import signing
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from core.api.pagination import StandardPagination
from core.errors import InvalidInput

from .selectors import case_summary_rows, is_summaries

CURSOR_PARAM = "cursor"
# Orderings a cursor can follow: NOT NULL columns (the tie-break is always -id).
CURSOR_ORDERINGS = frozenset(
    {"created_at", "-created_at", "updated_at", "-updated_at", "reference", "-reference"}
)
_DATETIMES = frozenset({"created_at", "updated_at"})
_SALT = "escalations.case-list-cursor"


def rows_for_slice(queryset, bottom: int, top: int):
    """``queryset[bottom:top]`` with the OFFSET done on ids only (a deferred join); for the
    case list's rows, the page's ids first, then the rows by id in one statement compiled
    once per process (``selectors.case_summary_rows``)."""
    if is_summaries(queryset):
        return case_summary_rows(list(queryset.values_list("pk", flat=True)[bottom:top]))
    if not isinstance(queryset, QuerySet) or bottom == 0:
        return queryset[bottom:top]
    ids = queryset.values("pk")[bottom:top]
    return queryset.filter(pk__in=ids)


class DeferredJoinPaginator(Paginator):
    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return self._get_page(rows_for_slice(self.object_list, bottom, top), number, self)


def encode_cursor(ordering: str, row) -> str:
    name = ordering.lstrip("-")
    value = getattr(row, name)
    if isinstance(value, dt.datetime):
        value = value.isoformat()
    return signing.dumps([ordering, value, row.pk], salt=_SALT)


def decode_cursor(text: str, ordering: str):
    """(value, id) after which the next page starts; InvalidInput for anything else."""
    try:
        saved, value, pk = signing.loads(text, salt=_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        raise InvalidInput(
            "Not a cursor from this list: pass the next_cursor of the previous page.",
            field=CURSOR_PARAM,
        ) from None
    if saved != ordering or not isinstance(pk, int):
        raise InvalidInput(
            f"This cursor follows ordering={saved}; keep the ordering while walking the list.",
            field=CURSOR_PARAM,
        )
    if ordering.lstrip("-") in _DATETIMES:
        try:
            value = dt.datetime.fromisoformat(value)
        except (TypeError, ValueError):
            raise InvalidInput("A damaged cursor.", field=CURSOR_PARAM) from None
    return value, pk


def after_cursor(queryset, ordering: str, value, pk: int):
    """Rows after (value, pk) in ``ordering`` then ``-id``; the redundant bound on the
    column lets PostgreSQL start its index range scan there."""
    name = ordering.lstrip("-")
    if ordering.startswith("-"):
        keyset = Q(**{f"{name}__lt": value}) | Q(**{name: value, "id__lt": pk})
        return queryset.filter(keyset, **{f"{name}__lte": value})
    keyset = Q(**{f"{name}__gt": value}) | Q(**{name: value, "id__lt": pk})
    return queryset.filter(keyset, **{f"{name}__gte": value})


class CasePagination(StandardPagination):
    """Page numbers (the default) or keyset cursors (``?cursor=``) for the case list."""

    django_paginator_class = DeferredJoinPaginator
    cursor_mode = False

    def paginate_queryset(self, queryset, request, view=None):
        self.cursor_mode = CURSOR_PARAM in request.query_params
        if not self.cursor_mode:
            self.next_cursor = None
            rows = super().paginate_queryset(queryset, request, view)
            if rows and self.page.has_next():
                self.next_cursor = self._cursor_after(rows[-1], request, view, strict=False)
            return rows
        self.request = request
        ordering = self._ordering(request, view, strict=True)
        size = self.get_page_size(request)
        text = request.query_params.get(CURSOR_PARAM, "").strip()
        if text:
            queryset = after_cursor(queryset, ordering, *decode_cursor(text, ordering))
        rows = list(rows_for_slice(queryset, 0, size + 1))
        self.next_cursor = encode_cursor(ordering, rows[size - 1]) if len(rows) > size else None
        return rows[:size]

    def _ordering(self, request, view, *, strict: bool) -> str | None:
        if request.query_params.get("search", "").strip():
            if strict:
                raise InvalidInput(
                    "Search results are ranked: page them with page numbers, not a cursor.",
                    field=CURSOR_PARAM,
                )
            return None
        raw = request.query_params.get("ordering", "").strip()
        ordering = raw or ",".join(getattr(view, "ordering", None) or ["-created_at"])
        if ordering not in CURSOR_ORDERINGS:
            if strict:
                raise InvalidInput(
                    "A cursor follows one of ordering="
                    + ", ".join(sorted(CURSOR_ORDERINGS))
                    + f"; got {ordering!r}.",
                    field=CURSOR_PARAM,
                )
            return None
        return ordering

    def _cursor_after(self, row, request, view, *, strict: bool) -> str | None:
        ordering = self._ordering(request, view, strict=strict)
        return encode_cursor(ordering, row) if ordering else None

    def get_paginated_response(self, data):
        if not self.cursor_mode:
            response = super().get_paginated_response(data)
            response.data["next_cursor"] = self.next_cursor
            return response
        url = self.request.build_absolute_uri()
        next_link = (
            replace_query_param(remove_query_param(url, "page"), CURSOR_PARAM, self.next_cursor)
            if self.next_cursor
            else None
        )
        return Response(
            {
                "count": None,
                "next": next_link,
                "previous": None,
                "next_cursor": self.next_cursor,
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        base = super().get_paginated_response_schema(schema)
        props = base["properties"]
        props["count"] = {
            "type": "integer",
            "nullable": True,
            "example": 123,
            "description": "Matching cases; null when paging by cursor (no count is taken).",
        }
        props["next_cursor"] = {
            "type": "string",
            "nullable": True,
            "description": "Pass as `?cursor=` for the rows after this page (keyset "
            "pagination); null on the last page or when the ordering cannot be followed "
            "by a cursor.",
        }
        return base

    def get_schema_operation_parameters(self, view):
        return [
            *super().get_schema_operation_parameters(view),
            {
                "name": CURSOR_PARAM,
                "required": False,
                "in": "query",
                "description": "Keyset pagination for clients that walk the whole list: empty "
                "for the first page, then the previous page's `next_cursor`. Pages cost the "
                "same at any depth; `count` is null. Follows ordering "
                + ", ".join(f"`{o}`" for o in sorted(CURSOR_ORDERINGS))
                + " (default `-created_at`); not with `search`.",
                "schema": {"type": "string", "maxLength": 500},
            },
        ]
