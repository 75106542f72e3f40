"""API-1/API-4 on cases: list filters and query budget, workflow actions, JSON errors."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import AuditEvent
from escalations.models import Case, Kind, Macro, Segment, Status
from escalations.services import case_claim, case_transition


def ref_url(case, action=""):
    return f"/api/v1/cases/{case.reference}/" + (f"{action}/" if action else "")


def assert_error(response, status, code, field=None):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()["error"]
    assert body["code"] == code and body["message"]
    if field:
        assert field in body["fields"], body
    return body


def test_create_case_and_lookup_by_reference_esc_1(agent_api, agent):
    response = agent_api.post(
        "/api/v1/cases/",
        {
            "title": "Refund for unfinished logo",
            "client_name": "Rae Client",
            "kind": "refund_request",
            "client_segment": "small_business",
            "contract_type": "fixed_price",
            "contract_spend": "1250.50",
            "contract_ids": ["C-1", "C-2"],
            "tags": ["Logo Design", "refund"],
            "external_ticket_id": "ZD-1",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["reference"].startswith("ESC-") and len(body["reference"]) == 10
    assert body["contract_spend"] == "1250.50"
    assert body["tags"] == ["logo-design", "refund"]
    assert body["status"] == "new" and body["allowed_transitions"] == ["claimed", "closed"]
    assert body["next_due_at"] and body["clocks"][0]["metric"] == "first_response"
    got = agent_api.get(f"/api/v1/cases/{body['reference']}/").json()
    assert got["title"] == "Refund for unfinished logo"


def test_create_bad_input_names_field_api_4(agent_api):
    r = agent_api.post("/api/v1/cases/", {"title": "x", "client_name": "y", "kind": "weird"})
    assert_error(r, 400, "validation_error", "kind")
    r = agent_api.post("/api/v1/cases/", {"client_name": "y"})
    assert_error(r, 400, "validation_error", "title")
    r = agent_api.post("/api/v1/cases/", {"title": "x", "client_name": "y", "contract_spend": "-1"})
    assert_error(r, 400, "validation_error", "contract_spend")
    assert Case.objects.count() == 0


def test_duplicate_external_ticket_id_refused_esc_1(agent_api, make_case):
    make_case(external_ticket_id="ZD-7")
    r = agent_api.post(
        "/api/v1/cases/", {"title": "x", "client_name": "y", "external_ticket_id": "ZD-7"}
    )
    assert_error(r, 400, "invalid", "external_ticket_id")


def test_unknown_case_is_json_404_api_4(agent_api):
    assert_error(agent_api.get("/api/v1/cases/ESC-999999/"), 404, "not_found")
    assert_error(agent_api.post("/api/v1/cases/ESC-999999/claim/"), 404, "not_found")


def test_claim_via_api_and_conflict_esc_4(agent_api, other_agent_api, make_case, agent):
    case = make_case()
    r = agent_api.post(ref_url(case, "claim"))
    assert r.status_code == 200 and r.json()["assignee"]["username"] == "agent"
    body = assert_error(other_agent_api.post(ref_url(case, "claim")), 409, "already_claimed")
    assert agent.get_full_name() in body["message"]


def test_transition_via_api_and_illegal_move_esc_3(agent_api, make_case, agent):
    case = case_claim(case=make_case(), agent=agent)
    r = agent_api.post(ref_url(case, "transition"), {"to": "waiting_on_client", "reason": "ids?"})
    assert r.status_code == 200 and r.json()["status"] == "waiting_on_client"
    audits = AuditEvent.objects.count()
    body = assert_error(
        agent_api.post(ref_url(case, "transition"), {"to": "new"}), 409, "illegal_transition"
    )
    assert "in_progress" in body["message"]
    assert AuditEvent.objects.count() == audits
    assert_error(agent_api.post(ref_url(case, "transition"), {}), 400, "validation_error", "to")
    assert_error(
        agent_api.post(ref_url(case, "transition"), {"to": "flying"}), 400, "invalid", "to"
    )


def test_transition_by_stranger_is_403_esc_3(other_agent_api, make_case, agent):
    case = case_claim(case=make_case(), agent=agent)
    assert_error(
        other_agent_api.post(ref_url(case, "transition"), {"to": "in_progress"}),
        403,
        "permission_denied",
    )


def test_notes_get_and_post_esc_7(agent_api, make_case, agent):
    case = case_claim(case=make_case(), agent=agent)
    r = agent_api.post(ref_url(case, "notes"), {"body": "called twice", "research": True})
    assert r.status_code == 201 and r.json()["visibility"] == "internal"
    r = agent_api.post(ref_url(case, "notes"), {"body": "Hi!", "visibility": "client_visible"})
    assert r.status_code == 201
    notes = agent_api.get(ref_url(case, "notes")).json()
    assert [n["body"] for n in notes] == ["called twice", "Hi!"]
    assert_error(agent_api.post(ref_url(case, "notes"), {"body": ""}), 400, "validation_error")
    visible = agent_api.get(ref_url(case, "timeline") + "?client_visible=true").json()
    assert [e["body"] for e in visible] == ["Hi!"]


def test_macro_render_endpoint_esc_6(agent_api, make_case):
    case = make_case()
    macro = Macro.objects.get(slug="no-phone-schedule-call")
    r = agent_api.get(f"/api/v1/macros/{macro.pk}/render/?case={case.reference}")
    assert r.status_code == 200, r.content
    assert r.json()["body"].startswith("Hello Dana Client,")
    r = agent_api.get(f"/api/v1/macros/{macro.pk}/render/?case={case.reference}&nickname=x")
    assert_error(r, 400, "unknown_placeholder", "extra")
    assert_error(agent_api.get(f"/api/v1/macros/{macro.pk}/render/"), 400, "invalid", "case")
    assert_error(
        agent_api.get(f"/api/v1/macros/{macro.pk}/render/?case=ESC-424242"), 404, "not_found"
    )


def test_macro_send_endpoint_esc_6(agent_api, make_case, agent):
    case = case_claim(case=make_case(), agent=agent)
    macro = Macro.objects.get(slug="no-phone-schedule-call")
    r = agent_api.post(f"/api/v1/macros/{macro.pk}/send/", {"case": case.reference})
    assert r.status_code == 201 and r.json()["visibility"] == "client_visible"


def test_checklist_tick_endpoint_nco_3(agent_api, agent):
    r = agent_api.post(
        "/api/v1/outreach/intake/",
        {"client_name": "Big Co", "client_segment": "enterprise", "job_post_value": "2500"},
    )
    assert r.status_code == 201, r.content
    ref = r.json()["case"]["reference"]
    assert r.json()["assessment"]["criteria_held"] == ["job_post_value", "segment"]
    assert agent_api.post(f"/api/v1/cases/{ref}/claim/").status_code == 200
    r = agent_api.post(f"/api/v1/cases/{ref}/checklist/touch_ticket/", {"done": True})
    assert r.status_code == 200 and r.json()["done_by"]["username"] == "agent"
    assert_error(agent_api.post(f"/api/v1/cases/{ref}/checklist/nope/"), 404, "not_found")
    csv_text = b"".join(agent_api.get("/api/v1/outreach/export/").streaming_content).decode()
    assert ref in csv_text


def test_contact_request_flow_via_api_esc_7(agent_api, lead_api, make_case, agent):
    case = case_claim(case=make_case(freelancer_email="f@example.com"), agent=agent)
    r = agent_api.post(ref_url(case, "contact-requests"), {"party": "client", "reason": "legal"})
    assert r.status_code == 201
    rid = r.json()["id"]
    assert_error(
        agent_api.get(f"/api/v1/contact-requests/{rid}/contact-info/"), 403, "not_approved"
    )
    assert_error(
        agent_api.post(f"/api/v1/contact-requests/{rid}/decide/", {"approve": True, "reason": "x"}),
        403,
        "permission_denied",
    )
    r = lead_api.post(f"/api/v1/contact-requests/{rid}/decide/", {"approve": True, "reason": "ok"})
    assert r.status_code == 200 and r.json()["status"] == "approved"
    assert agent_api.get(f"/api/v1/contact-requests/{rid}/contact-info/").json()["email"] == (
        "f@example.com"
    )


@pytest.fixture
def many_cases(make_case, agent, other_agent, lead):
    cases = []
    for i in range(30):
        case = make_case(
            title=f"Case {i}",
            kind=[Kind.GENERAL, Kind.REFUND_REQUEST, Kind.NEW_CLIENT_OUTREACH][i % 3],
            client_segment=Segment.ENTERPRISE,
            tags=["vip", f"t{i % 4}"],
        )
        if i % 2:
            case = case_claim(case=case, agent=agent if i % 4 == 1 else other_agent)
        cases.append(case)
    return cases


@pytest.mark.parametrize("page_size", [5, 30])
def test_list_uses_at_most_6_queries_whatever_page_size_api_1(
    agent_api, many_cases, page_size, django_assert_max_num_queries
):
    with django_assert_max_num_queries(6):
        r = agent_api.get(
            f"/api/v1/cases/?page_size={page_size}&status=new&status=claimed&kind=general"
            "&kind=refund_request&ordering=urgency"
        )
    assert r.status_code == 200
    assert len(r.json()["results"]) == min(page_size, 20)


def test_list_filters_api_1(agent_api, many_cases, agent):
    def refs(query):
        r = agent_api.get("/api/v1/cases/?page_size=100&" + query)
        assert r.status_code == 200, r.content
        return {c["reference"] for c in r.json()["results"]}

    assert len(refs("status=new")) == 15
    assert len(refs("assignee=me")) == len(refs("assignee=agent")) > 0
    assert len(refs("assignee=none")) == 15
    assert len(refs("kind=new_client_outreach")) == 10
    assert len(refs("tag=t1")) == len([c for i, c in enumerate(many_cases) if i % 4 == 1])
    assert len(refs(f"team={agent.team_id}")) == 30
    soon = (dt.datetime.now(dt.UTC) + dt.timedelta(days=3650)).isoformat()
    assert len(refs("due_before=" + soon.replace("+", "%2B"))) == 15  # unclaimed: running
    assert refs("breached=true") == set()
    assert len(refs("search=Case 1")) >= 1
    ordered = agent_api.get("/api/v1/cases/?ordering=urgency&status=new").json()["results"]
    dues = [c["next_due_at"] for c in ordered]
    assert dues == sorted(dues)
    assert_error(agent_api.get("/api/v1/cases/?status=bogus"), 400, "validation_error", "status")
    assert_error(agent_api.get("/api/v1/cases/?due_before=soon"), 400, "validation_error")


def test_breached_filter_api_1(agent_api, make_case, lead):
    import time_machine

    from core.sla import sla_sweep

    with time_machine.travel(dt.datetime(2026, 1, 5, 17, 0, tzinfo=dt.UTC), tick=False):
        late = make_case(kind=Kind.NEW_CLIENT_OUTREACH, client_segment=Segment.ENTERPRISE)
    make_case()
    sla_sweep()
    refs = [c["reference"] for c in agent_api.get("/api/v1/cases/?breached=true").json()["results"]]
    assert refs == [late.reference]
    late.refresh_from_db()
    case_transition(case=late, to_status=Status.CLOSED, actor=lead, reason="test")


def test_requires_authentication_api_1(api_client, db):
    assert_error(api_client.get("/api/v1/cases/"), 401, "not_authenticated")


def test_case_list_query_count_independent_of_rows(agent_api, many_cases):
    with CaptureQueriesContext(connection) as small:
        agent_api.get("/api/v1/cases/?page_size=2")
    with CaptureQueriesContext(connection) as big:
        agent_api.get("/api/v1/cases/?page_size=30")
    assert len(small.captured_queries) == len(big.captured_queries)


LIST_FIELDS = [
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


def test_list_representation_is_the_slim_case_api_1(agent_api, many_cases, agent):
    """API-1: list rows carry what a queue needs; the full case stays on the detail URL."""
    claimed = next(c for c in many_cases if c.assignee_id == agent.pk)
    r = agent_api.get("/api/v1/cases/?page_size=100")
    assert r.status_code == 200, r.content
    rows = {row["reference"]: row for row in r.json()["results"]}
    assert len(rows) == 30
    assert all(list(row) == LIST_FIELDS for row in rows.values())
    row = rows[claimed.reference]
    assert row["url"] == claimed.get_absolute_url()
    assert row["assignee"] == "agent" and row["team"] == agent.team_id
    assert row["segment"] == "enterprise" and row["status"] == "claimed"
    assert sorted(row["tags"]) == ["t1", "vip"] and row["is_breached"] is False
    unclaimed = next(r for r in rows.values() if r["status"] == "new")
    assert unclaimed["assignee"] is None and unclaimed["next_due_at"]
    full = agent_api.get(f"/api/v1/cases/{claimed.reference}/").json()
    for name in ("reference", "title", "kind", "status", "priority", "created_at", "next_due_at"):
        assert row[name] == full[name], name
    assert full["assignee"]["username"] == "agent" and "clocks" in full


def test_list_fast_representation_equals_declared_fields_api_1(many_cases, settings):
    """The hand-built list row is exactly what DRF's generic field loop gives."""
    from django.utils import timezone
    from rest_framework import serializers

    from escalations.selectors import case_summaries
    from escalations.serializers import CaseListSerializer

    with timezone.override("America/Los_Angeles"):
        serializer = CaseListSerializer()
        for case in case_summaries().order_by("-created_at", "-id"):
            generic = serializers.ModelSerializer.to_representation(serializer, case)
            assert serializer.to_representation(case) == dict(generic)
    assert list(CaseListSerializer().fields) == LIST_FIELDS


