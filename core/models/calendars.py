"""Business-hours calendars (CORE-1) stored in the database.

A ``BusinessCalendar`` has an IANA time zone, weekly ``WorkingInterval`` rows (several per
day allowed, never overlapping) and ``Holiday`` rows (full day, or a partial closure with
``start``/``end``). A calendar may also *follow* a country (``holiday_country``,
``holiday_subdiv``): its public holidays, as the ``holidays`` package lists them with
observed dates, are then known lazily for whatever year a deadline reaches.

Times of day are stored as ``TimeField``; an ``end`` of 00:00 means midnight at the end of
the day (24:00), so ``00:00-00:00`` is the whole day.

``calendar.engine()`` turns the rows into a pure ``core.business_hours.Calendar``. Engines
are cached per process, keyed by the calendar's primary key and ``updated_at``; every
change to a calendar's intervals or holidays goes through a path that touches
``updated_at`` (services, admin), so the cache (and the engine's own per-week caches and
the provider's per-year holiday cache) is reused across calls until the calendar changes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from core import business_hours as bh

from .people import validate_time_zone

DAY_SECONDS = 86400


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


def time_to_seconds(value: dt.time | None, *, end: bool = False) -> int | None:
    """Seconds since midnight; an ``end`` of 00:00 is the end of the day (86400)."""
    if value is None:
        return None
    seconds = value.hour * 3600 + value.minute * 60 + value.second
    if end and seconds == 0:
        return DAY_SECONDS
    return seconds


def seconds_label(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}" + (
        f":{seconds % 60:02d}" if seconds % 60 else ""
    )


def validate_country(value: str) -> None:
    import holidays

    if value and value not in holidays.list_supported_countries():
        raise ValidationError(
            f"{value!r} is not a country code the holidays package knows (e.g. US, GB, DE)."
        )


def validate_country_subdiv(country: str, subdiv: str) -> None:
    import holidays

    if not subdiv:
        return
    if not country:
        raise ValidationError({"holiday_subdiv": "A subdivision needs a country."})
    known = holidays.list_supported_countries().get(country, [])
    if subdiv not in known:
        raise ValidationError(
            {
                "holiday_subdiv": f"{subdiv!r} is not a subdivision of {country} the holidays "
                f"package knows ({', '.join(known[:12])}{'...' if len(known) > 12 else ''})."
            }
        )


class BusinessCalendar(models.Model):
    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    time_zone = models.CharField(
        max_length=64,
        validators=[validate_time_zone],
        help_text="IANA time zone, e.g. America/Los_Angeles. Working hours are wall-clock "
        "times in this zone; daylight-saving changes move the UTC offset, not the hours.",
    )
    holiday_country = models.CharField(
        max_length=8,
        blank=True,
        validators=[validate_country],
        help_text="Follow this country's public holidays (holidays package, observed dates "
        "included) for every year, e.g. US. Leave empty for hand-entered holidays only.",
    )
    holiday_subdiv = models.CharField(
        max_length=16, blank=True, help_text="Optional subdivision, e.g. CA for California."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        # updated_at is the engine cache key: every save bumps it (strictly increasing).
        self.touch(save=False)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "updated_at"}
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        validate_country_subdiv(self.holiday_country, self.holiday_subdiv)

    def touch(self, *, save: bool = True) -> None:
        """Mark the calendar changed so cached engines are rebuilt."""
        now = timezone.now()
        if self.updated_at and now <= self.updated_at:
            now = self.updated_at + dt.timedelta(microseconds=1)
        self.updated_at = now
        if save and self.pk:
            type(self).objects.filter(pk=self.pk).update(updated_at=now)

    # Engine ------------------------------------------------------------------------------
    def weekly(self) -> tuple[tuple[bh.Interval, ...], ...]:
        days: list[list[bh.Interval]] = [[] for _ in range(7)]
        for iv in self.intervals.all():
            days[iv.weekday].append(iv.as_interval())
        return tuple(tuple(sorted(day)) for day in days)

    def engine(self) -> bh.Calendar:
        """The pure-arithmetic calendar, cached per (pk, updated_at)."""
        return engine_for(self)

    def deadline(self, start: dt.datetime, duration) -> dt.datetime:
        return bh.deadline(start, duration, self.engine())

    def elapsed(self, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
        return bh.elapsed(start, end, self.engine())

    def next_open(self, instant: dt.datetime) -> dt.datetime:
        return bh.next_open(instant, self.engine())


class WorkingInterval(models.Model):
    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.CASCADE, related_name="intervals"
    )
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    start = models.TimeField()
    end = models.TimeField(help_text="00:00 means midnight at the end of the day.")

    class Meta:
        ordering = ["calendar", "weekday", "start"]
        indexes = [models.Index(fields=["calendar", "weekday"])]

    def __str__(self) -> str:
        s, e = self.as_interval()
        return f"{self.get_weekday_display()} {seconds_label(s)}-{seconds_label(e)}"

    def as_interval(self) -> bh.Interval:
        return time_to_seconds(self.start), time_to_seconds(self.end, end=True)

    def clean(self):
        super().clean()
        if self.start is not None and self.end is not None:
            s, e = self.as_interval()
            if not s < e:
                raise ValidationError({"end": "The end must be after the start."})


class HolidaySource(models.TextChoices):
    MANUAL = "manual", "Entered by hand"
    GENERATED = "generated", "Generated from the holidays package"


class Holiday(models.Model):
    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.CASCADE, related_name="holidays"
    )
    date = models.DateField(help_text="Local date in the calendar's time zone.")
    name = models.CharField(max_length=120)
    start = models.TimeField(null=True, blank=True, help_text="Empty for a full-day closure.")
    end = models.TimeField(
        null=True, blank=True, help_text="Empty for a full-day closure; 00:00 = end of day."
    )
    source = models.CharField(
        max_length=10, choices=HolidaySource.choices, default=HolidaySource.MANUAL
    )

    class Meta:
        ordering = ["calendar", "date", "start"]
        indexes = [models.Index(fields=["calendar", "date"])]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(start__isnull=True) & models.Q(end__isnull=True))
                | (models.Q(start__isnull=False) & models.Q(end__isnull=False)),
                name="core_holiday_full_or_partial",
            ),
        ]

    def __str__(self) -> str:
        if self.is_full_day:
            return f"{self.date:%Y-%m-%d} {self.name}"
        s, e = self.closed_interval()
        return f"{self.date:%Y-%m-%d} {self.name} ({seconds_label(s)}-{seconds_label(e)})"

    @property
    def is_full_day(self) -> bool:
        return self.start is None and self.end is None

    def closed_interval(self) -> bh.Interval:
        if self.is_full_day:
            return 0, DAY_SECONDS
        return time_to_seconds(self.start), time_to_seconds(self.end, end=True)

    def clean(self):
        super().clean()
        if (self.start is None) != (self.end is None):
            raise ValidationError(
                {"end": "Give both start and end for a partial closure, or neither."}
            )
        if not self.is_full_day:
            s, e = self.closed_interval()
            if not s < e:
                raise ValidationError({"end": "The end must be after the start."})


# Engine cache ------------------------------------------------------------------------------
class _DbHolidays:
    """Holiday provider: hand-entered rows plus, lazily per year, a followed country's."""

    __slots__ = ("by_year", "country")

    def __init__(self, rows: Mapping[dt.date, list[bh.Interval]], country) -> None:
        by_year: dict[int, dict[dt.date, tuple[bh.Interval, ...]]] = {}
        for day, ivs in rows.items():
            by_year.setdefault(day.year, {})[day] = tuple(sorted(ivs))
        self.by_year = by_year
        self.country = country

    def __call__(self, year: int) -> Mapping[dt.date, tuple[bh.Interval, ...]]:
        own = self.by_year.get(year, {})
        if self.country is None:
            return own
        merged = dict(self.country(year))
        for day, ivs in own.items():
            merged[day] = tuple(sorted({*merged.get(day, ()), *ivs}))
        return merged


_ENGINES: dict[int, tuple[dt.datetime, bh.Calendar]] = {}
_MAX_ENGINES = 200


def build_engine(calendar: BusinessCalendar) -> bh.Calendar:
    rows: dict[dt.date, list[bh.Interval]] = {}
    for holiday in calendar.holidays.all():
        rows.setdefault(holiday.date, []).append(holiday.closed_interval())
    country = (
        bh.country_holidays_provider(calendar.holiday_country, calendar.holiday_subdiv or None)
        if calendar.holiday_country
        else None
    )
    provider = _DbHolidays(rows, country) if rows else country
    return bh.Calendar(calendar.time_zone, calendar.weekly(), provider)


def engine_for(calendar: BusinessCalendar) -> bh.Calendar:
    cached = _ENGINES.get(calendar.pk)
    if cached is not None and cached[0] == calendar.updated_at:
        return cached[1]
    engine = build_engine(calendar)
    if len(_ENGINES) >= _MAX_ENGINES:
        _ENGINES.clear()
    _ENGINES[calendar.pk] = (calendar.updated_at, engine)
    return engine


def engine_cache_clear() -> None:
    _ENGINES.clear()
