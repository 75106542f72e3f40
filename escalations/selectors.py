"""Reads with their joins already set, so no caller can cause N+1 queries."""

from __future__ import annotations

import datetime as dt
import json

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models import Case as When_
from django.db.models.functions import TruncWeek
from django.utils import timezone

from core.db import prepared_cursor, with_named_parameters
from core.errors import NotFound
from core.models import SlaClock, Team, User

from .access import case_for, cases_decidable_by, cases_visible_to, scope_key
from .models import (
    PRIORITY_RANK,
    Case,
    CaseEvent,
    Kind,
    Macro,
    NcoAssessment,
    NdfMark,
    Status,
    Tag,
    Visibility,
    parse_reference,
)

OPEN_CLOCK_STATES = ("running", "paused")


def _case_clocks(state=None):
    qs = SlaClock.objects.filter(
        content_type=ContentType.objects.get_for_model(Case), object_id=OuterRef("pk")
    )
    return qs.filter(state=state) if state else qs


def priority_rank_expression():
    return When_(
        *[When(priority=p, then=Value(rank)) for p, rank in PRIORITY_RANK.items()],
        default=Value(1),
        output_field=IntegerField(),
    )


def _case_annotated() -> QuerySet[Case]:
    """Cases with ``next_due_at``, ``is_breached`` and ``priority_rank`` (filters, ordering).

    ``next_due_at`` is the earliest due time of a clock still owed (running, or breached
    and not yet met, whose due time has passed); ``is_breached`` says whether any clock
    breached. Both are subqueries, so filters and ordering on them stay
    one SQL statement.
    """
    return Case.objects.alias(
        # Any breached clock will do: no ORDER BY, so no sort per row.
        _breached_clock=Subquery(_case_clocks("breached").order_by().values("pk")[:1])
    ).annotate(
        next_due_at=Subquery(
            _case_clocks()
            .filter(Q(state="running") | Q(state="breached", met_at__isnull=True))
            .order_by("due_at")
            .values("due_at")[:1]
        ),
        # A scalar subquery, not EXISTS: PostgreSQL would hash an EXISTS over every
        # breached clock on each request; this probes the index for the page's rows.
        is_breached=ExpressionWrapper(
            Q(_breached_clock__isnull=False), output_field=BooleanField()
        ),
        priority_rank=priority_rank_expression(),
    )


def case_list(*, user=None) -> QuerySet[Case]:
    """Every case with what a page or the full API shape shows: people, tags, clocks."""
    clocks = SlaClock.objects.order_by("due_at", "id")
    return (
        _case_annotated()
        .select_related("assignee", "team")
        .prefetch_related("tags", Prefetch("sla_clocks", queryset=clocks))
    )


# The columns CaseListSerializer reads (API-1 list representation).
CASE_SUMMARY_FIELDS = (
    "id",
    "reference",
    "title",
    "kind",
    "status",
    "priority",
    "client_segment",
    "client_name",
    "client_company",
    "team_id",
    "created_at",
    "updated_at",
)


def case_summaries(*, user=None) -> QuerySet[Case]:
    """The case list API's rows: only the summary columns, the assignee's username (a
    column, no User object) and the tag names; next due time and breach flag are
    subqueries on the clock index, and no clock rows are loaded.

    On PostgreSQL the tag names are an array subquery, so a page is one statement (plus
    the count); elsewhere they come from one prefetch. bench/bench_case_list.py
    """
    ct_id = ContentType.objects.get_for_model(Case).pk
    key = (connection.vendor, ct_id)
    base = _SUMMARIES_BASE.get(key)
    if base is None:
        base = _SUMMARIES_BASE[key] = _case_summaries_base()
    # A clone of a queryset built once per process: building the annotations
    # (subqueries resolved against the query) cost 2 ms per request, a clone 0.1 ms.
    qs = base.all()
    if connection.vendor != "postgresql":
        qs = qs.prefetch_related(Prefetch("tags", queryset=Tag.objects.only("id", "name")))
    return qs


# (database vendor, Case content type id) -> the unevaluated base queryset.
_SUMMARIES_BASE: dict[tuple[str, int], QuerySet[Case]] = {}


class CaseSummaryRow:
    """One ``case_summaries`` row as plain attributes: what ``CaseListSerializer`` and the
    list's cursor read (``pk`` included), without a model instance."""

    def __init__(self, values: dict):
        self.__dict__.update(values)

    @property
    def pk(self) -> int:
        return self.id


