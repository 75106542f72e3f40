"""SLA clock services and the sweep (CORE-3, CORE-4).

Every write is a service: atomic, audited (``sla_clock.*`` audit actions), side effects
(emails, chat posts, signals) queued on commit. Illegal state changes raise
``IllegalTransition``; bad input raises ``InvalidInput`` naming the field.

Clock lifecycle (see ``core.models.sla``)::

    clock_start -> running --clock_pause--> paused --clock_resume--> running
    running/paused --clock_meet--> met        running/paused --clock_cancel--> cancelled
    running --(sla_sweep, at due_at)--> breached --clock_meet--> breached + met_at (met late)
    breached --clock_acknowledge_breach--> breached + acknowledged_at/by/reason (ESC-8)

Decisions:

* **Breached stays breached.** Meeting a breached clock records ``met_at`` ("met late");
  the state stays ``breached`` so compliance figures never improve after the fact.
* **breached_at is the instant the clock breached** (its ``due_at``), not the time a sweep
  noticed. A sweep that runs late (broker down, worker dead) catches up on every missed
  clock and records the true breach instants.
* **A service acting after due_at settles the breach first.** ``clock_meet`` on a running
  clock whose ``due_at`` has passed records the breach (``breached_at = due_at``, breach
  notifications) and then the late meeting; ``clock_pause`` on such a clock records the
  breach and returns the breached clock without pausing it (no error, so the caller's own
  action, e.g. a status change, still succeeds). ``clock_cancel`` voids an open clock even
  if it is overdue; a breached clock cannot be cancelled.
* **At most one open clock per (subject, metric)**: ``clock_start`` raises ``Conflict``
  while one is running or paused (a database constraint backs it).

Who hears about a warning or a breach: the clock's subject decides, through a tiny protocol.

* ``subject.sla_recipients(clock) -> list[User]`` if the subject defines it (an escalation
  case returns its assignee and its team's lead); otherwise a ``User`` subject is told
  itself, a ``Team`` subject its lead, and any other subject no one.
* The notification links to ``subject.get_absolute_url()`` when defined, and its title
  uses ``str(subject)``.
* Breaches are also announced in team chat: to ``subject.sla_chat_team(clock)`` if
  defined, else to ``subject.team`` when that is a ``Team``; one message per team per
  sweep batch (a backlog does not flood the channel).
* A subject model may set ``sla_select_related = ("assignee", "team__lead")`` so the sweep
  loads a batch of subjects without N+1 queries.
* Other apps react through the ``sla_clocks_warned`` / ``sla_clocks_breached`` signals,
  sent after commit with ``clock_ids``.

The sweep is set-based: it claims due rows with one conditional
``UPDATE ... WHERE state = 'running' AND due_at <= now ... RETURNING`` per batch (on
PostgreSQL the inner select takes ``FOR UPDATE SKIP LOCKED`` and the audit rows are
inserted by the same statement), served by the partial indexes on ``due_at`` (running
rows) and ``warn_at`` (running, not yet warned rows). It is idempotent: a claimed row no
longer matches, so two overlapping sweeps never claim, and never notify, the same clock
twice. Warnings fire once (``warned_at``); a clock already past ``due_at`` is breached,
not warned.
"""

from __future__ import annotations

import datetime as dt
import logging
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field
from functools import partial
from typing import NamedTuple

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.db.models.base import ModelState
from django.dispatch import Signal
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from . import business_hours as bh
from .access import can_acknowledge_clock, deny
from .errors import Conflict, Forbidden, IllegalTransition, InvalidInput
from .models import (
    AuditEvent,
    BusinessCalendar,
    ClockState,
    SlaClock,
    SlaFanOut,
    SlaPause,
    Team,
    User,
)
from .notifications import NotificationSpec, chat_announce, notifications_insert_bulk
from .services import audit_record, snapshot

log = logging.getLogger(__name__)

sla_clocks_warned = Signal()  # kwargs: clock_ids
sla_clocks_breached = Signal()  # kwargs: clock_ids
# Outbound events (issue 15): sent INSIDE the transaction that warns, breaches or meets
# clocks (kwargs: clocks, kind = "warned" | "breached" | "met"), so what a receiver
# writes commits or rolls back with the change. A failing receiver is logged, not raised.
sla_clocks_changed = Signal()


