"""Shared presentation: instants, money, people and icons, one way on every page.

``{% load desk %}`` then ``{{ instant|when }}`` (``30 Nov 2026, 09:29 PST`` in the
viewer's zone, which ``core.middleware.UserTimezoneMiddleware`` activates),
``{{ instant|when_short }}``, ``{{ date|day }}``, ``{{ amount|money }}``,
``{{ text|local_stamps }}`` (stored ``... UTC`` stamps in the viewer's zone),
``{{ user|person }}`` and ``{% icon "check" %}`` (inline SVG: no emoji font needed).
"""

from __future__ import annotations

import re

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from core import formatting

register = template.Library()


@register.filter
def when(value) -> str:
    return formatting.format_instant(value)


@register.filter
def when_short(value) -> str:
    return formatting.format_instant(value, short=True)


@register.filter
def day(value) -> str:
    return formatting.format_day(value)


@register.filter
def money(value) -> str:
    return formatting.format_money(value)


@register.filter
def money_whole(value) -> str:
    return formatting.format_whole_money(value)


@register.filter
def local_stamps(value) -> str:
    return formatting.localize_stamps(value)


_RULE = r"(?:CORE|ESC|NCO|UFL|CRD|SRC|HIR|TEAM|API)-\d{1,2}"
RULE_REF = re.compile(rf"\s*\({_RULE}(?:\s*(?:to|and|,)\s*{_RULE})*\)")


@register.filter
def plain(value) -> str:
    """Stored text for people: no product-rule references, stamps in the viewer's zone."""
    if not isinstance(value, str):
        return value
    return formatting.localize_stamps(RULE_REF.sub("", value))


@register.filter
def comparison_words(value) -> str:
    """``>= 80`` -> ``at least 80``, ``<= 2`` -> ``at most 2`` (thresholds in sentences)."""
    if not isinstance(value, str):
        return value
    return value.replace(">= ", "at least ").replace("<= ", "at most ")


@register.filter
def person(user) -> str:
    return formatting.display_name(user)


# Icons: 24x24 stroke paths (drawn with currentColor) ------------------------------------
ICONS = {
    "forbidden": '<circle cx="12" cy="12" r="9"/><path d="M5.6 5.6l12.8 12.8"/>',
    "alert": '<path d="M12 3l9.5 17h-19z"/><path d="M12 10v4"/><path d="M12 17.5v.01"/>',
    "check": '<path d="M5 12.5l4.5 4.5L19 7.5"/>',
    "cross": '<path d="M6 6l12 12M18 6L6 18"/>',
    "star": '<path d="M12 3.5l2.6 5.6 6 .7-4.5 4.1 1.2 6-5.3-3-5.3 3 1.2-6L3.4 9.8l6-.7z"/>',
    "download": '<path d="M12 4v11"/><path d="M7 10.5l5 5 5-5"/><path d="M5 20h14"/>',
    "menu": '<path d="M4 7h16M4 12h16M4 17h16"/>',
    "bell": '<path d="M6 16V11a6 6 0 0 1 12 0v5l1.5 2h-15z"/><path d="M10 20.5a2 2 0 0 0 4 0"/>',
    "search": '<circle cx="11" cy="11" r="6.5"/><path d="M16 16l4.5 4.5"/>',
    "compass": '<circle cx="12" cy="12" r="9"/><path d="M15.5 8.5l-2 5-5 2 2-5z"/>',
    "tools": '<path d="M14.5 5.5a4 4 0 0 0-5 5L4 16l4 4 5.5-5.5a4 4 0 0 0 5-5l-2.5 2.5-2.5-.5'
    '-.5-2.5z"/>',
    "logo": '<path d="M4 18L12 5l8 13z" fill="currentColor" stroke="none"/>',
}


@register.simple_tag
def icon(name: str, label: str = "", size: int = 0) -> str:
    """An inline SVG icon; decorative unless ``label`` names it for screen readers."""
    body = ICONS.get(name)
    if body is None:
        return ""
    size_attr = format_html(' width="{0}" height="{0}"', size) if size else ""
    aria = format_html(' role="img" aria-label="{}"', label) if label else ' aria-hidden="true"'
    return format_html(
        '<svg class="icon icon-{}" viewBox="0 0 24 24"{}{} fill="none" stroke="currentColor" '
        'stroke-width="2" stroke-linecap="round" stroke-linejoin="round" focusable="false">'
        "{}</svg>",
        name,
        size_attr,
        mark_safe(aria),
        mark_safe(body),
    )
