"""Business calendars in the database (CORE-1) and their engine (CORE-2)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from core import business_hours as bh
from core.calendars import (
    calendar_deadline,
    calendar_elapsed,
    calendar_holidays_generate,
    calendar_weekly_set,
)
from core.errors import InvalidInput
from core.models import AuditEvent, BusinessCalendar, Holiday
from core.models.calendars import engine_for

LA = ZoneInfo("America/Los_Angeles")
pytestmark = pytest.mark.django_db


def la(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LA)


def test_default_calendars_are_shipped_by_migration_core_1():
    us = BusinessCalendar.objects.get(slug="us-pacific-support")
    assert us.time_zone == "America/Los_Angeles"
    assert us.holiday_country == "US"
    assert us.weekly() == tuple(((8 * 3600, 17 * 3600),) if d < 5 else () for d in range(7))
    always = BusinessCalendar.objects.get(slug="24x7")
    assert always.weekly() == tuple(((0, 86400),) for _ in range(7))


def test_shipped_calendar_matches_pure_module_default_core_1():
    us = BusinessCalendar.objects.get(slug="us-pacific-support")
    start = la(2026, 11, 25, 15, 30)  # the day before Thanksgiving
    for hours in (1, 9, 24, 200, 2000):
        assert us.deadline(start, dt.timedelta(hours=hours)) == bh.deadline(
            start, dt.timedelta(hours=hours), bh.US_PACIFIC_SUPPORT
        )


def test_december_deadline_lands_right_in_next_january_core_1():
    """A followed country knows the holidays of whatever year the deadline reaches."""
    us = BusinessCalendar.objects.get(slug="us-pacific-support")
    # Thu 2027-12-30 16:00 PT; Fri 2027-12-31 is New Year's Day (2028, a Saturday) observed;
    # Mon 2028-01-17 is MLK day -- both beyond any pre-generated range.
    due = us.deadline(la(2027, 12, 30, 16, 0), dt.timedelta(hours=2))
    assert due == la(2028, 1, 3, 9, 0)
    due = us.deadline(la(2028, 1, 14, 16, 0), dt.timedelta(hours=2))
    assert due == la(2028, 1, 18, 9, 0)


def test_deadline_across_spring_forward_keeps_wall_clock_hours_core_2():
    us = BusinessCalendar.objects.get(slug="us-pacific-support")
    # Fri 2026-03-06 16:00 PST + 2h -> Mon 2026-03-09 09:00 PDT (UTC offset moved).
    due = us.deadline(la(2026, 3, 6, 16, 0), 7200)
    assert due == dt.datetime(2026, 3, 9, 16, 0, tzinfo=dt.UTC)
    assert us.elapsed(la(2026, 3, 6, 16, 0), due) == dt.timedelta(hours=2)


def test_hand_entered_partial_holiday_counts_core_1():
    us = BusinessCalendar.objects.get(slug="us-pacific-support")
    start = la(2026, 12, 24, 8, 0)
    assert us.deadline(start, 3 * 3600) == la(2026, 12, 24, 11, 0)
    Holiday.objects.create(
        calendar=us,
        date=dt.date(2026, 12, 24),
        name="Christmas Eve (afternoon)",
        start=dt.time(12, 0),
        end=dt.time(0, 0),
    )
    us.touch()
    us.refresh_from_db()
    assert us.deadline(start, 5 * 3600) == la(2026, 12, 28, 9, 0)  # 25th holiday, weekend


def test_engine_is_cached_per_calendar_version_and_rebuilt_on_change_core_1():
    us = BusinessCalendar.objects.get(slug="us-pacific-support")
    first = engine_for(us)
    assert engine_for(BusinessCalendar.objects.get(pk=us.pk)) is first
    calendar_weekly_set(calendar=us, rows=[(d, dt.time(9, 0), dt.time(17, 0)) for d in range(5)])
    fresh = BusinessCalendar.objects.get(pk=us.pk)
    second = engine_for(fresh)
    assert second is not first
    assert second.weekly[0] == ((9 * 3600, 17 * 3600),)
    assert fresh.deadline(la(2026, 6, 1, 8, 0), 3600) == la(2026, 6, 1, 10, 0)


def test_weekly_intervals_must_not_overlap_core_1():
    cal = BusinessCalendar.objects.get(slug="24x7")
    with pytest.raises(InvalidInput) as err:
        calendar_weekly_set(
            calendar=cal,
            rows=[(0, dt.time(9, 0), dt.time(12, 0)), (0, dt.time(11, 0), dt.time(17, 0))],
        )
    assert err.value.field == "intervals"
    assert cal.intervals.count() == 7  # unchanged


def test_split_day_intervals_core_1():
    cal = BusinessCalendar.objects.create(slug="split", name="Split", time_zone="Europe/London")
    calendar_weekly_set(
        calendar=cal,
        rows=[(0, dt.time(9), dt.time(12)), (0, dt.time(13), dt.time(17))],
    )
    start = dt.datetime(2026, 6, 1, 11, 0, tzinfo=ZoneInfo("Europe/London"))  # a Monday
    assert cal.deadline(start, 2 * 3600) == start + dt.timedelta(hours=3)
    assert cal.elapsed(start, start + dt.timedelta(hours=6)) == dt.timedelta(hours=5)


def test_holidays_generated_for_a_range_and_idempotent_core_1(admin_user):
    cal = BusinessCalendar.objects.create(slug="de", name="Berlin", time_zone="Europe/Berlin")
    calendar_weekly_set(calendar=cal, rows=[(d, dt.time(9), dt.time(17)) for d in range(5)])
    added = calendar_holidays_generate(
        calendar=cal, country="de", subdiv="be", first_year=2026, last_year=2027, actor=admin_user
    )
    assert added > 15
    assert Holiday.objects.filter(calendar=cal, date=dt.date(2026, 3, 8)).exists()  # BE only
    again = calendar_holidays_generate(
        calendar=cal, country="DE", subdiv="BE", first_year=2026, last_year=2027
    )
    assert again == 0
    assert AuditEvent.objects.filter(action="businesscalendar.holidays_generated").count() == 2
    cal.refresh_from_db()
    # Christmas Day 2026 (Friday) is closed.
    berlin = ZoneInfo("Europe/Berlin")
    due = cal.deadline(dt.datetime(2026, 12, 24, 16, 0, tzinfo=berlin), 7200)
    assert due == dt.datetime(2026, 12, 28, 10, 0, tzinfo=berlin)


def test_holiday_generation_rejects_unknown_country_and_subdivision_core_1():
    cal = BusinessCalendar.objects.get(slug="24x7")
    with pytest.raises(InvalidInput) as err:
        calendar_holidays_generate(calendar=cal, country="XX", first_year=2026, last_year=2026)
    assert err.value.field == "country"
    with pytest.raises(InvalidInput) as err:
        calendar_holidays_generate(
            calendar=cal, country="US", subdiv="ZZ", first_year=2026, last_year=2026
        )
    assert err.value.field == "subdiv"


def test_follow_country_makes_generated_calendar_know_any_year_core_1():
    cal = BusinessCalendar.objects.create(slug="uk", name="UK", time_zone="Europe/London")
    calendar_weekly_set(calendar=cal, rows=[(d, dt.time(9), dt.time(17)) for d in range(5)])
    calendar_holidays_generate(
        calendar=cal, country="GB", subdiv="ENG", first_year=2026, last_year=2026, follow=True
    )
    cal.refresh_from_db()
    assert (cal.holiday_country, cal.holiday_subdiv) == ("GB", "ENG")
    london = ZoneInfo("Europe/London")
    # Boxing Day 2031 is a Friday: known although only 2026 was generated as rows.
    due = cal.deadline(dt.datetime(2031, 12, 24, 16, 0, tzinfo=london), 2 * 3600)
    assert due == dt.datetime(2031, 12, 29, 10, 0, tzinfo=london)


def test_wrappers_validate_input_naming_the_field_core_2():
    with pytest.raises(InvalidInput) as err:
        calendar_deadline(calendar="nope", start=la(2026, 1, 5, 9), duration=60)
    assert err.value.field == "calendar"
    with pytest.raises(InvalidInput) as err:
        calendar_deadline(calendar="24x7", start=dt.datetime(2026, 1, 5, 9), duration=60)
    assert err.value.field == "start"
    with pytest.raises(InvalidInput) as err:
        calendar_deadline(calendar="24x7", start=la(2026, 1, 5, 9), duration=-1)
    assert err.value.field == "duration"
    with pytest.raises(InvalidInput) as err:
        calendar_elapsed(calendar="24x7", start=la(2026, 1, 5, 9), end=dt.datetime(2026, 1, 6))
    assert err.value.field == "end"


# Admin -------------------------------------------------------------------------------------
def _inline_post(cal, intervals, holidays=()):
    data = {
        "slug": cal.slug,
        "name": cal.name,
        "description": cal.description,
        "time_zone": cal.time_zone,
        "holiday_country": cal.holiday_country,
        "holiday_subdiv": cal.holiday_subdiv,
        "intervals-TOTAL_FORMS": str(len(intervals)),
        "intervals-INITIAL_FORMS": "0",
        "holidays-TOTAL_FORMS": str(len(holidays)),
        "holidays-INITIAL_FORMS": "0",
    }
    for i, (weekday, start, end) in enumerate(intervals):
        data.update(
            {
                f"intervals-{i}-weekday": weekday,
                f"intervals-{i}-start": start,
                f"intervals-{i}-end": end,
            }
        )
    for i, (date, name) in enumerate(holidays):
        data.update(
            {
                f"holidays-{i}-date": date,
                f"holidays-{i}-name": name,
                f"holidays-{i}-source": "manual",
            }
        )
    return data


def test_admin_refuses_overlapping_intervals_core_1(client, admin_user):
    client.force_login(admin_user)
    cal = BusinessCalendar.objects.create(slug="new", name="New", time_zone="UTC")
    url = reverse("admin:core_businesscalendar_change", args=[cal.pk])
    response = client.post(url, _inline_post(cal, [(0, "09:00", "12:00"), (0, "11:00", "13:00")]))
    assert response.status_code == 200
    assert "overlap" in response.content.decode()
    assert cal.intervals.count() == 0


def test_admin_change_of_intervals_and_holidays_is_audited_core_1(client, admin_user):
    client.force_login(admin_user)
    cal = BusinessCalendar.objects.create(slug="new", name="New", time_zone="UTC")
    before = cal.updated_at
    url = reverse("admin:core_businesscalendar_change", args=[cal.pk])
    response = client.post(
        url,
        _inline_post(
            cal,
            [(0, "09:00", "12:00"), (0, "13:00", "00:00")],
            holidays=[("2026-12-25", "Christmas")],
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    cal.refresh_from_db()
    assert cal.weekly()[0] == ((9 * 3600, 12 * 3600), (13 * 3600, 86400))
    assert cal.updated_at > before
    event = AuditEvent.objects.get(action="businesscalendar.schedule_changed")
    assert event.actor == admin_user
    assert event.after["weekly"]["Mon"] == ["09:00-12:00", "13:00-24:00"]
    assert event.after["holidays"] == ["2026-12-25 Christmas"]


def test_admin_action_generates_holidays_core_1(client, admin_user):
    client.force_login(admin_user)
    cal = BusinessCalendar.objects.create(slug="new", name="New", time_zone="UTC")
    url = reverse("admin:core_businesscalendar_changelist")
    form = client.post(url, {"action": "generate_holidays", "_selected_action": [cal.pk]})
    assert form.status_code == 200
    assert "Generate holidays" in form.content.decode()
    done = client.post(
        url,
        {
            "action": "generate_holidays",
            "_selected_action": [cal.pk],
            "apply": "1",
            "country": "US",
            "subdiv": "CA",
            "first_year": "2026",
            "last_year": "2026",
            "follow": "on",
        },
    )
    assert done.status_code == 302
    cal.refresh_from_db()
    assert cal.holiday_country == "US" and cal.holiday_subdiv == "CA"
    assert cal.holidays.filter(date=dt.date(2026, 3, 31)).exists()  # Cesar Chavez Day (CA)
