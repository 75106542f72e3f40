"""The 48-hour unresponsive-freelancer and refund process (UFL-1 to UFL-7, ESC-5).

The plan of a case lives in ``UflPlan``. Every due attempt after the first and the 48-hour
mark are SLA clocks of the engine (``core.sla``) whose subject is the plan, started at the
first attempt on the 24x7 calendar (UTC: 48 calendar hours are 48 real hours, whatever a
DST change does to wall clocks). Beat's ``sla_sweep`` breaches a clock once when it is due
(exactly once, even with overlapping sweeps); ``on_clocks_breached`` turns that into the
assignee's reminder (an attempt is due) or the exhaustion of the freelancer avenue (the
48-hour mark), guarded again by a conditional UPDATE so it happens once. No ETA tasks, no
timers. A reply, an outcome or a closed case stops the schedule: its clocks are met or
cancelled, so nothing more is swept.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal, InvalidOperation

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.errors import Conflict, IllegalTransition, InvalidInput
from core.models import ClockState, SlaClock
from core.notifications import notify
from core.services import audit_record, snapshot
from core.sla import clock_cancel, clock_meet, clock_start
from core.validation import check_case_instant, check_text
from integrations.events import publish_event

from ..models import (
    UFL_KINDS,
    UFL_RESEARCH,
    UFL_RESEARCH_KEYS,
    AttemptOutcome,
    Case,
    Channel,
    ChecklistItem,
    ClaimKind,
    DeliveryStatus,
    EventKind,
    Metric,
    Outcome,
    Party,
    PlanStatus,
    StartEvent,
    UflAttempt,
    UflClaim,
    UflPlan,
    UflSettings,
    Verification,
    Visibility,
)
from ..models.macros import PLACEHOLDER_RE
from ..models.ufl import ATTEMPT_METRIC_PREFIX, EXHAUST_METRIC, attempt_metric
from ._common import event_record, require_can_work
from .sla import case_clocks_meet, case_clocks_start

CALENDAR = "24x7"  # UTC, every hour open: elapsed working time is real elapsed time
HOUR = 3600
MAX_ATTEMPTS = 20
PLAN_FIELDS = ("status", "first_attempt_at", "exhausted_at", "replied_at", "outcome")
EDITABLE_PLAN_FIELDS = (
    "freelancer_time_zone",
    "client_time_zone",
    "client_wishes",
    "job_category",
    "job_subcategory",
    "job_skills",
    "job_budget",
    "client_countries",
)


# Helpers -----------------------------------------------------------------------------------
def _choice(value, choices, field: str) -> str:
    if value not in choices.values:
        labels = ", ".join(choices.values)
        raise InvalidInput(f"Unknown {field} {value!r}; choose one of {labels}.", field=field)
    return value


def require_ufl(case: Case) -> None:
    if case.kind not in UFL_KINDS:
        raise Conflict(
            f"{case.reference} is a {case.get_kind_display().lower()} case; the freelancer "
            "contact plan is for unresponsive-freelancer and refund cases.",
            code="not_ufl",
        )


def _require_open(case: Case, doing: str) -> None:
    if not case.is_open:
        raise IllegalTransition(
            f"{case.reference} is {case.get_status_display().lower()}; it cannot {doing}.",
            code="case_closed",
        )


def _plan_locked(case: Case) -> UflPlan:
    """The case's plan under a row lock (created first for cases opened before the plan)."""
    plan = UflPlan.objects.filter(case=case).first()
    if plan is None:
        plan = ufl_plan_open(case=case, actor=None)
    return UflPlan.objects.select_for_update().select_related("case").get(pk=plan.pk)


def _plan_clocks(plan: UflPlan, *, open_only: bool = True):
    qs = SlaClock.objects.filter(
        content_type=ContentType.objects.get_for_model(UflPlan), object_id=plan.pk
    )
    if open_only:
        qs = qs.filter(state__in=[ClockState.RUNNING, ClockState.PAUSED])
    return qs.order_by("due_at", "id")


