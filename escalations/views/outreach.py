"""The new-client outreach tracker (NCO-4) and the new-case forms (ESC-1, NCO-1)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from core.errors import DomainError

from .. import services
from ..exports import outreach_filters_from
from ..forms import CaseCreateForm, NcoIntakeForm, OutreachFilterForm
from ..selectors import outreach_tracker
from ._common import is_partial, paginate, query_without_page


@login_required
@require_GET
def outreach(request):
    form = OutreachFilterForm(request.GET or None)
    if form.is_bound:
        form.is_valid()  # invalid values are shown on the form; the export ignores them too
    page = paginate(
        request, outreach_tracker(viewer=request.user, **outreach_filters_from(request.GET))
    )
    query = query_without_page(request)
    context = {"form": form, "page": page, "rows": page.object_list, "query": query}
    if is_partial(request):
        return render(request, "escalations/partials/outreach_table.html", context)
    return render(request, "escalations/outreach.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def case_new(request):
    """Open a case (case_create) or report a possible new client (nco_intake)."""
    which = request.POST.get("form") or request.GET.get("form") or "case"
    which = "nco" if which == "nco" else "case"
    case_form = CaseCreateForm(prefix="case")
    nco_form = NcoIntakeForm(prefix="nco")
    error = ""
    status = 200
    if request.method == "POST":
        if which == "nco":
            nco_form = NcoIntakeForm(request.POST, prefix="nco")
            form = nco_form
        else:
            case_form = CaseCreateForm(request.POST, prefix="case")
            form = case_form
        if form.is_valid():
            try:
                if which == "nco":
                    case = services.nco_intake(reporter=request.user, **form.service_kwargs())
                else:
                    case = services.case_create(actor=request.user, **form.service_kwargs())
            except DomainError as exc:
                error, status = exc.message, exc.status
                if exc.field:
                    field = exc.field if exc.field in form.fields else None
                    if field:
                        form.add_error(field, exc.message)
            else:
                if which == "nco":
                    label = case.get_kind_display().lower()
                    messages.success(request, f"{case.reference} opened as a {label} case.")
                else:
                    messages.success(request, f"{case.reference} opened.")
                return redirect(case.get_absolute_url())
        else:
            error, status = "Check the highlighted fields.", 400
    return render(
        request,
        "escalations/case_new.html",
        {"which": which, "case_form": case_form, "nco_form": nco_form, "error": error},
        status=status,
    )
