"""The team lead's breach review (ESC-8): breached and at-risk clocks, acknowledge, chart."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from core.errors import DomainError
from core.models import User

from ..forms import BreachAcknowledgeForm, BreachFilterForm, day_start
from ..selectors import clocks_at_risk, clocks_breached, compliance_by_week
from ..services import case_breach_acknowledge
from ._common import (
    CalendarCache,
    amber_at,
    is_partial,
    lead_required,
    paginate,
    query_without_page,
)

CHART_WEEKS = 8


def _scope(user):
    """The team named in the page head (the lead's own); what is listed is every case the
    viewer decides on (escalations.access.cases_decidable_by)."""
    return None if user.is_admin else user.team


def _filters(form) -> dict:
    if not form.is_bound or not form.is_valid():
        return {}
    data = form.cleaned_data
    filters = {}
    if data.get("agent"):
        filters["agent"] = User.objects.filter(username=data["agent"]).first()
    if data.get("policy"):
        filters["policy"] = data["policy"]
    if data.get("since"):
        filters["since"] = day_start(data["since"])
    if data.get("until"):  # inclusive whole day in the viewer's time zone
        filters["until"] = day_start(data["until"]) + dt.timedelta(days=1)
    return filters


@lead_required
@require_GET
def breach_review(request):
    team = _scope(request.user)
    form = BreachFilterForm(request.GET or None, team=team)
    filters = _filters(form)
    ack = form.cleaned_data.get("acknowledged") if form.is_bound and form.is_valid() else ""
    unacknowledged = {"no": True, "yes": False}.get(ack)
    breached = clocks_breached(viewer=request.user, unacknowledged=unacknowledged, **filters)
    page = paginate(request, breached)
    for clock in page.object_list:
        _attach_case(clock)

    calendars = CalendarCache()
    now = timezone.now()
    risk_filters = {k: v for k, v in filters.items() if k in ("agent", "policy")}
    at_risk = list(clocks_at_risk(viewer=request.user, now=now, **risk_filters)[:50])
    for clock in at_risk:
        _attach_case(clock)
        clock.amber = amber_at(clock, calendars, now)

    weeks = compliance_by_week(viewer=request.user, weeks=CHART_WEEKS, now=now, **risk_filters)
    context = {
        "form": form,
        **_head(team, request.user),
        "page": page,
        "breaches": page.object_list,
        "at_risk": at_risk,
        "weeks": weeks,
        "chart": compliance_chart(weeks),
        "query": query_without_page(request),
        "ack_form": BreachAcknowledgeForm(),
    }
    if is_partial(request):
        return render(request, "escalations/partials/breach_results.html", context)
    return render(request, "escalations/breaches.html", context)


def _head(team, viewer) -> dict:
    """What the page head shows (breaches.html, partials/breach_summary.html)."""
    pending = clocks_breached(viewer=viewer, unacknowledged=True).count()
    return {"team": team, "to_acknowledge": pending}


def _attach_case(clock):
    link = getattr(clock, "case_link", None)
    clock.for_case = link.case if link is not None else None
    clock.policy = link.policy if link is not None else None
    return clock


@lead_required
@require_POST
def breach_acknowledge(request, clock_id):
    """ESC-8: acknowledge one breach of the lead's team with a reason (required)."""
    team = _scope(request.user)
    clock = clocks_breached(viewer=request.user).filter(pk=clock_id).first()
    if clock is None:
        raise Http404("No breached clock of your team with that id.")
    form = BreachAcknowledgeForm(request.POST)
    error = ""
    status = 200
    if form.is_valid():
        try:
            clock = case_breach_acknowledge(
                clock=clock, lead=request.user, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            error, status = exc.message, exc.status
    else:
        error, status = "A reason is required to acknowledge a breach.", 400
    clock = clocks_breached(team=None).filter(pk=clock.pk).first()
    _attach_case(clock)
    if is_partial(request):
        context = {
            "clock": clock,
            "row_error": error,
            "ack_form": form if error else None,
            # The page head's count changes with the row (an out-of-band swap).
            "summary_oob": True,
            **_head(team, request.user),
        }
        return render(request, "escalations/partials/breach_row.html", context, status=status)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, "Breach acknowledged.")
    return redirect("escalations:breach-review")


# Weeks under this compliance % get a warning-coloured label on the chart.
COMPLIANCE_TARGET = 90


def compliance_chart(weeks: list[dict], *, width=760, height=240) -> dict:
    """Met and breached clocks per week as stacked bars with the week's compliance % on
    top, drawn by the shared chart helper (core/charts.py, issue 14) with its figures
    table for screen readers."""
    from core.charts import Table, bar_chart

    return bar_chart(
        [f"{w['week']:%d %b}" for w in weeks],
        [
            ("Met", [w["met"] for w in weeks], "bar-met"),
            ("Breached", [w["breached"] for w in weeks], "bar-breached"),
        ],
        title="Clocks met and breached per week",
        labels=[f"{w['compliance']:.0f}%" if w["compliance"] is not None else "" for w in weeks],
        label_values=[w["compliance"] for w in weeks],
        warn_below=COMPLIANCE_TARGET,
        timeline=True,
        width=width,
        height=height,
        table=Table(
            ["Week of", "Met", "Breached", "Compliance"],
            [
                [
                    f"{w['week']:%d %b %Y}",
                    w["met"],
                    w["breached"],
                    f"{w['compliance']}%" if w["compliance"] is not None else "—",
                ]
                for w in weeks
            ],
        ),
    )