def _stop_clocks(plan: UflPlan, *, actor, reason: str, at=None, met: bool = False) -> int:
    """Cancel (or, when the case was resolved, meet) every open clock of the plan: the
    pending reminders and the 48-hour mark. Nothing of the plan is swept afterwards."""
    count = 0
    for clock in _plan_clocks(plan):
        if met:
            clock_meet(clock=clock, actor=actor, reason=reason, at=at)
        else:
            clock_cancel(clock=clock, actor=actor, reason=reason, at=at)
        count += 1
    return count


def _zone(name: str):
    try:
        return zoneinfo.ZoneInfo(name) if name else dt.UTC
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return dt.UTC


def local_iso(instant: dt.datetime | None, zone_name: str) -> str:
    """``instant`` on the wall clock of ``zone_name`` (UTC when unknown), ISO 8601."""
    if instant is None:
        return ""
    return instant.astimezone(_zone(zone_name)).isoformat(timespec="seconds")


def _render(template: str, case: Case) -> str:
    """Fill the expectations' placeholders (the macro syntax) from client-facing fields."""
    values = {
        "client_name": case.client_name,
        "client_first_name": case.client_first_name or case.client_name,
        "client_company": case.client_company,
        "case_reference": case.reference or "",
        "freelancer_name": case.freelancer_name or "the freelancer",
    }
    return PLACEHOLDER_RE.sub(lambda m: values.get(m.group(1).strip(), ""), template).strip()


def _event_data(case: Case, **extra) -> dict:
    """An outbound event's data: references and states only (no notes, no contact)."""
    return {"case": case.reference, "kind": case.kind, **extra}


def _iso(value: dt.datetime | None) -> str | None:
    return value.astimezone(dt.UTC).isoformat() if value else None


def _assignee(case: Case) -> list:
    """Who is reminded: the assignee; on an unassigned case, the team's lead."""
    if case.assignee_id and case.assignee.is_active:
        return [case.assignee]
    lead = case.team.lead if case.team_id and case.team.lead_id else None
    return [lead] if lead is not None and lead.is_active else []


# Opening: expectations and research (UFL-1, UFL-4) -----------------------------------------
@transaction.atomic
def ufl_plan_open(*, case: Case, actor, at=None) -> UflPlan:
    """Open the plan of an unresponsive-freelancer or refund case (idempotent).

    Records the expectations (UFL-1) as a client-visible timeline entry rendered from the
    admin-editable template, and adds the research checklist (UFL-4).
    """
    require_ufl(case)
    existing = UflPlan.objects.filter(case=case).first()
    if existing is not None:
        return existing
    settings = UflSettings.load()
    try:
        with transaction.atomic():
            plan = UflPlan.objects.create(
                case=case,
                offsets_hours=settings.offsets,
                exhaust_after_hours=settings.exhaust_after_hours,
                job_budget=case.contract_spend,
            )
    except IntegrityError:  # a concurrent opening won
        return UflPlan.objects.get(case=case)
    start = case.checklist.count()
    have = set(case.checklist.values_list("key", flat=True))
    ChecklistItem.objects.bulk_create(
        ChecklistItem(case=case, key=key, label=label, position=start + i)
        for i, (key, label) in enumerate(UFL_RESEARCH)
        if key not in have
    )
    event_record(
        case=case,
        kind=EventKind.REPLY,
        actor=actor,
        at=at or case.created_at,
        visibility=Visibility.CLIENT_VISIBLE,
        body=_render(settings.expectations_template, case),
        data={"ufl": "expectations", "subject": f"What happens next with {case.reference}"},
    )
    audit_record(
        actor=actor,
        action="ufl.plan_opened",
        target=case,
        after={"plan": plan.pk, "offsets_hours": plan.offsets_hours},
    )
    return plan


