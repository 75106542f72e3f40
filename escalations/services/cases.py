"""Creating, editing and moving cases (ESC-1 to ESC-3, ESC-5 clocks, notes and calls)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.errors import IllegalTransition, InvalidInput
from core.services import audit_record, snapshot
from core.validation import check_case_instant, check_int, check_model_text, int_field_range

from .. import limits
from ..access import require_can_note
from ..models import (
    NCO_CHECKLIST,
    PROBING_QUESTIONS,
    CallDirection,
    CallLog,
    CallOutcome,
    Case,
    ChecklistItem,
    EventKind,
    Kind,
    Party,
    Priority,
    Segment,
    SourceChannel,
    StartEvent,
    Status,
    Tag,
    Visibility,
)
from ..state_machine import CANCELLING, MEETING, PAUSING, allowed_from, is_allowed
from ._common import CASE_AUDIT_FIELDS, case_publish, event_record, lock_case, require_can_work
from .sla import (
    case_clocks_cancel,
    case_clocks_meet,
    case_clocks_pause,
    case_clocks_reconcile,
    case_clocks_resume,
    case_clocks_start,
    case_first_response_meet,
)
from .ufl import (
    UFL_KINDS,
    ufl_attempt_quick_log,
    ufl_client_followed_up,
    ufl_plan_open,
    ufl_plan_stop,
)

EDITABLE_FIELDS = (
    "title",
    "issue_summary",
    "kind",
    "priority",
    "client_name",
    "client_email",
    "client_phone",
    "client_company",
    "client_account_id",
    "client_segment",
    "freelancer_name",
    "freelancer_id",
    "freelancer_email",
    "freelancer_phone",
    "is_agency",
    "contract_ids",
    "contract_type",
    "contract_spend",
    "source_channel",
)
POLICY_FIELDS = ("kind", "client_segment", "priority")


def _choice(value, choices, field: str) -> str:
    if value not in choices.values:
        raise InvalidInput(
            f"Unknown {field} {value!r}; choose one of {', '.join(choices.values)}.", field=field
        )
    return value


def _clean(case: Case, exclude=()) -> None:
    """Run the model's validation and turn its first error into InvalidInput.

    API-4 first: no control character in any text column (CR/LF refused in one-line
    columns such as the title, which becomes email subjects), and the size limits of
    ``escalations.limits``.
    """
    check_model_text(case)
    _limits_check(case)
    try:
        case.full_clean(exclude=["reference", "assignee", "team", "created_by", *exclude])
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise InvalidInput(f"{field}: {messages[0]}", field=field) from None


def _limits_check(case: Case) -> None:
    if len(case.issue_summary or "") > limits.MAX_TEXT:
        raise InvalidInput(
            f"issue_summary: at most {limits.MAX_TEXT:,} characters.", field="issue_summary"
        )
    ids = case.contract_ids or []
    if not isinstance(ids, list) or len(ids) > limits.MAX_CONTRACT_IDS:
        raise InvalidInput(
            f"contract_ids: a list of at most {limits.MAX_CONTRACT_IDS} ids.", field="contract_ids"
        )
    if any(len(str(i)) > limits.MAX_CONTRACT_ID_LENGTH for i in ids):
        raise InvalidInput(
            f"contract_ids: each id at most {limits.MAX_CONTRACT_ID_LENGTH} characters.",
            field="contract_ids",
        )


def _money(value) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, float):
        value = str(value)
    try:
        amount = Decimal(value).quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError, ValueError):
        raise InvalidInput(
            f"contract_spend must be an amount such as 1250.00, got {value!r}.",
            field="contract_spend",
        ) from None
    if amount < 0:
        raise InvalidInput("contract_spend cannot be negative.", field="contract_spend")
    return amount


def _tags(names) -> list[Tag]:
    names = list(names or [])
    if len(names) > limits.MAX_TAGS:
        raise InvalidInput(f"tags: at most {limits.MAX_TAGS} tags.", field="tags")
    tags = []
    for raw in names or []:
        name = str(raw).strip().lower().replace(" ", "-")
        if not name:
            continue
        if len(name) > 50:
            raise InvalidInput(f"Tag {raw!r} is longer than 50 characters.", field="tags")
        tags.append(Tag.objects.get_or_create(name=name)[0])
    return tags


def _checklist_create(case: Case) -> None:
    if case.kind != Kind.NEW_CLIENT_OUTREACH or case.checklist.exists():
        return
    ChecklistItem.objects.bulk_create(
        ChecklistItem(case=case, key=key, label=label, position=i)
        for i, (key, label) in enumerate(NCO_CHECKLIST)
    )


@transaction.atomic
def _field_words(name: str) -> str:
    """A case field as people call it (its verbose name), for timeline text."""
    try:
        return str(Case._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name.replace("_", " ")


def case_create(
    *,
    actor,
    title: str,
    client_name: str,
    kind: str = Kind.GENERAL,
    priority: str = Priority.NORMAL,
    client_segment: str = Segment.INDIVIDUAL,
    source_channel: str = SourceChannel.SUPPORT_TICKET,
    team=None,
    tags=(),
    external_ticket_id: str | None = None,
    created_at=None,
    **fields,
) -> Case:
    """Open a case, start the SLA clocks its policies start on creation (ESC-5)."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise InvalidInput(f"Unknown case field(s): {', '.join(sorted(unknown))}.")
    _choice(kind, Kind, "kind")
    _choice(priority, Priority, "priority")
    _choice(client_segment, Segment, "client_segment")
    _choice(source_channel, SourceChannel, "source_channel")
    if "contract_spend" in fields:
        fields["contract_spend"] = _money(fields["contract_spend"])
    external_ticket_id = (external_ticket_id or "").strip() or None
    if external_ticket_id and Case.objects.filter(external_ticket_id=external_ticket_id).exists():
        raise InvalidInput(
            f"A case already carries external ticket id {external_ticket_id!r}.",
            field="external_ticket_id",
        )
    if team is None and actor is not None and getattr(actor, "team_id", None):
        team = actor.team
    case = Case(
        title=(title or "").strip(),
        client_name=(client_name or "").strip(),
        kind=kind,
        priority=priority,
        client_segment=client_segment,
        source_channel=source_channel,
        external_ticket_id=external_ticket_id,
        team=team,
        created_by=actor if actor is not None and getattr(actor, "pk", None) else None,
        **fields,
    )
    _clean(case)
    try:
        with transaction.atomic():
            case.save()
    except IntegrityError:
        raise InvalidInput(
            f"A case already carries external ticket id {external_ticket_id!r}.",
            field="external_ticket_id",
        ) from None
    if created_at is not None:  # imports and demo data keep their original time
        Case.objects.filter(pk=case.pk).update(created_at=created_at)
        case.created_at = created_at
    if tags:
        case.tags.set(_tags(tags))
    _checklist_create(case)
    event_record(
        case=case,
        kind=EventKind.CREATED,
        actor=actor,
        at=case.created_at,
        body=f"Case opened from {case.get_source_channel_display().lower()}.",
        data={"kind": case.kind, "priority": case.priority, "segment": case.client_segment},
    )
    audit_record(
        actor=actor,
        action="case.created",
        target=case,
        after=snapshot(case, CASE_AUDIT_FIELDS),
    )
    case_clocks_start(
        case=case, start_event=StartEvent.CASE_CREATED, at=case.created_at, actor=actor
    )
    case_publish(case, "case.created")  # issue 15
    if case.kind in UFL_KINDS:  # UFL-1: the expectations and the research checklist
        ufl_plan_open(case=case, actor=actor)
    return case


