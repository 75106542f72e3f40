"""Credit weights, bounds and the approval threshold as configuration: every change is a
new version with an audit entry (like the sourcing rules), never an edit in place."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from core.errors import InvalidInput
from core.services import audit_record

from ..models import RULE_FIELDS, CreditRules


def credit_rules_current() -> CreditRules:
    """The rules in force (version 1, the shipped defaults, if none was ever saved)."""
    current = CreditRules.objects.order_by("-version").first()
    if current is not None:
        return current
    try:
        with transaction.atomic():
            return CreditRules.objects.create(version=1, note="Shipped defaults")
    except IntegrityError:  # created meanwhile by another request
        return CreditRules.objects.order_by("-version").first()


@transaction.atomic
def credit_rules_update(*, actor, values: dict, note: str = "") -> CreditRules:
    """Save ``values`` as the next version; the current one if nothing changed."""
    unknown = set(values) - set(RULE_FIELDS)
    if unknown:
        raise InvalidInput(
            f"Unknown setting(s): {', '.join(sorted(unknown))}.", field=sorted(unknown)[0]
        )
    credit_rules_current()
    current = CreditRules.objects.select_for_update().order_by("-version").first()
    base = current.values()
    new = CreditRules(
        version=current.version + 1,
        created_by=actor if actor is not None and actor.pk else None,
        note=(note or "").strip()[:255],
        **{**base, **values},
    )
    try:
        new.full_clean(exclude=["created_by", "version"])
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise InvalidInput(f"{field}: {messages[0]}", field=field) from None
    if new.values() == base:
        return current
    if new.min_percent > new.max_percent:
        raise InvalidInput(
            "The lowest total cannot be above the highest total.", field="min_percent"
        )
    new.save()
    audit_record(
        actor=actor,
        action="credit_rules.changed",
        target=new,
        before={**base, "version": current.version},
        after={**new.values(), "version": new.version},
        reason=new.note,
    )
    return new