@transaction.atomic
def ufl_stringent_add(*, case: Case, agent) -> UflPlan:
    """UFL-1: add the stringent reminders (escrow agent, no legal authority), once."""
    require_can_work(agent, case, "add the stringent reminders")
    require_ufl(case)
    _require_open(case, "take more replies")
    plan = _plan_locked(case)
    if plan.stringent_added_at is not None:
        raise Conflict("The stringent reminders were already shared.", code="already_added")
    plan.stringent_added_at = timezone.now()
    plan.save(update_fields=["stringent_added_at", "updated_at"])
    event_record(
        case=case,
        kind=EventKind.REPLY,
        actor=agent,
        visibility=Visibility.CLIENT_VISIBLE,
        body=_render(UflSettings.load().stringent_block, case),
        data={"ufl": "stringent"},
    )
    audit_record(actor=agent, action="ufl.stringent_added", target=case, after={"plan": plan.pk})
    return plan


def research_missing(case: Case) -> list[ChecklistItem]:
    """The UFL-4 research items not yet done."""
    return list(
        case.checklist.filter(key__in=UFL_RESEARCH_KEYS, done=False).order_by("position", "id")
    )


@transaction.atomic
def ufl_plan_update(*, case: Case, actor, **changes) -> UflPlan:
    """Time zones, the client's wishes and the contract's details for moving forward."""
    unknown = set(changes) - set(EDITABLE_PLAN_FIELDS)
    if unknown:
        raise InvalidInput(f"These fields cannot be edited: {', '.join(sorted(unknown))}.")
    require_can_work(actor, case, "edit the freelancer contact plan")
    require_ufl(case)
    plan = _plan_locked(case)
    for name in ("freelancer_time_zone", "client_time_zone"):
        if name in changes:
            value = str(changes[name] or "").strip()
            if value:
                try:
                    zoneinfo.ZoneInfo(value)
                except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                    raise InvalidInput(
                        f"Unknown time zone {value!r}; use an IANA name like Asia/Manila.",
                        field=name,
                    ) from None
            changes[name] = value
    if "job_budget" in changes and changes["job_budget"] not in (None, ""):
        try:
            budget = Decimal(str(changes["job_budget"]))
        except InvalidOperation:
            raise InvalidInput("job_budget must be an amount.", field="job_budget") from None
        if not budget.is_finite() or budget < 0 or budget >= Decimal("1e10"):
            raise InvalidInput("job_budget must be a positive amount.", field="job_budget")
        changes["job_budget"] = budget.quantize(Decimal("0.01"))
    elif "job_budget" in changes:
        changes["job_budget"] = None
    before = snapshot(plan, list(changes))
    for name, value in changes.items():
        if isinstance(value, str):
            check_text(value, field=name, multiline=name == "client_wishes")
            limit = UflPlan._meta.get_field(name).max_length
            if limit and len(value) > limit:
                raise InvalidInput(f"{name} is at most {limit} characters.", field=name)
        setattr(plan, name, value)
    after = snapshot(plan, list(changes))
    changed = [k for k in after if before[k] != after[k]]
    if changed:
        plan.save(update_fields=[*changed, "updated_at"])
        audit_record(
            actor=actor,
            action="ufl.plan_updated",
            target=case,
            before={k: before[k] for k in changed},
            after={k: after[k] for k in changed},
        )
    return plan


# Attempts (UFL-2) --------------------------------------------------------------------------
def _start_schedule(plan: UflPlan, *, at: dt.datetime, actor) -> None:
    """The clocks of the attempts due after the first one, and of the 48-hour mark."""
    for number, offset in enumerate(plan.offsets_hours, start=1):
        if offset <= 0:
            continue
        clock_start(
            subject=plan,
            metric=attempt_metric(number),
            duration=offset * HOUR,
            calendar=CALENDAR,
            warn_fraction=0.99,
            started_at=at,
            actor=actor,
        )
    clock_start(
        subject=plan,
        metric=EXHAUST_METRIC,
        duration=plan.exhaust_after_hours * HOUR,
        calendar=CALENDAR,
        warn_fraction=0.99,
        started_at=at,
        actor=actor,
    )