@transaction.atomic
def case_update(*, case: Case, actor, reason: str = "", tags=None, **changes) -> Case:
    """Edit a case's data; a changed kind, segment or priority re-applies the policies."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise InvalidInput(f"These fields cannot be edited: {', '.join(sorted(unknown))}.")
    case = lock_case(case)
    if actor is not None:
        require_can_work(actor, case, "edit the case")
    if "kind" in changes:
        _choice(changes["kind"], Kind, "kind")
    if "priority" in changes:
        _choice(changes["priority"], Priority, "priority")
    if "client_segment" in changes:
        _choice(changes["client_segment"], Segment, "client_segment")
    if "source_channel" in changes:
        _choice(changes["source_channel"], SourceChannel, "source_channel")
    if "contract_spend" in changes:
        changes["contract_spend"] = _money(changes["contract_spend"])
    before = snapshot(case, CASE_AUDIT_FIELDS)
    for name, value in changes.items():
        setattr(case, name, value)
    _clean(case, exclude=["external_ticket_id"])
    after = snapshot(case, CASE_AUDIT_FIELDS)
    changed = sorted(k for k in after if before[k] != after[k])
    tags_changed = False
    if tags is not None:
        new_tags = _tags(tags)
        if {t.pk for t in new_tags} != set(case.tags.values_list("pk", flat=True)):
            case.tags.set(new_tags)
            tags_changed = True
    if not changed and not tags_changed:
        return case
    case.save()
    if changed:
        event_record(
            case=case,
            kind=EventKind.UPDATED,
            actor=actor,
            body=f"Changed {', '.join(_field_words(k) for k in changed)}.",
            data={"changes": {k: [before[k], after[k]] for k in changed}},
        )
        audit_record(
            actor=actor,
            action="case.updated",
            target=case,
            before={k: before[k] for k in changed},
            after={k: after[k] for k in changed},
            reason=reason,
        )
    if tags_changed:
        audit_record(
            actor=actor,
            action="case.tags_set",
            target=case,
            after={"tags": sorted(case.tags.values_list("name", flat=True))},
            reason=reason,
        )
    if set(changed) & set(POLICY_FIELDS) and case.is_open:
        _checklist_create(case)
        case_clocks_reconcile(case=case, actor=actor)
        if case.kind in UFL_KINDS:  # UFL-1: became an unresponsive-freelancer/refund case
            ufl_plan_open(case=case, actor=actor)
        elif before["kind"] in UFL_KINDS:  # no longer one: its reminders stop
            ufl_plan_stop(case=case, actor=actor, reason="the case is no longer a UFL case")
    return case


@transaction.atomic
def case_transition(*, case: Case, to_status: str, actor, reason: str = "") -> Case:
    """Move a case along the state machine (ESC-3) with its SLA side effects.

    Entering waiting_on_client pauses running clocks and leaving it resumes them;
    resolved and handed_off meet the open clocks; closing an unresolved case cancels them.
    new -> claimed is a claim (ESC-4) by the actor.
    """
    if to_status not in Status.values:
        raise InvalidInput(
            f"Unknown status {to_status!r}; statuses are {', '.join(Status.values)}.",
            field="to",
        )
    case = lock_case(case)
    from_status = case.status
    if not is_allowed(from_status, to_status):
        allowed = allowed_from(from_status)
        raise IllegalTransition(
            f"{case.reference} cannot move from {from_status} to {to_status}; "
            f"allowed from {from_status}: {', '.join(allowed) or 'nothing (final state)'}.",
            field="to",
        )
    if from_status == Status.NEW and to_status == Status.CLAIMED:
        from .claiming import case_claim

        return case_claim(case=case, agent=actor)
    require_can_work(actor, case, f"move the case to {to_status}")
    reason = (reason or "").strip()
    if to_status == Status.CLOSED and from_status != Status.RESOLVED and not reason:
        raise InvalidInput("Closing an unresolved case needs a reason.", field="reason")
    if to_status == Status.NEW and not reason:
        raise InvalidInput("Releasing a case back to the queue needs a reason.", field="reason")

    before = snapshot(case, ("status", "assignee"))
    now = timezone.now()
    case.status = to_status
    update = ["status", "updated_at"]
    if to_status == Status.NEW:  # released back to the unassigned queue
        case.assignee = None
        case.claimed_at = None
        update += ["assignee", "claimed_at"]
    if to_status == Status.RESOLVED:
        case.resolved_at = now
        update.append("resolved_at")
    elif from_status == Status.RESOLVED and to_status != Status.CLOSED:
        case.resolved_at = None
        update.append("resolved_at")
    case.save(update_fields=update)

    label = f"{case.reference}: {from_status} -> {to_status}"
    if to_status in PAUSING:
        case_clocks_pause(case=case, actor=actor, reason=label)
    elif from_status in PAUSING and to_status not in MEETING | CANCELLING:
        case_clocks_resume(case=case, actor=actor, reason=label)
    if to_status in MEETING:
        case_clocks_meet(case=case, actor=actor, reason=label)
    elif to_status in CANCELLING:
        case_clocks_cancel(case=case, actor=actor, reason=label)
    if to_status in MEETING | CANCELLING:  # UFL-7: no reminder outlives the case
        ufl_plan_stop(case=case, actor=actor, reason=label, met=to_status in MEETING)

    event_record(
        case=case,
        kind=EventKind.STATUS_CHANGED,
        actor=actor,
        at=now,
        body=f"{Status(from_status).label} → {Status(to_status).label}"
        + (f": {reason}" if reason else ""),
        data={"from": from_status, "to": to_status, "reason": reason},
    )
    audit_record(
        actor=actor,
        action="case.transition",
        target=case,
        before=before,
        after=snapshot(case, ("status", "assignee")),
        reason=reason,
    )
    case_publish(case, "case.status_changed", status_from=from_status, status_to=to_status)
    return case


@transaction.atomic
def note_add(
    *,
    case: Case,
    author,
    body: str,
    visibility: str = Visibility.INTERNAL,
    kind: str = EventKind.NOTE,
):
    """Add a note. Research is always internal (ESC-7); a client-visible note is a reply."""
    body = (body or "").strip()
    if not body:
        raise InvalidInput("A note needs a body.", field="body")
    if kind not in (EventKind.NOTE, EventKind.RESEARCH):
        raise InvalidInput("A note is either a note or research.", field="kind")
    if visibility == Visibility.CLIENT_VISIBLE:
        require_can_work(author, case, "write to the client")
    else:
        require_can_note(author, case)
    event = event_record(case=case, kind=kind, actor=author, body=body, visibility=visibility)
    audit_record(
        actor=author,
        action="case.note_added",
        target=case,
        after={"event": event.pk, "kind": kind, "visibility": visibility},
    )
    if visibility == Visibility.CLIENT_VISIBLE:
        case_first_response_meet(case=case, actor=author, reason="client-visible reply")
        case_publish(case, "case.note_client_visible", event_id=event.pk)  # issue 15
    return event


@transaction.atomic
def call_log_create(
    *,
    case: Case,
    agent,
    party: str,
    outcome: str,
    started_at=None,
    duration_seconds: int = 0,
    phone_number: str = "",
    answers: dict | None = None,
    summary: str = "",
    direction: str = CallDirection.OUTBOUND,
) -> CallLog:
    """Log a call with the answers to the probing questions (UFL-6)."""
    require_can_work(agent, case, "log a call")
    _choice(party, Party, "party")
    _choice(outcome, CallOutcome, "outcome")
    _choice(direction, CallDirection, "direction")
    answers = answers or {}
    if not isinstance(answers, dict):
        raise InvalidInput("answers must map question keys to answers.", field="answers")
    unknown = sorted(set(answers) - set(PROBING_QUESTIONS))
    if unknown:
        raise InvalidInput(
            f"Unknown question(s) {', '.join(unknown)}; known: {', '.join(PROBING_QUESTIONS)}.",
            field="answers",
        )
    if duration_seconds is None or int(duration_seconds) < 0:
        raise InvalidInput("duration_seconds cannot be negative.", field="duration_seconds")
    low, high = int_field_range(CallLog._meta.get_field("duration_seconds"))
    check_int(int(duration_seconds), field="duration_seconds", low=low, high=high)
    check_case_instant(started_at, opened_at=case.created_at, field="started_at")
    call = CallLog.objects.create(
        case=case,
        agent=agent,
        party=party,
        outcome=outcome,
        direction=direction,
        started_at=started_at or timezone.now(),
        duration_seconds=int(duration_seconds),
        phone_number=phone_number,
        answers={k: str(v) for k, v in answers.items()},
        summary=summary,
    )
    event_record(
        case=case,
        kind=EventKind.CALL,
        actor=agent,
        at=call.started_at,
        body=f"{direction.title()} call with the {party}: {call.get_outcome_display()}."
        + (f" {summary}" if summary else ""),
        data={"call": call.pk, "answers": call.answers},
    )
    audit_record(
        actor=agent,
        action="case.call_logged",
        target=case,
        after={"call": call.pk, "party": party, "outcome": outcome},
    )
    if party == Party.CLIENT and outcome == CallOutcome.CONNECTED:
        case_first_response_meet(case=case, actor=agent, reason="call with the client")
        # UFL-3 / ESC-5: the follow-up with the client after the 48 hours.
        ufl_client_followed_up(case=case, actor=agent, at=call.started_at)
    return call


@transaction.atomic
def case_record_contact_attempt(
    *,
    case: Case,
    agent,
    channel: str,
    outcome: str = "",
    note: str = "",
    at=None,
    research_incomplete_ok: bool = False,
):
    """Record one attempt to reach the freelancer (UFL-2, minimal).

    The first attempt starts the clocks whose policy starts then: the 48-calendar-hour
    follow-up with the client of unresponsive-freelancer and refund cases (ESC-5). On those
    cases it goes through the UFL plan, with its research gate (UFL-4).
    """
    require_can_work(agent, case, "record a contact attempt")
    channel = (channel or "").strip()
    if not channel:
        raise InvalidInput("Say which channel the attempt used.", field="channel")
    if not case.is_open:
        raise IllegalTransition(f"{case.reference} is {case.status}; it takes no more attempts.")
    check_case_instant(at, opened_at=case.created_at, field="at")
    if case.kind in UFL_KINDS:  # UFL-2: the attempt goes into the plan's log (issue 11)
        return ufl_attempt_quick_log(
            case=case,
            agent=agent,
            channel=channel,
            outcome=outcome,
            note=note,
            at=at,
            research_incomplete_ok=research_incomplete_ok,
        )
    at = at or timezone.now()
    first = not case.events.filter(kind=EventKind.CONTACT_ATTEMPT).exists()
    event = event_record(
        case=case,
        kind=EventKind.CONTACT_ATTEMPT,
        actor=agent,
        at=at,
        body=f"Freelancer contact attempt by {channel}" + (f": {outcome}" if outcome else "."),
        data={"channel": channel, "outcome": outcome, "note": note, "first": first},
    )
    audit_record(
        actor=agent,
        action="case.contact_attempt",
        target=case,
        after={"event": event.pk, "channel": channel, "outcome": outcome},
    )
    if first:
        case_clocks_start(
            case=case, start_event=StartEvent.FIRST_CONTACT_ATTEMPT, at=at, actor=agent
        )
    return event


def case_ensure_team(*, case: Case, user) -> None:
    if case.team_id is None and getattr(user, "team_id", None):
        Case.objects.filter(pk=case.pk, team__isnull=True).update(team_id=user.team_id)
        case.team_id = user.team_id
