"""Ship the default calendars (CORE-1): us-pacific-support and 24x7."""

import datetime as dt

from django.db import migrations
from django.utils import timezone

MIDNIGHT = dt.time(0, 0)

DEFAULTS = [
    {
        "slug": "us-pacific-support",
        "name": "US Pacific support",
        "description": "Mon-Fri 08:00-17:00 America/Los_Angeles; US federal holidays "
        "(observed dates included) for every year.",
        "time_zone": "America/Los_Angeles",
        "holiday_country": "US",
        "intervals": [(day, dt.time(8, 0), dt.time(17, 0)) for day in range(5)],
    },
    {
        "slug": "24x7",
        "name": "24x7",
        "description": "Every hour of every day (calendar hours).",
        "time_zone": "UTC",
        "holiday_country": "",
        "intervals": [(day, MIDNIGHT, MIDNIGHT) for day in range(7)],
    },
]


def forwards(apps, schema_editor):
    BusinessCalendar = apps.get_model("core", "BusinessCalendar")
    WorkingInterval = apps.get_model("core", "WorkingInterval")
    for spec in DEFAULTS:
        if BusinessCalendar.objects.filter(slug=spec["slug"]).exists():
            continue
        calendar = BusinessCalendar.objects.create(
            slug=spec["slug"],
            name=spec["name"],
            description=spec["description"],
            time_zone=spec["time_zone"],
            holiday_country=spec["holiday_country"],
            updated_at=timezone.now(),
        )
        WorkingInterval.objects.bulk_create(
            WorkingInterval(calendar=calendar, weekday=day, start=start, end=end)
            for day, start, end in spec["intervals"]
        )


def backwards(apps, schema_editor):
    BusinessCalendar = apps.get_model("core", "BusinessCalendar")
    SlaClock = apps.get_model("core", "SlaClock")
    for spec in DEFAULTS:
        calendar = BusinessCalendar.objects.filter(slug=spec["slug"]).first()
        if calendar is not None and not SlaClock.objects.filter(calendar=calendar).exists():
            calendar.delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0003_calendars_sla_notifications")]
    operations = [migrations.RunPython(forwards, backwards)]