def is_summaries(queryset) -> bool:
    """Whether ``queryset`` is a PostgreSQL ``case_summaries`` query (only there does it
    carry the tag-name array), whose rows ``case_summary_rows`` can fetch by id."""
    return isinstance(queryset, QuerySet) and "summary_tag_names" in queryset.query.annotations


def case_summary_rows(ids: list[int]) -> list:
    """The ``case_summaries`` rows of ``ids``, in the order of ``ids`` (a list page), on
    PostgreSQL (see ``is_summaries``).

    One statement whose SQL is compiled once per process (only the id array changes
    between requests): compiling the annotated query (next due time, breach flag,
    assignee, tag names) cost about 3.5 ms a page, more than running it.
    bench/bench_peer.py
    """
    if not ids:
        return []
    sql, params = _summary_rows_sql()
    with connection.cursor() as cursor:
        compiled_timestamps(cursor)
        cursor.execute(sql, [*params, list(ids)])
        names = [column.name for column in cursor.description]
        rows = [CaseSummaryRow(dict(zip(names, row, strict=True))) for row in cursor]
    found = {row.id: row for row in rows}
    return [found[pk] for pk in ids if pk in found]


def case_summary_page_statement(page_sql: str, page_params) -> tuple[str, list]:
    """The statement of a list page whose count and ids ``page_sql`` gives (one row,
    ``SELECT <count>, ARRAY(<ids>)``) with its ``case_summaries`` rows in the order of the
    ids, all in one round trip (PostgreSQL); ``case_summary_page`` runs it."""
    rows_sql, rows_params = _summary_rows_sql()
    if not rows_sql.endswith("ANY(%s)"):
        raise RuntimeError("case_summary_page: unexpected SQL shape")
    sql = (
        f"WITH plain_page (total, ids) AS MATERIALIZED ({page_sql}) "
        "SELECT plain_page.total, summary.* FROM plain_page LEFT JOIN LATERAL ("
        f"{rows_sql[: -len('%s)')]}plain_page.ids)) summary ON true "
        "ORDER BY array_position(plain_page.ids, summary.id)"
    )
    return sql, [*page_params, *rows_params]


def case_summary_page(sql: str, params) -> tuple[int, list]:
    """(count, rows) of a ``case_summary_page_statement`` whose values are inlined but the
    request's own (``core.db.with_named_parameters``), through the backend's
    ``prepared_cursor`` (planned once per connection, core/db/postgresql)."""
    with prepared_cursor(connection) as cursor:
        compiled_timestamps(cursor)
        cursor.execute(sql, params)
        names = [column.name for column in cursor.description][1:]
        fetched = cursor.fetchall()
    rows = [  # the LEFT JOIN gives one row of NULLs when no case is on the page
        CaseSummaryRow(dict(zip(names, values[1:], strict=True)))
        for values in fetched
        if values[1] is not None
    ]
    return (fetched[0][0] if fetched else 0), rows


def _summary_rows_sql() -> tuple[str, list]:
    key = ContentType.objects.get_for_model(Case).pk
    compiled = _SUMMARY_ROWS_SQL.get(key)
    if compiled is None:
        compiled = _SUMMARY_ROWS_SQL[key] = _compile_summary_rows()
    return compiled


def _compile_summary_rows() -> tuple[str, list]:
    """The summaries' SQL with ``WHERE id = ANY(%s)`` last, and its fixed parameters."""
    sql, params = case_summaries().filter(pk__in=[0]).order_by().query.sql_with_params()
    quote = connection.ops.quote_name
    where = f"{quote(Case._meta.db_table)}.{quote('id')} IN (%s)"
    if not sql.endswith(where) or list(params[-1:]) != [0]:
        raise RuntimeError(f"case_summary_rows: unexpected SQL shape: {sql[-200:]}")
    return sql[: -len(where)] + f"{quote(Case._meta.db_table)}.{quote('id')} = ANY(%s)", list(
        params[:-1]
    )


_SUMMARY_ROWS_SQL: dict[int, tuple[str, list]] = {}


