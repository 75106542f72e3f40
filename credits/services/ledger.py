"""Issuing, reversing and offering credits (CRD-4 to CRD-6).

Issuing locks the quote (one issue per quote at a time), checks the snapshot is the one
approved and still current, then locks the contract row and checks the credits on the
contract stay within its non-refunded payments. A unique constraint (one issue per case)
backs it all in the database. Reversals are new negative entries under the same lock.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from core.errors import Conflict, InvalidInput
from core.models import AuditEvent
from core.services import audit_record
from escalations.access import require_can_work
from escalations.models import Macro
from escalations.services import macro_send

from ..access import require_can_decide
from ..models import Contract, CreditQuote, EntryKind, FactName, LedgerEntry, QuoteStatus
from ..quoting import CodeReview
from ._common import credit_event_publish, internal_note, usd
from .facts import case_facts_current, money_clean
from .quotes import quote_outdated_reason

OFFER_MACRO_SLUG = "courtesy-credit-offer"
ISSUABLE = (QuoteStatus.READY, QuoteStatus.APPROVED)


def code_review_pending(case) -> bool:
    """CRD-4: a review was requested and its result is not recorded yet."""
    fact = case_facts_current(case).get(FactName.CODE_REVIEW)
    return fact is not None and fact.value == CodeReview.REQUESTED


def _require_no_pending_review(case) -> None:
    if code_review_pending(case):
        raise Conflict(
            "A code review was requested: record its result before offering a credit.",
            code="code_review_pending",
        )


def contract_credited_total(contract: Contract) -> Decimal:
    total = LedgerEntry.objects.filter(contract=contract).aggregate(t=Sum("amount"))["t"]
    return total or Decimal("0")


@transaction.atomic
def credit_issue(*, quote: CreditQuote, actor) -> LedgerEntry:
    """CRD-5: issue the quote's amount once per case, within the contract's payments."""
    require_can_work(actor, quote.case, "issue a credit")
    quote = (
        CreditQuote.objects.select_for_update(of=("self",))
        .select_related("case", "contract")
        .get(pk=quote.pk)
    )
    case = quote.case
    if LedgerEntry.objects.issues().filter(case=case).exists():
        raise Conflict(f"{case.reference} already has its credit.", code="already_issued")
    if quote.status == QuoteStatus.AWAITING_APPROVAL:
        raise Conflict(
            "This credit needs a lead's approval before it is offered.", code="needs_approval"
        )
    if quote.status not in ISSUABLE:
        raise Conflict(
            f"The quote is {quote.get_status_display().lower()}: it cannot be issued.",
            code="not_issuable",
        )
    outdated = quote_outdated_reason(quote)
    if outdated:
        raise Conflict(outdated, code="outdated_quote")
    if quote.status == QuoteStatus.APPROVED and quote.approved_hash != quote.content_hash:
        raise Conflict("The approval is for another snapshot.", code="outdated_quote")
    _require_no_pending_review(case)
    contract = Contract.objects.select_for_update().get(pk=quote.contract_id)
    headroom = contract.non_refunded_payments - contract_credited_total(contract)
    if quote.amount > headroom:
        raise Conflict(
            f"The credits on contract {contract.external_id} would exceed its non-refunded "
            f"payments ({usd(contract.non_refunded_payments)}); {usd(max(headroom, 0))} "
            "is left.",
            code="over_contract_cap",
        )
    try:
        with transaction.atomic():
            credit = LedgerEntry.objects.create(
                kind=EntryKind.ISSUE,
                case=case,
                contract=contract,
                quote=quote,
                amount=quote.amount,
                actor=actor,
                at=timezone.now(),
            )
    except IntegrityError:
        raise Conflict(f"{case.reference} already has its credit.", code="already_issued") from None
    quote.status = QuoteStatus.ISSUED
    quote.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="credit.issued",
        target=credit,
        after={"case": case.reference, "amount": credit.amount, "quote": quote.pk},
    )
    internal_note(case=case, actor=actor, body=f"Credit of {usd(credit.amount)} issued.")
    credit_event_publish("credit.issued", case=case, amount=credit.amount)
    return credit


@transaction.atomic
def credit_reverse(*, credit: LedgerEntry, actor, amount, reason: str) -> LedgerEntry:
    """A reversal is a new negative entry with a reason; it restores the contract's room."""
    require_can_decide(actor, credit.case, "reverse a credit")
    if credit.kind != EntryKind.ISSUE:
        raise InvalidInput("Only an issued credit can be reversed.", field="credit")
    if amount in (None, ""):
        raise InvalidInput("Give the amount to reverse.", field="amount")
    value = Decimal(money_clean("amount", amount))
    if value <= 0:
        raise InvalidInput("A reversal must be more than $0.00.", field="amount")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("Say why the credit is reversed.", field="reason")
    Contract.objects.select_for_update().get(pk=credit.contract_id)
    remaining = credit.remaining()
    if value > remaining:
        raise InvalidInput(
            f"At most {usd(remaining)} of this credit is left to reverse.", field="amount"
        )
    entry = LedgerEntry.objects.create(
        kind=EntryKind.REVERSAL,
        case=credit.case,
        contract=credit.contract,
        reverses=credit,
        amount=-value,
        reason=reason,
        actor=actor,
        at=timezone.now(),
    )
    audit_record(
        actor=actor,
        action="credit.reversed",
        target=entry,
        after={"credit": credit.pk, "amount": entry.amount},
        reason=reason,
    )
    internal_note(case=credit.case, actor=actor, body=f"Credit reversed by {usd(value)}.")
    credit_event_publish("credit.reversed", case=credit.case, amount=value)
    return entry


def offered_credit_amount(case) -> str | None:
    """CRD-3/CRD-6: ``{{ credit_amount }}`` is the case's issued credit, net of reversals.

    The only value any macro can show; a caller's figure is ignored (escalations macros).
    """
    credit = LedgerEntry.objects.issues().filter(case=case).first()
    if credit is None or credit.remaining() <= 0:
        return None
    return usd(credit.remaining())


def offer_sent(credit: LedgerEntry) -> bool:
    return AuditEvent.objects.for_object(credit).filter(action="credit.offer_sent").exists()


@transaction.atomic
def credit_offer_send(*, credit: LedgerEntry, agent):
    """CRD-6: the client-facing offer is the offer macro, naming the amount only."""
    require_can_work(agent, credit.case, "offer the credit")
    _require_no_pending_review(credit.case)
    if offer_sent(credit):
        raise Conflict("The offer was already sent to the client.", code="already_offered")
    macro = Macro.objects.filter(slug=OFFER_MACRO_SLUG).first()
    if macro is None:
        raise Conflict("The credit offer reply is missing; ask an admin.", code="no_offer_macro")
    # {{ credit_amount }} is filled server-side from the issued credit (offered_credit_amount).
    event = macro_send(macro=macro, case=credit.case, agent=agent)
    audit_record(actor=agent, action="credit.offer_sent", target=credit, after={"event": event.pk})
    return event
