"""Non-delivery fraud (UFL-5): marking a freelancer opens the NDF escalation.

The mark counts per freelancer (``escalations.selectors.ndf_count_for_freelancer``), which
the credit policy reads (CRD-1: "NDF found on this freelancer and past NDF count").
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.errors import Conflict, InvalidInput
from core.models import User
from core.notifications import notify
from core.services import audit_record
from core.validation import check_text
from integrations.events import publish_event

from ..models import Case, EventKind, Kind, NdfMark, Priority, UflSettings
from ._common import event_record, lock_case, require_can_work
from .cases import case_create

COPIED_FIELDS = (
    "client_name",
    "client_company",
    "client_account_id",
    "client_segment",
    "freelancer_name",
    "freelancer_id",
    "is_agency",
    "contract_ids",
    "contract_type",
    "contract_spend",
)


def _ndf_team(case: Case):
    return UflSettings.load().ndf_team or case.team


@transaction.atomic
def ndf_mark(*, case: Case, actor, reason: str) -> NdfMark:
    """Mark the case's freelancer as non-delivery fraud and open the linked NDF case.

    The NDF case is routed by policy: to the admin-set NDF team (``UflSettings.ndf_team``,
    else the case's own team), high priority, in that team's queue; its lead is told.
    A case is marked once (409 the second time). The freelancer is identified by the
    case's ``freelancer_id`` (the marketplace id), which must be on file.
    """
    require_can_work(actor, case, "mark the freelancer as non-delivery fraud")
    case = lock_case(case)
    if case.kind == Kind.NON_DELIVERY_FRAUD:
        raise Conflict("This is already an NDF escalation.", code="already_ndf")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("Say what shows non-delivery fraud.", field="reason")
    check_text(reason, field="reason", multiline=True)
    freelancer_ref = (case.freelancer_id or "").strip()
    if not freelancer_ref:
        raise InvalidInput(
            "Record the freelancer's id on the case first: the NDF count is per freelancer.",
            field="freelancer_id",
        )
    if NdfMark.objects.filter(case=case).exists():
        raise Conflict(f"{case.reference} is already marked as NDF.", code="already_marked")
    team = _ndf_team(case)
    label = case.freelancer_name or freelancer_ref
    ndf_case = case_create(
        actor=actor,
        title=f"NDF escalation: {label} (from {case.reference})",
        kind=Kind.NON_DELIVERY_FRAUD,
        priority=Priority.HIGH,
        team=team,
        issue_summary=f"non-delivery by {label}",
        **{name: getattr(case, name) for name in COPIED_FIELDS},
    )
    try:
        with transaction.atomic():
            mark = NdfMark.objects.create(
                case=case,
                ndf_case=ndf_case,
                freelancer_ref=freelancer_ref,
                reason=reason,
                marked_by=actor,
                marked_at=timezone.now(),
            )
    except IntegrityError:
        raise Conflict(
            f"{case.reference} is already marked as NDF.", code="already_marked"
        ) from None
    event_record(
        case=case,
        kind=EventKind.CLAIM,
        actor=actor,
        body=f"Freelancer marked as non-delivery fraud; NDF escalation {ndf_case.reference} "
        "opened.",
        data={"ndf_case": ndf_case.reference},
    )
    event_record(
        case=ndf_case,
        kind=EventKind.NOTE,
        actor=actor,
        body=f"Opened from {case.reference}: {reason}",
        data={"source_case": case.reference},
    )
    audit_record(
        actor=actor,
        action="ufl.ndf_marked",
        target=case,
        after={"ndf_case": ndf_case.reference, "freelancer_ref": freelancer_ref},
        reason=reason,
    )
    lead = team.lead if team is not None and team.lead_id else None
    recipients = [lead] if lead is not None and lead.is_active else []
    if not recipients:
        recipients = list(User.objects.filter(is_active=True, role="admin")[:5])
    notify(
        recipients=[u for u in recipients if u.pk != actor.pk],
        kind="ndf_opened",
        title=f"NDF escalation {ndf_case.reference} to assign",
        body=f"Opened from {case.reference} for {label}.",
        url=ndf_case.get_absolute_url(),
        target=ndf_case,
    )
    publish_event(
        "case.ndf_opened",
        {
            "case": case.reference,
            "ndf_case": ndf_case.reference,
            "freelancer_ref": freelancer_ref,
        },
        team_id=ndf_case.team_id,
    )
    return mark
