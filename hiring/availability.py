"""Weekly availability in Pacific time (HIR-5 basis for HIR-3): stored as local
(weekday, hour) pairs in America/Los_Angeles, expanded to UTC per week with zoneinfo.

``weekly_slots_to_utc`` is the public entry point other apps (coverage) call.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from zoneinfo import ZoneInfo

PACIFIC = ZoneInfo("America/Los_Angeles")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def normalize_slots(slots: Iterable) -> list[list[int]]:
    """Sorted unique [weekday, hour] pairs; ValueError on anything else."""
    clean = set()
    for slot in slots:
        try:
            weekday, hour = (int(v) for v in slot)
        except (TypeError, ValueError):
            raise ValueError("Each slot is a [weekday, hour] pair.") from None
        if not (0 <= weekday <= 6 and 0 <= hour <= 23):
            raise ValueError("Weekdays run 0 (Monday) to 6 (Sunday) and hours 0 to 23.")
        clean.add((weekday, hour))
    return [list(s) for s in sorted(clean)]


def _exists(local: dt.datetime) -> bool:
    """False for the hour skipped when clocks spring forward."""
    round_trip = local.astimezone(dt.UTC).astimezone(local.tzinfo)
    return round_trip.replace(tzinfo=None) == local.replace(tzinfo=None)


def weekly_slots_to_utc(
    slots: Iterable, week_start: dt.date, *, zone: ZoneInfo = PACIFIC
) -> list[dt.datetime]:
    """The UTC instants at which each local hour of the week starting on ``week_start``
    (a Monday) begins. DST-aware: 9 am Pacific is 16:00 UTC in summer, 17:00 in winter. The
    hour skipped when clocks spring forward is left out; the repeated hour in autumn counts
    once (its first occurrence)."""
    if week_start.weekday() != 0:
        raise ValueError("week_start must be a Monday.")
    instants = []
    for weekday, hour in normalize_slots(slots):
        day = week_start + dt.timedelta(days=weekday)
        local = dt.datetime(day.year, day.month, day.day, hour, tzinfo=zone)
        if _exists(local):
            instants.append(local.astimezone(dt.UTC))
    return sorted(instants)


def slots_in_zone(slots: Iterable, week_start: dt.date, zone: str) -> list[list[int]]:
    """The weekly Pacific slots as (weekday, hour) in another zone, for the week starting
    ``week_start`` (offsets that are not whole hours round down to the hour)."""
    target = ZoneInfo(zone)
    shown = set()
    for instant in weekly_slots_to_utc(slots, week_start):
        local = instant.astimezone(target)
        shown.add((local.weekday(), local.hour))
    return [list(s) for s in sorted(shown)]


def person_availability_utc(user, week_start: dt.date) -> list[dt.datetime]:
    """A hired agent's weekly availability (from their application) in UTC for one week."""
    from .models import Applicant

    slots = (
        Applicant.objects.filter(hired_user=user)
        .order_by("-submitted_at")
        .values_list("availability", flat=True)
        .first()
    )
    return weekly_slots_to_utc(slots or [], week_start)


def hour_label(hour: int) -> str:
    suffix = "am" if hour < 12 else "pm"
    return f"{hour % 12 or 12} {suffix}"
