"""Quotes and their approval (CRD-1 to CRD-4).

A quote is an immutable snapshot of its inputs, the rules version and values, the
contributions and the amount, with a content hash. Above the threshold (the client's
disputed amounts added up over the window) a lead of the case's team who is not the
requester approves that exact hash; a lead who changes the amount (with a reason) makes a
new snapshot, approved by them. A newer fact outdates every earlier quote of the case.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.access import team_ids_led_by
from core.errors import Conflict, Forbidden, InvalidInput
from core.models import User
from core.notifications import notify
from core.services import audit_record
from escalations.access import require_can_work
from escalations.models import Case
from escalations.selectors import ndf_count_for_freelancer

from ..access import require_can_decide
from ..models import (
    OPEN_QUOTE_STATUSES,
    Contract,
    CreditFact,
    CreditQuote,
    FactName,
    LedgerEntry,
    QuoteStatus,
)
from ..quoting import INPUT_NAMES, QuoteInputs, quote_compute
from ._common import credit_event_publish, internal_note, usd
from .facts import case_facts_current, case_facts_revision, client_key_of, money_clean
from .rules import credit_rules_current

REQUIRED_FACTS = (FactName.CONTRACT_ID, FactName.NON_REFUNDED_PAYMENTS)


def client_disputed_total(*, case: Case, window_days: int, now: dt.datetime) -> Decimal:
    """CRD-3: the client's disputed amounts (each case's non-refunded payments) opened in
    the window, this case included, so splitting a dispute cannot dodge the threshold."""
    key = client_key_of(case)
    kind, _, value = key.partition(":")
    same_client = {
        "account": Q(client_account_id=value),
        "email": Q(client_email__iexact=value),
    }.get(kind, Q(pk=case.pk))
    since = now - dt.timedelta(days=window_days)
    case_ids = set(
        Case.objects.filter(same_client, created_at__gte=since).values_list("pk", flat=True)
    )
    case_ids.add(case.pk)
    latest: dict[int, Decimal] = {}
    rows = CreditFact.objects.filter(
        case_id__in=case_ids, name=FactName.NON_REFUNDED_PAYMENTS
    ).order_by("case_id", "-id")
    for case_id, value in rows.values_list("case_id", "value"):
        latest.setdefault(case_id, Decimal(value))
    return sum(latest.values(), Decimal("0"))


def quote_inputs_for(case: Case) -> QuoteInputs:
    facts = {name: fact.value for name, fact in case_facts_current(case).items()}
    for name in REQUIRED_FACTS:
        if not facts.get(name):
            raise InvalidInput(
                f"Record the {FactName(name).label.lower()} before quoting.", field=name
            )
    values = {k: v for k, v in facts.items() if k in INPUT_NAMES}
    recorded = ndf_on_record(case)
    if recorded is not None:
        found_here, past = recorded
        values[FactName.PAST_NDF_COUNT] = str(past)
        if found_here:
            values[FactName.NDF_FOUND] = "yes"
    return QuoteInputs.from_dict(values)


def ndf_on_record(case: Case) -> tuple[bool, int] | None:
    """(marked NDF on this case, NDF marks on the freelancer's other cases) from the case
    records (``escalations.selectors.ndf_count_for_freelancer``, UFL-5); None when the case
    names no freelancer, and the entered facts are used instead."""
    ref = (case.freelancer_id or "").strip()
    if not ref:
        return None
    try:
        found_here = case.ndf_mark is not None
    except ObjectDoesNotExist:
        found_here = False
    total = ndf_count_for_freelancer(ref)
    return found_here, max(total - (1 if found_here else 0), 0)


def _save_snapshot(quote: CreditQuote) -> CreditQuote:
    quote.content_hash = quote.compute_hash()
    quote.save()
    return quote


def _next_serial(case: Case) -> int:
    last = CreditQuote.objects.filter(case=case).order_by("-serial").first()
    return (last.serial if last else 0) + 1


def _leads_of(case: Case) -> list[User]:
    leads = User.objects.filter(is_active=True, role="team_lead")
    if case.team_id is None:
        return list(leads)
    return [u for u in leads if case.team_id in team_ids_led_by(u)]


@transaction.atomic
def credit_quote_create(*, case: Case, actor) -> CreditQuote:
    """Quote the case from its current facts with the rules in force (CRD-1, CRD-2)."""
    require_can_work(actor, case, "quote a credit")
    case = Case.objects.select_for_update(of=("self",)).get(pk=case.pk)
    if LedgerEntry.objects.issues().filter(case=case).exists():
        raise Conflict(f"{case.reference} already has its credit.", code="already_issued")
    inputs = quote_inputs_for(case)
    facts = case_facts_current(case)
    contract = Contract.objects.get(external_id=facts[FactName.CONTRACT_ID].value)
    rules = credit_rules_current()
    result = quote_compute(inputs, rules.weights())
    now = timezone.now()
    window_total = client_disputed_total(case=case, window_days=rules.approval_window_days, now=now)
    needs_approval = window_total > rules.approval_threshold
    CreditQuote.objects.filter(case=case, status__in=OPEN_QUOTE_STATUSES).update(
        status=QuoteStatus.SUPERSEDED, decided_at=now
    )
    quote = _save_snapshot(
        CreditQuote(
            case=case,
            serial=_next_serial(case),
            contract=contract,
            requested_by=actor,
            created_by=actor,
            created_at=now,
            rules_version=rules.version,
            rules={k: str(v) for k, v in rules.values().items()},
            inputs=inputs.as_dict(),
            facts_revision=case_facts_revision(case),
            window_total=window_total,
            needs_approval=needs_approval,
            contributions=result.contributions_data(),
            percent=result.percent,
            computed_amount=result.amount,
            amount=result.amount,
            status=QuoteStatus.AWAITING_APPROVAL if needs_approval else QuoteStatus.READY,
        )
    )
    audit_record(
        actor=actor,
        action="credit.quoted",
        target=quote,
        after={
            "case": case.reference,
            "amount": quote.amount,
            "rules_version": rules.version,
            "needs_approval": needs_approval,
            "window_total": window_total,
            "hash": quote.content_hash,
        },
    )
    note = f"Credit quoted: {usd(quote.amount)}"
    internal_note(
        case=case,
        actor=actor,
        body=note + (" (needs a lead's approval)." if needs_approval else "."),
    )
    credit_event_publish("credit.quoted", case=case, amount=quote.amount)
    if needs_approval:
        notify(
            recipients=[u for u in _leads_of(case) if u.pk != actor.pk],
            kind="credit_approval",
            title=f"A credit of {usd(quote.amount)} on {case.reference} needs approval",
            url=case.get_absolute_url() + "#credit-panel",
            target=case,
        )
    return quote


def _lock(quote: CreditQuote) -> CreditQuote:
    return (
        CreditQuote.objects.select_for_update(of=("self",))
        .select_related("case", "contract")
        .get(pk=quote.pk)
    )


def quote_outdated_reason(quote: CreditQuote) -> str:
    """Why this snapshot can no longer be approved or issued ('' if it still can)."""
    if quote.status == QuoteStatus.SUPERSEDED:
        return "A newer quote replaced this one."
    if quote.compute_hash() != quote.content_hash:
        return "The quote does not match its snapshot."
    if case_facts_revision(quote.case) != quote.facts_revision:
        return "The facts changed since this quote: quote again."
    if quote_inputs_for(quote.case).as_dict() != quote.inputs:  # e.g. a new NDF mark
        return "The case records changed since this quote: quote again."
    return ""


def _require_decidable(quote: CreditQuote, lead, content_hash: str, doing: str) -> None:
    require_can_decide(lead, quote.case, doing)
    if quote.requested_by_id == getattr(lead, "pk", None):
        raise Forbidden(
            "You requested this quote: another lead of the team must decide it.",
            code="self_approval",
        )
    if not isinstance(content_hash, str) or content_hash != quote.content_hash:
        raise Conflict(
            "This is not the quote you looked at (its snapshot changed): reload it.",
            code="outdated_quote",
            field="content_hash",
        )
    outdated = quote_outdated_reason(quote)
    if outdated:
        raise Conflict(outdated, code="outdated_quote")
    if quote.status != QuoteStatus.AWAITING_APPROVAL:
        raise Conflict(
            f"The quote is {quote.get_status_display().lower()}: nothing to decide.",
            code="not_awaiting_approval",
        )


@transaction.atomic
def credit_quote_approve(
    *, quote: CreditQuote, lead, content_hash: str, amount=None, reason: str = ""
) -> CreditQuote:
    """CRD-3: approve the exact snapshot; a changed amount is a new snapshot (with a reason)
    approved by the lead who changed it. Returns the approved quote."""
    require_can_decide(lead, quote.case, "approve a credit")
    Case.objects.select_for_update(of=("self",)).get(pk=quote.case_id)  # serials
    quote = _lock(quote)
    _require_decidable(quote, lead, content_hash, "approve a credit")
    reason = (reason or "").strip()
    now = timezone.now()
    new_amount = None
    if amount not in (None, ""):
        new_amount = Decimal(money_clean("amount", amount))
        if new_amount == quote.amount:
            new_amount = None
    approved = quote
    if new_amount is not None:
        if new_amount <= 0:
            raise InvalidInput("A credit must be more than $0.00.", field="amount")
        payments = Decimal(quote.inputs["non_refunded_payments"])
        if new_amount > payments:
            raise InvalidInput(
                f"A credit cannot exceed the non-refunded payments ({usd(payments)}).",
                field="amount",
            )
        if not reason:
            raise InvalidInput("Say why the amount changes.", field="reason")
        quote.status = QuoteStatus.SUPERSEDED
        quote.decided_at = now
        quote.save(update_fields=["status", "decided_at"])
        approved = _save_snapshot(
            CreditQuote(
                case=quote.case,
                serial=_next_serial(quote.case),
                contract=quote.contract,
                requested_by_id=quote.requested_by_id,
                created_by=lead,
                created_at=now,
                rules_version=quote.rules_version,
                rules=quote.rules,
                inputs=quote.inputs,
                facts_revision=quote.facts_revision,
                window_total=quote.window_total,
                needs_approval=True,
                contributions=quote.contributions,
                percent=quote.percent,
                computed_amount=quote.computed_amount,
                amount=new_amount,
                changed_from=quote,
                change_reason=reason,
                status=QuoteStatus.AWAITING_APPROVAL,
            )
        )
    approved.status = QuoteStatus.APPROVED
    approved.approved_by = lead
    approved.approved_hash = approved.content_hash
    approved.decided_at = now
    approved.decision_reason = reason
    approved.save(
        update_fields=["status", "approved_by", "approved_hash", "decided_at", "decision_reason"]
    )
    audit_record(
        actor=lead,
        action="credit.approved",
        target=approved,
        before={"quote": quote.pk, "amount": quote.amount, "hash": quote.content_hash},
        after={"quote": approved.pk, "amount": approved.amount, "hash": approved.content_hash},
        reason=reason,
    )
    changed = f" (changed from {usd(quote.amount)})" if approved is not quote else ""
    internal_note(
        case=quote.case,
        actor=lead,
        body=f"Credit of {usd(approved.amount)} approved{changed}.",
    )
    credit_event_publish("credit.approved", case=quote.case, amount=approved.amount)
    notify(
        recipients=[approved.requested_by],
        kind="credit_decided",
        title=f"Credit of {usd(approved.amount)} on {quote.case.reference} approved",
        url=quote.case.get_absolute_url() + "#credit-panel",
        target=quote.case,
    )
    return approved


@transaction.atomic
def credit_quote_reject(*, quote: CreditQuote, lead, content_hash: str, reason: str) -> CreditQuote:
    require_can_decide(lead, quote.case, "reject a credit")
    quote = _lock(quote)
    _require_decidable(quote, lead, content_hash, "reject a credit")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("Say why the credit is rejected.", field="reason")
    quote.status = QuoteStatus.REJECTED
    quote.approved_by = lead
    quote.decided_at = timezone.now()
    quote.decision_reason = reason
    quote.save(update_fields=["status", "approved_by", "decided_at", "decision_reason"])
    audit_record(
        actor=lead,
        action="credit.rejected",
        target=quote,
        after={"quote": quote.pk, "hash": quote.content_hash},
        reason=reason,
    )
    internal_note(case=quote.case, actor=lead, body=f"Credit of {usd(quote.amount)} rejected.")
    notify(
        recipients=[quote.requested_by],
        kind="credit_decided",
        title=f"Credit on {quote.case.reference} rejected",
        url=quote.case.get_absolute_url() + "#credit-panel",
        target=quote.case,
    )
    return quote
