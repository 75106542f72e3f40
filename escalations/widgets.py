"""Dashboard panels of the escalations app (registered in EscalationsConfig.ready)."""

from __future__ import annotations

from .selectors import case_overdue_first, case_queue_for, clocks_breached

WIDGET_ROWS = 5


def my_urgent_cases(request):
    """TEAM-1: the viewer's most urgent open cases, with live countdowns."""
    from .views._common import decorate_cases

    user = request.user
    mine = case_overdue_first(case_queue_for(agent=user).filter(assignee=user))
    cases = decorate_cases(list(mine[:WIDGET_ROWS]))
    if not cases and user.is_lead:
        return None  # a lead without cases sees the breach panel instead
    return {
        "title": "My most urgent cases",
        "template": "escalations/partials/widget_urgent.html",
        "context": {"cases": cases, "total": mine.count() if cases else 0},
        "order": 10,
    }


def breaches_to_review(request):
    """ESC-8: a lead's unacknowledged breaches, newest first."""
    user = request.user
    if not user.is_lead:
        return None
    pending = clocks_breached(viewer=user, unacknowledged=True)
    clocks = list(pending[:WIDGET_ROWS])
    for clock in clocks:
        link = getattr(clock, "case_link", None)
        clock.for_case = link.case if link is not None else None
    return {
        "title": "Breaches to acknowledge",
        "template": "escalations/partials/widget_breaches.html",
        "context": {"clocks": clocks, "total": pending.count()},
        "order": 11,
    }
