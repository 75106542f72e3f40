"""The case list's pagination (API-1, issue 16): page numbers and keyset cursors.

* ``?page=N`` (the default, what the pages and existing clients use): the page's ids are
  picked first by an index scan (``WHERE id IN (SELECT id ... LIMIT n OFFSET m)``), so
  the per-row subqueries (next due time, breach flag, assignee, tags) run for the page's
  rows only, not for every row the OFFSET skips.
* ``?cursor=`` (empty for the first page, then the ``next_cursor`` of the previous page):
  keyset pagination on (ordering column, id) for clients that walk the whole list. No
  OFFSET and no count: page 2,000 costs what page 1 costs. The cursor is opaque and
  signed; a forged or foreign one is a 400 naming ``cursor``.
* A plain request (only the multiple-choice filters on the case's own columns, a page
  number or cursor, a page size and a cursor-able ordering, on PostgreSQL) skips
  django-filter and the ORM: its count, page ids and rows come in one statement compiled
  once per caller scope and filter values (``plain_page``, ``plain_cursor_rows``) from
  the same filter backends the other requests use.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Q, QuerySet
from psycopg.types.numeric import Int8  # bigint on the wire: one prepared statement per shape
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from core.api.pagination import StandardPagination
from core.db import with_named_parameters
from core.errors import InvalidInput

from .access import scope_key
from .models import Case, Kind, Priority, Segment, Status
from .selectors import (
    case_summary_page,
    case_summary_page_statement,
    case_summary_rows,
    compiled_once,
    is_summaries,
)

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


# The plain list (issue 16) ---------------------------------------------------------------
# CaseFilter's multiple-choice filters on the case's own columns, and their values.
PLAIN_FILTERS = {
    "status": frozenset(Status.values),
    "kind": frozenset(Kind.values),
    "priority": frozenset(Priority.values),
    "segment": frozenset(Segment.values),
}
_PLAIN_PARAMS = frozenset({*PLAIN_FILTERS, "page", "page_size", "ordering", CURSOR_PARAM})
_MAX_PAGE_NUMBER = 10**9
# Stand-ins compiled into a plain statement where a request's own values go (a page's
# LIMIT and OFFSET, a cursor's value and id), replaced by named parameters.
_SENTINEL_LIMIT = 918_273_645
_SENTINEL_OFFSET = 918_273_646
_SENTINEL_PK = -527_419_386  # no stand-in is a substring of another
_SENTINEL_VALUES = {
    "created_at": dt.datetime(1901, 2, 3, 4, 5, 6, 789_012, tzinfo=dt.UTC),
    "updated_at": dt.datetime(1901, 2, 3, 4, 5, 6, 789_012, tzinfo=dt.UTC),
    "reference": "ESC-PLAIN-CURSOR-SENTINEL",
}
# (vendor, Case content type, caller scope, filters, ordering, mode) -> SQL or None.
_PLAIN_STATEMENTS: dict[tuple, str | None] = {}


def plain_list_key(query_params) -> tuple | None:
    """(filters, ordering) of a plain list request; None for anything else (another
    parameter, a value that is not one of the choices, an empty one, another ordering),
    which the generic path answers, errors included."""
    if not query_params.keys() <= _PLAIN_PARAMS:
        return None
    filters = []
    for name, allowed in PLAIN_FILTERS.items():
        values = query_params.getlist(name)
        if not values:
            continue
        if not all(value in allowed for value in values):
            return None
        filters.append((name, tuple(sorted(set(values)))))
    ordering = query_params.get("ordering", "")
    if ordering and ordering not in CURSOR_ORDERINGS:
        return None
    return tuple(filters), ordering


def _positive(text: str | None, default: int, top: int) -> int | None:
    if text is None:
        return default
    if not (text.isascii() and text.isdigit()) or len(text) > 10:
        return None
    number = int(text)
    return number if 1 <= number <= top else None


def _plain_statement(view, request, key: tuple, compile_statement) -> str | None:
    """The statement of ``key`` for this caller, compiled on first use from the generic
    path's own queryset (``view.filter_queryset(view.get_queryset())``)."""
    full_key = (
        connection.vendor,
        ContentType.objects.get_for_model(Case).pk,
        *scope_key(request.user),
        *key,
    )

    def compile_plain():
        queryset = view.filter_queryset(view.get_queryset())
        if not is_summaries(queryset) or queryset.query.distinct:
            return None
        return compile_statement(queryset)

    return compiled_once(_PLAIN_STATEMENTS, full_key, compile_plain)