def _changed(clocks: list[SlaClock], kind: str) -> None:
    for receiver, error in sla_clocks_changed.send_robust(
        sender=SlaClock, clocks=clocks, kind=kind
    ):
        if isinstance(error, Exception):
            log.error("sla_clocks_changed receiver %s failed: %r", receiver, error)


CLOCK_AUDIT_FIELDS = (
    "state",
    "metric",
    "target_seconds",
    "calendar",
    "warn_fraction",
    "started_at",
    "due_at",
    "warn_at",
    "warned_at",
    "met_at",
    "breached_at",
    "cancelled_at",
    "paused_at",
    "remaining_at_pause",
)

CHAT_LIST_LIMIT = 10


# Helpers -----------------------------------------------------------------------------------
def _resolve_calendar(calendar) -> BusinessCalendar:
    if isinstance(calendar, BusinessCalendar):
        return calendar
    if isinstance(calendar, str):
        found = BusinessCalendar.objects.filter(slug=calendar).first()
        if found is None:
            raise InvalidInput(f"No business calendar {calendar!r}.", field="calendar")
        return found
    raise InvalidInput("calendar must be a BusinessCalendar or its slug.", field="calendar")


def _target_seconds(duration) -> int:
    if isinstance(duration, dt.timedelta):
        seconds = duration.total_seconds()
    elif isinstance(duration, int | float) and not isinstance(duration, bool):
        seconds = float(duration)
    else:
        raise InvalidInput("duration must be a timedelta or a number of seconds.", field="duration")
    if seconds <= 0 or seconds != int(seconds):
        raise InvalidInput("duration must be a positive whole number of seconds.", field="duration")
    if seconds > 2**31 - 1:
        raise InvalidInput("duration is too long.", field="duration")
    return int(seconds)


def _instant(value: dt.datetime | None, name: str = "at") -> dt.datetime:
    if value is None:
        return timezone.now()
    if not isinstance(value, dt.datetime) or timezone.is_naive(value):
        raise InvalidInput(f"{name} must be a timezone-aware datetime.", field=name)
    return value


def _warn_offset(target_seconds: int, warn_fraction: float) -> dt.timedelta:
    return dt.timedelta(seconds=round(target_seconds * float(warn_fraction)))


def _lock(clock: SlaClock) -> SlaClock:
    return SlaClock.objects.select_for_update().select_related("calendar").get(pk=clock.pk)


def _audit(clock: SlaClock, action: str, before: dict | None, actor, reason: str = "") -> None:
    audit_record(
        actor=actor,
        action=f"sla_clock.{action}",
        target=clock,
        before=before,
        after=snapshot(clock, CLOCK_AUDIT_FIELDS),
        reason=reason,
    )


def _close_pause(clock: SlaClock, at: dt.datetime) -> None:
    SlaPause.objects.filter(clock=clock, ended_at__isnull=True).update(ended_at=at)


def _check_not_before_start(clock: SlaClock, at: dt.datetime) -> None:
    if at < clock.started_at:
        raise InvalidInput("at is before the clock started.", field="at")


def _settle_breach(clock: SlaClock, at: dt.datetime, actor) -> bool:
    """Record the breach of a running clock whose due_at has passed (as the sweep would)."""
    if clock.state != ClockState.RUNNING or clock.due_at > at:
        return False
    before = snapshot(clock, CLOCK_AUDIT_FIELDS)
    clock.state = ClockState.BREACHED
    clock.breached_at = clock.due_at
    clock.save(update_fields=["state", "breached_at"])
    _audit(clock, "breached", before, actor=None, reason="due time passed before the action")
    _fan_out([clock], kind="breach")
    return True


