"""Claiming and assigning cases (ESC-4)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from core.access import is_service, works_in_team
from core.errors import Conflict, Forbidden, IllegalTransition, InvalidInput, NotFound
from core.formatting import display_name
from core.notifications import chat_announce, notify
from core.services import audit_record, snapshot

from ..access import require_can_assign, require_can_claim
from ..models import Case, ChecklistItem, EventKind, Status
from ._common import case_publish, event_record, lock_case
from .cases import case_ensure_team
from .sla import case_first_response_meet


class AlreadyClaimed(Conflict):
    code = "already_claimed"


def _holder(case: Case) -> str:
    if case.assignee_id is None:
        return "nobody"
    return case.assignee.get_full_name() or case.assignee.username


@transaction.atomic
def case_claim(*, case: Case, agent) -> Case:
    """ "I am taking this case": exactly one of simultaneous claims wins.

    The claim is one conditional UPDATE (unassigned and new -> mine); the database decides
    the winner and every loser sees zero rows updated and gets ``already_claimed``.
    """
    if not (agent and agent.is_authenticated and agent.is_active) or is_service(agent):
        raise Forbidden("Only active staff can claim cases.")
    require_can_claim(agent, case)
    now = timezone.now()
    won = Case.objects.filter(pk=case.pk, assignee__isnull=True, status=Status.NEW).update(
        assignee=agent, status=Status.CLAIMED, claimed_at=now, updated_at=now
    )
    if not won:
        current = Case.objects.select_related("assignee").filter(pk=case.pk).first()
        if current is None:
            raise NotFound(f"Case {case.reference} does not exist.")
        if current.assignee_id is not None:
            who = "you" if current.assignee_id == agent.pk else _holder(current)
            raise AlreadyClaimed(f"{current.reference} is already claimed by {who}.")
        raise IllegalTransition(
            f"{current.reference} is {current.status}; only new cases can be claimed."
        )

    case = Case.objects.select_related("assignee", "team").get(pk=case.pk)
    case_ensure_team(case=case, user=agent)
    name = agent.get_full_name() or agent.username
    event_record(
        case=case,
        kind=EventKind.CLAIMED,
        actor=agent,
        at=now,
        body=f"{name} is taking this case.",
        data={"from": Status.NEW, "to": Status.CLAIMED},
    )
    event_record(
        case=case,
        kind=EventKind.FIRST_RESPONSE,
        actor=agent,
        at=now,
        body="First response: case claimed.",
    )
    audit_record(
        actor=agent,
        action="case.claimed",
        target=case,
        before={"status": Status.NEW, "assignee": None},
        after=snapshot(case, ("status", "assignee")),
    )
    case_first_response_meet(case=case, actor=agent, reason="claimed")
    case_publish(case, "case.claimed")  # issue 15
    # NCO-3: the claim's chat announcement ticks "announce in team chat".
    ChecklistItem.objects.filter(case=case, key="announce_in_chat", done=False).update(
        done=True, done_by=agent, done_at=now
    )
    if case.team is not None:
        chat_announce(
            team=case.team,
            text=f"{agent.username} is taking {case.reference} "
            f"({case.get_kind_display()}, {case.priority}): {case.title} "
            f"{case.get_absolute_url()}",
        )
    return case


@transaction.atomic
def case_assign(*, case: Case, assignee, lead, reason: str = "") -> Case:
    """A lead assigns, reassigns or unassigns (assignee=None) a case."""
    require_can_assign(lead, case)
    case = lock_case(case)
    if not case.is_open:
        raise IllegalTransition(f"{case.reference} is {case.status}; it cannot be reassigned.")
    if assignee is not None and not assignee.is_active:
        raise InvalidInput(f"{assignee.username} is not an active user.", field="assignee")
    if assignee is not None and not works_in_team(assignee, case.team_id):
        raise InvalidInput(
            f"{assignee.username} is not a member of the case's team.", field="assignee"
        )
    if (assignee.pk if assignee else None) == case.assignee_id:
        return case
    before = snapshot(case, ("status", "assignee"))
    previous = case.assignee
    now = timezone.now()
    case.assignee = assignee
    if assignee is not None and case.status == Status.NEW:
        case.status = Status.CLAIMED
        case.claimed_at = now
    elif assignee is None and case.status == Status.CLAIMED:
        case.status = Status.NEW
        case.claimed_at = None
    case.save(update_fields=["assignee", "status", "claimed_at", "updated_at"])
    if assignee is not None:
        case_ensure_team(case=case, user=assignee)
    to_name = display_name(assignee) if assignee else "nobody"
    event_record(
        case=case,
        kind=EventKind.ASSIGNED,
        actor=lead,
        at=now,
        body=f"Assigned to {to_name}"
        + (f" (was {display_name(previous)})" if previous else "")
        + (f": {reason}" if reason else "."),
        data={"from": previous.pk if previous else None, "to": assignee.pk if assignee else None},
    )
    audit_record(
        actor=lead,
        action="case.assigned",
        target=case,
        before=before,
        after=snapshot(case, ("status", "assignee")),
        reason=reason,
    )
    case_publish(case, "case.assigned")  # issue 15
    if assignee is not None and assignee.pk != lead.pk:
        notify(
            recipients=[assignee],
            kind="case_assigned",
            title=f"{case.reference} assigned to you",
            body=f"{display_name(lead)} assigned you {case.reference}: {case.title}",
            url=case.get_absolute_url(),
            target=case,
        )
    return case