def _with_named_parameters(page_sql: str, params, varying: dict) -> str | None:
    """The whole statement (``selectors.case_summary_page_statement``) with every
    compiled value inlined and each stand-in of ``varying`` (name -> stand-in) a named
    parameter (``core.db.with_named_parameters``): what a request changes is then only
    what cannot change the plan, so the backend's ``prepared_cursor`` plans it once per
    connection."""
    sql, params = case_summary_page_statement(page_sql, params)
    return with_named_parameters(connection, sql, params, varying)


def _count_and_page_ids(queryset) -> str | None:
    """The count, a page's ids (``%(limit)s``, ``%(offset)s``) and their rows."""
    ids_sql, ids_params = queryset.values_list("pk", flat=True).query.sql_with_params()
    count_sql, count_params = (
        queryset.order_by().values_list("pk", flat=True).query.sql_with_params()
    )
    sql = (
        f"SELECT (SELECT COUNT(*) FROM ({count_sql}) plain_count), "
        f"ARRAY({ids_sql} LIMIT %s OFFSET %s)"
    )
    return _with_named_parameters(
        sql,
        (*count_params, *ids_params, _SENTINEL_LIMIT, _SENTINEL_OFFSET),
        {"limit": _SENTINEL_LIMIT, "offset": _SENTINEL_OFFSET},
    )


def _keyset_ids(ordering: str | None):
    """A cursor page's ids and rows (``%(limit)s``; no count, NULL in its place): after
    the cursor's (``%(value)s``, ``%(pk)s``) when ``ordering`` is given, from the start
    otherwise."""

    def compile_statement(queryset) -> str | None:
        varying = {"limit": _SENTINEL_LIMIT}
        if ordering is not None:
            sentinel = _SENTINEL_VALUES[ordering.lstrip("-")]
            queryset = after_cursor(queryset, ordering, sentinel, _SENTINEL_PK)
            varying |= {"value": sentinel, "pk": _SENTINEL_PK}
        sql, params = queryset.values_list("pk", flat=True).query.sql_with_params()
        return _with_named_parameters(
            f"SELECT NULL::bigint, ARRAY({sql} LIMIT %s)", (*params, _SENTINEL_LIMIT), varying
        )

    return compile_statement


def plain_page(view, request, per_page: int, max_per_page: int):
    """The page a plain request by page number asks for, or None (not plain: the generic
    path answers, and answers a page past the last with its 404).

    One statement gives the count (``COUNT(*)`` over the filtered, scoped cases), the
    page's ids (``ARRAY(ids ... LIMIT OFFSET)``) and their rows (``case_summary_page``).
    It is compiled from the generic path's own queryset once per caller scope
    (``access.scope_key``) and filter values: django-filter's form, the two compiled
    queries and two more round trips cost about 4 ms of a 10 ms page (bench/bench_peer.py).
    """
    plan = _plain_request(request, per_page, max_per_page)
    if plan is None or CURSOR_PARAM in request.query_params:
        return None
    key, number, size = plan
    statement = _plain_statement(view, request, (*key, "page"), _count_and_page_ids)
    if statement is None:
        return None
    count, rows = case_summary_page(
        statement, {"limit": Int8(size), "offset": Int8((number - 1) * size)}
    )
    paginator = DeferredJoinPaginator([], size)
    paginator.__dict__["count"] = count  # Paginator.count is a cached property
    if number > paginator.num_pages:
        return None
    return paginator._get_page(rows, number, paginator)