# Services ----------------------------------------------------------------------------------
@transaction.atomic
def clock_start(
    *,
    subject,
    metric: str,
    duration: dt.timedelta | int,
    calendar: BusinessCalendar | str,
    warn_fraction: float = 0.75,
    started_at: dt.datetime | None = None,
    actor=None,
) -> SlaClock:
    """Start a clock of ``duration`` working time on ``calendar`` for ``subject`` (CORE-3)."""
    if subject is None or getattr(subject, "pk", None) is None:
        raise InvalidInput("The subject must be a saved object.", field="subject")
    metric = (metric or "").strip()
    if not metric or len(metric) > 40:
        raise InvalidInput("metric must be 1 to 40 characters.", field="metric")
    try:
        warn_fraction = float(warn_fraction)
    except (TypeError, ValueError):
        raise InvalidInput("warn_fraction must be a number.", field="warn_fraction") from None
    if not 0 < warn_fraction < 1:
        raise InvalidInput("warn_fraction must be between 0 and 1.", field="warn_fraction")
    target_seconds = _target_seconds(duration)
    cal = _resolve_calendar(calendar)
    start = _instant(started_at, "started_at")
    engine = cal.engine()
    try:
        due_at = bh.deadline(start, target_seconds, engine)
        warn_at = bh.deadline(start, _warn_offset(target_seconds, warn_fraction), engine)
    except ValueError as exc:
        raise InvalidInput(f"Cannot compute a deadline: {exc}", field="calendar") from None
    content_type = ContentType.objects.get_for_model(subject)
    open_clock = SlaClock.objects.filter(
        content_type=content_type,
        object_id=subject.pk,
        metric=metric,
        state__in=[ClockState.RUNNING, ClockState.PAUSED],
    ).exists()
    if open_clock:
        raise Conflict(f"{subject} already has an open {metric} clock.", field="metric")
    try:
        with transaction.atomic():
            clock = SlaClock.objects.create(
                content_type=content_type,
                object_id=subject.pk,
                metric=metric,
                target_seconds=target_seconds,
                calendar=cal,
                warn_fraction=warn_fraction,
                state=ClockState.RUNNING,
                started_at=start,
                due_at=due_at,
                warn_at=warn_at,
            )
    except IntegrityError:
        raise Conflict(f"{subject} already has an open {metric} clock.", field="metric") from None
    _audit(clock, "started", None, actor)
    return clock


@transaction.atomic
def clock_pause(*, clock: SlaClock, at=None, actor=None, reason: str = "") -> SlaClock:
    """Stop a running clock (e.g. waiting on the client). An overdue clock breaches instead."""
    at = _instant(at)
    clock = _lock(clock)
    if _settle_breach(clock, at, actor):
        return clock
    if clock.state != ClockState.RUNNING:
        raise IllegalTransition(f"Cannot pause a {clock.state} clock.")
    _check_not_before_start(clock, at)
    before = snapshot(clock, CLOCK_AUDIT_FIELDS)
    clock.remaining_at_pause = clock.calendar.elapsed(at, clock.due_at)
    clock.state = ClockState.PAUSED
    clock.paused_at = at
    clock.save(update_fields=["state", "paused_at", "remaining_at_pause"])
    SlaPause.objects.create(clock=clock, started_at=at, reason=(reason or "")[:255])
    _audit(clock, "paused", before, actor, reason)
    return clock


def _rearm(clock: SlaClock, at: dt.datetime) -> None:
    """Recompute due_at and warn_at from ``at`` with the working time that was left."""
    engine = clock.calendar.engine()
    remaining = clock.remaining_at_pause or dt.timedelta(0)
    clock.due_at = bh.deadline(at, remaining, engine)
    if clock.warned_at is None:
        consumed = clock.target - remaining
        warn_point = _warn_offset(clock.target_seconds, clock.warn_fraction)
        clock.warn_at = (
            bh.deadline(at, warn_point - consumed, engine) if consumed < warn_point else at
        )


@transaction.atomic
def clock_resume(*, clock: SlaClock, at=None, actor=None, reason: str = "") -> SlaClock:
    """Restart a paused clock; due_at and warn_at are recomputed from the resume instant."""
    at = _instant(at)
    clock = _lock(clock)
    if clock.state != ClockState.PAUSED:
        raise IllegalTransition(f"Cannot resume a {clock.state} clock.")
    if clock.paused_at and at < clock.paused_at:
        raise InvalidInput("at is before the clock was paused.", field="at")
    before = snapshot(clock, CLOCK_AUDIT_FIELDS)
    _rearm(clock, at)
    _close_pause(clock, at)
    clock.state = ClockState.RUNNING
    clock.paused_at = None
    clock.remaining_at_pause = None
    clock.save(update_fields=["state", "due_at", "warn_at", "paused_at", "remaining_at_pause"])
    _audit(clock, "resumed", before, actor, reason)
    return clock


