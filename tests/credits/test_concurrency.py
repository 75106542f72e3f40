"""CRD-5 under real concurrency (PostgreSQL, 50 threads released by one barrier)."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections
from rest_framework.test import APIClient

from core.services import user_api_token
from credits.models import Contract, LedgerEntry
from credits.services import (
    contract_credited_total,
    credit_quote_approve,
    credit_quote_create,
    credit_rules_update,
)

THREADS = 50
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="real concurrency needs PostgreSQL"
    ),
]


def _race(token: str, requests: list[tuple[str, str]]) -> list[tuple[int, dict]]:
    """POST each (path, key) from its own thread, all released at once."""
    barrier = threading.Barrier(len(requests))
    answers: list[tuple[int, dict]] = []
    lock = threading.Lock()

    def send(path, key):
        try:
            client = APIClient()
            client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
            barrier.wait(timeout=60)
            response = client.post(path, {}, format="json", HTTP_IDEMPOTENCY_KEY=key)
            with lock:
                answers.append((response.status_code, response.json()))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send, args=pair) for pair in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    return answers


def test_fifty_concurrent_issues_with_one_key_one_credit_crd_5(refund_case, facts, agent):
    case = refund_case()
    facts(case, contract_id="C-RACE", non_refunded_payments="200.00")
    quote = credit_quote_create(case=case, actor=agent)
    path = f"/api/v1/credit-quotes/{quote.pk}/issue/"
    answers = _race(user_api_token(user=agent), [(path, "one-key")] * THREADS)
    assert len(answers) == THREADS
    assert {code for code, _ in answers} == {201}, answers
    first = answers[0][1]
    assert all(body == first for _, body in answers)
    assert LedgerEntry.objects.filter(case=case).count() == 1
    assert first["amount"] == "10.00"


def test_fifty_concurrent_issues_on_one_contract_never_exceed_its_cap_crd_5(
    refund_case, facts, agent, lead, admin_user
):
    credit_rules_update(actor=admin_user, values={"approval_threshold": "0.00"})
    quotes = []
    for i in range(THREADS):
        case = refund_case(title=f"Dispute {i}")
        facts(case, contract_id="C-CAP", non_refunded_payments="1000.00")
        quote = credit_quote_create(case=case, actor=agent)
        quotes.append(
            credit_quote_approve(
                quote=quote,
                lead=lead,
                content_hash=quote.content_hash,
                amount="100.00",
                reason="Agreed amount",
            )
        )
    requests = [(f"/api/v1/credit-quotes/{q.pk}/issue/", f"key-{q.pk}") for q in quotes]
    answers = _race(user_api_token(user=agent), requests)
    codes = sorted(code for code, _ in answers)
    assert codes == [201] * 10 + [409] * 40, codes
    refused = {body["error"]["code"] for code, body in answers if code == 409}
    assert refused == {"over_contract_cap"}
    contract = Contract.objects.get(external_id="C-CAP")
    assert contract_credited_total(contract) == Decimal("1000.00")
    assert LedgerEntry.objects.filter(contract=contract).count() == 10
