"""Who may see and do what with credits (CORE-8, CRD-3), on top of the case access.

Quotes and credits belong to their case: a foreign one is a 404 (fetched through
``cases_visible_to``); deciding (approve, reject, reverse) is a lead's of the case's team,
never the requester's own quote; the ledger is for leads (their teams) and admins.
"""

from __future__ import annotations

from django.db.models import QuerySet

from core import access
from core.errors import Forbidden, NotFound
from escalations.access import cases_decidable_by, cases_visible_to

from .models import CreditQuote, LedgerEntry


def quotes_visible_to(user, queryset: QuerySet | None = None) -> QuerySet[CreditQuote]:
    qs = queryset if queryset is not None else CreditQuote.objects.all()
    return qs.filter(case__in=cases_visible_to(user).values("pk"))


def entries_visible_to(user, queryset: QuerySet | None = None) -> QuerySet[LedgerEntry]:
    """The ledger: admins all of it, leads their teams' cases (and the intake's)."""
    qs = queryset if queryset is not None else LedgerEntry.objects.all()
    if access.is_admin(user):
        return qs
    if not can_read_ledger(user):
        return qs.none()
    return qs.filter(case__in=cases_decidable_by(user).values("pk"))


def can_read_ledger(user) -> bool:
    return access.is_staff_member(user) and (access.is_admin(user) or bool(user.is_lead))


def can_decide_credit(user, case) -> bool:
    return access.can_decide_for(user, case.team_id)


def _pk(value) -> int | None:
    text = str(value)
    return int(text) if text.isascii() and text.isdigit() and int(text) < 2**63 else None


def quote_for(user, pk, *, queryset: QuerySet | None = None) -> CreditQuote:
    """The quote ``pk`` if ``user`` may see its case; otherwise NotFound (no leak)."""
    qs = quotes_visible_to(user, queryset).select_related("case", "case__team", "contract")
    quote = qs.filter(pk=_pk(pk)).first() if _pk(pk) is not None else None
    if quote is None:
        access.deny(user, f"view credit quote {pk!r}")
        raise NotFound(f"No credit quote {pk}.")
    return quote


def credit_for(user, pk) -> LedgerEntry:
    """A visible issued credit; the other kinds of entry are not credits (404)."""
    qs = LedgerEntry.objects.issues().filter(case__in=cases_visible_to(user).values("pk"))
    found = _pk(pk)
    credit = qs.select_related("case", "contract").filter(pk=found).first() if found else None
    if credit is None:
        access.deny(user, f"view credit {pk!r}")
        raise NotFound(f"No credit {pk}.")
    return credit


def require_can_decide(user, case, doing: str) -> None:
    if not can_decide_credit(user, case):
        access.deny(user, doing, target=case)
        raise Forbidden(f"Only a lead of the case's team may {doing} on {case.reference}.")


def require_can_read_ledger(user) -> None:
    if not can_read_ledger(user):
        access.deny(user, "read the credit ledger")
        raise Forbidden("Only team leads and admins may read the credit ledger.")