@transaction.atomic
def clock_meet(*, clock: SlaClock, at=None, actor=None, reason: str = "") -> SlaClock:
    """The target was reached (first response sent, follow-up done...).

    A running clock past its due_at is breached first and then met late; a breached clock
    is met late (``met_at`` set, state stays breached); a paused clock is met at ``at``.
    """
    at = _instant(at)
    clock = _lock(clock)
    if clock.state in (ClockState.MET, ClockState.CANCELLED):
        raise IllegalTransition(f"Cannot meet a {clock.state} clock.")
    _check_not_before_start(clock, at)
    if clock.state == ClockState.PAUSED:
        before = snapshot(clock, CLOCK_AUDIT_FIELDS)
        _rearm(clock, at)
        _close_pause(clock, at)
        clock.state = ClockState.MET
        clock.met_at = at
        clock.paused_at = None
        clock.remaining_at_pause = None
        clock.save(
            update_fields=[
                "state",
                "met_at",
                "due_at",
                "warn_at",
                "paused_at",
                "remaining_at_pause",
            ]
        )
        _audit(clock, "met", before, actor, reason)
        _changed([clock], "met")  # issue 15
        return clock
    _settle_breach(clock, at, actor)
    before = snapshot(clock, CLOCK_AUDIT_FIELDS)
    if clock.state == ClockState.BREACHED:
        if clock.met_at is not None:
            raise IllegalTransition("This breached clock was already met late.")
        clock.met_at = at
        clock.save(update_fields=["met_at"])
        _audit(clock, "met_late", before, actor, reason)
        _changed([clock], "met")  # issue 15
        return clock
    clock.state = ClockState.MET
    clock.met_at = at
    clock.save(update_fields=["state", "met_at"])
    _audit(clock, "met", before, actor, reason)
    _changed([clock], "met")  # issue 15
    return clock


@transaction.atomic
def clock_cancel(*, clock: SlaClock, at=None, actor=None, reason: str = "") -> SlaClock:
    """Void an open clock (the case was withdrawn, the policy changed...)."""
    at = _instant(at)
    clock = _lock(clock)
    if clock.state not in (ClockState.RUNNING, ClockState.PAUSED):
        raise IllegalTransition(f"Cannot cancel a {clock.state} clock.")
    before = snapshot(clock, CLOCK_AUDIT_FIELDS)
    _close_pause(clock, at)
    clock.state = ClockState.CANCELLED
    clock.cancelled_at = at
    clock.cancel_reason = reason or ""
    clock.save(update_fields=["state", "cancelled_at", "cancel_reason"])
    _audit(clock, "cancelled", before, actor, reason)
    return clock


@transaction.atomic
def clock_acknowledge_breach(*, clock: SlaClock, lead: User, reason: str) -> SlaClock:
    """ESC-8: a team lead or admin acknowledges a breach, with a reason."""
    if not can_acknowledge_clock(lead, clock):
        deny(lead, "acknowledge breach", target=clock)
        raise Forbidden("Only a lead of the case's team (or an admin) may acknowledge a breach.")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("A reason is required to acknowledge a breach.", field="reason")
    clock = _lock(clock)
    if clock.state != ClockState.BREACHED:
        raise Conflict(f"Only breached clocks can be acknowledged; this one is {clock.state}.")
    if clock.acknowledged_at is not None:
        raise Conflict("This breach was already acknowledged.")
    before = snapshot(clock, ["acknowledged_at", "acknowledged_by", "acknowledge_reason"])
    clock.acknowledged_at = timezone.now()
    clock.acknowledged_by = lead
    clock.acknowledge_reason = reason
    clock.save(update_fields=["acknowledged_at", "acknowledged_by", "acknowledge_reason"])
    audit_record(
        actor=lead,
        action="sla_clock.breach_acknowledged",
        target=clock,
        before=before,
        after=snapshot(clock, ["acknowledged_at", "acknowledged_by", "acknowledge_reason"]),
        reason=reason,
    )
    return clock


# Selectors ---------------------------------------------------------------------------------
def clocks_for(subject):
    """All clocks of ``subject``, oldest first, with their calendars loaded."""
    return (
        SlaClock.objects.filter(
            content_type=ContentType.objects.get_for_model(subject), object_id=subject.pk
        )
        .select_related("calendar")
        .order_by("started_at", "id")
    )


def clocks_breached(*, since=None, until=None, acknowledged: bool | None = None):
    qs = SlaClock.objects.filter(state=ClockState.BREACHED).select_related(
        "calendar", "acknowledged_by", "content_type"
    )
    if since is not None:
        qs = qs.filter(breached_at__gte=since)
    if until is not None:
        qs = qs.filter(breached_at__lt=until)
    if acknowledged is not None:
        qs = qs.filter(acknowledged_at__isnull=not acknowledged)
    return qs.order_by("-breached_at", "-id")


