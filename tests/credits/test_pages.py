"""The credit pages (CRD-1 to CRD-5): the case page's panel, the approval queue, the ledger."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from credits.models import CreditQuote, LedgerEntry, QuoteStatus


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _token(html: str) -> str:
    return re.search(r'name="form_token" value="([0-9a-f]+)"', html).group(1)


def _hash(html: str) -> str:
    return re.search(r'name="content_hash" value="([0-9a-f]{64})"', html).group(1)


@pytest.fixture
def pages(refund_case, agent, lead):
    case = refund_case()
    return case, _client(agent), _client(lead)


def test_done_means_flow_on_the_pages_crd_3_crd_5(pages, lead):
    case, agent_page, lead_page = pages
    url = case.get_absolute_url()
    body = agent_page.get(url).content.decode()
    assert 'id="credit-panel"' in body and "Record the facts" in body
    saved = agent_page.post(
        reverse("credits:case-facts", args=[case.reference]),
        {"contract_id": "C-55", "non_refunded_payments": "1200.00", "ndf_found": "yes"},
    )
    assert saved.status_code == 302
    quoted = agent_page.post(reverse("credits:case-quote", args=[case.reference]), follow=True)
    text = quoted.content.decode()
    assert "needs a lead&#x27;s approval" in text or "needs a lead's approval" in text
    assert "Waiting for a lead" in text and "data-credit-issue" not in text
    quote = CreditQuote.objects.get(case=case)

    lead_body = lead_page.get(url).content.decode()
    approve = lead_page.post(
        reverse("credits:quote-approve", args=[quote.pk]),
        {"content_hash": _hash(lead_body), "amount": "90.00", "reason": "Second dispute"},
        follow=True,
    )
    assert "Approved a credit of $90.00" in approve.content.decode()

    body = agent_page.get(url).content.decode()
    token = _token(body)
    issue_url = reverse("credits:quote-issue", args=[CreditQuote.objects.get(status="approved").pk])
    first = agent_page.post(issue_url, {"form_token": token}, follow=True)
    second = agent_page.post(issue_url, {"form_token": token}, follow=True)  # double click
    assert "Credit of $90.00 issued" in first.content.decode()
    assert "already done by your first click" in second.content.decode()
    assert LedgerEntry.objects.filter(case=case).count() == 1

    offered = agent_page.post(
        reverse("credits:credit-offer", args=[LedgerEntry.objects.get(case=case).pk]), follow=True
    )
    assert "Offer of $90.00 sent to the client" in offered.content.decode()


def test_bad_amount_on_the_page_is_400_and_changes_nothing_crd_3(pages, facts):
    case, agent_page, lead_page = pages
    facts(case, contract_id="C-55", non_refunded_payments="1200.00")
    agent_page.post(reverse("credits:case-quote", args=[case.reference]))
    quote = CreditQuote.objects.get(case=case)
    response = lead_page.post(
        reverse("credits:quote-approve", args=[quote.pk]),
        {"content_hash": quote.content_hash, "amount": "-5", "reason": "x"},
    )
    assert response.status_code == 400
    assert "negative" in response.content.decode()
    assert CreditQuote.objects.get(pk=quote.pk).status == QuoteStatus.AWAITING_APPROVAL


def test_agent_cannot_approve_on_the_page_crd_3(pages, facts):
    case, agent_page, _ = pages
    facts(case, contract_id="C-55", non_refunded_payments="1200.00")
    agent_page.post(reverse("credits:case-quote", args=[case.reference]))
    quote = CreditQuote.objects.get(case=case)
    response = agent_page.post(
        reverse("credits:quote-approve", args=[quote.pk]), {"content_hash": quote.content_hash}
    )
    assert response.status_code == 403


def test_approval_queue_oldest_first_and_ledger_pages_crd_3(pages, facts, refund_case, agent):
    case, agent_page, lead_page = pages
    facts(case, contract_id="C-55", non_refunded_payments="1200.00")
    agent_page.post(reverse("credits:case-quote", args=[case.reference]))
    later = refund_case(title="Later dispute")
    facts(later, contract_id="C-56", non_refunded_payments="800.00")
    agent_page.post(reverse("credits:case-quote", args=[later.reference]))
    queue = lead_page.get(reverse("credits:approvals")).content.decode()
    assert queue.index(case.reference) < queue.index(later.reference)
    assert agent_page.get(reverse("credits:approvals")).status_code == 403
    ledger = lead_page.get(reverse("credits:ledger"), {"date_from": "not a day"})
    assert ledger.status_code == 400
    assert lead_page.get(reverse("credits:ledger")).status_code == 200
    assert agent_page.get(reverse("credits:ledger")).status_code == 403
