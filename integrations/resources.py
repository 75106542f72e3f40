"""The client resource library (ESC-11): which links suit a case, and the text a reply
gets for the chosen ones (the ``{{ resources }}`` placeholder)."""

from __future__ import annotations

from django.db.models import QuerySet

from core.errors import InvalidInput

from .models import Resource, ResourcePack

MAX_CHOSEN = 20
PLACEHOLDER = "resources"


def resources_matching(queryset: QuerySet[Resource], *, kind: str) -> QuerySet[Resource]:
    """Those that suit a case kind (no kinds listed: every kind). The library is small."""
    ids = [r.pk for r in queryset if r.suits(kind)]
    return queryset.filter(pk__in=ids)


def packs_for(case) -> list[ResourcePack]:
    return [p for p in ResourcePack.objects.all() if p.suits(case)]


def default_resources(case) -> list[Resource]:
    """The default packs' active resources for this case (new-client outreach, hourly),
    in the order they were put in the pack (its most useful link first)."""
    links = (
        ResourcePack.resources.through.objects.filter(
            resourcepack__in=packs_for(case), resource__active=True
        )
        .select_related("resource")
        .order_by("resourcepack__name", "id")
    )
    chosen: dict[int, Resource] = {}
    for link in links:
        chosen.setdefault(link.resource_id, link.resource)
    return list(chosen.values())


def resources_for_case(case) -> list[Resource]:
    """What the macro panel offers: the default packs' links first, then the rest."""
    defaults = default_resources(case)
    seen = {r.pk for r in defaults}
    rest = [
        r
        for r in Resource.objects.filter(active=True).order_by("audience", "title")
        if r.pk not in seen and r.suits(case.kind)
    ]
    return defaults + rest


def resources_text(resources: list[Resource]) -> str:
    return "\n".join(f"- {r.title}: {r.url}" for r in resources)


def _ids(raw: list[str]) -> list[int]:
    ids = []
    for value in raw[: MAX_CHOSEN + 1]:
        value = str(value).strip()
        if not (value.isascii() and value.isdigit()) or len(value) > 18:
            raise InvalidInput(f"{value!r} is not a resource.", field="resource")
        ids.append(int(value))
    if len(ids) > MAX_CHOSEN:
        raise InvalidInput(f"Choose at most {MAX_CHOSEN} resources.", field="resource")
    return ids


def resources_extra(*, case, raw_ids: list[str], placeholders: list[str]) -> dict[str, str]:
    """The ``resources`` value for a reply: the chosen links, else (when the macro has the
    placeholder) the case's default pack. Empty when there is nothing to insert."""
    ids = _ids(raw_ids)
    found = {r.pk: r for r in Resource.objects.filter(pk__in=ids, active=True)}
    missing = [pk for pk in ids if pk not in found]
    if missing:
        raise InvalidInput("A chosen resource is no longer in the library.", field="resource")
    chosen = [found[pk] for pk in ids]
    if not chosen and PLACEHOLDER in placeholders:
        chosen = default_resources(case)
    return {PLACEHOLDER: resources_text(chosen)} if chosen else {}
