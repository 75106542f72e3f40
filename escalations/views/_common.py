"""Helpers shared by the escalations pages."""

from __future__ import annotations

import datetime as dt
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.utils import timezone

from core.errors import NotFound
from core.models import BusinessCalendar

from ..access import case_for

PAGE_SIZE = 50
AMBER_FRACTION = 0.25  # a countdown turns amber with under a quarter of the target left


def case_or_404(reference: str, user, queryset=None):
    """The case if ``user`` may see it (CORE-8: a foreign case is a 404, like a missing one)."""
    try:
        return case_for(user, reference, queryset=queryset)
    except NotFound as exc:
        raise Http404(exc.message) from None


def lead_required(view):
    """Leads and admins only; everyone else gets the 403 page (templates/403.html)."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_lead:
            raise PermissionDenied("The breach review is for team leads and admins.")
        return view(request, *args, **kwargs)

    return wrapped


def is_partial(request) -> bool:
    """An htmx request that wants a fragment (not a boosted full page)."""
    return bool(getattr(request, "htmx", False)) and not request.htmx.boosted


def paginate(request, qs, per_page: int = PAGE_SIZE):
    return Paginator(qs, per_page).get_page(request.GET.get("page"))


def query_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


# Clocks on the pages -------------------------------------------------------------------
class CalendarCache:
    """Business calendars by id, loaded once per request (clocks only carry the id)."""

    def __init__(self):
        self._by_id: dict[int, BusinessCalendar] | None = None

    def get(self, pk: int) -> BusinessCalendar | None:
        if self._by_id is None:
            self._by_id = BusinessCalendar.objects.in_bulk()
        return self._by_id.get(pk)


def amber_at(clock, calendars: CalendarCache, now: dt.datetime | None = None):
    """The instant a running clock has a quarter of its working-time target left.

    Due times are business-hours arithmetic, so the quarter is measured in working time on
    the clock's calendar, not wall-clock time.
    """
    if clock is None or clock.state != "running":
        return None
    now = now or timezone.now()
    if clock.due_at <= now:
        return now
    calendar = calendars.get(clock.calendar_id)
    if calendar is None:
        return None
    quarter = dt.timedelta(seconds=clock.target_seconds * AMBER_FRACTION)
    remaining = calendar.elapsed(now, clock.due_at)
    if remaining <= quarter:
        return now
    return calendar.deadline(now, remaining - quarter)


def headline_clock(case):
    """The clock a list shows for a case: an unmet breach, else the next due, else a paused one.

    Reads the ``sla_clocks`` that ``case_list`` prefetched (ordered by due time).
    """
    clocks = list(case.sla_clocks.all())
    for state in ("breached", "running", "paused"):
        for clock in clocks:
            if clock.state == state and not (state == "breached" and clock.met_at):
                return clock
    return None


def decorate_cases(cases, calendars: CalendarCache | None = None):
    """Attach ``headline`` (clock) and ``headline_amber`` (instant) to each case."""
    calendars = calendars or CalendarCache()
    now = timezone.now()
    for case in cases:
        case.headline = headline_clock(case)
        case.headline_amber = amber_at(case.headline, calendars, now)
    return cases
