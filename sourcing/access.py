"""Who sees and acts on shortlists (CORE-8): through the case they help with.

A shortlist for a case follows that case's visibility; one without a case belongs to the
shared talent pool work and is visible to all staff. Acting on it (inviting) needs the
case to be one the viewer works (own team, intake or assigned), not merely reads.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from core import access
from core.errors import Forbidden

from .models import Shortlist

READ_SCOPE, WRITE_SCOPE = "sourcing:read", "sourcing:write"


def shortlists_visible_to(user, queryset: QuerySet | None = None) -> QuerySet:
    qs = queryset if queryset is not None else Shortlist.objects.all()
    if access.is_admin(user) or access.reads_every_team(user, service_scope=READ_SCOPE):
        return qs  # a service with sourcing:read sees every shortlist (not the cases)
    if not (access.is_staff_member(user) or access.has_scope(user, READ_SCOPE)):
        return qs.none()
    return qs.filter(
        Q(case_reference="") | Q(case_reference__in=access.scoped("case_references", user))
    )


def can_act_on_shortlist(user, shortlist: Shortlist) -> bool:
    if not access.is_staff_member(user):
        return False
    if access.is_admin(user) or not shortlist.case_reference:
        return True
    return (
        access.scoped("case_references_worked", user)
        .filter(reference=shortlist.case_reference)
        .exists()
    )


def require_can_act_on_shortlist(user, shortlist: Shortlist) -> None:
    if not can_act_on_shortlist(user, shortlist):
        access.deny(user, "act on shortlist", target=shortlist)
        raise Forbidden("Only members of the case's team may act on this shortlist.")