def compiled_timestamps(cursor) -> None:
    """Load this PostgreSQL cursor's timestamps with psycopg's C loader, not Django's Python
    subclass of the pure-Python one (it sets the connection's zone on each value): a list
    page loads 150 of them, about 1 ms of Python (bench/bench_peer.py). Only when the
    session's zone is UTC, as Django sets it with ``USE_TZ``: the C loader then gives the
    same aware UTC datetimes (``datetime.timezone.utc``)."""
    if connection.timezone_name != "UTC":
        return
    import psycopg

    if psycopg.pq.__impl__ == "python":
        return
    oid = psycopg.postgres.types["timestamptz"].oid
    cursor.cursor.adapters.register_loader(
        oid, psycopg.adapters.get_loader(oid, psycopg.pq.Format.TEXT)
    )


def _case_summaries_base() -> QuerySet[Case]:
    qs = (
        _case_annotated()
        # A scalar subquery, not a join: COUNT(*) drops it and stays an index-only scan
        # of (status, kind, -created_at); a join kept the count on the heap (1.4 -> 8 ms).
        .annotate(
            assignee_username=Subquery(
                User.objects.filter(pk=OuterRef("assignee_id")).order_by().values("username")[:1]
            )
        )
        .only(*CASE_SUMMARY_FIELDS)
    )
    if connection.vendor == "postgresql":
        from django.contrib.postgres.expressions import ArraySubquery

        names = Tag.objects.filter(cases=OuterRef("pk")).order_by("name").values("name")
        qs = qs.annotate(summary_tag_names=ArraySubquery(names))
    return qs


# Issue 16 (API-1, perf): the case detail in one statement ------------------------------
CLOCK_DETAIL_FIELDS = (
    "id",
    "metric",
    "state",
    "target_seconds",
    "started_at",
    "due_at",
    "warn_at",
    "warned_at",
    "paused_at",
    "met_at",
    "breached_at",
    "acknowledged_at",
)

# (database vendor, Case content type id) -> the unevaluated detail queryset.
_DETAIL_BASE: dict[tuple[str, int], QuerySet[Case]] = {}


def case_detail_for(*, user, reference: str) -> Case:
    """``GET /cases/{reference}/``: the case if ``user`` may see it (CORE-8), else NotFound.

    On PostgreSQL the tag names and the clocks (as JSON, ``detail_clocks``) are array
    subqueries of the case's own statement, so the detail is one query, and that
    statement's SQL is compiled once per caller's scope (``cases_visible_to`` then the
    reference, compiled by Django; only the reference changes between requests):
    compiling it was half the detail's Python time. Elsewhere the tags and clocks are
    prefetched. bench/bench_peer.py
    """
    key = (connection.vendor, ContentType.objects.get_for_model(Case).pk)
    base = _DETAIL_BASE.get(key)
    if base is None:
        base = _DETAIL_BASE[key] = _case_detail_base()
    if connection.vendor != "postgresql":
        return case_for(user, reference, queryset=base.all())
    text = (reference or "").strip().upper()
    statement = _detail_statement(user, base, key) if parse_reference(text) else None
    if statement is _BY_ORM:
        return case_for(user, reference, queryset=base.all())
    row = None
    if statement is not None:
        with prepared_cursor(connection) as cursor:  # planned once per connection
            cursor.execute(statement, {"reference": text})
            row = cursor.fetchone()
    if row is None:
        return case_for(user, reference, queryset=base.none())  # the same 404 and log line
    return _detail_case(row)


_REFERENCE_SENTINEL = "ESC-REFERENCE-SENTINEL"
_DETAIL_COLUMNS = (
    *(f.attname for f in Case._meta.concrete_fields),
    "assignee__username",
    "assignee__first_name",
    "assignee__last_name",
    "team__name",
    "next_due_at",
    "is_breached",
    "detail_tag_names",
    "detail_clocks",
)
# (vendor, content type, the caller's scope) -> SQL with %(reference)s; None when the
# caller sees no case; _BY_ORM when the SQL has an unexpected shape (the ORM answers).
_BY_ORM = "by the ORM"
_DETAIL_STATEMENTS: dict[tuple, str | None] = {}


def _detail_statement(user, base, key):
    def compile_statement():
        qs = cases_visible_to(user, base.all()).filter(reference=_REFERENCE_SENTINEL)
        sql, params = qs.values_list(*_DETAIL_COLUMNS)[:1].query.sql_with_params()
        named = with_named_parameters(connection, sql, params, {"reference": _REFERENCE_SENTINEL})
        return _BY_ORM if named is None else named

    return compiled_once(_DETAIL_STATEMENTS, (*key, *scope_key(user)), compile_statement)


