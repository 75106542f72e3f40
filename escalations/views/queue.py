"""The agent queue (TEAM-1): my cases and the unassigned ones, most urgent first."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ..forms import QueueFilterForm
from ..models import Status
from ..selectors import case_overdue_first, case_queue_for, case_queue_for_team
from ._common import decorate_cases, is_partial, paginate, query_without_page


def queue_cases(user, filters: dict):
    """The viewer's queue with the page's filters applied, overdue and most urgent first."""
    qs = (
        case_queue_for_team(viewer=user, team=user.team)
        if user.is_lead
        else case_queue_for(agent=user)
    )
    for field in ("status", "kind", "priority"):
        if filters.get(field):
            qs = qs.filter(**{field: filters[field]})
    agent = filters.get("agent")
    if agent == "none":
        qs = qs.filter(assignee__isnull=True)
    elif agent == "me":
        qs = qs.filter(assignee=user)
    elif agent:
        qs = qs.filter(assignee__username=agent)
    return case_overdue_first(qs)


@login_required
@require_GET
def queue(request):
    form = QueueFilterForm(request.GET or None, user=request.user)
    filters = {}
    if form.is_bound:
        form.is_valid()  # unknown values are reported on the form and ignored
        filters = {k: v for k, v in form.cleaned_data.items() if v}
    page = paginate(request, queue_cases(request.user, filters))
    decorate_cases(page.object_list)
    context = {
        "form": form,
        "page": page,
        "cases": page.object_list,
        "query": query_without_page(request),
        "filtered": bool(filters),
        "is_lead": request.user.is_lead,
    }
    if is_partial(request):
        return render(request, "escalations/partials/queue_table.html", context)
    context["counts"] = queue_counts(request.user)
    return render(request, "escalations/queue.html", context)


def queue_counts(user) -> dict:
    """The queue page head: cases assigned to the user, and unassigned new ones."""
    mine = case_queue_for(agent=user).filter(assignee=user)
    return {
        "mine": mine.count(),
        "unassigned": case_queue_for_team(viewer=user)
        .filter(Q(assignee__isnull=True, status=Status.NEW))
        .count(),
    }
