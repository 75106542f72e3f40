"""CRD-1: the NDF facts come from the case records when the case names its freelancer."""

from __future__ import annotations

from decimal import Decimal

from credits.services import credit_quote_create
from escalations.services.ndf import ndf_mark


def test_ndf_found_and_past_count_come_from_the_records_crd_1(refund_case, facts, agent):
    earlier = refund_case(title="Earlier dispute", freelancer_id="FL-42", freelancer_name="Sam")
    ndf_mark(case=earlier, actor=agent, reason="Never delivered, stopped answering")
    case = refund_case(freelancer_id="FL-42", freelancer_name="Sam")
    facts(case, contract_id="C-1", non_refunded_payments="100.00", past_ndf_count="0")
    quote = credit_quote_create(case=case, actor=agent)
    assert quote.inputs["past_ndf_count"] == "1" and quote.inputs["ndf_found"] == "no"
    ndf_mark(case=case, actor=agent, reason="Same freelancer, no delivery again")
    facts(case, tenure_months="1")  # any new fact: quote again
    again = credit_quote_create(case=case, actor=agent)
    assert again.inputs["ndf_found"] == "yes" and again.inputs["past_ndf_count"] == "1"
    # 5 baseline + 2 NDF found + 0.5 for one past NDF = 7.5 % of 100.00
    assert again.amount == Decimal("7.50")


def test_a_new_ndf_mark_outdates_an_approved_quote_crd_3(refund_case, facts, agent, lead):
    import pytest

    from core.errors import Conflict
    from credits.services import credit_issue, credit_quote_approve

    case = refund_case(freelancer_id="FL-7", freelancer_name="Sam")
    facts(case, contract_id="C-1", non_refunded_payments="1000.00")
    quote = credit_quote_create(case=case, actor=agent)
    approved = credit_quote_approve(quote=quote, lead=lead, content_hash=quote.content_hash)
    other = refund_case(title="Another client's case", freelancer_id="FL-7", freelancer_name="Sam")
    ndf_mark(case=other, actor=agent, reason="Never delivered, stopped answering")
    with pytest.raises(Conflict) as exc:
        credit_issue(quote=approved, actor=agent)
    assert exc.value.code == "outdated_quote"