# Sweep -------------------------------------------------------------------------------------
@dataclass
class SweepResult:
    warned: int = 0
    breached: int = 0
    notifications: int = 0  # created by this call (0 when the fan-out was queued)
    batches: int = 0
    fan_outs: list[int] = field(default_factory=list)  # SlaFanOut ids written or re-sent


class Claimed(NamedTuple):
    """A clock row claimed by the sweep (only what the fan-out needs)."""

    id: int
    content_type_id: int
    object_id: int
    metric: str
    due_at: dt.datetime


_RETURNING = "id, content_type_id, object_id, metric, due_at"
_FIELDS = ["id", "content_type_id", "object_id", "metric", "due_at"]

# A batch whose notifications are still pending this long after it was queued is queued
# again by the next sweep (its task was lost: broker down at commit, worker killed).
FAN_OUT_REQUEUE_AFTER = dt.timedelta(minutes=5)
# Sent batches are kept this long (admin: "SLA notification batches"), then deleted.
FAN_OUT_KEEP = dt.timedelta(days=7)


def _claim_sql(kind: str, vendor: str) -> str:
    """The claim statement of one batch.

    Parameters, in order: SQLite ``[warned_at (warn only), now, limit]``; PostgreSQL
    ``[warned_at (warn only), now, limit, audit at, audit target type, warned_at (warn
    only), fan-out swept_at, fan-out created_at, fan-out queued_at]``.
    """
    if kind == "breach":
        due = "state = 'running' AND due_at <= %s ORDER BY due_at"
    else:
        due = "state = 'running' AND warned_at IS NULL AND warn_at <= %s ORDER BY warn_at"
    if vendor != "postgresql":
        if kind == "breach":
            assign, guard = "state = 'breached', breached_at = due_at", "state = 'running'"
        else:
            assign, guard = "warned_at = %s", "state = 'running' AND warned_at IS NULL"
        return (
            f"UPDATE core_slaclock SET {assign} WHERE id IN "
            f"(SELECT id FROM core_slaclock WHERE {due} LIMIT %s) AND {guard} "
            f"RETURNING {_RETURNING}"
        )
    # PostgreSQL: one statement per batch. Lock the due rows through the partial index
    # (SKIP LOCKED: an overlapping sweep takes the others), update them through a TID scan
    # of their ctids (a row we hold locked cannot move; ``= ANY(ARRAY(...))`` always plans
    # as a TID scan, where a join on ctid may turn into a hash join over the whole table),
    # write one audit row per clock from the RETURNING rows, its JSON built in SQL, and the
    # batch's fan-out row (the claimed ids as one JSON array: to_jsonb(array_agg()) is
    # ten times cheaper than jsonb_agg). Nothing comes back but the count and that row's id.
    if kind == "breach":
        assign = "state = 'breached', breached_at = c.due_at"
        guard = "c.state = 'running'"
        action = "sla_clock.breached"
        before = """'{"state": "running"}'::jsonb"""  # a constant: built once, not per row
        after = "jsonb_build_object('state', 'breached', 'breached_at', claimed.due_at)"
    else:
        assign = "warned_at = %s"
        guard = "c.state = 'running' AND c.warned_at IS NULL"
        action = "sla_clock.warned"
        before = """'{"state": "running", "warned_at": null}'::jsonb"""
        after = "jsonb_build_object('state', 'running', 'warned_at', %s::timestamptz)"
    columns = ", ".join(f"c.{name}" for name in _FIELDS)
    return (
        f"WITH claimed AS (UPDATE core_slaclock c SET {assign} "
        "WHERE c.ctid = ANY(ARRAY(SELECT ctid FROM core_slaclock "
        f"WHERE {due} LIMIT %s FOR UPDATE SKIP LOCKED)) AND {guard} RETURNING {columns}), "
        "audit AS (INSERT INTO core_auditevent (at, actor_id, actor_label, action, "
        "target_type_id, target_id, target_repr, before, after, reason) "
        f"SELECT %s, NULL, 'system', '{action}', %s, claimed.id::text, "
        f"claimed.metric || ' clock #' || claimed.id, {before}, {after}, 'SLA sweep' "
        "FROM claimed), "
        "fan_out AS (INSERT INTO core_slafanout (kind, swept_at, clock_ids, created_at, "
        f"queued_at, done_at, notifications) SELECT '{kind}', %s, to_jsonb(array_agg(id)), "
        "%s, %s, NULL, 0 FROM claimed HAVING count(*) > 0 RETURNING id) "
        "SELECT (SELECT count(*) FROM claimed), (SELECT id FROM fan_out)"
    )


