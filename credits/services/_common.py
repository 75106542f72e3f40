"""Helpers the credit services share."""

from __future__ import annotations

from decimal import Decimal

from escalations.models import Case, EventKind
from escalations.services._common import event_record
from integrations.events import publish_event

from ..quoting import round_money


def usd(amount: Decimal) -> str:
    return f"${round_money(Decimal(amount)):,.2f}"


def credit_event_publish(event_type: str, *, case: Case, amount: Decimal) -> None:
    """Outbound events carry the amount and the case reference only (CRD-6)."""
    publish_event(
        event_type,
        {"case": case.reference, "amount": str(round_money(Decimal(amount))), "currency": "USD"},
        team_id=case.team_id,
    )


def internal_note(*, case: Case, actor, body: str) -> None:
    """An internal timeline entry (never client-visible, ESC-7)."""
    event_record(case=case, kind=EventKind.RESEARCH, actor=actor, body=body)