@transaction.atomic
def ufl_attempt_record(
    *,
    case: Case,
    agent,
    channel: str,
    delivery_status: str,
    outcome: str,
    at: dt.datetime | None = None,
    note: str = "",
    research_incomplete_ok: bool = False,
) -> UflAttempt:
    """Record one attempt to reach the freelancer; the first starts the schedule (UFL-2).

    The first attempt before the research (UFL-4) is complete needs
    ``research_incomplete_ok``. An attempt is refused on a closed case, outside the case's
    life (before it opened, in the future, past the 48-hour mark), after a reply or once
    the avenue is exhausted.
    """
    require_can_work(agent, case, "record a contact attempt")
    _choice(channel, Channel, "channel")
    _choice(delivery_status, DeliveryStatus, "delivery_status")
    _choice(outcome, AttemptOutcome, "outcome")
    if outcome == AttemptOutcome.REPLIED:
        raise InvalidInput(
            "Record the freelancer's reply itself (it moves the case to mediation).",
            field="outcome",
        )
    require_ufl(case)
    _require_open(case, "take more contact attempts")
    check_case_instant(at, opened_at=case.created_at, field="at")
    at = (at or timezone.now()).astimezone(dt.UTC)  # real hours, never wall-clock hours
    note = (note or "").strip()
    check_text(note, field="note", multiline=True)
    plan = _plan_locked(case)
    if plan.status == PlanStatus.EXHAUSTED:
        raise Conflict(
            "The freelancer avenue is exhausted (48 hours without a reply); we do not keep "
            "contacting them. Follow up with the client.",
            code="exhausted",
        )
    if plan.status not in (PlanStatus.PLANNED, PlanStatus.CONTACTING):
        raise Conflict(
            f"The plan is in {plan.get_status_display().lower()}; attempts are over.",
            code="attempts_over",
        )
    first = plan.first_attempt_at is None
    if not first:
        if at < plan.first_attempt_at:
            raise InvalidInput("at: cannot be before the first attempt.", field="at")
        if at >= plan.first_attempt_at + dt.timedelta(hours=plan.exhaust_after_hours):
            raise InvalidInput(
                f"at: after the {plan.exhaust_after_hours}-hour mark of the first attempt.",
                field="at",
            )
    elif research_missing(case):
        if not research_incomplete_ok:
            left = len(research_missing(case))
            raise InvalidInput(
                f"The research is not complete ({left} of {len(UFL_RESEARCH)} items open). "
                "Confirm that you want to contact the freelancer anyway.",
                field="research_incomplete_ok",
                code="research_incomplete",
            )
        plan.research_skipped_by = agent
    number = plan.attempts.count() + 1
    if number > MAX_ATTEMPTS:
        raise Conflict(f"At most {MAX_ATTEMPTS} attempts are recorded.", code="too_many")
    attempt = UflAttempt.objects.create(
        plan=plan,
        number=number,
        channel=channel,
        at=at,
        freelancer_time_zone=plan.freelancer_time_zone,
        freelancer_local=local_iso(at, plan.freelancer_time_zone),
        delivery_status=delivery_status,
        outcome=outcome,
        agent=agent,
        note=note,
    )
    before = snapshot(plan, PLAN_FIELDS)
    if first:
        plan.status = PlanStatus.CONTACTING
        plan.first_attempt_at = at
        plan.save(update_fields=["status", "first_attempt_at", "research_skipped_by"])
        _start_schedule(plan, at=at, actor=agent)
        # ESC-5: the client follow-up clock starts with the first contact attempt.
        case_clocks_start(
            case=case, start_event=StartEvent.FIRST_CONTACT_ATTEMPT, at=at, actor=agent
        )
    else:
        # This attempt was made: its reminder is no longer needed.
        for clock in _plan_clocks(plan).filter(metric=attempt_metric(number)):
            clock_meet(clock=clock, at=max(at, clock.started_at), actor=agent)
    event_record(
        case=case,
        kind=EventKind.CONTACT_ATTEMPT,
        actor=agent,
        at=at,
        body=f"Freelancer contact attempt {number} by {attempt.get_channel_display().lower()}"
        f" ({attempt.get_delivery_status_display().lower()}): "
        f"{attempt.get_outcome_display().lower()}.",
        data={"attempt": attempt.pk, "number": number, "channel": channel, "first": first},
    )
    audit_record(
        actor=agent,
        action="ufl.attempt_recorded",
        target=case,
        before=before if first else None,
        after={
            "attempt": attempt.pk,
            "number": number,
            "channel": channel,
            "delivery_status": delivery_status,
            "outcome": outcome,
            "research_incomplete_ok": bool(first and plan.research_skipped_by_id),
        },
    )
    publish_event(
        "case.ufl_attempt_recorded",
        _event_data(
            case,
            number=number,
            channel=channel,
            at=_iso(at),
            delivery_status=delivery_status,
            outcome=outcome,
        ),
        team_id=case.team_id,
    )
    return attempt