_UNCOMPILED = object()


def compiled_once(cache: dict, key: tuple, compile_statement):
    """``cache[key]``, compiled by ``compile_statement()`` on first use; None when the
    caller sees no case at all (``EmptyResultSet``). One entry per caller scope (and
    whatever else ``key`` holds), so the cache is bounded: emptied past 2,000 entries."""
    statement = cache.get(key, _UNCOMPILED)
    if statement is _UNCOMPILED:
        try:
            statement = compile_statement()
        except EmptyResultSet:
            statement = None
        if len(cache) > 2000:
            cache.clear()
        cache[key] = statement
    return statement


def _detail_case(row) -> Case:
    """A ``Case`` with its assignee, team, tag names and clocks from one detail row."""
    n = len(Case._meta.concrete_fields)
    case = Case(*row[:n])
    username, first, last, team_name, due, breached, tags, clocks = row[n:]
    if isinstance(case.contract_ids, str):
        case.contract_ids = json.loads(case.contract_ids)
    if case.assignee_id is not None:
        case.assignee = User(
            id=case.assignee_id, username=username, first_name=first, last_name=last
        )
    if case.team_id is not None:
        case.team = Team(id=case.team_id, name=team_name)
    case.next_due_at, case.is_breached, case.detail_tag_names = due, breached, tags
    case.detail_clocks = [json.loads(c) if isinstance(c, str) else c for c in clocks]
    case._state.adding, case._state.db = False, connection.alias
    return case


def _case_detail_base() -> QuerySet[Case]:
    qs = _case_annotated().select_related("assignee", "team")
    if connection.vendor != "postgresql":
        return qs.prefetch_related(
            "tags", Prefetch("sla_clocks", queryset=SlaClock.objects.order_by("due_at", "id"))
        )
    from django.contrib.postgres.expressions import ArraySubquery
    from django.db.models.functions import JSONObject

    names = Tag.objects.filter(cases=OuterRef("pk")).order_by("name").values("name")
    clocks = (
        _case_clocks()
        .order_by("due_at", "id")
        .values(json=JSONObject(**{name: name for name in CLOCK_DETAIL_FIELDS}))
    )
    return qs.annotate(detail_tag_names=ArraySubquery(names), detail_clocks=ArraySubquery(clocks))


def case_most_urgent_first(qs: QuerySet[Case]) -> QuerySet[Case]:
    """TEAM-1: the nearest running due time first, then priority, then the oldest."""
    from django.db.models import F

    return qs.order_by(F("next_due_at").asc(nulls_last=True), "-priority_rank", "created_at", "id")


FINISHED = (Status.RESOLVED, Status.CLOSED)


def case_queue_for(*, agent, finished: bool = False) -> QuerySet[Case]:
    """An agent's queue: their open cases and the unassigned new ones they may claim
    (their teams' and the shared intake; CORE-8), most urgent first.

    ``finished``: their resolved and closed cases (and unassigned ones closed unworked)
    instead of the open work (ESC-3).
    """
    qs = cases_visible_to(agent, case_list())
    if finished:
        qs = qs.filter(Q(assignee=agent) | Q(assignee__isnull=True), status__in=FINISHED)
    else:
        qs = qs.filter(Q(assignee=agent) | Q(assignee__isnull=True, status=Status.NEW)).exclude(
            status__in=FINISHED
        )
    return case_most_urgent_first(qs)


def case_get(*, reference: str, queryset: QuerySet[Case] | None = None) -> Case:
    qs = queryset if queryset is not None else case_list()
    pk = parse_reference(reference)
    case = qs.filter(reference=(reference or "").strip().upper()).first() if pk else None
    if case is None:
        raise NotFound(f"No case with reference {reference!r}.")
    return case


def case_timeline(*, case: Case, client_visible_only: bool = False) -> QuerySet[CaseEvent]:
    qs = case.events.select_related("actor").order_by("at", "id")
    return qs.filter(visibility=Visibility.CLIENT_VISIBLE) if client_visible_only else qs


def case_notes(*, case: Case) -> QuerySet[CaseEvent]:
    return case_timeline(case=case).notes()


