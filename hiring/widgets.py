"""Dashboard panel: job postings that ask their lead for a review (HIR-1)."""

from __future__ import annotations

from core import access


def stale_postings_widget(request):
    from .services.rounds import stale_postings

    user = request.user
    if not (access.is_staff_member(user) and user.is_lead):
        return None
    team_ids = None if access.is_admin(user) else access.team_ids_led_by(user)
    postings = stale_postings(team_ids=team_ids)
    if not postings:
        return None
    return {
        "title": "Job postings to review",
        "template": "hiring/partials/widget_stale.html",
        "context": {"postings": postings[:5], "total": len(postings)},
        "order": 30,
    }
