"""The agent queue (TEAM-1): my cases and the unassigned ones, most urgent first.

Leads also act on many rows at once (``queue_bulk``): one service call per row, so every
row is checked, audited and committed on its own, and a refused row is reported while the
others go through.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from core import access
from core.errors import DomainError

from .. import services
from ..access import can_assign_case, can_claim_case, case_for
from ..forms import FINISHED_STATUSES, QueueBulkForm, QueueFilterForm, bulk_assignees
from ..models import Status
from ..selectors import case_list, case_overdue_first, case_queue_for, case_queue_for_team
from ._common import PAGE_SIZE, decorate_cases, is_partial

FILTER_FIELDS = tuple(QueueFilterForm.base_fields)
MAX_ERRORS_SHOWN = 10


def queue_cases(user, filters: dict):
    """The viewer's queue with the page's filters applied, overdue and most urgent first.

    Resolved and closed cases (ESC-3) only when the status filter asks for them; they
    come most recently changed first.
    """
    finished = filters.get("status") in FINISHED_STATUSES
    qs = (
        case_queue_for_team(viewer=user, team=user.team, finished=finished)
        if user.is_lead
        else case_queue_for(agent=user, finished=finished)
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
    if finished:
        return qs.order_by("-updated_at", "-id")
    return case_overdue_first(qs)


def decorate_queue_rows(cases, user):
    """What each row offers the viewer: a claim button, a bulk checkbox (CORE-8 checks)."""
    decorate_cases(cases)
    for case in cases:
        case.can_claim = (
            case.status == Status.NEW and case.assignee_id is None and can_claim_case(user, case)
        )
        case.selectable = (
            user.is_lead and case.status != Status.CLOSED and can_assign_case(user, case)
        )
    return cases


def _filter_params(raw) -> QueryDict:
    """Only the queue's own filter fields, from a request's GET or a posted query string."""
    source = raw if isinstance(raw, QueryDict) else QueryDict(raw or "")
    params = QueryDict(mutable=True)
    for name in FILTER_FIELDS:
        value = source.get(name)
        if value:
            params[name] = value[:100]
    return params


def queue_context(request, params: QueryDict, page_number=None) -> dict:
    user = request.user
    form = QueueFilterForm(params or None, user=user)
    filters = {}
    if form.is_bound:
        form.is_valid()  # unknown values are reported on the form and ignored
        filters = {k: v for k, v in form.cleaned_data.items() if v}
    page = Paginator(queue_cases(user, filters), PAGE_SIZE).get_page(page_number)
    cases = decorate_queue_rows(page.object_list, user)
    context = {
        "form": form,
        "page": page,
        "cases": cases,
        "query": params.urlencode(),
        "filtered": bool(filters),
        "showing_finished": filters.get("status") in FINISHED_STATUSES,
        "is_lead": user.is_lead,
    }
    if user.is_lead and any(case.selectable for case in cases):
        context["bulk_form"] = QueueBulkForm(user=user, initial={"query": params.urlencode()})
        context["bulk_column"] = True
    return context


@login_required
@require_GET
def queue(request):
    context = queue_context(request, _filter_params(request.GET), request.GET.get("page"))
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


# Bulk actions (leads) --------------------------------------------------------------------
BULK_DONE = {"assign": "Assigned", "release": "Released", "close": "Closed"}


def _bulk_row(user, reference: str, action: str, assignee, reason: str) -> None:
    """One row: fetch through the visibility check, then one service call (it audits)."""
    case = case_for(user, reference, queryset=case_list())
    if action == "assign":
        if case.assignee_id == assignee.pk:
            raise DomainError(f"already assigned to {assignee.get_full_name() or assignee}")
        services.case_assign(case=case, assignee=assignee, lead=user, reason=reason)
    elif action == "release":
        if case.status == Status.NEW and case.assignee_id is None:
            raise DomainError("already unassigned")
        services.case_transition(case=case, to_status=Status.NEW, actor=user, reason=reason)
    else:
        if case.status == Status.CLOSED:
            raise DomainError("already closed")
        services.case_transition(case=case, to_status=Status.CLOSED, actor=user, reason=reason)


def queue_bulk_apply(user, *, references, action: str, assignee=None, reason: str = ""):
    """Apply ``action`` to each reference; returns (done references, {reference: why not})."""
    done, failed = [], {}
    for reference in references:
        try:
            _bulk_row(user, reference, action, assignee, reason)
        except DomainError as exc:
            failed[reference] = "not found" if exc.status == 404 else _row_reason(exc, reference)
        else:
            done.append(reference)
    return done, failed


def _row_reason(exc: DomainError, reference: str) -> str:
    """The service's message without the reference it starts with (the row names it)."""
    message = exc.message.strip()
    if message.upper().startswith(reference):
        message = message[len(reference) :].lstrip(" :;,")
    message = message.split("; allowed from")[0]  # the case page lists the moves
    return message[:1].lower() + message[1:] if message else "refused"


def _bulk_summary(request, action: str, done, failed, assignee) -> None:
    if done:
        noun = "case" if len(done) == 1 else "cases"
        to = f" to {assignee.get_full_name() or assignee.username}" if action == "assign" else ""
        messages.success(request, f"{BULK_DONE[action]} {len(done)} {noun}{to}: {', '.join(done)}.")
    for reference, why in list(failed.items())[:MAX_ERRORS_SHOWN]:
        messages.error(request, f"{reference[:20]}: {why}")
    if len(failed) > MAX_ERRORS_SHOWN:
        messages.error(request, f"…and {len(failed) - MAX_ERRORS_SHOWN} more rows not changed.")


@login_required
@require_POST
def queue_bulk(request):
    """TEAM-1: assign, release or close many queue rows at once (leads and admins)."""
    user = request.user
    if not user.is_lead:
        access.deny(user, "bulk-edit the queue")
        message = "Bulk actions on the queue are for team leads and admins."
        if is_partial(request):
            messages.error(request, message)
            return HttpResponse(status=403, headers={"HX-Reswap": "none"})
        return render(request, "403.html", {"message": message}, status=403)
    form = QueueBulkForm(request.POST, user=user)
    valid = form.is_valid()
    params = _filter_params(form.cleaned_data.get("query", ""))
    failed, status = {}, 200
    if not valid:
        status = 400
        for errors in form.errors.values():
            messages.error(request, errors[0])
            break
    else:
        data = form.cleaned_data
        assignee = None
        if data["action"] == "assign":
            assignee = bulk_assignees(user).filter(username=data["assignee"]).first()
        done, failed = queue_bulk_apply(
            user,
            references=data["case"],
            action=data["action"],
            assignee=assignee,
            reason=data["reason"].strip(),
        )
        _bulk_summary(request, data["action"], done, failed, assignee)
    if not is_partial(request):
        url = reverse("escalations:queue")
        return redirect(f"{url}?{params.urlencode()}" if params else url)
    context = queue_context(request, params)
    for case in context["cases"]:
        case.bulk_error = failed.get(case.reference, "")
    html = render_to_string("escalations/partials/queue_table.html", context, request=request)
    # The page head's counts follow the table (one out-of-band swap).
    html += render_to_string(
        "escalations/partials/queue_summary.html",
        {"counts": queue_counts(user), "oob": True},
        request=request,
    )
    return HttpResponse(html, status=status)
