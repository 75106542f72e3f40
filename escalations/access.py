"""Who may see and do what on cases (CORE-8, ESC-7), on top of core.access.

Lists go through ``cases_visible_to`` (scoped in the query); one case is fetched through
``case_for`` (a foreign case is a 404); actions check a predicate and answer 403.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from core import access
from core.errors import Forbidden, NotFound

from .models import Case, ContactInfoRequest, ContactRequestStatus, UflPlan

READ_SCOPE, WRITE_SCOPE = "cases:read", "cases:write"


def cases_visible_to(user, queryset: QuerySet[Case] | None = None) -> QuerySet[Case]:
    """Own and led teams' cases, the shared intake (no team) and cases assigned to them."""
    qs = queryset if queryset is not None else Case.objects.all()
    if access.reads_every_team(user, service_scope=READ_SCOPE):
        return qs
    if not access.is_staff_member(user):
        return qs.none()
    teams = access.team_ids_of(user)
    return qs.filter(Q(team__isnull=True) | Q(team_id__in=teams) | Q(assignee_id=user.pk))


def scope_key(user) -> tuple:
    """Everything ``cases_visible_to`` reads of ``user``: equal keys give equal scoping SQL,
    so statements compiled once per key can be reused (the case detail's and the plain
    list's, issue 16). A change of team, lead, role or of the cross-team switch is a new key."""
    return (
        getattr(user, "pk", None),
        access.reads_every_team(user, service_scope=READ_SCOPE),
        access.is_staff_member(user),
        tuple(sorted(access.team_ids_of(user))),
    )


def cases_worked_by(user, queryset: QuerySet[Case] | None = None) -> QuerySet[Case]:
    """Cases this person may act on: visibility without the cross-team read switch."""
    qs = queryset if queryset is not None else Case.objects.all()
    if access.is_service(user):
        return qs if access.has_scope(user, WRITE_SCOPE) else qs.none()
    if access.is_admin(user):
        return qs
    if not access.is_staff_member(user):
        return qs.none()
    teams = access.team_ids_of(user)
    return qs.filter(Q(team__isnull=True) | Q(team_id__in=teams) | Q(assignee_id=user.pk))


def cases_decidable_by(user, queryset: QuerySet[Case] | None = None) -> QuerySet[Case]:
    """Where a lead decides: the teams they lead and the intake; admins everywhere."""
    qs = queryset if queryset is not None else Case.objects.all()
    if access.is_admin(user):
        return qs
    if not access.is_staff_member(user) or not user.is_lead:
        return qs.none()
    return qs.filter(Q(team__isnull=True) | Q(team_id__in=access.team_ids_led_by(user)))


def can_view_case(user, case: Case) -> bool:
    if access.reads_every_team(user, service_scope=READ_SCOPE):
        return True
    if not access.is_staff_member(user):
        return False
    return (
        case.team_id is None
        or case.team_id in access.team_ids_of(user)
        or case.assignee_id == user.pk
    )


def can_work_case(user, case: Case) -> bool:
    """The assignee, a lead of the case's team (any lead for the intake) and admins."""
    if access.is_service(user):
        return access.has_scope(user, WRITE_SCOPE)
    if not access.is_staff_member(user):
        return False
    if case.assignee_id is not None and case.assignee_id == user.pk:
        return True
    return access.can_decide_for(user, case.team_id)


def can_note_case(user, case: Case) -> bool:
    """Internal notes: anyone who works the case's team (teammates collaborate)."""
    return can_work_case(user, case) or access.works_in_team(user, case.team_id)


def can_claim_case(user, case: Case) -> bool:
    """Anyone of staff who works the case's team (or the intake); never a service."""
    return access.works_in_team(user, case.team_id)


def can_assign_case(user, case: Case) -> bool:
    return access.can_decide_for(user, case.team_id)


def can_decide_contact_request(user, request: ContactInfoRequest) -> bool:
    """ESC-7: a lead of the case's team decides, never the one who asked."""
    return access.can_decide_for(user, request.case.team_id) and (
        request.requested_by_id != user.pk
    )


def can_read_contact_info(user, request: ContactInfoRequest) -> bool:
    """ESC-7: released details go to the requester and the case's assignee only."""
    if not access.is_staff_member(user) or request.status != ContactRequestStatus.APPROVED:
        return False
    return user.pk in (request.requested_by_id, request.case.assignee_id)


# Fetching through the check -------------------------------------------------------------
def case_for(user, reference: str, *, queryset: QuerySet[Case] | None = None) -> Case:
    """The case ``reference`` if ``user`` may see it; otherwise NotFound (no leak)."""
    from .selectors import case_get

    try:
        return case_get(reference=reference, queryset=cases_visible_to(user, queryset))
    except NotFound:
        access.deny(user, f"view case {reference!r}")
        raise


def require_can_work(user, case: Case, doing: str) -> None:
    if not can_work_case(user, case):
        access.deny(user, doing, target=case)
        holder = "nobody"
        if case.assignee_id:
            holder = case.assignee.get_full_name() or case.assignee.username
        raise Forbidden(
            f"Only the assignee ({holder}) or a lead of the case's team may {doing} "
            f"on {case.reference}."
        )


def require_can_note(user, case: Case) -> None:
    if not can_note_case(user, case):
        access.deny(user, "note", target=case)
        raise Forbidden(f"Only members of the case's team may add notes to {case.reference}.")


def require_can_claim(user, case: Case) -> None:
    if not can_claim_case(user, case):
        access.deny(user, "claim", target=case)
        raise Forbidden(f"Only members of the case's team may claim {case.reference}.")


def require_can_assign(user, case: Case) -> None:
    if not can_assign_case(user, case):
        access.deny(user, "assign", target=case)
        raise Forbidden(f"Only a lead of the case's team may assign {case.reference}.")


def contact_requests_visible_to(user, queryset: QuerySet | None = None) -> QuerySet:
    qs = queryset if queryset is not None else ContactInfoRequest.objects.all()
    return qs.filter(case__in=cases_visible_to(user).values("pk"))


def case_team_id(case_id: int) -> int | None:
    return Case.objects.filter(pk=case_id).values_list("team_id", flat=True).first()


def register() -> None:
    """Let the kernel scope SLA clocks (and anything else pointing at cases) by case."""
    access.register_subject(
        Case,
        visible_ids=lambda user: cases_visible_to(user).values("pk"),
        team_id=case_team_id,
        service_scope=READ_SCOPE,
    )
    # UFL-2 (issue 11): the clocks of a case's freelancer contact plan follow the case.
    access.register_subject(
        UflPlan,
        visible_ids=lambda user: UflPlan.objects.filter(
            case__in=cases_visible_to(user).values("pk")
        ).values("pk"),
        team_id=lambda plan_id: (
            UflPlan.objects.filter(pk=plan_id).values_list("case__team_id", flat=True).first()
        ),
        service_scope=READ_SCOPE,
    )
    access.register_scope(
        "case_references", lambda user: cases_visible_to(user).values("reference")
    )
    access.register_scope(
        "case_references_worked", lambda user: cases_worked_by(user).values("reference")
    )