def _to_datetime(value):
    """RETURNING values bypass the ORM: SQLite gives naive UTC datetimes or strings."""
    if value is None:
        return None
    parsed = value if isinstance(value, dt.datetime) else parse_datetime(str(value))
    if parsed is not None and timezone.is_naive(parsed):
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed


def _claim(kind: str, now: dt.datetime, limit: int, queued: bool) -> tuple[int, int | None]:
    """Claim up to ``limit`` due rows, audit them and write their fan-out row.

    Returns the number claimed and the fan-out row's id (None when nothing was due).
    """
    vendor = connection.vendor
    sql = _claim_sql(kind, vendor)
    db_now = connection.ops.adapt_datetimefield_value(now)
    warn = [db_now] if kind == "warn" else []
    wall = timezone.now()
    if vendor == "postgresql":
        created = connection.ops.adapt_datetimefield_value(wall)
        queued_at = created if queued else None
        params = [*warn, db_now, limit, db_now, _clock_type_id(), *warn, db_now, created]
        params.append(queued_at)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()
    with connection.cursor() as cursor:
        cursor.execute(sql, [*warn, db_now, limit])
        rows = cursor.fetchall()
    if not rows:
        return 0, None
    claimed = [Claimed(*row[:4], _to_datetime(row[4])) for row in rows]
    _audit_bulk(claimed, kind, now)
    fan_out = SlaFanOut.objects.create(
        kind=kind,
        swept_at=now,
        clock_ids=[row.id for row in claimed],
        created_at=wall,
        queued_at=wall if queued else None,
    )
    return len(claimed), fan_out.pk


def _clock_type_id() -> int:
    return ContentType.objects.get_for_model(SlaClock).pk


def _audit_bulk(claimed: list[Claimed], kind: str, now: dt.datetime) -> None:
    """Audit rows for a claimed batch (PostgreSQL writes them inside the claim statement)."""
    target_type = ContentType.objects.get_for_model(SlaClock)
    if kind == "breach":
        action, before = "sla_clock.breached", {"state": "running"}
    else:
        action, before = "sla_clock.warned", {"state": "running", "warned_at": None}
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                actor=None,
                actor_label="system",
                action=action,
                target_type=target_type,
                target_id=str(row.id),
                target_repr=f"{row.metric} clock #{row.id}",
                before=before,
                after={"state": "breached", "breached_at": row.due_at.isoformat()}
                if kind == "breach"
                else {"state": "running", "warned_at": now.isoformat()},
                reason="SLA sweep",
            )
            for row in claimed
        ],
        batch_size=2000,
    )


def _clock_of(row: Claimed, alias: str) -> SlaClock:
    """A clock instance holding only the claimed columns (others deferred, as with ``only()``).

    Built directly rather than through ``Model.from_db`` (which runs ``__init__`` over
    every field and sends the init signals): about ten times cheaper per row, which
    matters when a sweep hands thousands of clocks to the subjects' hooks.
    """
    clock = SlaClock.__new__(SlaClock)
    state = ModelState()
    state.adding = False
    state.db = alias
    clock._state = state
    clock.__dict__.update(zip(_FIELDS, row, strict=True))
    return clock


def _notify_claimed(claimed: list[Claimed], *, kind: str, now: dt.datetime) -> int:
    """Turn claimed rows into (partially loaded) clocks and fan the notifications out."""
    alias = connection.alias
    clocks = []
    for row in claimed:
        clock = _clock_of(row, alias)
        if kind == "breach":
            clock.state = ClockState.BREACHED
            clock.breached_at = row.due_at
        else:
            clock.state = ClockState.RUNNING
            clock.warned_at = now
        clocks.append(clock)
    return _fan_out(clocks, kind=kind)


def _recipients(subject, clock: SlaClock) -> list[User]:
    hook = getattr(subject, "sla_recipients", None)
    if callable(hook):
        return [u for u in (hook(clock) or []) if u is not None]
    if isinstance(subject, User):
        return [subject]
    if isinstance(subject, Team):
        return [subject.lead] if subject.lead_id else []
    return []


