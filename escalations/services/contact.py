"""Requests for the other party's contact information (ESC-7): a lead approves first."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.access import can_decide_for, deny
from core.errors import Conflict, Forbidden, InvalidInput
from core.formatting import display_name
from core.models import User
from core.notifications import notify
from core.services import audit_record, snapshot

from ..access import can_decide_contact_request, can_read_contact_info, require_can_work
from ..models import Case, ContactInfoRequest, ContactRequestStatus, EventKind, Party
from ._common import event_record

REQUEST_FIELDS = ("status", "decided_by", "decided_at", "decision_reason")


@transaction.atomic
def contact_request_create(
    *, case: Case, requester, requested_for: str, reason: str
) -> ContactInfoRequest:
    """Record that ``requested_for`` (client or freelancer) asks for the other's contact."""
    if requested_for not in Party.values:
        raise InvalidInput(
            f"requested_for must be client or freelancer, got {requested_for!r}.",
            field="requested_for",
        )
    require_can_work(requester, case, "ask for contact information")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("Say why the contact information is requested.", field="reason")
    try:
        with transaction.atomic():
            request = ContactInfoRequest.objects.create(
                case=case, requested_for=requested_for, requested_by=requester, reason=reason
            )
    except IntegrityError:
        raise Conflict(
            f"A request for the {requested_for} on {case.reference} is already pending.",
            code="already_pending",
        ) from None
    event_record(
        case=case,
        kind=EventKind.CONTACT_REQUEST,
        actor=requester,
        body=f"The {requested_for} asked for the other party's contact information: {reason}",
        data={"request": request.pk, "status": request.status},
    )
    audit_record(
        actor=requester,
        action="contact_request.created",
        target=request,
        after=snapshot(request, ("case", "requested_for", "status", "reason")),
    )
    leads = [
        lead
        for lead in User.objects.filter(is_active=True, role__in=["team_lead", "admin"])
        if lead.pk != requester.pk and can_decide_for(lead, case.team_id)
    ]
    if leads:
        notify(
            recipients=leads,
            kind="contact_request",
            title=f"Contact-info request on {case.reference} needs approval",
            body=reason,
            url=case.get_absolute_url(),
            target=case,
        )
    return request


@transaction.atomic
def contact_request_decide(
    *, request: ContactInfoRequest, lead, approve: bool, reason: str
) -> ContactInfoRequest:
    """A lead (never the requester) approves or denies; nothing is shared before."""
    request = (
        ContactInfoRequest.objects.select_for_update(of=("self",))
        .select_related("case")
        .get(pk=request.pk)
    )
    if not can_decide_contact_request(lead, request):
        deny(lead, "decide contact request", target=request)
        if getattr(lead, "pk", None) == request.requested_by_id:
            raise Forbidden("You cannot decide a contact-info request you made yourself.")
        raise Forbidden("Only a lead of the case's team may decide contact-info requests.")
    if request.status != ContactRequestStatus.PENDING:
        raise Conflict(f"This request was already {request.status}.", code="already_decided")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("A decision needs a reason.", field="reason")
    before = snapshot(request, REQUEST_FIELDS)
    request.status = ContactRequestStatus.APPROVED if approve else ContactRequestStatus.DENIED
    request.decided_by = lead
    request.decided_at = timezone.now()
    request.decision_reason = reason
    request.save(update_fields=list(REQUEST_FIELDS))
    event_record(
        case=request.case,
        kind=EventKind.CONTACT_REQUEST,
        actor=lead,
        body=f"Contact-info request {request.get_status_display().lower()} by "
        f"{display_name(lead)}: {reason}",
        data={"request": request.pk, "status": request.status},
    )
    audit_record(
        actor=lead,
        action=f"contact_request.{request.status}",
        target=request,
        before=before,
        after=snapshot(request, REQUEST_FIELDS),
        reason=reason,
    )
    notify(
        recipients=[request.requested_by],
        kind="contact_request_decided",
        title=f"Contact-info request on {request.case.reference} "
        f"{request.get_status_display().lower()}",
        body=reason,
        url=request.case.get_absolute_url(),
        target=request.case,
    )
    return request


def contact_info_shareable(*, request: ContactInfoRequest, user) -> dict[str, str]:
    """The other party's contact details, only once a lead approved the request, and
    only to the requester or the case's assignee; every release is audited (ESC-7).

    ``user=None`` is the system itself (e.g. a message template), never a person.
    """
    if request.status != ContactRequestStatus.APPROVED:
        raise Forbidden(
            f"Contact information cannot be shared: the request is {request.status}.",
            code="not_approved",
        )
    if user is not None:
        if not can_read_contact_info(user, request):
            deny(user, "read contact info", target=request)
            raise Forbidden(
                "Approved contact details go only to the requester and the case's assignee.",
                code="not_requester",
            )
        audit_record(
            actor=user,
            action="contact_request.info_read",
            target=request,
            after={"party": request.other_party},
        )
    case = request.case
    if request.other_party == Party.FREELANCER:
        return {
            "name": case.freelancer_name,
            "email": case.freelancer_email,
            "phone": case.freelancer_phone,
        }
    return {"name": case.client_name, "email": case.client_email, "phone": case.client_phone}
