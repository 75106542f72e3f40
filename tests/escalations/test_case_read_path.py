"""Issue 16 (API-1): the case detail and list read path.

The hand-built detail equals DRF's generic output; the detail is one statement on
PostgreSQL; list and detail answer conditional GETs (ETag, 304) per caller; the list pages
by number (ids first, so deep pages skip no subqueries) or by keyset cursor.
"""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.utils.urls import remove_query_param

from core.sla import sla_sweep
from escalations.models import Case, Kind, Segment
from escalations.services import case_claim, case_update

LIST = "/api/v1/cases/"


def detail_url(case):
    return f"/api/v1/cases/{case.reference}/"


@pytest.fixture
def varied_cases(make_case, agent, lead, team):
    """Cases with every optional field both set and blank, tags, clocks, a breach."""
    with time_machine.travel(dt.datetime(2026, 1, 5, 17, 0, tzinfo=dt.UTC), tick=False):
        late = make_case(kind=Kind.NEW_CLIENT_OUTREACH, client_segment=Segment.ENTERPRISE)
    full = make_case(
        kind=Kind.UNRESPONSIVE_FREELANCER,
        team=team,
        tags=["vip", "refund"],
        client_phone="+1 555 0100",
        client_company="Acme",
        contract_ids=["C-1", "C-2"],
        contract_type="hourly",
        contract_spend=Decimal("1234.5"),
        external_ticket_id="ZD-77",
        freelancer_name="Kofi",
        is_agency=True,
    )
    full = case_claim(case=full, agent=agent)
    bare = make_case(client_email="")
    sla_sweep()
    return [late, full, bare]


def test_detail_hand_built_equals_generic_serializer_api_1(varied_cases):
    """Every field the detail gives is what DRF's field loop gives, in the same order."""
    from rest_framework import serializers

    from escalations.selectors import case_detail_for, case_list
    from escalations.serializers import CaseSerializer, case_detail_data

    viewer = varied_cases[0].created_by
    with timezone.override("America/Los_Angeles"):
        for case in varied_cases:
            generic = serializers.ModelSerializer.to_representation(
                CaseSerializer(), case_list().get(pk=case.pk)
            )
            fast = case_detail_data(case_detail_for(user=viewer, reference=case.reference))
            assert fast == dict(generic)
            assert list(fast) == CaseSerializer.Meta.fields
    breached = case_detail_data(case_detail_for(user=viewer, reference=varied_cases[0].reference))
    assert breached["is_breached"] is True and breached["clocks"]


def test_detail_api_body_unchanged_api_1(agent_api, varied_cases):
    full = varied_cases[1]
    body = agent_api.get(detail_url(full)).json()
    assert body["contract_spend"] == "1234.50" and body["contract_type"] == "hourly"
    assert body["tags"] == ["refund", "vip"] and body["assignee"]["username"] == "agent"
    bare = agent_api.get(detail_url(varied_cases[2])).json()
    assert bare["client_email"] is None and bare["contract_type"] is None
    assert bare["external_ticket_id"] is None and bare["assignee"] is None


@pytest.mark.skipif(connection.vendor != "postgresql", reason="one statement on PostgreSQL")
def test_detail_is_one_statement_for_the_case_api_1(agent_api, varied_cases):
    agent_api.get(detail_url(varied_cases[1]))  # warm: content types
    with CaptureQueriesContext(connection) as ctx:
        r = agent_api.get(detail_url(varied_cases[1]))
    assert r.status_code == 200
    case_sql = [q["sql"] for q in ctx.captured_queries if "escalations_case" in q["sql"]]
    assert len(case_sql) == 1, case_sql


def test_detail_of_a_foreign_case_is_404_core_8(agent_b, varied_cases):
    from tests.conftest import _api_client

    r = _api_client(agent_b).get(detail_url(varied_cases[1]))
    assert r.status_code == 404


