"""Who sees and decides workforce matters (CORE-8).

Team figures (coverage, weekly report, CSAT summaries, recognition, the team dashboard)
are a lead's: agents are refused (403) before anything is looked up, a lead reaches the
teams they lead (another team is a 404), admins reach every team. Time entries: an agent
sees their own, a lead their teams' freelancers', admins all; imports, outages and the
manual-time switch are a lead's or an admin's. No service-token scope (the views name
none). The client's rating page is reached only through a signed link.
"""

from __future__ import annotations

from django.db.models import QuerySet

from core import access
from core.errors import Forbidden, InvalidInput, NotFound
from core.models import Team, User

from .models import TimeEntry


def is_lead_viewer(user) -> bool:
    return access.is_staff_member(user) and bool(user.is_lead)


def require_lead(user, what: str = "team figures") -> None:
    if not is_lead_viewer(user):
        access.deny(user, what)
        raise Forbidden("Team figures are for team leads and admins.")


def teams_visible_to(user) -> QuerySet[Team]:
    if access.is_admin(user):
        return Team.objects.all()
    if not is_lead_viewer(user):
        return Team.objects.none()
    return Team.objects.filter(pk__in=access.team_ids_led_by(user))


def team_for(user, team_id=None) -> Team:
    """The team a lead looks at: ``team_id`` through the access query (foreign -> 404);
    by default the first team they lead (or, for an admin, their own or the first)."""
    require_lead(user)
    teams = teams_visible_to(user)
    if team_id not in (None, ""):
        try:
            pk = int(team_id)
        except (TypeError, ValueError):
            raise InvalidInput("The team is a number.", field="team") from None
        found = teams.filter(pk=pk).first()
        if found is None:
            raise NotFound("No such team.")
        return found
    own = teams.filter(pk=user.team_id).first() if user.team_id else None
    found = own or teams.order_by("name").first()
    if found is None:
        raise NotFound("You lead no team yet.")
    return found


def entries_visible_to(user, queryset: QuerySet | None = None) -> QuerySet[TimeEntry]:
    qs = queryset if queryset is not None else TimeEntry.objects.all()
    if access.is_admin(user):
        return qs
    if not access.is_staff_member(user):
        return qs.none()
    if user.is_lead:
        return qs.filter(user__team_id__in=access.team_ids_led_by(user)) | qs.filter(user=user)
    return qs.filter(user=user)


def freelancers_managed_by(user) -> QuerySet[User]:
    qs = User.objects.filter(is_active=True, role="agent")
    if access.is_admin(user):
        return qs
    if not is_lead_viewer(user):
        return qs.none()
    return qs.filter(team_id__in=access.team_ids_led_by(user))
