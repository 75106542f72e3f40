"""Dashboard panels (TEAM-4): the lead's team at a glance; an agent's own figures."""

from __future__ import annotations

from core.errors import NotFound

from .access import is_lead_viewer, team_for


def team_dashboard_widget(request):
    user = request.user
    if not is_lead_viewer(user):
        return None
    try:
        team = team_for(user)
    except NotFound:
        return None
    from .views import team_dashboard_context

    return {
        "title": f"{team.name} at a glance",
        "template": "workforce/partials/widget_team.html",
        "context": {"f": team_dashboard_context(team, user)},
        "order": 5,
        "wide": True,
    }


def my_csat_widget(request):
    user = request.user
    if is_lead_viewer(user) or not user.is_authenticated:
        return None
    from .dashboard import agent_figures

    return {
        "title": "My work",
        "template": "workforce/partials/widget_agent.html",
        "context": {"f": agent_figures(user)},
        "order": 9,
    }
