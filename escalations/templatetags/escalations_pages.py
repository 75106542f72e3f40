"""Presentation helpers for the escalations pages: badges, countdowns, timeline bodies."""

from __future__ import annotations

import datetime as dt
import html

from django import template
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from core.formatting import localize_stamps
from escalations.models import EventKind, Status

register = template.Library()

STATUS_BADGES = {
    Status.NEW: "badge-primary",
    Status.CLAIMED: "badge-info",
    Status.IN_PROGRESS: "badge-info",
    Status.WAITING_ON_CLIENT: "badge-warn",
    Status.WAITING_ON_FREELANCER: "badge-warn",
    Status.HANDED_OFF: "",
    Status.RESOLVED: "badge-ok",
    Status.CLOSED: "",
}
PRIORITY_BADGES = {"urgent": "badge-bad", "high": "badge-warn", "normal": "", "low": ""}
CLOCK_BADGES = {
    "running": "badge-info",
    "paused": "badge-warn",
    "met": "badge-ok",
    "breached": "badge-bad",
    "cancelled": "",
}
# Transition buttons: a verb per target status and whether it is the prominent one.
TRANSITION_LABELS = {
    Status.NEW: "Release to queue",
    Status.CLAIMED: "Claim",
    Status.IN_PROGRESS: "Start work",
    Status.WAITING_ON_CLIENT: "Waiting on client",
    Status.WAITING_ON_FREELANCER: "Waiting on freelancer",
    Status.HANDED_OFF: "Hand off to Talent Solutions",
    Status.RESOLVED: "Resolve",
    Status.CLOSED: "Close",
}


@register.filter
def status_badge(status: str) -> str:
    return STATUS_BADGES.get(status, "")


@register.filter
def priority_badge(priority: str) -> str:
    return PRIORITY_BADGES.get(priority, "")


@register.filter
def clock_badge(state: str) -> str:
    return CLOCK_BADGES.get(state, "")


@register.filter
def transition_label(status: str) -> str:
    return TRANSITION_LABELS.get(status, status.replace("_", " ").capitalize())


@register.filter
def utc_iso(value: dt.datetime | None) -> str:
    """An instant as ISO 8601 in UTC (``2025-01-31T17:05:00Z``) for data attributes."""
    if not value:
        return ""
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def humanize_delta(seconds: float) -> str:
    """``2d 3h``, ``1h 05m``, ``12m 30s``, ``45s``: the same shape the countdown script prints."""
    seconds = int(abs(seconds))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {minutes:02d}m"
    if minutes:
        return f"{minutes}m {secs:02d}s"
    return f"{secs}s"


def countdown_state(due_at, amber_at, now) -> tuple[str, str]:
    """(css modifier, text) of a countdown at ``now``; the script keeps it up to date."""
    left = (due_at - now).total_seconds()
    if left <= 0:
        return "breached", f"breached {humanize_delta(left)} ago"
    if amber_at is not None and now >= amber_at:
        return "amber", f"due in {humanize_delta(left)}"
    return "ok", f"due in {humanize_delta(left)}"


@register.simple_tag
def countdown(clock, amber_at=None):
    """A live countdown to a clock's due time (static/js/escalations.js ticks it)."""
    if clock is None:
        return ""
    now = timezone.now()
    if clock.state == "paused":
        left = clock.remaining_at_pause or dt.timedelta(0)
        return format_html(
            '<span class="countdown countdown-paused">paused · {} working time left</span>',
            humanize_delta(left.total_seconds()),
        )
    if clock.state == "met":
        return mark_safe('<span class="countdown countdown-met">met</span>')
    if clock.state == "cancelled":
        return mark_safe('<span class="countdown countdown-muted">cancelled</span>')
    if clock.state == "breached":
        if clock.met_at:
            return mark_safe('<span class="countdown countdown-met-late">met late</span>')
        since = clock.breached_at or clock.due_at
        return format_html(
            '<span class="countdown countdown-breached" data-due="{}">breached {} ago</span>',
            utc_iso(since),
            humanize_delta((now - since).total_seconds()),
        )
    modifier, text = countdown_state(clock.due_at, amber_at, now)
    return format_html(
        '<span class="countdown countdown-{}" data-due="{}" data-amber="{}">{}</span>',
        modifier,
        utc_iso(clock.due_at),
        utc_iso(amber_at),
        text,
    )


def linebreaksbr(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\n", "<br>")


def _plain(text: str) -> str:
    """Text whose placeholder values ``macro_render`` HTML-escaped (ESC-6), shown as text.

    Un-escaping and escaping the whole again shows exactly what the client reads and keeps
    even an admin-written tag in a macro template inert.
    """
    return escape(html.unescape(text or ""))


@register.filter
def timeline_body(event) -> str:
    """A timeline entry's text with its line breaks kept."""
    body = localize_stamps(event.body or "")
    if event.kind == EventKind.REPLY and (event.data or {}).get("macro"):
        return mark_safe(linebreaksbr(_plain(body)))
    return mark_safe(linebreaksbr(escape(body)))


@register.filter
def macro_text(text: str) -> str:
    """A subject or body returned by ``macro_render``, as the client will read it."""
    return mark_safe(linebreaksbr(_plain(text)))


@register.filter
def get_item(mapping, key):
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def metric_label(metric: str) -> str:
    """``first_response`` -> ``First response`` (the policy's label when we know it)."""
    from escalations.models import Metric

    try:
        return Metric(metric).label
    except ValueError:
        return (metric or "").replace("_", " ").capitalize()


@register.filter
def target_label(seconds: int) -> str:
    """A clock's target: ``15 min``, ``2 h``, ``48 h``, ``1 h 30 min``."""
    seconds = int(seconds or 0)
    hours, rest = divmod(seconds, 3600)
    minutes = rest // 60
    if hours and minutes:
        return f"{hours} h {minutes} min"
    if hours:
        return f"{hours} h"
    return f"{minutes} min"


MESSAGE_KINDS = frozenset(
    {EventKind.NOTE, EventKind.RESEARCH, EventKind.REPLY, EventKind.CLIENT_MESSAGE, EventKind.CALL}
)


@register.filter
def is_message(event) -> bool:
    """Notes, replies and calls (shown as messages); the rest are system entries."""
    return event.kind in MESSAGE_KINDS