# Conditional GET --------------------------------------------------------------------------
def test_detail_etag_304_and_change_api_1(agent_api, lead_api, varied_cases, agent):
    case = varied_cases[1]
    first = agent_api.get(detail_url(case))
    etag = first["ETag"]
    assert etag and "Authorization" in first["Vary"]
    again = agent_api.get(detail_url(case), HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == etag
    # Another caller never shares the ETag (the scope differs per caller).
    assert lead_api.get(detail_url(case))["ETag"] != etag
    case_update(case=case, actor=agent, tags=["vip"])  # a tag change alone
    changed = agent_api.get(detail_url(case), HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert changed.json()["tags"] == ["vip"]


def test_list_etag_304_and_differs_per_visible_set_api_1(
    agent_api, agent_b, varied_cases, make_case
):
    from tests.conftest import _api_client

    url = LIST + "?kind=general"
    first = agent_api.get(url)
    etag = first["ETag"]
    assert agent_api.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    other = _api_client(agent_b).get(url)
    assert other.status_code == 200 and other["ETag"] != etag
    make_case(title="A new one")  # a new row in the filtered, visible set
    fresh = agent_api.get(url, HTTP_IF_NONE_MATCH=etag)
    assert fresh.status_code == 200 and fresh["ETag"] != etag


def test_list_etag_changes_when_only_a_clock_breaches_api_1(agent_api, make_case):
    with time_machine.travel(dt.datetime(2026, 1, 5, 17, 0, tzinfo=dt.UTC), tick=False):
        make_case(kind=Kind.NEW_CLIENT_OUTREACH, client_segment=Segment.ENTERPRISE)
    etag = agent_api.get(LIST)["ETag"]
    sla_sweep()  # the clock breaches; the case row itself is untouched
    after = agent_api.get(LIST, HTTP_IF_NONE_MATCH=etag)
    assert after.status_code == 200 and after.json()["results"][0]["is_breached"] is True


# Pagination -------------------------------------------------------------------------------
@pytest.fixture
def forty_cases(make_case, agent):
    """40 cases, several created at the same instant (ties broken by id)."""
    base = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    cases = []
    for i in range(40):
        with time_machine.travel(base + dt.timedelta(minutes=i // 3), tick=False):
            case = make_case(title=f"Walk {i}", tags=[f"t{i % 3}"])
        if i % 5 == 0:
            case = case_claim(case=case, agent=agent)
        cases.append(case)
    return cases


def _walk(client, query: str) -> list[str]:
    refs, cursor, pages = [], "", 0
    while cursor is not None:
        r = client.get(f"{LIST}?{query}&cursor={cursor}")
        assert r.status_code == 200, r.content
        body = r.json()
        assert body["count"] is None and body["previous"] is None
        refs += [row["reference"] for row in body["results"]]
        cursor = body["next_cursor"]
        assert (body["next"] is None) == (cursor is None)
        pages += 1
        assert pages < 50
    return refs


@pytest.mark.parametrize("ordering", ["", "-created_at", "created_at", "reference", "-updated_at"])
def test_cursor_walk_equals_page_numbers_api_1(agent_api, forty_cases, ordering):
    numbered = agent_api.get(f"{LIST}?page_size=500&ordering={ordering}").json()["results"]
    expected = [row["reference"] for row in numbered]
    walked = _walk(agent_api, f"page_size=7&ordering={ordering}")
    assert walked == expected and len(set(walked)) == 40


def test_cursor_pages_use_no_offset_and_no_count_api_1(agent_api, forty_cases):
    first = agent_api.get(f"{LIST}?page_size=10&cursor=").json()
    with CaptureQueriesContext(connection) as ctx:
        r = agent_api.get(f"{LIST}?page_size=10&cursor={first['next_cursor']}")
    assert r.status_code == 200 and len(r.json()["results"]) == 10
    sql = " ".join(q["sql"] for q in ctx.captured_queries).upper()
    assert "OFFSET" not in sql and "COUNT(" not in sql


def test_page_numbers_keep_their_shape_and_start_a_cursor_api_1(agent_api, forty_cases):
    page = agent_api.get(f"{LIST}?page_size=15&page=2").json()
    assert page["count"] == 40 and page["next"] and page["previous"]
    assert set(page) == {"count", "next", "previous", "next_cursor", "results"}
    third = agent_api.get(f"{LIST}?page_size=15&page=3").json()["results"]
    walked = agent_api.get(f"{LIST}?page_size=15&cursor={page['next_cursor']}").json()["results"]
    assert [r["reference"] for r in walked] == [r["reference"] for r in third]


@pytest.mark.parametrize("ordering", ["-created_at", "urgency", "-priority", "next_due_at"])
def test_deep_page_numbers_equal_slices_api_1(agent_api, forty_cases, ordering):
    """The ids-first OFFSET returns exactly the rows of the plain slice, in order."""
    everything = agent_api.get(f"{LIST}?page_size=500&ordering={ordering}").json()["results"]
    for number in (1, 3, 6):
        rows = agent_api.get(f"{LIST}?page_size=7&page={number}&ordering={ordering}").json()
        start = (number - 1) * 7
        assert rows["results"] == everything[start : start + 7]


def test_bad_cursors_are_400_naming_cursor_api_4(agent_api, forty_cases):
    good = agent_api.get(f"{LIST}?page_size=5&cursor=").json()["next_cursor"]
    for query in (
        "cursor=not-a-cursor",
        f"cursor={good[:-2]}xx",
        f"cursor={good}&ordering=reference",  # the cursor followed -created_at
        "cursor=&ordering=urgency",
        "cursor=&search=Walk",
    ):
        r = agent_api.get(f"{LIST}?{query}")
        assert r.status_code == 400, (query, r.content)
        assert "cursor" in r.json()["error"]["fields"], query
    assert Case.objects.count() == 40


def test_schema_documents_cursor_etag_and_304_api_1(admin_api):
    spec = admin_api.get("/api/schema/?format=json").json()
    listing = spec["paths"]["/api/v1/cases/"]["get"]
    names = {p["name"] for p in listing["parameters"]}
    assert {"cursor", "page", "page_size", "If-None-Match"} <= names
    assert "304" in listing["responses"]
    ref = listing["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    page = spec["components"]["schemas"][ref.rsplit("/", 1)[-1]]["properties"]
    assert page["next_cursor"]["nullable"] is True and page["count"]["nullable"] is True
    detail = spec["paths"]["/api/v1/cases/{reference}/"]["get"]
    assert "304" in detail["responses"] and "ETag" in detail["responses"]["200"]["headers"]


def test_deep_page_numbers_of_a_search_equal_slices_api_1(agent_api, forty_cases):
    """The ids-first OFFSET keeps the search's ranking on every page."""
    url = f"{LIST}?search=Walk"
    everything = agent_api.get(f"{url}&page_size=500").json()["results"]
    assert len(everything) == 40
    for number in (2, 4):
        rows = agent_api.get(f"{url}&page_size=9&page={number}").json()["results"]
        start = (number - 1) * 9
        assert rows == everything[start : start + 9]


@pytest.mark.parametrize("ordering", ["-created_at", "urgency", "next_due_at", "reference"])
def test_list_rows_by_id_equal_the_orm_rows_api_1(lead_api, lead, varied_cases, ordering):
    """A list page's rows (by id, one precompiled statement on PostgreSQL) are what DRF's
    generic field loop gives for the ORM's rows of that page, in the same order."""
    from rest_framework import serializers

    from escalations.access import cases_visible_to
    from escalations.selectors import case_list
    from escalations.serializers import CaseListSerializer

    case_claim(case=varied_cases[2], agent=lead)
    for page in (1, 2):
        body = lead_api.get(f"{LIST}?page_size=2&page={page}&ordering={ordering}").json()
        refs = [row["reference"] for row in body["results"]]
        assert refs
        orm = {case.reference: case for case in cases_visible_to(lead, case_list())}
        for row in body["results"]:
            case = orm[row["reference"]]
            case.assignee_username = case.assignee.username if case.assignee else None
            case.summary_tag_names = sorted(tag.name for tag in case.tags.all())
            case.client_segment = case.client_segment
            with timezone.override(lead.time_zone):  # the API answers in the caller's zone
                generic = serializers.ModelSerializer.to_representation(CaseListSerializer(), case)
            assert row == dict(generic)
    everything = lead_api.get(f"{LIST}?page_size=50&ordering={ordering}").json()["results"]
    assert {row["reference"] for row in everything} == {c.reference for c in varied_cases}
    assert any(row["tags"] for row in everything) and any(row["is_breached"] for row in everything)
    assert any(row["assignee"] for row in everything)


# The plain list (issue 16): simple filters and page numbers by one precompiled statement.
ON_POSTGRES = connection.vendor == "postgresql"


def _get(client, query: str):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(f"{LIST}?{query}")
    plain = any(
        "plain_count" in q["sql"] or "SELECT NULL::bigint, ARRAY(" in q["sql"]
        for q in ctx.captured_queries
    )
    return response, plain


def _cursor_of(text):
    """What a next_cursor says (ordering, value, id); the signature carries a timestamp."""
    from django.core import signing

    return text and signing.loads(text, salt="escalations.case-list-cursor")


@pytest.fixture
def mixed_cases(make_case, agent, team):
    """Cases over two kinds, three statuses, priorities and segments."""
    from escalations.services import case_transition

    cases = []
    for i in range(23):
        with time_machine.travel(
            dt.datetime(2026, 4, 6, 9, 0, tzinfo=dt.UTC) + dt.timedelta(minutes=i // 2), tick=False
        ):
            case = make_case(
                title=f"Plain {i}",
                kind=[Kind.UNRESPONSIVE_FREELANCER, Kind.NEW_CLIENT_OUTREACH][i % 2],
                priority=["low", "normal", "high", "urgent"][i % 4],
                client_segment=[Segment.ENTERPRISE, Segment.SMALL_BUSINESS][i % 3 == 0],
                team=team if i % 4 else None,
                tags=["vip"] if i % 5 == 0 else [],
            )
        if i % 3 == 1:
            case = case_claim(case=case, agent=agent)
            if i % 2 == 0:
                case = case_transition(
                    case=case, to_status="in_progress", actor=agent, reason="working"
                )
        cases.append(case)
    return cases


PLAIN_QUERIES = [
    "",
    "status=claimed",
    "status=in_progress&status=claimed",
    "kind=unresponsive_freelancer",
    "status=in_progress&kind=unresponsive_freelancer",
    "priority=high&priority=urgent&segment=enterprise",
    "ordering=reference",
    "ordering=-updated_at&kind=new_client_outreach",
    "ordering=created_at&status=new",
    "status=closed",  # nothing: count 0, an empty first page
]


@pytest.mark.parametrize("query", PLAIN_QUERIES)
def test_plain_list_equals_the_generic_path_api_1(agent_api, mixed_cases, query):
    """Every page of a plain request (one precompiled statement on PostgreSQL) is what the
    generic path (django-filter, the ORM's count and slice) answers for it: the same count,
    rows, order, next cursor and links."""
    for size, number in ((500, 1), (4, 1), (4, 2), (4, 3), (7, 2)):
        params = f"{query}&page_size={size}&page={number}".lstrip("&")
        plain, was_plain = _get(agent_api, params)
        # An unknown parameter changes nothing but takes the generic path.
        generic, generic_plain = _get(agent_api, f"{params}&generic=1")
        assert was_plain == ON_POSTGRES and not generic_plain
        if generic.status_code == 404:  # a page past the last: the generic path's 404
            assert plain.status_code == 404 and plain.json() == generic.json()
            continue
        assert plain.status_code == generic.status_code == 200, plain.content
        a, b = plain.json(), generic.json()
        assert a["count"] == b["count"] and a["results"] == b["results"]
        assert _cursor_of(a["next_cursor"]) == _cursor_of(b["next_cursor"])
        for link in ("next", "previous"):
            assert a[link] == (b[link] and remove_query_param(b[link], "generic"))
    everything = agent_api.get(f"{LIST}?{query}&page_size=500").json()
    assert everything["count"] == len(everything["results"])


@pytest.mark.parametrize("query", PLAIN_QUERIES)
def test_plain_cursor_walk_equals_the_generic_walk_api_1(agent_api, mixed_cases, query):
    """Walking a plain request by cursor (one precompiled keyset statement per page on
    PostgreSQL, only the cursor's values change) lists what the generic walk lists."""
    first, was_plain = _get(agent_api, f"{query}&page_size=3&cursor=")
    assert first.status_code == 200 and was_plain == ON_POSTGRES
    if first.json()["next_cursor"]:
        _, deeper_plain = _get(
            agent_api, f"{query}&page_size=3&cursor={first.json()['next_cursor']}"
        )
        assert deeper_plain == ON_POSTGRES
    walked = _walk(agent_api, f"{query}&page_size=3")
    assert walked == _walk(agent_api, f"{query}&page_size=3&generic=1")
    numbered = agent_api.get(f"{LIST}?{query}&page_size=500").json()["results"]
    assert walked == [row["reference"] for row in numbered]


def test_plain_list_counts_filters_and_orders_api_1(agent_api, mixed_cases, agent):
    body = agent_api.get(f"{LIST}?status=in_progress&kind=unresponsive_freelancer").json()
    expected = [
        c
        for c in mixed_cases
        if c.kind == Kind.UNRESPONSIVE_FREELANCER
        and Case.objects.get(pk=c.pk).status == "in_progress"
    ]
    assert body["count"] == len(expected) > 0
    assert [r["reference"] for r in body["results"]] == [
        c.reference for c in sorted(expected, key=lambda c: (c.created_at, c.pk), reverse=True)
    ]
    by_ref = agent_api.get(f"{LIST}?ordering=reference&page_size=5").json()["results"]
    assert [r["reference"] for r in by_ref] == sorted(c.reference for c in mixed_cases)[:5]


def test_plain_list_follows_a_change_of_scope_core_8(
    make_case, agent, agent_api, team_b, agent_b, mixed_cases
):
    """The compiled statement is per caller scope: a move to another team or the
    cross-team switch changes what the same plain request lists, at once."""
    from core.models import AccessSettings

    foreign = make_case(team=team_b, title="Team B only")
    own = agent_api.get(f"{LIST}?page_size=500").json()
    assert own["count"] == len(mixed_cases) and foreign.reference not in str(own)
    row = AccessSettings.current()
    row.cross_team_read = True
    row.save()
    widened = agent_api.get(f"{LIST}?page_size=500").json()
    assert widened["count"] == len(mixed_cases) + 1 and foreign.reference in str(widened)
    row.cross_team_read = False
    row.save()
    agent.team = team_b
    agent.save(update_fields=["team"])
    moved = agent_api.get(f"{LIST}?page_size=500").json()
    refs = {r["reference"] for r in moved["results"]}
    assert foreign.reference in refs
    # still theirs: the intake (no team) and the cases assigned to them
    assert refs == {foreign.reference} | {
        c.reference for c in mixed_cases if c.team_id is None or c.assignee_id == agent.pk
    }
    assert agent_b.team_id == team_b.pk


@pytest.mark.parametrize(
    "query, status",
    [
        ("status=bogus", 400),
        ("status=", 400),
        ("kind=new_client_outreach&kind=nope", 400),
        ("page=999", 404),
        ("page=0", 404),
        ("page=abc", 404),
        ("page_size=0", 200),
        ("page_size=100000", 200),
        ("ordering=bogus", 200),
        ("ordering=-status", 200),
    ],
)
def test_non_plain_requests_answer_as_before_api_4(agent_api, mixed_cases, query, status):
    """What is not plain (bad values, pages past the end, other orderings) takes the
    generic path: a 400 naming the parameter, the paginator's 404, DRF's page sizes."""
    response, plain = _get(agent_api, query)
    assert response.status_code == status, response.content
    generic = agent_api.get(f"{LIST}?{query}&generic=1")
    assert (
        generic.status_code == status
        and generic.json() == response.json()
        or (status == 200 and generic.json()["results"] == response.json()["results"])
    )
    if status == 400:
        assert query.split("=")[0] in response.json()["error"]["fields"]
    assert Case.objects.count() == len(mixed_cases)


def test_plain_list_follows_the_teams_a_lead_leads_core_8(
    lead, lead_api, admin_api, make_case, team_b, mixed_cases
):
    """A lead's plain list (page and cursor) widens the moment they lead another team; an
    admin's covers every team."""
    foreign = make_case(team=team_b, title="Team B only")
    for query in ("page_size=500", "page_size=500&cursor="):
        assert foreign.reference not in str(lead_api.get(f"{LIST}?{query}").json())
    team_b.lead = lead
    team_b.save(update_fields=["lead"])
    for query in ("page_size=500", "page_size=500&cursor="):
        assert foreign.reference in str(lead_api.get(f"{LIST}?{query}").json())
    everything = admin_api.get(f"{LIST}?page_size=500").json()
    assert everything["count"] == Case.objects.count() == len(mixed_cases) + 1


# Issue 16: the plain list's and the token check's statements are prepared (core/db).
def _prepared_statements(text_start: str):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans, custom_plans, parameter_types::text[] "
            "FROM pg_prepared_statements "
            "WHERE statement LIKE %s",
            [text_start + "%"],
        )
        return cursor.fetchall()


@pytest.mark.skipif(not ON_POSTGRES, reason="PostgreSQL's prepared statements")
@pytest.mark.django_db(transaction=True)
def test_list_detail_and_token_statements_are_planned_once_per_connection_api_1(
    make_case, lead_api, team
):
    cases = [
        make_case(kind=Kind.UNRESPONSIVE_FREELANCER, team=team, title=f"Prepared {n}")
        for n in range(3)
    ]
    pages = [
        lead_api.get(f"/api/v1/cases/?kind=unresponsive_freelancer&page_size=2&page={n}")
        for n in (1, 2, 1)
    ]
    assert [page.status_code for page in pages] == [200, 200, 200]
    assert pages[0].json() == pages[2].json()
    assert [row["title"] for row in pages[1].json()["results"]] == ["Prepared 0"]
    # One prepared statement per shape: the page statement ran three times, planned once.
    # Scope, filters and content type are inlined: only LIMIT and OFFSET are bound.
    ((generic, custom, types),) = _prepared_statements("WITH plain_page")
    assert (generic, custom, types) == (3, 0, ["bigint", "bigint"])
    details = [lead_api.get(detail_url(case)).json()["title"] for case in cases]
    assert details == ["Prepared 0", "Prepared 1", "Prepared 2"]
    assert lead_api.get("/api/v1/cases/ESC-999999/").status_code == 404
    ((generic, custom, types),) = _prepared_statements('SELECT "escalations_case"."id"')
    assert (generic, custom, types) == (4, 0, ["text"])  # the detail: only the reference
    ((generic, custom, types),) = _prepared_statements("SELECT u.")  # the token check
    assert (generic, custom, types) == (7, 0, ["text"])
