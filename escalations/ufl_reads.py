"""Reads of the unresponsive-freelancer process: the plan as shown and the evidence packet.

The API, the case page's UFL panel and the evidence packet all read through here, so they
say the same thing. The packet never carries internal notes (ESC-7): the attempt log, the
claims with their verification and the client-visible timeline only.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from core.models import ClockState, SlaClock
from core.validation import csv_cell

from .models import (
    RESOLUTION_PATHS,
    UFL_RESEARCH_KEYS,
    Case,
    Metric,
    NdfMark,
    PlanStatus,
    UflPlan,
)
from .models.ufl import attempt_metric
from .selectors import case_timeline
from .services.ufl import local_iso


@dataclass
class ScheduledAttempt:
    number: int
    offset_hours: int
    due_at: dt.datetime | None
    attempt: object = None  # the UflAttempt made, if any
    state: str = "upcoming"  # made, due, upcoming, cancelled
    state_label: str = ""


@dataclass
class PlanView:
    plan: UflPlan
    schedule: list[ScheduledAttempt] = field(default_factory=list)
    attempts: list = field(default_factory=list)
    mark_at: dt.datetime | None = None
    follow_up_due_at: dt.datetime | None = None
    follow_up_done_at: dt.datetime | None = None
    follow_up_breach_at: dt.datetime | None = None  # ESC-5: the mark plus the grace
    research_total: int = 0
    research_done: int = 0
    claims: list = field(default_factory=list)
    ndf: object = None
    headline: str = ""

    @property
    def research_complete(self) -> bool:
        return self.research_done >= self.research_total

    @property
    def paths(self):
        return RESOLUTION_PATHS


def ufl_plan_of(case: Case) -> UflPlan | None:
    return UflPlan.objects.filter(case=case).select_related("case").first()


def _clocks(plan: UflPlan) -> dict[str, SlaClock]:
    qs = SlaClock.objects.filter(
        content_type=ContentType.objects.get_for_model(UflPlan), object_id=plan.pk
    ).order_by("started_at", "id")
    return {clock.metric: clock for clock in qs}


def _headline(view: PlanView, now: dt.datetime) -> str:
    """The plan in words, for the case page and the API."""
    plan = view.plan
    hours = plan.exhaust_after_hours
    if plan.status == PlanStatus.PLANNED:
        if view.research_complete:
            return "Research done: make the first attempt to reach the freelancer."
        left = view.research_total - view.research_done
        return f"Research first ({left} of {view.research_total} items left), then contact."
    if plan.status == PlanStatus.CONTACTING:
        nxt = next((s for s in view.schedule if s.state in ("due", "upcoming")), None)
        if nxt is not None and nxt.due_at is not None:
            word = "is due now" if nxt.state == "due" else "is next"
            return f"Contacting the freelancer: attempt {nxt.number} {word}."
        return f"Contacting the freelancer: no reply yet; the {hours}-hour mark is next."
    if plan.status == PlanStatus.EXHAUSTED:
        if view.follow_up_done_at:
            return (
                f"No reply within {hours} hours: the freelancer avenue is exhausted. "
                "The client was followed up."
            )
        return (
            f"No reply within {hours} hours: the freelancer avenue is exhausted. "
            "Follow up with the client now."
        )
    if plan.status == PlanStatus.MEDIATION:
        return "The freelancer replied: mediate between the client's wishes and their offer."
    if plan.status == PlanStatus.RESOLVED:
        return f"{plan.get_outcome_display()}."
    if plan.status == PlanStatus.NOT_RESOLVABLE:
        return "Not resolvable with the freelancer; the client was told of the other options."
    return "The plan stopped when the case closed."


def ufl_plan_view(case: Case, *, now: dt.datetime | None = None) -> PlanView | None:
    """The plan of ``case`` with its schedule, attempts, research progress and claims."""
    plan = ufl_plan_of(case)
    if plan is None:
        return None
    now = now or timezone.now()
    clocks = _clocks(plan)
    attempts = list(plan.attempts.select_related("agent").order_by("number"))
    by_number = {a.number: a for a in attempts}
    view = PlanView(plan=plan, attempts=attempts)
    first = plan.first_attempt_at
    for number, offset in enumerate(plan.offsets_hours or [0], start=1):
        due = first + dt.timedelta(hours=offset) if first else None
        row = ScheduledAttempt(number=number, offset_hours=offset, due_at=due)
        row.attempt = by_number.get(number)
        clock = clocks.get(attempt_metric(number))
        if row.attempt is not None:
            row.state, row.state_label = "made", "Made"
        elif not plan.is_open or plan.status in (PlanStatus.EXHAUSTED, PlanStatus.MEDIATION):
            row.state, row.state_label = "cancelled", "Not needed"
        elif due is not None and (
            due <= now or (clock is not None and clock.state == ClockState.BREACHED)
        ):
            row.state, row.state_label = "due", "Due now"
        else:
            row.state, row.state_label = "upcoming", "Upcoming"
        view.schedule.append(row)
    view.mark_at = first + dt.timedelta(hours=plan.exhaust_after_hours) if first else None
    follow_up = case.sla_clocks.filter(metric=Metric.CLIENT_FOLLOW_UP).order_by("-id").first()
    if follow_up is not None:
        # ESC-5: due at the 48-hour mark; the clock's own target is the mark plus the grace.
        view.follow_up_due_at = view.mark_at or follow_up.due_at
        view.follow_up_breach_at = follow_up.due_at
        view.follow_up_done_at = follow_up.met_at
    if plan.client_followed_up_at:
        view.follow_up_done_at = plan.client_followed_up_at
    research = case.checklist.filter(key__in=UFL_RESEARCH_KEYS)
    view.research_total = research.count()
    view.research_done = research.filter(done=True).count()
    view.claims = list(case.ufl_claims.select_related("recorded_by").order_by("recorded_at"))
    view.ndf = NdfMark.objects.filter(case=case).select_related("ndf_case").first()
    view.headline = _headline(view, now)
    return view


# The evidence packet (UFL-2) --------------------------------------------------------------
def ufl_evidence_page_data(case: Case) -> dict:
    """The packet for the printable page: instants as datetimes, so the page shows them in
    the viewer's zone and in each party's own zone (the CSV and the API carry UTC)."""
    plan = ufl_plan_of(case)
    rows = []
    if plan is not None:
        for a in plan.attempts.order_by("number"):
            rows.append(
                {
                    "attempt": a,
                    "freelancer": _in_zone(
                        a.at, a.freelancer_time_zone or plan.freelancer_time_zone
                    ),
                    "client": _in_zone(a.at, plan.client_time_zone),
                }
            )
    return {
        "plan": plan,
        "attempts": rows,
        "claims": list(case.ufl_claims.order_by("recorded_at", "id")),
        "timeline": list(case_timeline(case=case, client_visible_only=True)),
    }


def _in_zone(instant: dt.datetime, zone_name: str) -> dict:
    from zoneinfo import ZoneInfo

    from core.formatting import format_instant

    if not zone_name:
        return {"text": "", "zone": ""}
    return {"text": format_instant(instant, ZoneInfo(zone_name)), "zone": zone_name}


def _utc(value: dt.datetime | None) -> str:
    return value.astimezone(dt.UTC).isoformat(timespec="seconds") if value else ""


def ufl_evidence(case: Case) -> dict:
    """The packet: attempt log (UTC and both parties' zones), claims, client-visible timeline.

    Never internal notes: no attempt notes, research notes, internal events or call notes.
    """
    plan = ufl_plan_of(case)
    f_zone = plan.freelancer_time_zone if plan else ""
    c_zone = plan.client_time_zone if plan else ""
    attempts = []
    if plan is not None:
        for a in plan.attempts.order_by("number"):
            attempts.append(
                {
                    "number": a.number,
                    "channel": a.get_channel_display(),
                    "at_utc": _utc(a.at),
                    "at_freelancer": a.freelancer_local or local_iso(a.at, f_zone),
                    "freelancer_time_zone": a.freelancer_time_zone or "UTC",
                    "at_client": local_iso(a.at, c_zone),
                    "client_time_zone": c_zone or "UTC",
                    "delivery_status": a.get_delivery_status_display(),
                    "outcome": a.get_outcome_display(),
                }
            )
    claims = [
        {
            "kind": c.get_kind_display(),
            "claimed_by": c.get_claimed_by_display(),
            "verification": c.get_status_display(),
            "description": c.description,
            "evidence_notes": c.evidence_notes,
            "recorded_at_utc": _utc(c.recorded_at),
        }
        for c in case.ufl_claims.order_by("recorded_at", "id")
    ]
    timeline = [
        {"at_utc": _utc(e.at), "kind": e.get_kind_display(), "body": e.body}
        for e in case_timeline(case=case, client_visible_only=True)
    ]
    return {
        "case": case.reference,
        "title": case.title,
        "kind": case.get_kind_display(),
        "client": case.client_name,
        "freelancer": case.freelancer_name,
        "freelancer_time_zone": f_zone or "UTC",
        "client_time_zone": c_zone or "UTC",
        "status": plan.get_status_display() if plan else "",
        "first_attempt_at_utc": _utc(plan.first_attempt_at) if plan else "",
        "exhausted_at_utc": _utc(plan.exhausted_at) if plan else "",
        "replied_at_utc": _utc(plan.replied_at) if plan else "",
        "outcome": plan.get_outcome_display() if plan and plan.outcome else "",
        "attempts": attempts,
        "claims": claims,
        "client_timeline": timeline,
        "generated_at_utc": _utc(timezone.now()),
    }


def ufl_evidence_csv(packet: dict) -> str:
    """The packet as one CSV: a section column, then the row's fields (cells made safe)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "section",
            "number",
            "when_utc",
            "freelancer_local",
            "client_local",
            "channel_or_kind",
            "delivery_or_claimant",
            "outcome_or_status",
            "text",
        ]
    )
    for a in packet["attempts"]:
        writer.writerow(
            csv_cell(v)
            for v in (
                "attempt",
                a["number"],
                a["at_utc"],
                f"{a['at_freelancer']} ({a['freelancer_time_zone']})",
                f"{a['at_client']} ({a['client_time_zone']})",
                a["channel"],
                a["delivery_status"],
                a["outcome"],
                "",
            )
        )
    for c in packet["claims"]:
        writer.writerow(
            csv_cell(v)
            for v in (
                "claim",
                "",
                c["recorded_at_utc"],
                "",
                "",
                c["kind"],
                c["claimed_by"],
                c["verification"],
                f"{c['description']} | evidence: {c['evidence_notes']}",
            )
        )
    for e in packet["client_timeline"]:
        writer.writerow(
            csv_cell(v)
            for v in ("client_timeline", "", e["at_utc"], "", "", e["kind"], "", "", e["body"])
        )
    return out.getvalue()
