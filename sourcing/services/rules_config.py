"""Thresholds as configuration (SRC-2 to SRC-4): every change is a new version + audit."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from core.errors import InvalidInput
from core.services import audit_record

from ..models import Category, SourcingRules
from ..models.rules import RULE_FIELDS

CATEGORY_LISTS = ("writing_categories", "premium_agency_categories")


def _canonical_categories(name: str, value) -> list[str]:
    if isinstance(value, str):
        value = list(value.replace("\n", ",").split(","))
    if not isinstance(value, list | tuple):
        raise InvalidInput("Must be a list of category names.", field=name)
    known = {c.casefold(): c for c in Category.objects.values_list("name", flat=True)}
    out = []
    for item in value:
        text = str(item).strip()
        if not text:
            continue
        if text.casefold() not in known:
            raise InvalidInput(
                f"Unknown category {text!r}; known: {', '.join(sorted(known.values()))}.",
                field=name,
            )
        if known[text.casefold()] not in out:
            out.append(known[text.casefold()])
    return out


@transaction.atomic
def sourcing_rules_update(*, actor, values: dict, note: str = "") -> SourcingRules:
    """Save ``values`` as the next rules version; returns the current one if nothing changed."""
    unknown = set(values) - set(RULE_FIELDS)
    if unknown:
        raise InvalidInput(
            f"Unknown setting(s): {', '.join(sorted(unknown))}.", field=sorted(unknown)[0]
        )
    current = SourcingRules.objects.select_for_update().order_by("-version").first()
    base = current.values() if current else SourcingRules().values()
    merged = {**base, **values}
    for name in CATEGORY_LISTS:
        merged[name] = _canonical_categories(name, merged[name])
        if set(merged[name]) == set(base[name]):  # order carries no meaning
            merged[name] = base[name]
    if current is not None and merged == base:
        return current
    new = SourcingRules(
        version=(current.version + 1) if current else 1,
        created_by=actor if actor is not None and actor.pk else None,
        note=(note or "").strip()[:255],
        **merged,
    )
    try:
        new.full_clean(exclude=["created_by"])
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise InvalidInput(f"{field}: {messages[0]}", field=field) from None
    if new.writing_min_english_level < new.min_english_level:
        raise InvalidInput(
            "The English level for writing jobs cannot be below the general minimum.",
            field="writing_min_english_level",
        )
    new.save()
    audit_record(
        actor=actor,
        action="sourcing_rules.changed",
        target=new,
        before={**base, "version": current.version} if current else None,
        after={**new.values(), "version": new.version},
        reason=new.note,
    )
    return new