def ufl_attempt_quick_log(
    *,
    case: Case,
    agent,
    channel: str,
    outcome: str = "",
    note: str = "",
    at=None,
    research_incomplete_ok: bool = False,
):
    """The minimal contact-attempt endpoint (``POST /cases/{ref}/contact-attempts/``, free
    text) on a UFL case: the attempt goes into the plan's log like any other.

    It has the same research gate as ``/ufl/attempts/`` (UFL-4): the first attempt before
    the research is complete needs ``research_incomplete_ok``, recorded in the audit entry.
    Returns the attempt's timeline event, as the minimal endpoint always did.
    """
    channel = (channel or "").strip().lower()
    if channel not in Channel.values:
        raise InvalidInput(
            f"Unknown channel {channel!r}; choose one of {', '.join(Channel.values)}.",
            field="channel",
        )
    text = (outcome or "").strip()
    lowered = text.lower().replace(" ", "_")
    if lowered in AttemptOutcome.values and lowered != AttemptOutcome.REPLIED:
        result = lowered
    elif "voicemail" in lowered:
        result = AttemptOutcome.VOICEMAIL
    elif "no_answer" in lowered:
        result = AttemptOutcome.NO_ANSWER
    else:
        result = AttemptOutcome.NO_RESPONSE
    made = ufl_attempt_record(
        case=case,
        agent=agent,
        channel=channel,
        delivery_status=(
            DeliveryStatus.NOT_APPLICABLE if channel == Channel.PHONE else DeliveryStatus.SENT
        ),
        outcome=result,
        at=at,
        note="\n".join(part for part in (text, (note or "").strip()) if part),
        research_incomplete_ok=research_incomplete_ok,
    )
    return case.events.get(kind=EventKind.CONTACT_ATTEMPT, data__attempt=made.pk)


# The sweep's side: reminders and exhaustion (UFL-2, UFL-3) --------------------------------
def _exhaust(plan_id: int, *, at: dt.datetime) -> bool:
    """Mark the avenue exhausted at ``at``, once: only the UPDATE that matches does it."""
    marked = UflPlan.objects.filter(
        pk=plan_id, status=PlanStatus.CONTACTING, exhausted_at__isnull=True
    ).update(status=PlanStatus.EXHAUSTED, exhausted_at=at, updated_at=timezone.now())
    if not marked:
        return False
    plan = UflPlan.objects.select_related("case", "case__assignee").get(pk=plan_id)
    case = plan.case
    _stop_clocks(plan, actor=None, reason="freelancer avenue exhausted", at=at)
    event_record(
        case=case,
        kind=EventKind.UFL,
        at=at,
        body=f"No reply {plan.exhaust_after_hours} hours after the first attempt: the "
        "freelancer avenue is exhausted. Follow up with the client about their options.",
        data={"ufl": "exhausted"},
    )
    audit_record(
        actor=None,
        action="ufl.exhausted",
        target=case,
        before={"status": PlanStatus.CONTACTING},
        after={"status": PlanStatus.EXHAUSTED, "exhausted_at": at.isoformat()},
        reason="SLA sweep",
    )
    recipients = _assignee(case)
    if recipients:
        notify(
            recipients=recipients,
            kind="ufl_exhausted",
            title=f"Follow up with the client on {case.reference}",
            body=f"The freelancer did not reply within {plan.exhaust_after_hours} hours; "
            "the client follow-up is due now: call the client about their options "
            f"within {UflSettings.load().follow_up_grace_hours} hours.",
            url=plan.get_absolute_url(),
            target=case,
        )
    publish_event(
        "case.ufl_exhausted", _event_data(case, exhausted_at=_iso(at)), team_id=case.team_id
    )
    return True


