"""Reads of credits: the case's quote panel, the approval queue, the ledger and its totals."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from core.validation import check_text, parse_day
from escalations.access import cases_decidable_by

from .access import entries_visible_to
from .models import CreditQuote, EntryKind, LedgerEntry, QuoteStatus
from .quoting import round_money

LEDGER_FILTERS = ("case", "client", "contract", "date_from", "date_to", "kind")


def approval_queue_for(user) -> QuerySet[CreditQuote]:
    """Quotes awaiting a decision in the teams ``user`` decides for, oldest first."""
    return (
        CreditQuote.objects.filter(
            status=QuoteStatus.AWAITING_APPROVAL,
            case__in=cases_decidable_by(user).values("pk"),
        )
        .select_related("case", "case__assignee", "case__team", "contract", "requested_by")
        .order_by("created_at", "id")
    )


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


def ledger_filters_clean(params) -> dict:
    """The ledger's filters from query parameters; bad ones are InvalidInput naming them."""
    out = {}
    for name in ("case", "client", "contract"):
        value = (params.get(name) or "").strip()
        if value:
            check_text(value, field=name)
            out[name] = value[:200]
    for name in ("date_from", "date_to"):
        if (params.get(name) or "").strip():
            out[name] = parse_day(params.get(name), field=name)
    kind = (params.get("kind") or "").strip()
    if kind:
        from core.errors import InvalidInput

        if kind not in EntryKind.values:
            raise InvalidInput(f"kind: choose one of {', '.join(EntryKind.values)}.", field="kind")
        out["kind"] = kind
    return out


def ledger_for(user, filters: dict) -> QuerySet[LedgerEntry]:
    qs = entries_visible_to(user).select_related("case", "contract", "actor")
    if "case" in filters:
        qs = qs.filter(case__reference__iexact=filters["case"])
    if "client" in filters:
        text = filters["client"]
        qs = qs.filter(
            Q(case__client_account_id__iexact=text)
            | Q(case__client_email__iexact=text)
            | Q(case__client_name__icontains=text)
        )
    if "contract" in filters:
        qs = qs.filter(contract__external_id__iexact=filters["contract"])
    if "date_from" in filters:
        qs = qs.filter(at__gte=_day_start(filters["date_from"]))
    if "date_to" in filters:
        qs = qs.filter(at__lt=_day_start(filters["date_to"] + dt.timedelta(days=1)))
    if "kind" in filters:
        qs = qs.filter(kind=filters["kind"])
    return qs.order_by("-at", "-id")


@dataclass(frozen=True)
class LedgerTotals:
    issued: Decimal
    reversed: Decimal
    net: Decimal
    entries: int


def ledger_totals(qs: QuerySet[LedgerEntry]) -> LedgerTotals:
    sums = qs.order_by().aggregate(
        issued=Sum("amount", filter=Q(kind=EntryKind.ISSUE)),
        reversed=Sum("amount", filter=Q(kind=EntryKind.REVERSAL)),
    )
    issued = round_money(sums["issued"] or Decimal("0"))
    reversed_ = round_money(-(sums["reversed"] or Decimal("0")))
    return LedgerTotals(issued, reversed_, issued - reversed_, qs.order_by().count())
