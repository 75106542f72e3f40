"""SLA policies applied to cases (ESC-5): choose, start, pause, resume, meet, cancel."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from core.formatting import utc_stamp
from core.models import SlaClock
from core.sla import (
    clock_acknowledge_breach,
    clock_cancel,
    clock_meet,
    clock_pause,
    clock_resume,
    clock_start,
)

from ..models import (
    UFL_KINDS,
    Case,
    CaseClock,
    EventKind,
    Metric,
    SlaPolicy,
    StartEvent,
    UflSettings,
)
from ._common import event_record

RUNNING, PAUSED, MET, BREACHED, CANCELLED = "running", "paused", "met", "breached", "cancelled"
OPEN_STATES = (RUNNING, PAUSED)


def _blank_or(field: str, value) -> Q:
    return Q(**{field: value}) | Q(**{f"{field}__isnull": True}) | Q(**{field: ""})


def policy_candidates(*, kind: str, segment: str, priority: str, metric: str | None = None):
    qs = (
        SlaPolicy.objects.filter(active=True)
        .filter(_blank_or("kind", kind), _blank_or("segment", segment))
        .filter(_blank_or("priority", priority))
        .select_related("calendar")
    )
    return qs.filter(metric=metric) if metric else qs


def policies_for(case: Case) -> dict[str, SlaPolicy]:
    """For each metric, the most specific active policy matching the case (ESC-5).

    Most specific = most of kind/segment/priority set; ties go to the higher precedence,
    then to the older policy.
    """
    best: dict[str, SlaPolicy] = {}
    candidates = policy_candidates(
        kind=case.kind, segment=case.client_segment, priority=case.priority
    )
    for policy in candidates:
        current = best.get(policy.metric)
        key = (policy.specificity, policy.precedence, -policy.pk)
        if current is None or key > (current.specificity, current.precedence, -current.pk):
            best[policy.metric] = policy
    return best


def policy_select(*, case: Case, metric: str) -> SlaPolicy | None:
    return policies_for(case).get(metric)


def case_clocks(case: Case, *, states=None):
    qs = case.sla_clocks.all().order_by("started_at", "id")
    return qs.filter(state__in=states) if states else qs


def case_clocks_start(*, case: Case, start_event: str, at=None, actor=None) -> list[SlaClock]:
    """Start the clocks whose policy starts on ``start_event`` and have not run yet."""
    at = at or timezone.now()
    started = []
    existing = set(case_clocks(case).values_list("metric", flat=True))
    for metric, policy in policies_for(case).items():
        if policy.start_event != start_event or metric in existing:
            continue
        started.append(_start(case=case, policy=policy, started_at=at, actor=actor))
    return started


def follow_up_grace(case: Case, metric: str) -> timedelta:
    """ESC-5: the client follow-up of a UFL case is DUE at the policy's mark (48 calendar
    hours after the first attempt) and breached only after the admin-set grace."""
    if metric != Metric.CLIENT_FOLLOW_UP or case.kind not in UFL_KINDS:
        return timedelta(0)
    return timedelta(hours=UflSettings.load().follow_up_grace_hours)


def _start(*, case: Case, policy: SlaPolicy, started_at, actor) -> SlaClock:
    grace = follow_up_grace(case, policy.metric)
    clock = clock_start(
        subject=case,
        metric=policy.metric,
        duration=policy.duration + grace,  # the clock's target is the breach instant
        calendar=policy.calendar,
        warn_fraction=policy.warn_fraction,
        started_at=started_at,
        actor=actor,
    )
    CaseClock.objects.create(case=case, clock=clock, policy=policy)
    event_record(
        case=case,
        kind=EventKind.SLA,
        actor=actor,
        body=f"{policy.get_metric_display()} clock started ({policy.name}), "
        + (
            f"due {utc_stamp(clock.due_at - grace)}, breached after {utc_stamp(clock.due_at)}."
            if grace
            else f"due {utc_stamp(clock.due_at)}."
        ),
        data={"clock": clock.pk, "policy": policy.pk, "metric": policy.metric, "action": "started"},
    )
    return clock


def case_clocks_reconcile(*, case: Case, actor=None) -> list[SlaClock]:
    """After kind, segment or priority changed: swap open clocks whose policy no longer wins.

    The replacement keeps the original start, so time already spent still counts.
    """
    chosen = policies_for(case)
    started = []
    for clock in case_clocks(case, states=OPEN_STATES).select_related("case_link__policy"):
        link = getattr(clock, "case_link", None)
        current = link.policy if link else None
        new = chosen.get(clock.metric)
        if new is None or current is None or new.pk == current.pk:
            continue
        clock_cancel(clock=clock, actor=actor, reason=f"Policy changed to {new.name}")
        started.append(_start(case=case, policy=new, started_at=clock.started_at, actor=actor))
    return started


def case_clocks_pause(*, case: Case, actor=None, reason: str = "") -> int:
    clocks = list(case_clocks(case, states=[RUNNING]))
    for clock in clocks:
        clock_pause(clock=clock, actor=actor, reason=reason)
    return len(clocks)


def case_clocks_resume(*, case: Case, actor=None, reason: str = "") -> int:
    clocks = list(case_clocks(case, states=[PAUSED]))
    for clock in clocks:
        clock_resume(clock=clock, actor=actor, reason=reason)
    return len(clocks)


def case_clocks_meet(*, case: Case, actor=None, metrics=None, reason: str = "") -> int:
    """Meet open clocks (core meets a paused clock at once, and an overdue one late).

    A breached clock not yet met is met late: it stays breached with ``met_at`` set.
    """
    clocks = case_clocks(case, states=[*OPEN_STATES, BREACHED]).exclude(
        state=BREACHED, met_at__isnull=False
    )
    if metrics:
        clocks = clocks.filter(metric__in=metrics)
    count = 0
    for clock in clocks:
        clock_meet(clock=clock, actor=actor, reason=reason)
        count += 1
    return count


def case_clocks_cancel(*, case: Case, actor=None, reason: str = "") -> int:
    clocks = list(case_clocks(case, states=OPEN_STATES))
    for clock in clocks:
        clock_cancel(clock=clock, actor=actor, reason=reason)
    return len(clocks)


def case_first_response_meet(*, case: Case, actor=None, reason: str = "") -> int:
    return case_clocks_meet(case=case, actor=actor, metrics=[Metric.FIRST_RESPONSE], reason=reason)


def _metric_label(metric: str) -> str:
    try:
        return str(Metric(metric).label)
    except ValueError:
        return metric.replace("_", " ")


def case_breach_acknowledge(*, clock: SlaClock, lead, reason: str) -> SlaClock:
    """ESC-8: a lead acknowledges a breach; also noted on the case's timeline."""
    clock = clock_acknowledge_breach(clock=clock, lead=lead, reason=reason)
    link = CaseClock.objects.select_related("case").filter(clock=clock).first()
    case = link.case if link is not None else None
    if case is not None:
        event_record(
            case=case,
            kind=EventKind.SLA,
            actor=lead,
            body=f"Breach of the {_metric_label(clock.metric).lower()} clock acknowledged: "
            f"{reason}",
            data={"clock": clock.pk, "metric": clock.metric, "action": "acknowledged"},
        )
    return clock


__all__ = [
    "StartEvent",
    "case_breach_acknowledge",
    "case_clocks",
    "case_clocks_cancel",
    "case_clocks_meet",
    "case_clocks_pause",
    "case_clocks_reconcile",
    "case_clocks_resume",
    "case_clocks_start",
    "case_first_response_meet",
    "policies_for",
    "policy_candidates",
    "policy_select",
]