def _chat_team(subject, clock: SlaClock) -> Team | None:
    hook = getattr(subject, "sla_chat_team", None)
    if callable(hook):
        return hook(clock)
    team = getattr(subject, "team", None)
    return team if isinstance(team, Team) else None


def _load_subjects(clocks: list[SlaClock]) -> None:
    """Attach each clock's subject, one query per subject model."""
    by_type: dict[int, list[SlaClock]] = defaultdict(list)
    for clock in clocks:
        by_type[clock.content_type_id].append(clock)
    for content_type_id, group in by_type.items():
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        subjects = {}
        if model is not None:
            qs = model._default_manager.all()
            related = getattr(model, "sla_select_related", None)
            if related:
                qs = qs.select_related(*related)
            subjects = qs.in_bulk({c.object_id for c in group})
        for clock in group:
            subject = subjects.get(clock.object_id)
            clock._state.fields_cache["subject"] = subject


def _local(instant: dt.datetime, user: User) -> str:
    try:
        zone = zoneinfo.ZoneInfo(user.time_zone or settings.DEFAULT_USER_TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = dt.UTC
    return instant.astimezone(zone).strftime("%a %d %b %Y %H:%M %Z")


def metric_label(metric: str) -> str:
    return metric.replace("_", " ")


def _fan_out(clocks: list[SlaClock], *, kind: str) -> int:
    """Create the in-app notifications (one bulk insert), emails and chat posts on commit.

    A subject whose hooks raise is logged and skipped: one bad row never blocks the sweep.
    """
    _load_subjects([c for c in clocks if "subject" not in c._state.fields_cache])
    clock_type_id = ContentType.objects.get_for_model(SlaClock).pk
    specs: list[NotificationSpec] = []
    chat: dict[int, tuple[Team, list[str]]] = {}
    for clock in clocks:
        subject = clock._state.fields_cache.get("subject")
        if subject is None:
            continue
        try:
            recipients = _recipients(subject, clock)
            url = subject.get_absolute_url() if hasattr(subject, "get_absolute_url") else ""
            label = str(subject)
            team = _chat_team(subject, clock) if kind == "breach" else None
        except Exception:
            log.exception("SLA %s of clock %s: subject hooks failed", kind, clock.pk)
            continue
        metric = metric_label(clock.metric)
        for user in recipients:
            if kind == "breach":
                title = f"SLA breached: {metric} on {label}"
                body = f"The {metric} target was due {_local(clock.due_at, user)}."
            else:
                title = f"SLA at risk: {metric} on {label}"
                body = f"The {metric} target is due {_local(clock.due_at, user)}."
            specs.append(
                NotificationSpec(
                    recipient=user,
                    kind=f"sla_{kind}",
                    title=title,
                    body=body,
                    url=url,
                    target_type_id=clock_type_id,
                    target_id=str(clock.pk),
                )
            )
        if team is not None:
            chat.setdefault(team.pk, (team, []))[1].append(f"{metric} on {label}")
    created = notifications_insert_bulk(specs)
    for team, lines in chat.values():
        shown = lines[:CHAT_LIST_LIMIT]
        more = len(lines) - len(shown)
        text = f":rotating_light: SLA breached ({len(lines)}): " + "; ".join(shown)
        if more:
            text += f"; and {more} more"
        chat_announce(team=team, text=text)
    _changed(clocks, "breached" if kind == "breach" else "warned")  # issue 15
    signal = sla_clocks_breached if kind == "breach" else sla_clocks_warned
    ids = [c.pk for c in clocks]
    transaction.on_commit(lambda: signal.send(sender=SlaClock, clock_ids=ids), robust=True)
    return created


def sla_fan_out_send(*, fan_out_id: int) -> int:
    """Create the notifications of one sweep batch, exactly once (CORE-4, CORE-7).

    The batch row is locked (SKIP LOCKED: a concurrent delivery of the same task returns
    at once) and marked sent in the same transaction as the notifications it creates, so a
    repeated or retried task never notifies twice. Returns the notifications created.
    """
    with transaction.atomic():
        batch = (
            SlaFanOut.objects.select_for_update(skip_locked=True)
            .pending()
            .filter(pk=fan_out_id)
            .first()
        )
        if batch is None:  # sent already, being sent, or gone
            return 0
        claimed = _load_claimed(batch.clock_ids)
        created = _notify_claimed(claimed, kind=batch.kind, now=batch.swept_at)
        SlaFanOut.objects.filter(pk=batch.pk).update(done_at=timezone.now(), notifications=created)
    return created


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MICROSECOND = dt.timedelta(microseconds=1)


def _load_claimed(ids: list[int]) -> list[Claimed]:
    """The fan-out's view of a batch's clocks (clocks deleted since are skipped)."""
    if connection.vendor != "postgresql":
        return [
            Claimed(*row)
            for row in SlaClock.objects.filter(pk__in=ids).order_by().values_list(*_FIELDS)
        ]
    # One array parameter, not 10,000; due_at as integer microseconds since the epoch
    # (loading 10,000 timestamptz values through the driver costs ~70 ms, integers ~2 ms).
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, content_type_id, object_id, metric, "
            "(extract(epoch FROM due_at) * 1000000)::bigint FROM core_slaclock "
            "WHERE id = ANY(%s)",
            [ids],
        )
        rows = cursor.fetchall()
    return [Claimed(*row[:4], _EPOCH + row[4] * _MICROSECOND) for row in rows]