def test_list_schema_documents_list_representation_api_1(admin_api):
    schema = admin_api.get("/api/schema/?format=json")
    assert schema.status_code == 200
    spec = schema.json()
    listing = spec["paths"]["/api/v1/cases/"]["get"]["responses"]["200"]
    ref = listing["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    item = spec["components"]["schemas"][ref]["properties"]["results"]["items"]["$ref"]
    props = spec["components"]["schemas"][item.rsplit("/", 1)[-1]]["properties"]
    assert list(props) == LIST_FIELDS
    assert props["tags"]["type"] == "array" and props["assignee"]["nullable"] is True


def test_patch_calls_and_contact_attempts_esc_1(agent_api, make_case, agent):
    case = case_claim(case=make_case(kind=Kind.UNRESPONSIVE_FREELANCER), agent=agent)
    r = agent_api.patch(ref_url(case), {"priority": "urgent", "tags": ["vip"], "reason": "CEO"})
    assert r.status_code == 200 and r.json()["priority"] == "urgent" and r.json()["tags"] == ["vip"]
    assert_error(agent_api.patch(ref_url(case), {"priority": "meh"}), 400, "validation_error")
    r = agent_api.post(
        ref_url(case, "calls"),
        {"party": "client", "outcome": "connected", "answers": {"options": "close contract"}},
    )
    assert r.status_code == 201 and r.json()["answers"] == {"options": "close contract"}
    r = agent_api.post(
        ref_url(case, "calls"),
        {"party": "client", "outcome": "connected", "answers": {"mood": "angry"}},
    )
    assert_error(r, 400, "invalid", "answers")
    assert len(agent_api.get(ref_url(case, "calls")).json()) == 1
    r = agent_api.post(ref_url(case, "contact-attempts"), {"channel": "email"})
    assert_error(r, 400, "research_incomplete", "research_incomplete_ok")  # UFL-4 gate
    r = agent_api.post(
        ref_url(case, "contact-attempts"), {"channel": "email", "research_incomplete_ok": True}
    )
    assert r.status_code == 201
    clocks = agent_api.get(ref_url(case)).json()["clocks"]
    assert {c["metric"] for c in clocks} == {"first_response", "client_follow_up"}
