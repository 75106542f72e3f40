"""Every write on credits goes through one of these (see STYLE: services)."""

from .facts import case_facts_current, client_key_of, credit_facts_record, fact_value_clean
from .idempotency import IdempotencyMismatch, idempotent_call, request_fingerprint
from .ledger import (
    OFFER_MACRO_SLUG,
    code_review_pending,
    contract_credited_total,
    credit_issue,
    credit_offer_send,
    credit_reverse,
    offer_sent,
)
from .quotes import (
    client_disputed_total,
    credit_quote_approve,
    credit_quote_create,
    credit_quote_reject,
    quote_outdated_reason,
)
from .rules import credit_rules_current, credit_rules_update

__all__ = [
    "OFFER_MACRO_SLUG",
    "IdempotencyMismatch",
    "case_facts_current",
    "client_disputed_total",
    "client_key_of",
    "code_review_pending",
    "contract_credited_total",
    "credit_facts_record",
    "credit_issue",
    "credit_offer_send",
    "credit_quote_approve",
    "credit_quote_create",
    "credit_quote_reject",
    "credit_reverse",
    "credit_rules_current",
    "credit_rules_update",
    "fact_value_clean",
    "idempotent_call",
    "offer_sent",
    "quote_outdated_reason",
    "request_fingerprint",
]
