"""Quotes and approval through the services (CRD-1, CRD-3, CRD-4)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from core.errors import Conflict, Forbidden, InvalidInput
from core.models import AuditEvent
from credits.models import CreditQuote, QuoteStatus
from credits.quoting import QuoteInputs, quote_compute
from credits.services import (
    credit_issue,
    credit_quote_approve,
    credit_quote_create,
    credit_quote_reject,
)
from tests.factories import UserFactory

NOW = dt.datetime(2026, 6, 1, 15, 0, tzinfo=dt.UTC)


def test_quote_shows_each_factor_and_the_baseline_crd_1(refund_case, facts, agent):
    case = refund_case()
    facts(case, contract_id="C-1", non_refunded_payments="200.00", ndf_found="yes")
    quote = credit_quote_create(case=case, actor=agent)
    keys = [c["key"] for c in quote.contributions]
    assert keys[0] == "baseline" and "ndf_found" in keys
    assert quote.amount == Decimal("14.00")  # (5 + 2 NDF) % of 200
    assert quote.status == QuoteStatus.READY and not quote.needs_approval


def test_quote_reproducible_from_its_snapshot_crd_2(refund_case, facts, agent):
    case = refund_case()
    facts(case, contract_id="C-1", non_refunded_payments="123.45", tenure_months="40")
    quote = credit_quote_create(case=case, actor=agent)
    again = quote_compute(
        QuoteInputs.from_dict(quote.inputs), {k: Decimal(v) for k, v in quote.rules.items()}
    )
    assert again.amount == quote.amount == quote.computed_amount
    assert quote.compute_hash() == quote.content_hash


@pytest.mark.parametrize(
    ("payments", "needs"), [("250.00", False), ("250.01", True)], ids=["250.00", "250.01"]
)
def test_threshold_is_above_250_crd_3(refund_case, facts, agent, payments, needs):
    case = refund_case()
    facts(case, contract_id="C-1", non_refunded_payments=payments)
    quote = credit_quote_create(case=case, actor=agent)
    assert quote.needs_approval is needs
    assert quote.status == (QuoteStatus.AWAITING_APPROVAL if needs else QuoteStatus.READY)


def test_two_200_disputes_inside_the_window_need_approval_crd_3(refund_case, facts, agent):
    with time_machine.travel(NOW - dt.timedelta(days=30), tick=False):
        first = refund_case()
        facts(first, contract_id="C-1", non_refunded_payments="200.00")
        assert not credit_quote_create(case=first, actor=agent).needs_approval
    with time_machine.travel(NOW, tick=False):
        second = refund_case(title="Second dispute")
        facts(second, contract_id="C-2", non_refunded_payments="200.00")
        quote = credit_quote_create(case=second, actor=agent)
    assert quote.window_total == Decimal("400.00") and quote.needs_approval


def test_two_200_disputes_outside_the_window_need_none_crd_3(refund_case, facts, agent):
    with time_machine.travel(NOW - dt.timedelta(days=91), tick=False):
        first = refund_case()
        facts(first, contract_id="C-1", non_refunded_payments="200.00")
    with time_machine.travel(NOW, tick=False):
        second = refund_case(title="Second dispute")
        facts(second, contract_id="C-2", non_refunded_payments="200.00")
        quote = credit_quote_create(case=second, actor=agent)
    assert quote.window_total == Decimal("200.00") and not quote.needs_approval


def test_window_and_threshold_are_admin_set_crd_3(refund_case, facts, agent, rules):
    rules(approval_threshold="500.00", approval_window_days=10)
    case = refund_case()
    facts(case, contract_id="C-1", non_refunded_payments="400.00")
    assert not credit_quote_create(case=case, actor=agent).needs_approval
    assert AuditEvent.objects.filter(action="credit_rules.changed").count() == 1


def _big_quote(refund_case, facts, agent, payments="1000.00"):
    case = refund_case()
    facts(case, contract_id="C-9", non_refunded_payments=payments)
    return credit_quote_create(case=case, actor=agent)


def test_lead_approves_the_snapshot_then_it_issues_crd_3(refund_case, facts, agent, lead):
    quote = _big_quote(refund_case, facts, agent)
    with pytest.raises(Conflict) as exc:
        credit_issue(quote=quote, actor=agent)
    assert exc.value.code == "needs_approval"
    approved = credit_quote_approve(quote=quote, lead=lead, content_hash=quote.content_hash)
    assert approved.pk == quote.pk and approved.approved_hash == quote.content_hash
    credit = credit_issue(quote=approved, actor=agent)
    assert credit.amount == Decimal("50.00")


def test_self_approval_refused_crd_3(refund_case, facts, lead):
    case = refund_case(actor=lead)
    facts(case, actor=lead, contract_id="C-9", non_refunded_payments="1000.00")
    quote = credit_quote_create(case=case, actor=lead)
    with pytest.raises(Forbidden) as exc:
        credit_quote_approve(quote=quote, lead=lead, content_hash=quote.content_hash)
    assert exc.value.code == "self_approval"
    assert CreditQuote.objects.get(pk=quote.pk).status == QuoteStatus.AWAITING_APPROVAL


def test_agent_cannot_approve_crd_3(refund_case, facts, agent, other_agent):
    quote = _big_quote(refund_case, facts, agent)
    with pytest.raises(Forbidden):
        credit_quote_approve(quote=quote, lead=other_agent, content_hash=quote.content_hash)


def test_lead_of_another_team_cannot_approve_crd_3(refund_case, facts, agent):
    quote = _big_quote(refund_case, facts, agent)
    from tests.factories import TeamFactory

    other = TeamFactory(name="Other team")
    stranger = UserFactory(username="lead_other_team", role="team_lead", team=other)
    other.lead = stranger
    other.save(update_fields=["lead"])
    with pytest.raises(Forbidden):
        credit_quote_approve(quote=quote, lead=stranger, content_hash=quote.content_hash)


def test_approval_of_an_outdated_snapshot_refused_crd_3(refund_case, facts, agent, lead):
    quote = _big_quote(refund_case, facts, agent)
    newer = credit_quote_create(case=quote.case, actor=agent)
    with pytest.raises(Conflict) as exc:
        credit_quote_approve(quote=quote, lead=lead, content_hash=quote.content_hash)
    assert exc.value.code == "outdated_quote"
    with pytest.raises(Conflict):  # a hash the lead did not look at
        credit_quote_approve(quote=newer, lead=lead, content_hash="0" * 64)
    assert CreditQuote.objects.get(pk=newer.pk).status == QuoteStatus.AWAITING_APPROVAL


def test_a_new_fact_outdates_the_quote_crd_3(refund_case, facts, agent, lead):
    quote = _big_quote(refund_case, facts, agent)
    facts(quote.case, tenure_months="30")
    with pytest.raises(Conflict) as exc:
        credit_quote_approve(quote=quote, lead=lead, content_hash=quote.content_hash)
    assert exc.value.code == "outdated_quote"


def test_approved_then_changed_facts_cannot_issue_crd_3(refund_case, facts, agent, lead):
    quote = _big_quote(refund_case, facts, agent)
    credit_quote_approve(quote=quote, lead=lead, content_hash=quote.content_hash)
    facts(quote.case, growth_potential="high")
    with pytest.raises(Conflict) as exc:
        credit_issue(quote=quote, actor=agent)
    assert exc.value.code == "outdated_quote"


def test_lead_changes_the_amount_with_a_reason_crd_3(refund_case, facts, agent, lead):
    quote = _big_quote(refund_case, facts, agent)
    with pytest.raises(InvalidInput) as exc:
        credit_quote_approve(
            quote=quote, lead=lead, content_hash=quote.content_hash, amount="75.00"
        )
    assert exc.value.field == "reason"
    approved = credit_quote_approve(
        quote=quote,
        lead=lead,
        content_hash=quote.content_hash,
        amount="75.00",
        reason="Long-standing client, second dispute",
    )
    assert approved.pk != quote.pk and approved.changed_from_id == quote.pk
    assert approved.amount == Decimal("75.00") and approved.created_by == lead
    assert approved.approved_by == lead and approved.approved_hash == approved.content_hash
    assert CreditQuote.objects.get(pk=quote.pk).status == QuoteStatus.SUPERSEDED
    assert credit_issue(quote=approved, actor=agent).amount == Decimal("75.00")


@pytest.mark.parametrize("amount", ["-5", "abc", "10.001", "1000.01", "0"])
def test_lead_amount_bad_input_changes_nothing_crd_3(refund_case, facts, agent, lead, amount):
    quote = _big_quote(refund_case, facts, agent)
    with pytest.raises(InvalidInput) as exc:
        credit_quote_approve(
            quote=quote, lead=lead, content_hash=quote.content_hash, amount=amount, reason="x"
        )
    assert exc.value.field == "amount"
    assert CreditQuote.objects.filter(case=quote.case).count() == 1
    assert CreditQuote.objects.get(pk=quote.pk).status == QuoteStatus.AWAITING_APPROVAL


def test_reject_needs_a_reason_and_blocks_issuing_crd_3(refund_case, facts, agent, lead):
    quote = _big_quote(refund_case, facts, agent)
    with pytest.raises(InvalidInput):
        credit_quote_reject(quote=quote, lead=lead, content_hash=quote.content_hash, reason="")
    credit_quote_reject(
        quote=quote, lead=lead, content_hash=quote.content_hash, reason="Not warranted"
    )
    with pytest.raises(Conflict):
        credit_issue(quote=quote, actor=agent)


def test_code_review_pending_blocks_offering_crd_4(refund_case, facts, agent):
    case = refund_case()
    facts(case, contract_id="C-1", non_refunded_payments="100.00", code_review="requested")
    quote = credit_quote_create(case=case, actor=agent)
    with pytest.raises(Conflict) as exc:
        credit_issue(quote=quote, actor=agent)
    assert exc.value.code == "code_review_pending"
    facts(case, code_review="favours_client")
    quote = credit_quote_create(case=case, actor=agent)
    assert credit_issue(quote=quote, actor=agent).amount == Decimal("8.00")  # 5 + 3 points


def test_quote_needs_the_contract_and_its_payments_crd_1(refund_case, facts, agent):
    case = refund_case()
    with pytest.raises(InvalidInput) as exc:
        credit_quote_create(case=case, actor=agent)
    assert exc.value.field == "contract_id"
    with pytest.raises(InvalidInput) as exc:
        facts(case, non_refunded_payments="100.00")
    assert exc.value.field == "contract_id"


def test_snapshot_hash_survives_the_database_round_trip_crd_3(refund_case, facts, agent, lead):
    case = refund_case()
    facts(
        case,
        contract_id="C-1",
        non_refunded_payments="1840.00",
        contract_spend="1234.56",  # 0.123456 points: an exact percent with many places
        lifetime_spend="46000.00",
    )
    quote = credit_quote_create(case=case, actor=agent)
    stored = CreditQuote.objects.get(pk=quote.pk)
    assert stored.percent == quote.percent and stored.compute_hash() == quote.content_hash
    approved = credit_quote_approve(quote=stored, lead=lead, content_hash=quote.content_hash)
    assert approved.status == QuoteStatus.APPROVED


def test_rules_change_is_a_new_audited_version_quotes_keep_theirs_crd_1(
    refund_case, facts, agent, rules
):
    case = refund_case()
    facts(case, contract_id="C-1", non_refunded_payments="100.00")
    before = credit_quote_create(case=case, actor=agent)
    new = rules(baseline_percent="6.00")
    assert new.version == before.rules_version + 1
    event = AuditEvent.objects.get(action="credit_rules.changed")
    assert event.before["baseline_percent"] == "5.00" and event.after["baseline_percent"] == "6.00"
    after = credit_quote_create(case=case, actor=agent)
    assert (before.amount, after.amount) == (Decimal("5.00"), Decimal("6.00"))
    assert CreditQuote.objects.get(pk=before.pk).rules["baseline_percent"] == "5.00"


def test_rules_bad_values_refused_crd_1(rules):
    with pytest.raises(InvalidInput):
        rules(max_percent="101")
    with pytest.raises(InvalidInput):
        rules(min_percent="30", max_percent="20")
    with pytest.raises(InvalidInput):
        rules(colour="blue")
