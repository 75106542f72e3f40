"""Inbound ticket events (API-2): idempotent by event id, create or update by ticket id."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from core.errors import Conflict, InvalidInput
from core.validation import check_json_text

from ..models import Case, EventKind, InboundEvent, Kind, Priority, Segment, SourceChannel, Status
from ._common import event_record
from .cases import case_create, case_transition, case_update
from .ufl import ufl_reply_record

EVENT_TYPES = (
    "ticket.created",
    "ticket.updated",
    "ticket.client_replied",
    "ticket.freelancer_replied",  # UFL-2: the freelancer answered on the ticket
)
REPLY_EVENTS = ("ticket.client_replied", "ticket.freelancer_replied")
TICKET_FIELDS = {
    # payload key -> case field
    "subject": "title",
    "summary": "issue_summary",
    "priority": "priority",
    "kind": "kind",
}
REQUESTER_FIELDS = {
    "name": "client_name",
    "email": "client_email",
    "phone": "client_phone",
    "company": "client_company",
    "account_id": "client_account_id",
    "segment": "client_segment",
}


def _case_fields(ticket: dict) -> dict:
    fields = {}
    for key, name in TICKET_FIELDS.items():
        if ticket.get(key) not in (None, ""):
            fields[name] = str(ticket[key])
    requester = ticket.get("requester") or {}
    if not isinstance(requester, dict):
        raise InvalidInput("ticket.requester must be an object.", field="ticket.requester")
    for key, name in REQUESTER_FIELDS.items():
        if requester.get(key) not in (None, ""):
            fields[name] = str(requester[key])
    for name, choices in (
        ("priority", Priority),
        ("kind", Kind),
        ("client_segment", Segment),
    ):
        if name in fields and fields[name] not in choices.values:
            raise InvalidInput(
                f"Unknown {name} {fields[name]!r}; choose one of {', '.join(choices.values)}.",
                field=f"ticket.{name}",
            )
    return fields


def _validate(payload) -> tuple[str, str, dict]:
    if not isinstance(payload, dict):
        raise InvalidInput("The body must be a JSON object.")
    check_json_text(payload)  # API-4: no NUL or control character reaches a row
    event_id = str(payload.get("event_id") or "").strip()
    if not event_id or len(event_id) > 200:
        raise InvalidInput("event_id is required (at most 200 characters).", field="event_id")
    event_type = payload.get("type")
    if event_type not in EVENT_TYPES:
        raise InvalidInput(
            f"type must be one of {', '.join(EVENT_TYPES)}, got {event_type!r}.", field="type"
        )
    ticket = payload.get("ticket")
    if not isinstance(ticket, dict) or not str(ticket.get("id") or "").strip():
        raise InvalidInput("ticket.id is required.", field="ticket.id")
    return event_id, event_type, ticket


def _apply(event_type: str, ticket: dict) -> tuple[Case, str]:
    external_id = str(ticket["id"]).strip()
    fields = _case_fields(ticket)
    tags = ticket.get("tags") if isinstance(ticket.get("tags"), list) else None
    case = Case.objects.filter(external_ticket_id=external_id).first()
    if case is None:
        if event_type in REPLY_EVENTS:
            raise InvalidInput(
                f"No case carries ticket {external_id!r}; send ticket.created first.",
                field="ticket.id",
            )
        for required in ("title", "client_name"):
            if required not in fields:
                key = "subject" if required == "title" else "requester.name"
                raise InvalidInput(f"ticket.{key} is required to open a case.", field=key)
        case = case_create(
            actor=None,
            source_channel=SourceChannel.SUPPORT_TICKET,
            external_ticket_id=external_id,
            tags=tags or (),
            **fields,
        )
        return case, "created"
    action = "unchanged"
    if fields or tags is not None:
        before = case.updated_at
        case = case_update(
            case=case, actor=None, reason=f"ticket {event_type}", tags=tags, **fields
        )
        if case.updated_at != before:
            action = "updated"
    if event_type == "ticket.client_replied":
        message = str(ticket.get("comment") or "").strip()
        event_record(
            case=case,
            kind=EventKind.CLIENT_MESSAGE,
            body=message or "The client replied on the ticket.",
            visibility="client_visible",
            data={"ticket": external_id},
        )
        if case.status == Status.WAITING_ON_CLIENT and case.assignee_id:
            case = case_transition(
                case=case,
                to_status=Status.IN_PROGRESS,
                actor=case.assignee,
                reason="The client replied on the ticket.",
            )
        action = "client_replied"
    if event_type == "ticket.freelancer_replied":
        case = _freelancer_replied(case, ticket, external_id)
        action = "freelancer_replied"
    return case, action


def _freelancer_replied(case: Case, ticket: dict, external_id: str) -> Case:
    """UFL-2: the freelancer's answer stops the schedule and moves the case to mediation."""
    message = str(ticket.get("comment") or "").strip() or "The freelancer replied on the ticket."
    try:
        ufl_reply_record(case=case, actor=None, summary=message, source="ticket")
    except Conflict as exc:  # not a UFL case, closed, already in mediation: a 400 here
        raise InvalidInput(exc.message, field="type") from None
    return Case.objects.get(pk=case.pk)


def ticket_event_receive(*, payload: dict, source: str = "tickets") -> tuple[dict, bool]:
    """Apply one ticket event once. Returns (result, replayed).

    A replayed event id changes nothing and returns the result first returned. An event
    that fails validation stores nothing, so the sender can fix it and retry.

    Concurrent deliveries of one new event id (API-2): the event row is inserted first,
    in the transaction that applies the event. The unique index makes every other
    delivery's insert wait for that transaction: once it commits they read its result and
    answer as replays; if it rolled back (invalid event) the next one applies it itself.
    """
    event_id, event_type, ticket = _validate(payload)
    stored = _stored_result(source, event_id)
    if stored is not None:
        return stored, True
    with transaction.atomic():
        try:
            with transaction.atomic():  # a savepoint: a lost race leaves the rest usable
                event = InboundEvent.objects.create(
                    source=source,
                    event_id=event_id,
                    event_type=event_type,
                    payload=payload,
                    result={},
                )
        except IntegrityError:
            # Another delivery of this event id committed while our insert waited.
            stored = _stored_result(source, event_id, lock=True)
            if stored is None:
                raise
            return stored, True
        case, action = _apply(event_type, ticket)
        result = {
            "event_id": event_id,
            "action": action,
            "case": case.reference,
            "status": case.status,
        }
        InboundEvent.objects.filter(pk=event.pk).update(result=result, case=case)
    return result, False


def _stored_result(source: str, event_id: str, *, lock: bool = False) -> dict | None:
    """The committed result of an event id, or None. ``lock`` waits for a writer."""
    events = InboundEvent.objects.filter(source=source, event_id=event_id)
    if lock:
        events = events.select_for_update()
    return events.values_list("result", flat=True).first()
