"""Pages: the notifications list, its mark-as-read actions and the top-bar badge (CORE-7)."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from .errors import NotFound
from .notifications import notification_mark_read, notifications_for, notifications_mark_all_read

PAGE_SIZE = 50


@login_required
@require_GET
def notifications_page(request):
    show = request.GET.get("show", "all")
    qs = notifications_for(request.user, unread=True if show == "unread" else None)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "core/notifications.html",
        {"page": page, "notifications": page.object_list, "show": show},
    )


def _mark(request, pk):
    try:
        return notification_mark_read(user=request.user, notification_id=pk)
    except NotFound:
        return None


@login_required
@require_POST
def notification_read(request, pk: int):
    notification = _mark(request, pk)
    if request.htmx:
        if notification is None:
            return render(request, "core/partials/notification_row.html", {"n": None}, status=404)
        response = render(request, "core/partials/notification_row.html", {"n": notification})
        response["HX-Trigger"] = "notifications-changed"
        return response
    if notification is None:
        raise Http404("No such notification.")  # someone else's is as missing as none (CORE-8)
    return redirect("notifications")


@login_required
@require_GET
def notification_open(request, pk: int):
    """Mark read, then follow the notification's link."""
    notification = _mark(request, pk)
    if notification is None:
        raise Http404("No such notification.")
    url = notification.url
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        return redirect(url)
    return redirect("notifications")


@login_required
@require_POST
def notifications_read_all(request):
    notifications_mark_all_read(user=request.user)
    if request.htmx:
        response = redirect("notifications")
        response["HX-Redirect"] = response["Location"]
        return response
    return redirect("notifications")


@never_cache
@login_required
@require_GET
def notification_badge(request):
    return render(request, "core/partials/notification_badge.html")
