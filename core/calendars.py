"""Business-calendar services and selectors (CORE-1, CORE-2).

The arithmetic lives in the pure ``core.business_hours`` module; these wrappers resolve a
database calendar (or its slug), validate input with errors naming the field, and audit
configuration changes.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from . import business_hours as bh
from .errors import InvalidInput
from .models import BusinessCalendar, Holiday, HolidaySource, WorkingInterval
from .models.calendars import seconds_label, validate_country, validate_country_subdiv
from .services import audit_record
from .validation import check_instant

MAX_GENERATED_YEARS = 50


def calendar_get(slug_or_calendar, *, field: str = "calendar") -> BusinessCalendar:
    if isinstance(slug_or_calendar, BusinessCalendar):
        return slug_or_calendar
    calendar = BusinessCalendar.objects.filter(slug=slug_or_calendar or "").first()
    if calendar is None:
        raise InvalidInput(f"No business calendar {slug_or_calendar!r}.", field=field)
    return calendar


def calendars_list():
    return BusinessCalendar.objects.prefetch_related("intervals").order_by("name")


def _aware(value: dt.datetime, field: str) -> dt.datetime:
    if not isinstance(value, dt.datetime):
        raise InvalidInput(f"{field} must be a datetime.", field=field)
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidInput(
            f"{field} must include a UTC offset (e.g. 2026-03-09T09:00:00-07:00 or ...Z).",
            field=field,
        )
    return check_instant(value, field=field)  # years 2000..2100, offsets within 14 h


def calendar_deadline(*, calendar, start: dt.datetime, duration) -> dt.datetime:
    """When ``duration`` of working time has elapsed after ``start`` (UTC)."""
    cal = calendar_get(calendar)
    start = _aware(start, "start")
    if isinstance(duration, dt.timedelta):
        negative = duration < dt.timedelta(0)
    elif isinstance(duration, int | float) and not isinstance(duration, bool):
        negative = duration < 0
    else:
        raise InvalidInput("duration must be seconds or a timedelta.", field="duration")
    if negative:
        raise InvalidInput("duration must not be negative.", field="duration")
    try:
        return bh.deadline(start, duration, cal.engine())
    except (ValueError, OverflowError) as exc:
        raise InvalidInput(f"Cannot compute the deadline: {exc}.", field="duration") from None


def calendar_elapsed(*, calendar, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
    """Working time between two instants (zero when ``end`` is not after ``start``)."""
    cal = calendar_get(calendar)
    start = _aware(start, "start")
    end = _aware(end, "end")
    return bh.elapsed(start, end, cal.engine())


def calendar_snapshot(calendar: BusinessCalendar) -> dict:
    """The schedule as an audit-friendly dict (intervals per weekday, holidays)."""
    names = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
    weekly = calendar.weekly()
    return {
        "time_zone": calendar.time_zone,
        "holiday_country": calendar.holiday_country,
        "holiday_subdiv": calendar.holiday_subdiv,
        "weekly": {
            names[day]: [f"{seconds_label(s)}-{seconds_label(e)}" for s, e in ivs]
            for day, ivs in enumerate(weekly)
        },
        "holidays": [str(h) for h in calendar.holidays.all()],
    }


def validate_intervals(rows: list[tuple[int, dt.time, dt.time]]) -> None:
    """Raise ValidationError unless each weekday's intervals are valid and non-overlapping."""
    days: list[list[tuple[int, int]]] = [[] for _ in range(7)]
    for weekday, start, end in rows:
        iv = WorkingInterval(weekday=weekday, start=start, end=end)
        s, e = iv.as_interval()
        if not s < e:
            raise ValidationError(f"{iv}: the end must be after the start.")
        days[weekday].append((s, e))
    try:
        bh.validate_weekly(tuple(tuple(sorted(day)) for day in days))
    except ValueError as exc:
        raise ValidationError(f"Working intervals overlap: {exc}") from None


@transaction.atomic
def calendar_weekly_set(
    *, calendar: BusinessCalendar, rows: list[tuple[int, dt.time, dt.time]], actor=None
) -> BusinessCalendar:
    """Replace the weekly working intervals (validated non-overlapping)."""
    try:
        validate_intervals(rows)
    except ValidationError as exc:
        raise InvalidInput(exc.messages[0], field="intervals") from None
    before = calendar_snapshot(calendar)
    calendar.intervals.all().delete()
    WorkingInterval.objects.bulk_create(
        WorkingInterval(calendar=calendar, weekday=w, start=s, end=e) for w, s, e in rows
    )
    calendar.touch()
    audit_record(
        actor=actor,
        action="businesscalendar.weekly_set",
        target=calendar,
        before=before,
        after=calendar_snapshot(calendar),
    )
    return calendar


@transaction.atomic
def calendar_holidays_generate(
    *,
    calendar: BusinessCalendar,
    country: str,
    subdiv: str = "",
    first_year: int,
    last_year: int,
    follow: bool = False,
    actor=None,
) -> int:
    """Add the public holidays of ``country`` (observed dates included) as rows.

    Rows already present for a date are left alone, so running it twice adds nothing.
    With ``follow`` the calendar also follows the country for every other year (lazily).
    Returns how many holidays were added.
    """
    import holidays as holidays_pkg

    country = (country or "").strip().upper()
    subdiv = (subdiv or "").strip().upper()
    try:
        validate_country(country)
        if not country:
            raise ValidationError({"country": "A country code is required."})
        validate_country_subdiv(country, subdiv)
    except ValidationError as exc:
        message = exc.messages[0]
        field = "subdiv" if "subdivision" in message else "country"
        raise InvalidInput(message, field=field) from None
    if not (1900 <= first_year <= last_year <= 2200):
        raise InvalidInput("Give a year range between 1900 and 2200.", field="first_year")
    if last_year - first_year + 1 > MAX_GENERATED_YEARS:
        raise InvalidInput(f"At most {MAX_GENERATED_YEARS} years at a time.", field="last_year")
    found = holidays_pkg.country_holidays(
        country, subdiv=subdiv or None, years=range(first_year, last_year + 1), observed=True
    )
    existing = set(calendar.holidays.values_list("date", flat=True))
    new = [
        Holiday(calendar=calendar, date=day, name=str(name)[:120], source=HolidaySource.GENERATED)
        for day, name in sorted(found.items())
        if day not in existing
    ]
    Holiday.objects.bulk_create(new)
    before = {
        "holiday_country": calendar.holiday_country,
        "holiday_subdiv": calendar.holiday_subdiv,
    }
    if follow:
        calendar.holiday_country = country
        calendar.holiday_subdiv = subdiv
        calendar.save(update_fields=["holiday_country", "holiday_subdiv"])
    else:
        calendar.touch()
    audit_record(
        actor=actor,
        action="businesscalendar.holidays_generated",
        target=calendar,
        before=before,
        after={
            "holiday_country": calendar.holiday_country,
            "holiday_subdiv": calendar.holiday_subdiv,
            "added": [f"{h.date.isoformat()} {h.name}" for h in new],
        },
        reason=f"{country}{'-' + subdiv if subdiv else ''} {first_year}-{last_year}",
    )
    return len(new)
