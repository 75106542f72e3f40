"""Issuing, the append-only ledger, reversals and the contract cap (CRD-5)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction

from core.errors import Conflict, Forbidden, InvalidInput
from credits.models import AppendOnlyError, Contract, LedgerEntry
from credits.services import (
    contract_credited_total,
    credit_issue,
    credit_quote_approve,
    credit_quote_create,
    credit_reverse,
)


def _issued(refund_case, facts, agent, lead, *, contract="C-CAP", payments="100.00", amount):
    """A credit of ``amount`` on a new case of the contract (the lead sets the amount)."""
    case = refund_case(title=f"Dispute {amount}")
    facts(case, contract_id=contract, non_refunded_payments=payments)
    quote = credit_quote_create(case=case, actor=agent)
    if quote.amount != Decimal(amount):
        quote = (
            credit_quote_approve(
                quote=quote,
                lead=lead,
                content_hash=quote.content_hash,
                amount=amount,
                reason="Agreed with the client",
            )
            if quote.needs_approval
            else quote
        )
    return quote


@pytest.fixture
def generous(rules):
    """A threshold out of the way: these tests are about the cap, not approval."""
    return rules(approval_threshold="100000.00")


def test_issue_twice_is_refused_one_credit_crd_5(refund_case, facts, agent):
    case = refund_case()
    facts(case, contract_id="C-1", non_refunded_payments="100.00")
    quote = credit_quote_create(case=case, actor=agent)
    credit = credit_issue(quote=quote, actor=agent)
    with pytest.raises(Conflict) as exc:
        credit_issue(quote=quote, actor=agent)
    assert exc.value.code == "already_issued"
    assert LedgerEntry.objects.filter(case=case).count() == 1
    assert credit.amount == Decimal("5.00")


def test_database_allows_one_issue_per_case_crd_5(refund_case, facts, agent):
    case = refund_case()
    facts(case, contract_id="C-1", non_refunded_payments="100.00")
    credit = credit_issue(quote=credit_quote_create(case=case, actor=agent), actor=agent)
    with pytest.raises(DatabaseError), transaction.atomic():
        LedgerEntry.objects.create(
            kind="issue",
            case=case,
            contract=credit.contract,
            amount=Decimal("1.00"),
            actor=agent,
            at=credit.at,
        )


def test_ledger_refuses_update_and_delete_in_the_database_crd_5(refund_case, facts, agent):
    case = refund_case()
    facts(case, contract_id="C-1", non_refunded_payments="100.00")
    credit = credit_issue(quote=credit_quote_create(case=case, actor=agent), actor=agent)
    table = LedgerEntry._meta.db_table
    for sql in (
        f"UPDATE {table} SET amount = 1 WHERE id = %s",
        f"DELETE FROM {table} WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [credit.pk])
    with pytest.raises(AppendOnlyError):
        LedgerEntry.objects.filter(pk=credit.pk).update(amount=1)
    with pytest.raises(AppendOnlyError):
        LedgerEntry.objects.filter(pk=credit.pk).delete()
    with pytest.raises(AppendOnlyError):
        credit.save()
    assert LedgerEntry.objects.get(pk=credit.pk).amount == Decimal("5.00")


def test_contract_cap_refuses_overshoot_crd_5(refund_case, facts, agent, lead, generous):
    first = _issued(refund_case, facts, agent, lead, amount="5.00")
    credit_issue(quote=first, actor=agent)
    second = refund_case(title="Another dispute, same contract")
    facts(second, contract_id="C-CAP", non_refunded_payments="4.00")  # refunds since
    quote = credit_quote_create(case=second, actor=agent)  # 5 % of 4.00 = 0.20
    with pytest.raises(Conflict) as exc:
        credit_issue(quote=quote, actor=agent)
    assert exc.value.code == "over_contract_cap"
    assert contract_credited_total(Contract.objects.get(external_id="C-CAP")) == Decimal("5.00")


def test_a_reversal_restores_headroom_crd_5(refund_case, facts, agent, lead, rules):
    rules(approval_threshold="0.00")  # every quote goes to the lead, who sets the amount
    first = _issued(refund_case, facts, agent, lead, amount="80.00")
    credit = credit_issue(quote=first, actor=agent)
    second = _issued(refund_case, facts, agent, lead, amount="50.00")
    with pytest.raises(Conflict):
        credit_issue(quote=second, actor=agent)  # 80 + 50 > 100
    reversal = credit_reverse(credit=credit, actor=lead, amount="30.00", reason="Partly refunded")
    assert reversal.amount == Decimal("-30.00") and reversal.reverses == credit
    assert LedgerEntry.objects.get(pk=credit.pk).amount == Decimal("80.00")  # untouched
    assert credit_issue(quote=second, actor=agent).amount == Decimal("50.00")  # 50 + 50
    assert contract_credited_total(credit.contract) == Decimal("100.00")


@pytest.mark.parametrize(
    ("amount", "reason", "field"),
    [
        ("5.01", "too much", "amount"),
        ("-1", "negative", "amount"),
        ("1.001", "over-precise", "amount"),
        ("abc", "not a number", "amount"),
        ("1.00", "", "reason"),
    ],
)
def test_bad_reversals_change_nothing_crd_5(refund_case, facts, agent, lead, amount, reason, field):
    case = refund_case()
    facts(case, contract_id="C-1", non_refunded_payments="100.00")
    credit = credit_issue(quote=credit_quote_create(case=case, actor=agent), actor=agent)
    with pytest.raises(InvalidInput) as exc:
        credit_reverse(credit=credit, actor=lead, amount=amount, reason=reason)
    assert exc.value.field == field
    assert LedgerEntry.objects.filter(case=case).count() == 1


def test_reversal_is_a_leads_decision_crd_5(refund_case, facts, agent):
    case = refund_case()
    facts(case, contract_id="C-1", non_refunded_payments="100.00")
    credit = credit_issue(quote=credit_quote_create(case=case, actor=agent), actor=agent)
    with pytest.raises(Forbidden):
        credit_reverse(credit=credit, actor=agent, amount="1.00", reason="mine")