def case_client_transcript(*, case: Case) -> str:
    """Everything the client may see, as plain text (ESC-7: internal events excluded).

    Use this for anything sent to a client or freelancer (exports, emails, portals).
    """
    lines = [f"{case.reference}: {case.title}", ""]
    for event in case_timeline(case=case, client_visible_only=True):
        who = "You" if event.kind == "client_message" else "Support"
        lines.append(f"[{event.at:%Y-%m-%d %H:%M} UTC] {who}:")
        lines.append(event.body)
        lines.append("")
    return "\n".join(lines)


def case_clocks_for(*, case: Case) -> QuerySet[SlaClock]:
    return case.sla_clocks.select_related("calendar", "case_link__policy").order_by(
        "started_at", "id"
    )


def macros_for_case(*, case: Case) -> list[Macro]:
    return [m for m in Macro.objects.filter(active=True) if m.suits(case)]


def macros_suggested_for(*, case: Case) -> list[Macro]:
    """UFL-6: with no client phone on file, offer the scheduling macro(s)."""
    if (case.client_phone or "").strip():
        return []
    return [m for m in macros_for_case(case=case) if m.suggest_when_no_phone]


# Breach review (ESC-8) ---------------------------------------------------------------
def _team_clocks(
    *, team=None, viewer=None, agent=None, policy=None, metric=None, since=None, until=None
):
    """Clocks of cases; ``viewer`` limits them to the cases that lead decides on (CORE-8)."""
    ct = ContentType.objects.get_for_model(Case)
    qs = SlaClock.objects.filter(content_type=ct)
    if viewer is not None:
        qs = qs.filter(object_id__in=cases_decidable_by(viewer).values("pk"))
    if team is not None:
        qs = qs.filter(case__team=team)
    if agent is not None:
        qs = qs.filter(case__assignee=agent)
    if policy is not None:
        qs = qs.filter(case_link__policy=policy)
    if metric:
        qs = qs.filter(metric=metric)
    if since is not None:
        qs = qs.filter(due_at__gte=since)
    if until is not None:
        qs = qs.filter(due_at__lt=until)
    return qs


def clocks_breached(
    *,
    team=None,
    viewer=None,
    agent=None,
    policy=None,
    metric=None,
    since=None,
    until=None,
    unacknowledged=None,
) -> QuerySet[SlaClock]:
    qs = _team_clocks(
        team=team,
        viewer=viewer,
        agent=agent,
        policy=policy,
        metric=metric,
        since=since,
        until=until,
    ).filter(state="breached")
    if unacknowledged is True:
        qs = qs.filter(acknowledged_at__isnull=True)
    elif unacknowledged is False:
        qs = qs.filter(acknowledged_at__isnull=False)
    return _with_case(qs).order_by("-breached_at", "-id")


def clocks_at_risk(*, team=None, viewer=None, agent=None, policy=None, metric=None, now=None):
    """Running clocks past their warning time but not yet due."""
    now = now or timezone.now()
    qs = _team_clocks(team=team, viewer=viewer, agent=agent, policy=policy, metric=metric).filter(
        state="running", warn_at__lte=now, due_at__gt=now
    )
    return _with_case(qs).order_by("due_at", "id")


def _with_case(qs):
    return qs.select_related("case_link__policy", "case_link__case__assignee", "acknowledged_by")


def clock_case(clock: SlaClock) -> Case | None:
    link = getattr(clock, "case_link", None)
    return link.case if link is not None else None


def compliance_by_week(
    *, team=None, viewer=None, agent=None, policy=None, metric=None, weeks: int = 8, now=None
) -> list[dict]:
    """Per ISO week (by due time): clocks met, breached, and the share met (ESC-8)."""
    now = now or timezone.now()
    start = (now - dt.timedelta(weeks=weeks)).replace(hour=0, minute=0, second=0, microsecond=0)
    start -= dt.timedelta(days=start.weekday())
    rows = (
        _team_clocks(
            team=team,
            viewer=viewer,
            agent=agent,
            policy=policy,
            metric=metric,
            since=start,
            until=now,
        )
        .filter(state__in=["met", "breached"])
        .annotate(week=TruncWeek("due_at"))
        .values("week")
        .annotate(
            met=Count("id", filter=Q(state="met")), breached=Count("id", filter=Q(state="breached"))
        )
        .order_by("week")
    )
    by_week = {row["week"].date(): row for row in rows}
    result = []
    for i in range(weeks + 1):
        week = (start + dt.timedelta(weeks=i)).date()
        if week > now.date():
            break
        row = by_week.get(week, {"met": 0, "breached": 0})
        total = row["met"] + row["breached"]
        result.append(
            {
                "week": week,
                "met": row["met"],
                "breached": row["breached"],
                "total": total,
                "compliance": round(100 * row["met"] / total, 1) if total else None,
            }
        )
    return result