def _remind(plan: UflPlan, clock: SlaClock) -> None:
    """An attempt is due: remind the assignee (in-app and email), once per clock breach."""
    number = int(clock.metric.removeprefix(ATTEMPT_METRIC_PREFIX))
    case = plan.case
    if plan.status != PlanStatus.CONTACTING or plan.attempts.filter(number=number).exists():
        return
    event_record(
        case=case,
        kind=EventKind.UFL,
        at=clock.due_at,
        body=f"Freelancer contact attempt {number} is due.",
        data={"ufl": "attempt_due", "number": number, "clock": clock.pk},
    )
    recipients = _assignee(case)
    if recipients:
        notify(
            recipients=recipients,
            kind="ufl_attempt_due",
            title=f"Contact attempt {number} is due on {case.reference}",
            body=f"Try to reach {case.freelancer_name or 'the freelancer'} again "
            f"and record the attempt.",
            url=plan.get_absolute_url(),
            target=case,
        )


def on_clocks_breached(sender, clock_ids, **kwargs) -> None:
    """core.sla's signal after a sweep batch: reminders and the 48-hour mark of plans."""
    plan_type = ContentType.objects.get_for_model(UflPlan)
    clocks = SlaClock.objects.filter(pk__in=clock_ids, content_type=plan_type).order_by("due_at")
    for clock in clocks:
        with transaction.atomic():
            plan = UflPlan.objects.select_related("case", "case__assignee").filter(
                pk=clock.object_id
            )
            plan = plan.first()
            if plan is None:
                continue
            if clock.metric == EXHAUST_METRIC:
                _exhaust(plan.pk, at=clock.due_at)
            elif clock.metric.startswith(ATTEMPT_METRIC_PREFIX):
                _remind(plan, clock)


# A reply, mediation and outcomes (UFL-2, UFL-7) -------------------------------------------
@transaction.atomic
def ufl_reply_record(
    *, case: Case, actor, summary: str, at: dt.datetime | None = None, source: str = "agent"
) -> UflPlan:
    """The freelancer answered: stop the schedule and move the case into mediation.

    A reply before the 48-hour mark stops it before exhaustion; one after the mark (even
    if no sweep has run yet) finds the avenue exhausted at the mark and still moves to
    mediation. ``actor=None`` is the ticket webhook.
    """
    if actor is not None:
        require_can_work(actor, case, "record the freelancer's reply")
    require_ufl(case)
    _require_open(case, "take a reply")
    summary = (summary or "").strip()
    if not summary:
        raise InvalidInput("Say what the freelancer answered.", field="summary")
    check_text(summary, field="summary", multiline=True)
    check_case_instant(at, opened_at=case.created_at, field="at")
    at = (at or timezone.now()).astimezone(dt.UTC)  # real hours, never wall-clock hours
    plan = _plan_locked(case)
    if plan.status not in (PlanStatus.PLANNED, PlanStatus.CONTACTING, PlanStatus.EXHAUSTED):
        raise Conflict(
            f"The plan is already in {plan.get_status_display().lower()}.",
            code="already_replied" if plan.status == PlanStatus.MEDIATION else "plan_closed",
        )
    if plan.first_attempt_at and at < plan.first_attempt_at:
        raise InvalidInput("at: cannot be before the first contact attempt.", field="at")
    mark = _plan_clocks(plan).filter(metric=EXHAUST_METRIC).first()
    if mark is not None and mark.due_at <= at:
        _exhaust(plan.pk, at=mark.due_at)  # the reply came after the mark
        plan = _plan_locked(case)
    before = snapshot(plan, PLAN_FIELDS)
    for clock in _plan_clocks(plan):
        if clock.metric == EXHAUST_METRIC:
            clock_meet(clock=clock, at=at, actor=actor, reason="the freelancer replied")
        else:
            clock_cancel(clock=clock, at=at, actor=actor, reason="the freelancer replied")
    plan.status = PlanStatus.MEDIATION
    plan.replied_at = at
    plan.reply_summary = summary
    plan.reply_source = source
    plan.save(update_fields=["status", "replied_at", "reply_summary", "reply_source"])
    event_record(
        case=case,
        kind=EventKind.FREELANCER_REPLY,
        actor=actor,
        at=at,
        body=f"The freelancer replied{' on the ticket' if source == 'ticket' else ''}: {summary}",
        data={"ufl": "replied", "source": source},
    )
    audit_record(
        actor=actor,
        action="ufl.freelancer_replied",
        target=case,
        before=before,
        after=snapshot(plan, PLAN_FIELDS),
    )
    recipients = [u for u in _assignee(case) if u != actor]
    if recipients:
        notify(
            recipients=recipients,
            kind="ufl_replied",
            title=f"The freelancer replied on {case.reference}",
            body="The case is in mediation: share the client's wishes and ask what they will do.",
            url=plan.get_absolute_url(),
            target=case,
        )
    publish_event(
        "case.ufl_freelancer_replied",
        _event_data(
            case, replied_at=_iso(at), source=source, after_exhaustion=bool(plan.exhausted_at)
        ),
        team_id=case.team_id,
    )
    return plan


