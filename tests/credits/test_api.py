"""The credit endpoints (CRD-1 to CRD-5, CORE-8): bad input is a 4xx naming the field."""

from __future__ import annotations

import pytest

from core.services import user_api_token
from credits.models import CreditFact, CreditQuote, IdempotencyRecord, LedgerEntry
from tests.factories import TeamFactory, UserFactory


def _client(user):
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {user_api_token(user=user)}")
    return client


@pytest.fixture
def big_case(refund_case, facts):
    case = refund_case()
    facts(case, contract_id="C-API", non_refunded_payments="1000.00")
    return case


def _quote(api, case):
    response = api.post(f"/api/v1/cases/{case.reference}/credit-quotes/")
    assert response.status_code == 201, response.content
    return response.json()


def _issue(api, quote_id, key="key-1", body=None):
    return api.post(
        f"/api/v1/credit-quotes/{quote_id}/issue/",
        body or {},
        format="json",
        HTTP_IDEMPOTENCY_KEY=key,
    )


def test_facts_posted_over_the_api_keep_who_and_source_crd_1(agent_api, refund_case, agent):
    case = refund_case()
    response = agent_api.post(
        f"/api/v1/cases/{case.reference}/credit-facts/",
        {"contract_id": "C-7", "non_refunded_payments": "300.00", "ndf_found": True},
        format="json",
    )
    assert response.status_code == 200, response.content
    names = {f["name"]: f for f in response.json()["facts"]}
    assert names["non_refunded_payments"]["value"] == "300.00"
    assert names["ndf_found"]["value"] == "yes"
    assert names["contract_id"]["entered_by"] == agent.username
    assert names["contract_id"]["source"] == "api"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"contract_id": "C-7", "non_refunded_payments": "-1"}, "non_refunded_payments"),
        ({"contract_id": "C-7", "non_refunded_payments": "ten"}, "non_refunded_payments"),
        ({"contract_id": "C-7", "non_refunded_payments": "1.005"}, "non_refunded_payments"),
        ({"tenure_months": -3}, "tenure_months"),
        ({"code_review": "maybe"}, "code_review"),
        ({"colour": "blue"}, "colour"),
        ({}, "facts"),
    ],
)
def test_bad_facts_are_400_and_change_nothing_crd_1(agent_api, refund_case, body, field):
    case = refund_case()
    response = agent_api.post(f"/api/v1/cases/{case.reference}/credit-facts/", body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["fields"]
    assert not CreditFact.objects.filter(case=case).exists()


def test_the_flow_quote_approve_with_change_issue_retry_crd_3_crd_5(agent_api, lead_api, big_case):
    quote = _quote(agent_api, big_case)
    assert quote["status"] == "awaiting_approval" and quote["amount"] == "50.00"
    assert _issue(agent_api, quote["id"]).status_code == 409
    approved = lead_api.post(
        f"/api/v1/credit-quotes/{quote['id']}/approve/",
        {"content_hash": quote["content_hash"], "amount": "60.00", "reason": "Loyal client"},
        format="json",
    )
    assert approved.status_code == 200, approved.content
    new = approved.json()
    assert new["id"] != quote["id"] and new["status"] == "approved" and new["amount"] == "60.00"
    first = _issue(agent_api, new["id"], key="issue-abc")
    again = _issue(agent_api, new["id"], key="issue-abc")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert again["Idempotent-Replayed"] == "true"
    assert LedgerEntry.objects.filter(case=big_case).count() == 1
    other = _issue(agent_api, new["id"], key="issue-other")
    assert other.status_code == 409 and other.json()["error"]["code"] == "already_issued"


def test_same_key_different_body_is_422_crd_5(agent_api, refund_case, facts):
    case = refund_case()
    facts(case, contract_id="C-1", non_refunded_payments="100.00")
    quote = _quote(agent_api, case)
    assert _issue(agent_api, quote["id"], key="k").status_code == 201
    response = _issue(agent_api, quote["id"], key="k", body={"note": "different"})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "idempotency_key_reused"
    assert IdempotencyRecord.objects.count() == 1


@pytest.mark.parametrize("key", ["", "x" * 256, "tab\tkey"])
def test_issue_needs_a_sane_idempotency_key_crd_5(agent_api, refund_case, facts, key):
    case = refund_case()
    facts(case, contract_id="C-1", non_refunded_payments="100.00")
    quote = _quote(agent_api, case)
    response = _issue(agent_api, quote["id"], key=key)
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["error"]["fields"]
    assert not LedgerEntry.objects.exists()


def test_self_approval_over_the_api_is_403_crd_3(lead_api, refund_case, facts, lead):
    case = refund_case(actor=lead)
    facts(case, actor=lead, contract_id="C-1", non_refunded_payments="900.00")
    quote = _quote(lead_api, case)
    response = lead_api.post(
        f"/api/v1/credit-quotes/{quote['id']}/approve/",
        {"content_hash": quote["content_hash"]},
        format="json",
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "self_approval"


def test_outdated_hash_is_409_crd_3(agent_api, lead_api, big_case):
    quote = _quote(agent_api, big_case)
    response = lead_api.post(
        f"/api/v1/credit-quotes/{quote['id']}/approve/",
        {"content_hash": "f" * 64},
        format="json",
    )
    assert response.status_code == 409
    assert CreditQuote.objects.get(pk=quote["id"]).status == "awaiting_approval"


def test_other_team_sees_nothing_core_8(agent_api, big_case):
    from credits.services import credit_quote_create

    quote = credit_quote_create(case=big_case, actor=big_case.assignee)
    team_b = TeamFactory(name="Team B")
    stranger = _client(UserFactory(username="lead_b2", role="team_lead", team=team_b))
    assert stranger.get(f"/api/v1/credit-quotes/{quote.pk}/").status_code == 404
    approve = stranger.post(
        f"/api/v1/credit-quotes/{quote.pk}/approve/",
        {"content_hash": quote.content_hash},
        format="json",
    )
    assert approve.status_code == 404


def test_reverse_and_ledger_totals_and_csv_crd_5(agent_api, lead_api, refund_case, facts):
    case = refund_case()
    facts(case, contract_id="C-L", non_refunded_payments="200.00")
    quote = _quote(agent_api, case)
    credit = _issue(agent_api, quote["id"]).json()
    too_much = lead_api.post(
        f"/api/v1/credits/{credit['id']}/reverse/",
        {"amount": "10.01", "reason": "x"},
        format="json",
    )
    assert too_much.status_code == 400 and "amount" in too_much.json()["error"]["fields"]
    reversal = lead_api.post(
        f"/api/v1/credits/{credit['id']}/reverse/",
        {"amount": "4.00", "reason": "Part refunded by the freelancer"},
        format="json",
    )
    assert reversal.status_code == 201 and reversal.json()["amount"] == "-4.00"
    ledger = lead_api.get("/api/v1/credits/ledger/", {"contract": "C-L"})
    assert ledger.status_code == 200
    assert ledger.json()["totals"] == {
        "issued": "10.00",
        "reversed": "4.00",
        "net": "6.00",
        "entries": 2,
    }
    csv = lead_api.get("/api/v1/credits/ledger/", {"export": "csv", "case": case.reference})
    text = b"".join(csv.streaming_content).decode()
    assert "-4.00" in text and "10.00" in text and case.reference in text
    assert agent_api.get("/api/v1/credits/ledger/").status_code == 403
    assert lead_api.get("/api/v1/credits/ledger/", {"date_from": "2026-13-01"}).status_code == 400


def test_answers_are_kept_24_hours_then_forgotten_crd_5(agent_api, refund_case, facts):
    import datetime as dt

    import time_machine
    from django.utils import timezone

    from credits.services.idempotency import idempotency_records_purge

    case = refund_case()
    facts(case, contract_id="C-1", non_refunded_payments="100.00")
    quote = _quote(agent_api, case)
    first = _issue(agent_api, quote["id"], key="keep-me")
    with time_machine.travel(timezone.now() + dt.timedelta(hours=25), tick=False):
        assert idempotency_records_purge() == 0
        again = _issue(agent_api, quote["id"], key="keep-me")
        assert (again.status_code, again.json()) == (201, first.json())
    with time_machine.travel(timezone.now() + dt.timedelta(hours=49), tick=False):
        assert idempotency_records_purge() == 1
    assert not IdempotencyRecord.objects.exists()


def test_an_integration_posts_facts_with_its_source_crd_1(refund_case):
    from rest_framework.test import APIClient

    from core.tokens import service_token_create

    case = refund_case()
    _, key = service_token_create(name="billing", scopes=["cases:read", "cases:write"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    response = client.post(
        f"/api/v1/cases/{case.reference}/credit-facts/",
        {"contract_id": "C-9", "non_refunded_payments": "75.00"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert {f["source"] for f in response.json()["facts"]} == {"integration"}
    quote = client.post(f"/api/v1/cases/{case.reference}/credit-quotes/")
    assert quote.status_code == 403  # people quote, decide and issue