def plain_cursor_rows(view, request, ordering: str, size: int):
    """Up to ``size + 1`` rows of a plain request by cursor after its cursor, or None
    (not plain). Same compiled statement per caller scope, filters and ordering; only the
    cursor's value and id change. A bad cursor is the generic path's 400."""
    key = plain_list_key(request.query_params) if connection.vendor == "postgresql" else None
    if key is None:
        return None
    text = request.query_params.get(CURSOR_PARAM, "").strip()
    after = decode_cursor(text, ordering) if text else None
    statement = _plain_statement(
        view, request, (*key, "cursor", bool(after)), _keyset_ids(ordering if after else None)
    )
    if statement is None:
        return None
    params = {"limit": Int8(size + 1)}
    if after:
        params["value"], params["pk"] = after[0], Int8(after[1])
    return case_summary_page(statement, params)[1]


def _plain_request(request, per_page: int, max_per_page: int):
    """(key, page number, page size) of a plain JSON request on PostgreSQL, else None."""
    if connection.vendor != "postgresql":
        return None
    if getattr(getattr(request, "accepted_renderer", None), "format", None) != "json":
        return None
    key = plain_list_key(request.query_params)
    number = _positive(request.query_params.get("page"), 1, _MAX_PAGE_NUMBER)
    size = _positive(request.query_params.get("page_size"), per_page, max_per_page)
    if key is None or number is None or size is None:
        return None
    return key, number, size


class CasePagination(StandardPagination):
    """Page numbers (the default) or keyset cursors (``?cursor=``) for the case list."""

    django_paginator_class = DeferredJoinPaginator
    cursor_mode = False

    def paginate_queryset(self, queryset, request, view=None):
        self.cursor_mode = CURSOR_PARAM in request.query_params
        if not self.cursor_mode:
            rows = super().paginate_queryset(queryset, request, view)
            return self._with_next_cursor(rows, request, view)
        self.request = request
        ordering = self._ordering(request, view, strict=True)
        size = self.get_page_size(request)
        text = request.query_params.get(CURSOR_PARAM, "").strip()
        if text:
            queryset = after_cursor(queryset, ordering, *decode_cursor(text, ordering))
        return self._cursor_page(list(rows_for_slice(queryset, 0, size + 1)), ordering, size)

    def _cursor_page(self, rows, ordering: str, size: int):
        self.next_cursor = encode_cursor(ordering, rows[size - 1]) if len(rows) > size else None
        return rows[:size]

    def paginate_plain(self, request, view):
        """A plain request's page (``plain_page``) with the state ``paginate_queryset``
        leaves; None when the request is not plain."""
        if CURSOR_PARAM in request.query_params:
            return self._paginate_plain_cursor(request, view)
        page = plain_page(view, request, self.page_size, self.max_page_size)
        if page is None:
            return None
        self.request, self.cursor_mode, self.page = request, False, page
        if page.paginator.num_pages > 1 and self.template is not None:
            self.display_page_controls = True
        return self._with_next_cursor(list(page), request, view)

    def _paginate_plain_cursor(self, request, view):
        if _plain_request(request, self.page_size, self.max_page_size) is None:
            return None
        self.request, self.cursor_mode = request, True
        ordering = self._ordering(request, view, strict=True)
        size = self.get_page_size(request)
        rows = plain_cursor_rows(view, request, ordering, size)
        return None if rows is None else self._cursor_page(rows, ordering, size)

    def _with_next_cursor(self, rows, request, view):
        self.next_cursor = None
        if rows and self.page.has_next():
            self.next_cursor = self._cursor_after(rows[-1], request, view, strict=False)
        return rows

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