@transaction.atomic
def ufl_outcome_record(
    *, case: Case, actor, outcome: str, summary: str = "", client_told_options: bool = False
) -> UflPlan:
    """UFL-7: resolved with the freelancer, or not resolvable; stops every UFL clock."""
    require_can_work(actor, case, "record the outcome")
    _choice(outcome, Outcome, "outcome")
    require_ufl(case)
    _require_open(case, "take an outcome")
    summary = (summary or "").strip()
    check_text(summary, field="summary", multiline=True)
    plan = _plan_locked(case)
    if plan.outcome:
        raise Conflict(
            f"The outcome was already recorded: {plan.get_outcome_display().lower()}.",
            code="already_recorded",
        )
    if outcome == Outcome.NOT_RESOLVABLE:
        if plan.status not in (PlanStatus.EXHAUSTED, PlanStatus.MEDIATION):
            raise Conflict(
                "Not resolvable comes after the 48 hours or after mediation.", code="too_early"
            )
        if not client_told_options:
            raise InvalidInput(
                "Tell the client of the other options first, then record it.",
                field="client_told_options",
            )
    elif plan.status != PlanStatus.MEDIATION:
        raise Conflict(
            "A resolution with the freelancer needs their reply (mediation) first.",
            code="not_in_mediation",
        )
    now = timezone.now()
    before = snapshot(plan, PLAN_FIELDS)
    _stop_clocks(plan, actor=actor, reason="outcome recorded", at=now)
    case_clocks_meet(case=case, actor=actor, metrics=[Metric.CLIENT_FOLLOW_UP], reason="outcome")
    plan.outcome = outcome
    plan.outcome_at = now
    plan.outcome_by = actor
    plan.outcome_summary = summary
    plan.status = (
        PlanStatus.NOT_RESOLVABLE if outcome == Outcome.NOT_RESOLVABLE else PlanStatus.RESOLVED
    )
    plan.save(update_fields=["outcome", "outcome_at", "outcome_by", "outcome_summary", "status"])
    label = Outcome(outcome).label
    event_record(
        case=case,
        kind=EventKind.UFL,
        actor=actor,
        at=now,
        body=f"Outcome: {label}." + (f" {summary}" if summary else ""),
        data={"ufl": "outcome", "outcome": outcome},
    )
    audit_record(
        actor=actor,
        action="ufl.outcome_recorded",
        target=case,
        before=before,
        after=snapshot(plan, PLAN_FIELDS),
    )
    publish_event(
        "case.ufl_outcome",
        _event_data(case, outcome=outcome, resolved=outcome != Outcome.NOT_RESOLVABLE),
        team_id=case.team_id,
    )
    return plan


