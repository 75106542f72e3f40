"""CRD-6 / ESC-7: a credited case's client-facing outputs name the amount, never a factor,
a weight or a reason (timeline, emails, webhook payloads, the evidence packet)."""

from __future__ import annotations

import json
import re
from decimal import Decimal

from django.core import mail

from credits.services import (
    credit_issue,
    credit_offer_send,
    credit_quote_approve,
    credit_quote_create,
    credit_reverse,
)
from escalations.ufl_reads import ufl_evidence
from integrations.models import OutboundEvent

CHANGE_REASON = "Zanzibar loyalty exception"
REVERSE_REASON = "Quokka partial refund"


def _credited(refund_case, facts, agent, lead):
    case = refund_case()
    facts(
        case,
        contract_id="C-PRIV",
        non_refunded_payments="2000.00",
        tenure_months="40",
        growth_potential="high",
        work_diary="supports_client",
        code_review="favours_client",
        received_product="no",
        ndf_found="yes",
        lifetime_spend="30000.00",
    )
    quote = credit_quote_create(case=case, actor=agent)
    quote = credit_quote_approve(
        quote=quote,
        lead=lead,
        content_hash=quote.content_hash,
        amount="180.00",
        reason=CHANGE_REASON,
    )
    credit = credit_issue(quote=quote, actor=agent)
    credit_offer_send(credit=credit, agent=agent)
    credit_reverse(credit=credit, actor=lead, amount="10.00", reason=REVERSE_REASON)
    return case, quote


def _forbidden(quote) -> list[re.Pattern]:
    """The reasons, the factor labels and every weight (as a number of its own)."""
    words = [CHANGE_REASON, REVERSE_REASON, "points", "weight", "factor", "%"]
    words += [row["label"] for row in quote.contributions]
    patterns = [re.compile(re.escape(w), re.IGNORECASE) for w in words]
    for row in quote.contributions:
        if Decimal(row["points"]):
            patterns.append(re.compile(r"(?<![\d$.,])" + re.escape(row["points"]) + r"(?!\d)"))
    return patterns


def test_client_visible_outputs_name_only_the_amount_crd_6(
    refund_case, facts, agent, lead, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case, quote = _credited(refund_case, facts, agent, lead)
    outputs = {}
    visible = case.events.client_visible()
    assert visible.exists(), "the offer is on the timeline, client-visible"
    for event in visible:
        outputs[f"timeline {event.pk}"] = f"{event.body} {json.dumps(event.data)}"
    to_client = [m for m in mail.outbox if case.client_email in m.to]
    assert to_client, "the offer went to the client by email"
    for i, message in enumerate(to_client):
        outputs[f"email {i}"] = f"{message.subject}\n{message.body}"
    events = OutboundEvent.objects.filter(event_type__startswith="credit.")
    assert {e.event_type for e in events} >= {"credit.quoted", "credit.approved", "credit.issued"}
    for event in OutboundEvent.objects.all():
        outputs[f"webhook {event.event_type}"] = json.dumps(event.payload)
    outputs["evidence packet"] = json.dumps(ufl_evidence(case), default=str)

    assert any("$180.00" in text for name, text in outputs.items() if name.startswith("timeline"))
    assert any("$180.00" in text for name, text in outputs.items() if name.startswith("email"))
    for name, text in outputs.items():
        lowered = text.lower()
        found = [p.pattern for p in _forbidden(quote) if p.search(lowered)]
        assert not found, f"{name} shows {found}: {text[:300]}"


def test_credit_events_carry_amount_and_case_only_crd_6(refund_case, facts, agent, lead):
    case, _ = _credited(refund_case, facts, agent, lead)
    events = OutboundEvent.objects.filter(event_type__startswith="credit.")
    assert {e.event_type for e in events} == {
        "credit.quoted",
        "credit.approved",
        "credit.issued",
        "credit.reversed",
    }
    for event in events:
        assert event.payload == {
            "case": case.reference,
            "amount": event.payload["amount"],
            "currency": "USD",
        }
    reversed_ = events.get(event_type="credit.reversed")
    assert reversed_.payload["amount"] == "10.00"
