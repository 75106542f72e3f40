"""Who may do what on a case; used by services, the API and the pages alike."""

from __future__ import annotations

from core.permissions import is_lead


def can_view_case(user, case) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def can_work_case(user, case) -> bool:
    """The assignee and any lead may change a case; anyone may claim a new one."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    return is_lead(user) or (case.assignee_id is not None and case.assignee_id == user.pk)


def can_claim_case(user, case) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def can_assign_case(user, case) -> bool:
    return is_lead(user)


def can_decide_contact_request(user, request) -> bool:
    return is_lead(user) and request.requested_by_id != user.pk
