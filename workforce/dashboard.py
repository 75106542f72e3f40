"""The lead's team dashboard (TEAM-4): live figures of one team, each with the address of
the list behind it. Agents' own figures (queue, due clocks, CSAT) are in ``agent_figures``."""

from __future__ import annotations

import datetime as dt
import statistics
from urllib.parse import urlencode

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from core.models import SlaClock, Team

from .stats import csat_trend

RECENT = dt.timedelta(days=28)


def _url(name: str, **params) -> str:
    url = reverse(name)
    clean = {k: v for k, v in params.items() if v not in (None, "")}
    return f"{url}?{urlencode(clean)}" if clean else url


def _median_hours(durations: list[dt.timedelta]) -> float | None:
    if not durations:
        return None
    return round(statistics.median(d.total_seconds() for d in durations) / 3600, 1)


def team_figures(team: Team, *, viewer, now=None) -> dict:
    from escalations.models import Case, Status
    from escalations.selectors import clocks_at_risk, clocks_breached, compliance_by_week

    from .coverage import coverage_for, monday_of

    now = now or timezone.now()
    open_cases = Case.objects.filter(team=team).open()
    by_status = {
        row["status"]: row["n"] for row in open_cases.values("status").annotate(n=Count("id"))
    }
    statuses = [
        {
            "key": s.value,
            "label": s.label,
            "count": by_status.get(s.value, 0),
            "url": _url("escalations:queue", status=s.value),
        }
        for s in Status
        if s.value in by_status
    ]
    by_agent_rows = (
        open_cases.values(
            "assignee_id", "assignee__username", "assignee__first_name", "assignee__last_name"
        )
        .annotate(n=Count("id"))
        .order_by("-n", "assignee__username")
    )
    by_agent = [
        {
            "name": (
                f"{r['assignee__first_name']} {r['assignee__last_name']}".strip()
                or r["assignee__username"]
            )
            if r["assignee_id"]
            else "Unassigned",
            "count": r["n"],
            "url": _url(
                "escalations:queue", agent=r["assignee__username"] if r["assignee_id"] else "none"
            ),
        }
        for r in by_agent_rows
    ]
    at_risk = clocks_at_risk(team=team, viewer=viewer, now=now).count()
    breached = clocks_breached(team=team, viewer=viewer, unacknowledged=True).count()
    weeks = compliance_by_week(team=team, viewer=viewer, weeks=4, now=now)
    this_week = weeks[-1] if weeks else None
    earlier = [w for w in weeks[:-1] if w["total"]]
    earlier_met = sum(w["met"] for w in earlier)
    earlier_total = sum(w["total"] for w in earlier)

    since = now - RECENT
    ct = ContentType.objects.get_for_model(Case)
    first = [
        c.met_at - c.started_at
        for c in SlaClock.objects.filter(
            content_type=ct,
            object_id__in=Case.objects.filter(team=team, created_at__gte=since).values("pk"),
            metric="first_response",
            state="met",
        ).only("met_at", "started_at")
    ]
    resolved = [
        c.resolved_at - c.created_at
        for c in Case.objects.filter(team=team, resolved_at__gte=since).only(
            "resolved_at", "created_at"
        )
    ]

    credits_waiting = None
    try:
        from credits.selectors import approval_queue_for

        credits_waiting = approval_queue_for(viewer).filter(case__team=team).count()
    except ImportError:  # the credits app is optional
        credits_waiting = None

    next_week = monday_of(now.astimezone(dt.UTC).date()) + dt.timedelta(days=7)
    from zoneinfo import ZoneInfo

    zone_name = getattr(viewer, "time_zone", "UTC") or "UTC"
    coverage = coverage_for(team, next_week, ZoneInfo(zone_name), now=now)

    rounds_to_review = []
    try:
        from hiring.models import Answer, Round, Stage

        waiting = (
            Answer.objects.filter(
                applicant__round__team=team,
                applicant__stage=Stage.SUBMITTED,
                question__kind="free",
                points__isnull=True,
            )
            .values("applicant__round_id")
            .annotate(n=Count("applicant_id", distinct=True))
        )
        counts = {w["applicant__round_id"]: w["n"] for w in waiting}
        for rnd in Round.objects.filter(pk__in=counts):
            rounds_to_review.append(
                {
                    "name": rnd.name,
                    "count": counts[rnd.pk],
                    "url": reverse("hiring:review", args=[rnd.pk]),
                }
            )
    except ImportError:
        pass

    return {
        "team": team,
        "open_total": sum(by_status.values()),
        "open_url": _url("escalations:queue"),
        "statuses": statuses,
        "by_agent": by_agent,
        "at_risk": at_risk,
        "breached": breached,
        "breaches_url": reverse("escalations:breach-review"),
        "compliance_this_week": this_week["compliance"] if this_week else None,
        "compliance_before": round(100 * earlier_met / earlier_total, 1) if earlier_total else None,
        "compliance_weeks": weeks,
        "first_response_hours": _median_hours(first),
        "first_response_count": len(first),
        "resolution_hours": _median_hours(resolved),
        "resolution_count": len(resolved),
        "resolved_url": _url("escalations:queue", status="resolved"),
        "credits_waiting": credits_waiting,
        "credits_url": reverse("credits:approvals") if credits_waiting is not None else "",
        "csat_trend": csat_trend(team.pk, weeks=8, now=now),
        "csat_url": _url("workforce:csat", team=team.pk),
        "coverage_gap_hours": coverage.gap_hours,
        "coverage_gap_agent_hours": coverage.gap_agent_hours,
        "coverage_week": next_week,
        "coverage_url": _url(
            "workforce:coverage", team=team.pk, week=next_week.isoformat(), tz=zone_name
        ),
        "rounds_to_review": rounds_to_review,
    }


def agent_figures(user, *, now=None) -> dict:
    """An agent's own: open cases, running clocks by due time, and their CSAT."""
    from django.db.models import Avg

    from escalations.models import Case

    from .models import CsatRating

    now = now or timezone.now()
    mine = Case.objects.filter(assignee=user).open()
    ct = ContentType.objects.get_for_model(Case)
    clocks = SlaClock.objects.filter(
        content_type=ct, object_id__in=mine.values("pk"), state="running"
    )
    since = now - dt.timedelta(days=90)
    agg = CsatRating.objects.filter(
        agent=user, rating__isnull=False, rated_at__gte=since
    ).aggregate(n=Count("id"), avg=Avg("rating"))
    return {
        "open": mine.count(),
        "due_soon": clocks.filter(due_at__lte=now + dt.timedelta(hours=24)).count(),
        "overdue": clocks.filter(due_at__lt=now).count(),
        "csat_count": agg["n"],
        "csat_average": round(agg["avg"], 2) if agg["avg"] is not None else None,
        "queue_url": _url("escalations:queue", agent="me"),
    }