# New-client outreach tracker (NCO-4) ---------------------------------------------------
def outreach_tracker(
    *,
    viewer,
    status=None,
    segment=None,
    assignee=None,
    criteria_min=None,
    routed_general=None,
    since=None,
    until=None,
    search=None,
) -> QuerySet[NcoAssessment]:
    qs = NcoAssessment.objects.select_related("case__assignee", "case__team", "reporter").filter(
        case__in=cases_visible_to(viewer).values("pk")
    )
    if status:
        qs = qs.filter(case__status=status)
    if segment:
        qs = qs.filter(segment=segment)
    if assignee is not None:
        qs = qs.filter(case__assignee=assignee)
    if criteria_min is not None:
        qs = qs.filter(criteria_met__gte=criteria_min)
    if routed_general is not None:
        qs = qs.filter(routed_as_general=routed_general)
    if since is not None:
        qs = qs.filter(created_at__gte=since)
    if until is not None:
        qs = qs.filter(created_at__lt=until)
    if search:
        qs = qs.filter(
            Q(case__client_name__icontains=search)
            | Q(case__client_company__icontains=search)
            | Q(case__client_email__icontains=search)
            | Q(case__reference__iexact=search.strip())
        )
    return qs.order_by("-created_at", "-id")


def is_outreach_case(case: Case) -> bool:
    return case.kind == Kind.NEW_CLIENT_OUTREACH


__all__ = [
    "case_client_transcript",
    "case_clocks_for",
    "case_get",
    "case_list",
    "case_most_urgent_first",
    "case_summaries",
    "case_notes",
    "case_queue_for",
    "case_timeline",
    "clock_case",
    "clocks_at_risk",
    "clocks_breached",
    "compliance_by_week",
    "macros_for_case",
    "macros_suggested_for",
    "outreach_tracker",
]


# Pages: the queue, the case page (added with the pages; TEAM-1) ------------------------
def case_overdue_first(qs: QuerySet[Case]) -> QuerySet[Case]:
    """The queue's order: cases with a breached clock not yet met first, then most urgent."""
    from django.db.models import F

    overdue = Exists(_case_clocks("breached").filter(met_at__isnull=True))
    return qs.annotate(is_overdue=overdue).order_by(
        F("is_overdue").desc(),
        F("next_due_at").asc(nulls_last=True),
        "-priority_rank",
        "created_at",
        "id",
    )


def case_queue_for_team(*, viewer, team=None, finished: bool = False) -> QuerySet[Case]:
    """A lead's queue: the open cases the viewer may see, narrowed to ``team`` and the
    unassigned new ones when given. ``finished``: the resolved and closed ones instead
    (ESC-3), narrowed to ``team`` and the unassigned ones."""
    if finished:
        qs = cases_visible_to(viewer, case_list().filter(status__in=FINISHED))
        if team is not None:
            qs = qs.filter(Q(team=team) | Q(assignee__isnull=True))
        return case_most_urgent_first(qs)
    qs = cases_visible_to(viewer, case_list().open())
    if team is not None:
        qs = qs.filter(Q(team=team) | Q(assignee__isnull=True, status=Status.NEW))
    return case_most_urgent_first(qs)


def contact_requests_for(*, case: Case):
    return case.contact_requests.select_related("requested_by", "decided_by").order_by(
        "-created_at", "-id"
    )


# UFL-5: non-delivery fraud per freelancer (read by the credit policy, CRD-1) -------------
def ndf_count_for_freelancer(freelancer_ref: str) -> int:
    """How many cases marked this freelancer as non-delivery fraud.

    ``freelancer_ref`` is the freelancer's marketplace id as stored on cases
    (``Case.freelancer_id``); blank or unknown ids count 0.
    """
    ref = (freelancer_ref or "").strip()
    if not ref:
        return 0
    return NdfMark.objects.filter(freelancer_ref=ref).count()
