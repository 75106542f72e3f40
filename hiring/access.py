"""Who sees and decides hiring (CORE-8): a round belongs to a team; its lead decides.

Hiring is a lead's work: agents are refused (403) before any object is looked up, a
lead reaches only the rounds of the teams they lead (another team's round is a 404), and
admins reach all. Service tokens have no hiring scope (the views name none).
"""

from __future__ import annotations

from django.db.models import QuerySet

from core import access
from core.errors import Forbidden, NotFound

from .models import Applicant, Round


def may_hire(user) -> bool:
    """A signed-in lead or admin (the precondition of every hiring surface)."""
    return access.is_staff_member(user) and bool(user.is_lead)


def require_may_hire(user, what: str = "hiring") -> None:
    if not may_hire(user):
        access.deny(user, what)
        raise Forbidden("Hiring is decided by team leads.")


def rounds_visible_to(user, queryset: QuerySet | None = None) -> QuerySet:
    qs = queryset if queryset is not None else Round.objects.all()
    if access.is_admin(user):
        return qs
    if not may_hire(user):
        return qs.none()
    return qs.filter(team_id__in=access.team_ids_led_by(user))


def applicants_visible_to(user, queryset: QuerySet | None = None) -> QuerySet:
    qs = queryset if queryset is not None else Applicant.objects.all()
    if access.is_admin(user):
        return qs
    if not may_hire(user):
        return qs.none()
    return qs.filter(round__team_id__in=access.team_ids_led_by(user))


def path_id(value) -> int | None:
    """A path id: digits within the bigint range, else None (answered as a 404)."""
    text = str(value)
    if not text.isascii() or not text.isdigit() or len(text) > 18:
        return None
    return int(text)


def round_for(user, pk) -> Round:
    """The round through the access query: a lead's other-team round is a 404."""
    require_may_hire(user)
    found = rounds_visible_to(user).select_related("team").filter(pk=path_id(pk)).first()
    if found is None:
        raise NotFound("No such hiring round.")
    return found


def applicant_for(user, pk) -> Applicant:
    require_may_hire(user)
    found = applicants_visible_to(user).select_related("round__team").filter(pk=path_id(pk)).first()
    if found is None:
        raise NotFound("No such applicant.")
    return found


def require_decides_for(user, team_id: int) -> None:
    if not access.can_decide_for(user, team_id):
        access.deny(user, "decide hiring", target=team_id)
        raise Forbidden("Only a lead of this round's team decides on its applicants.")