def _queue_fan_out(fan_out_id: int, queue: str | None) -> None:
    from .tasks import sla_fan_out

    sla_fan_out.apply_async((fan_out_id,), queue=queue)


def _dispatch(fan_out_id: int, result: SweepResult, defer: bool, queue) -> None:
    """Send a batch's notifications now, or queue its task for when the batch commits."""
    result.fan_outs.append(fan_out_id)
    if defer:
        transaction.on_commit(partial(_queue_fan_out, fan_out_id, queue), robust=True)
    else:
        result.notifications += sla_fan_out_send(fan_out_id=fan_out_id)


def _sweep_phase(
    kind: str, now: dt.datetime, batch_size: int, result: SweepResult, defer: bool, queue
) -> int:
    total = 0
    while True:
        with transaction.atomic():
            count, fan_out_id = _claim(kind, now, batch_size, queued=defer)
        if fan_out_id is not None:
            _dispatch(fan_out_id, result, defer, queue)
        result.batches += 1
        total += count
        if count < batch_size:
            return total


def _resend_stale_fan_outs(result: SweepResult, defer: bool, queue) -> None:
    """Send again what an earlier sweep's lost task left pending; drop old sent batches."""
    wall = timezone.now()
    stale = list(
        SlaFanOut.objects.pending()
        .filter(Q(queued_at__isnull=True) | Q(queued_at__lte=wall - FAN_OUT_REQUEUE_AFTER))
        .filter(created_at__lte=wall - FAN_OUT_REQUEUE_AFTER)
        .values_list("pk", flat=True)[:1000]
    )
    for fan_out_id in stale:
        log.warning("SLA notification batch %s was still pending: sending it again", fan_out_id)
        if defer:
            SlaFanOut.objects.filter(pk=fan_out_id).update(queued_at=wall)
        _dispatch(fan_out_id, result, defer, queue)
    SlaFanOut.objects.filter(done_at__lt=wall - FAN_OUT_KEEP).delete()


def sla_sweep(
    *,
    now: dt.datetime | None = None,
    batch_size: int | None = None,
    defer: bool = False,
    queue: str | None = None,
) -> SweepResult:
    """Breach every running clock past due_at, then warn every one past warn_at (CORE-4).

    Each batch is one transaction: the clock updates, their audit rows and the batch's
    fan-out row (SlaFanOut) commit together. The batch's notifications are then created
    from that row, in a transaction that also marks it sent: right here, or, with
    ``defer=True`` (what the beat task does), by a Celery task queued on commit, so the
    sweep's time does not grow with the notification fan-out and a slow subject or
    channel never holds the clocks' locks. A crash anywhere loses and repeats nothing:
    pending batches older than FAN_OUT_REQUEUE_AFTER are sent again by the next sweep.
    ``queue``: the Celery queue of the fan-out tasks (default: the default queue).
    """
    now = _instant(now, "now")
    batch_size = batch_size or getattr(settings, "SLA_SWEEP_BATCH_SIZE", 10000)
    result = SweepResult()
    _resend_stale_fan_outs(result, defer, queue)
    result.breached = _sweep_phase("breach", now, batch_size, result, defer, queue)
    result.warned = _sweep_phase("warn", now, batch_size, result, defer, queue)
    if result.breached or result.warned:
        log.info("SLA sweep: %s breached, %s warned", result.breached, result.warned)
    return result