def ufl_client_followed_up(*, case: Case, actor, at=None) -> bool:
    """A connected call with the client, or a client-visible message, after the 48 hours
    meets the follow-up (ESC-5); due at the mark, breached only after the grace."""
    plan = UflPlan.objects.filter(case=case, status=PlanStatus.EXHAUSTED).first()
    if plan is None or plan.client_followed_up_at is not None:
        return False
    at = at or timezone.now()
    if plan.exhausted_at and at < plan.exhausted_at:
        return False  # before the avenue was exhausted: not the follow-up
    UflPlan.objects.filter(pk=plan.pk, client_followed_up_at__isnull=True).update(
        client_followed_up_at=at
    )
    case_clocks_meet(
        case=case, actor=actor, metrics=[Metric.CLIENT_FOLLOW_UP], reason="client followed up"
    )
    audit_record(actor=actor, action="ufl.client_followed_up", target=case, after={"at": str(at)})
    return True


def ufl_plan_stop(*, case: Case, actor, reason: str, met: bool = False) -> bool:
    """The case was resolved, handed off (``met``) or closed: the schedule and its pending
    reminders stop (their clocks met or cancelled, as the case's own clocks are)."""
    plan = UflPlan.objects.select_for_update().filter(case=case).first()
    if plan is None:
        return False
    cancelled = _stop_clocks(plan, actor=actor, reason=reason, met=met)
    if plan.is_open:
        UflPlan.objects.filter(pk=plan.pk).update(
            status=PlanStatus.STOPPED, updated_at=timezone.now()
        )
        audit_record(
            actor=actor,
            action="ufl.plan_stopped",
            target=case,
            before={"status": plan.status},
            after={"status": PlanStatus.STOPPED, "clocks_cancelled": cancelled},
            reason=reason,
        )
        return True
    return False


# Claims (UFL-5) ---------------------------------------------------------------------------
@transaction.atomic
def ufl_claim_record(
    *, case: Case, actor, kind: str, claimed_by: str, description: str, evidence_notes: str = ""
) -> UflClaim:
    require_can_work(actor, case, "record a claim")
    _choice(kind, ClaimKind, "kind")
    _choice(claimed_by, Party, "claimed_by")
    description = (description or "").strip()
    if not description:
        raise InvalidInput("Describe the claim.", field="description")
    check_text(description, field="description", multiline=True)
    check_text(evidence_notes or "", field="evidence_notes", multiline=True)
    claim = UflClaim.objects.create(
        case=case,
        kind=kind,
        claimed_by=claimed_by,
        description=description,
        evidence_notes=(evidence_notes or "").strip(),
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    event_record(
        case=case,
        kind=EventKind.CLAIM,
        actor=actor,
        body=f"{claim.get_kind_display()} claimed by the {claimed_by}: reported.",
        data={"claim": claim.pk, "status": claim.status},
    )
    audit_record(
        actor=actor,
        action="ufl.claim_recorded",
        target=case,
        after=snapshot(claim, ("kind", "claimed_by", "status")),
    )
    return claim


@transaction.atomic
def ufl_claim_update(
    *, claim: UflClaim, actor, status: str | None = None, evidence_notes: str | None = None
) -> UflClaim:
    """Move a claim's verification (reported, verifying, verified, unfounded) with evidence."""
    claim = UflClaim.objects.select_for_update().select_related("case").get(pk=claim.pk)
    require_can_work(actor, claim.case, "verify a claim")
    if status is None and evidence_notes is None:
        raise InvalidInput("Give a status or evidence notes.", field="status")
    before = snapshot(claim, ("status", "evidence_notes"))
    if status is not None:
        claim.status = _choice(status, Verification, "status")
    if evidence_notes is not None:
        check_text(evidence_notes, field="evidence_notes", multiline=True)
        claim.evidence_notes = evidence_notes.strip()
    after = snapshot(claim, ("status", "evidence_notes"))
    if before == after:
        return claim
    claim.updated_by = actor
    claim.updated_at = timezone.now()
    claim.save(update_fields=["status", "evidence_notes", "updated_by", "updated_at"])
    event_record(
        case=claim.case,
        kind=EventKind.CLAIM,
        actor=actor,
        body=f"{claim.get_kind_display()} claim: {claim.get_status_display().lower()}.",
        data={"claim": claim.pk, "status": claim.status},
    )
    audit_record(
        actor=actor, action="ufl.claim_updated", target=claim.case, before=before, after=after
    )
    return claim
