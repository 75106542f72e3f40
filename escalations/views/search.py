"""The search page (ESC-9): any case the viewer may see, whatever its status, ranked."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.errors import InvalidInput

from ..models import Case, Status
from ..search import case_search
from ._common import paginate, query_without_page


@login_required
@require_GET
def search(request):
    q = " ".join(request.GET.get("q", "").split())
    status = request.GET.get("status", "")
    if status not in Status.values:
        status = ""
    context = {"q": q, "status": status, "error": "", "page": None, "cases": []}
    http_status = 200
    if q:
        try:
            results = case_search(
                user=request.user,
                q=q,
                statuses=[status] if status else None,
                queryset=Case.objects.select_related("assignee"),
            )
        except InvalidInput as exc:
            context["error"] = exc.message.removeprefix("q: ").capitalize()
            http_status = 400
        else:
            page = paginate(request, results)
            context.update(page=page, cases=page.object_list)
    context["chips"] = [("", "All statuses"), *Status.choices]
    context["status_label"] = Status(status).label if status else ""
    context["query"] = query_without_page(request)
    return render(request, "escalations/search.html", context, status=http_status)
