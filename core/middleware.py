import zoneinfo

from django.conf import settings
from django.utils import timezone


class UserTimezoneMiddleware:
    """Show instants in the viewer's time zone; storage stays UTC."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        name = getattr(user, "time_zone", None) if user and user.is_authenticated else None
        try:
            timezone.activate(zoneinfo.ZoneInfo(name or settings.DEFAULT_USER_TIME_ZONE))
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            timezone.activate(zoneinfo.ZoneInfo(settings.DEFAULT_USER_TIME_ZONE))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


class HtmxMessagesMiddleware:
    """Flash messages (``django.contrib.messages``) show once, in one place.

    A full page shows pending messages in base.html's ``#messages`` region. An htmx
    request swaps only a fragment, so that region used to keep the previous banner after
    the next action, and messages queued while answering a fragment waited for some later
    page. This appends the region, re-rendered, as an out-of-band swap to fragment
    answers: every action (a post, a filter change) replaces the old banner with its own
    messages or none. Background polls (elements sending ``X-Background-Poll``) leave the
    banner alone unless messages are pending; redirects keep their messages for the page
    they lead to.
    """

    PAGE_RELOAD_HEADERS = ("HX-Redirect", "HX-Location", "HX-Refresh")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        htmx = getattr(request, "htmx", None)
        if not htmx or htmx.boosted or getattr(response, "streaming", False):
            return response
        if 300 <= response.status_code < 400 or any(
            response.has_header(h) for h in self.PAGE_RELOAD_HEADERS
        ):
            return response
        if not response.get("Content-Type", "").startswith("text/html"):
            return response
        if b'id="messages"' in response.content:
            return response
        from django.contrib.messages import get_messages
        from django.template.loader import render_to_string

        storage = get_messages(request)
        if request.headers.get("X-Background-Poll") and not len(storage):
            return response
        region = render_to_string(
            "core/partials/messages.html", {"messages": storage, "oob": True}, request=request
        )
        response.content = response.content + region.encode(response.charset)
        return response
