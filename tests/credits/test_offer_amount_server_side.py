"""CRD-3 / CRD-6: the offer macro's ``{{ credit_amount }}`` is always the case's issued
credit (net of reversals), whatever a caller sends, through every way a macro goes out."""

from __future__ import annotations

import pytest

from core.models import AuditEvent
from credits.services import (
    OFFER_MACRO_SLUG,
    credit_issue,
    credit_quote_create,
    credit_reverse,
)
from escalations.models import EventKind, Macro

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def offer_macro(db):
    return Macro.objects.get(slug=OFFER_MACRO_SLUG)


def _small_case(refund_case, facts):
    case = refund_case()
    facts(case, contract_id="C-1", non_refunded_payments="200.00")
    return case


def _replies(case) -> int:
    return case.events.filter(kind=EventKind.REPLY).count()


def _issued(case, agent):
    quote = credit_quote_create(case=case, actor=agent)
    return credit_issue(quote=quote, actor=agent)


def test_api_send_without_issued_credit_is_409_and_records_nothing_crd_3(
    refund_case, facts, agent_api, offer_macro
):
    case = _small_case(refund_case, facts)
    before, replies = AuditEvent.objects.count(), _replies(case)
    response = agent_api.post(
        f"/api/v1/macros/{offer_macro.pk}/send/",
        {"case": case.reference, "extra": {"credit_amount": "$5,000.00"}},
        format="json",
    )
    assert response.status_code == 409, response.content
    assert "no issued credit" in response.content.decode()
    assert _replies(case) == replies
    assert AuditEvent.objects.count() == before

    response = agent_api.get(
        f"/api/v1/macros/{offer_macro.pk}/render/",
        {"case": case.reference, "credit_amount": "$5,000.00"},
    )
    assert response.status_code == 409


def test_api_send_ignores_a_caller_amount_and_names_the_issued_one_crd_6(
    refund_case, facts, agent, agent_api, offer_macro
):
    case = _small_case(refund_case, facts)
    credit = _issued(case, agent)
    issued = f"${credit.amount:,.2f}"
    response = agent_api.get(
        f"/api/v1/macros/{offer_macro.pk}/render/",
        {"case": case.reference, "credit_amount": "$5,000.00"},
    )
    assert response.status_code == 200
    assert issued in response.json()["body"] and "5,000" not in response.json()["body"]

    response = agent_api.post(
        f"/api/v1/macros/{offer_macro.pk}/send/",
        {"case": case.reference, "extra": {"credit_amount": "$5,000.00"}},
        format="json",
    )
    assert response.status_code == 201, response.content
    reply = case.events.filter(kind=EventKind.REPLY).latest("id")
    assert issued in reply.body and "5,000" not in reply.body


def test_reversed_credit_offers_only_what_remains_crd_6(
    refund_case, facts, agent, lead, agent_api, offer_macro
):
    case = _small_case(refund_case, facts)
    credit = _issued(case, agent)
    credit_reverse(credit=credit, actor=lead, amount=credit.amount, reason="client refunded")
    replies = _replies(case)
    response = agent_api.post(
        f"/api/v1/macros/{offer_macro.pk}/send/",
        {"case": case.reference, "extra": {"credit_amount": "$1.00"}},
        format="json",
    )
    assert response.status_code == 409
    assert _replies(case) == replies


def test_page_refuses_the_offer_without_issued_credit_crd_3(
    client, refund_case, facts, agent, offer_macro
):
    case = _small_case(refund_case, facts)
    replies = _replies(case)
    client.force_login(agent)
    url = f"/cases/{case.reference}/macros/"
    response = client.get(f"{url}preview/?macro={offer_macro.pk}&extra_credit_amount=%245000", **HX)
    assert response.status_code == 409
    assert "no issued credit" in response.content.decode()
    response = client.post(
        f"{url}send/", {"macro": offer_macro.pk, "extra_credit_amount": "$5000"}, **HX
    )
    assert response.status_code == 409
    assert "no issued credit" in response.content.decode()
    assert 'name="extra_credit_amount"' not in response.content.decode()
    assert _replies(case) == replies

    credit = _issued(case, agent)
    response = client.post(
        f"{url}send/", {"macro": offer_macro.pk, "extra_credit_amount": "$5000"}, **HX
    )
    assert response.status_code == 200
    reply = case.events.filter(kind=EventKind.REPLY).latest("id")
    assert f"${credit.amount:,.2f}" in reply.body and "5000" not in reply.body
