"""Business-hours arithmetic: CORE-1 (calendars) and CORE-2 (deadline / elapsed).

Hand-worked cases around DST and US holidays, plus property tests against slow oracles
written here independently of ``core.business_hours``.
"""

from __future__ import annotations

import os
import pickle
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from core.business_hours import (
    DEFAULT_CALENDARS,
    FULL_DAY,
    TWENTY_FOUR_SEVEN,
    US_PACIFIC_SUPPORT,
    Calendar,
    country_holidays_provider,
    deadline,
    elapsed,
    is_open,
    next_open,
    us_federal_holidays,
    validate_weekly,
)

LA = ZoneInfo("America/Los_Angeles")
LONDON = ZoneInfo("Europe/London")
H = 3600


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def la(*args: int, fold: int = 0) -> datetime:
    return datetime(*args, tzinfo=LA, fold=fold)


def hours(n: float) -> timedelta:
    return timedelta(hours=n)


def every_day(*intervals: tuple[int, int]) -> tuple[tuple[tuple[int, int], ...], ...]:
    return tuple(tuple(intervals) for _ in range(7))


def weekdays(*intervals: tuple[int, int]) -> tuple[tuple[tuple[int, int], ...], ...]:
    return tuple(tuple(intervals) if d < 5 else () for d in range(7))


def fixed_holidays(mapping: dict[date, tuple[tuple[int, int], ...]]):
    def provider(year: int):
        return {d: iv for d, iv in mapping.items() if d.year == year}

    return provider


LA_24X7 = Calendar("America/Los_Angeles", every_day((0, 86400)))
LA_1_TO_3 = Calendar("America/Los_Angeles", every_day((1 * H, 3 * H)))
LONDON_24X7 = Calendar("Europe/London", every_day((0, 86400)))
LONDON_1_TO_3 = Calendar("Europe/London", every_day((1 * H, 3 * H)))
SPLIT = Calendar("America/Los_Angeles", weekdays((9 * H, 12 * H), (13 * H, 17 * H)))


# ------------------------------------------------------------------------------------------
# CORE-1: calendars


def test_default_calendars_core_1():
    assert DEFAULT_CALENDARS["us-pacific-support"] is US_PACIFIC_SUPPORT
    assert DEFAULT_CALENDARS["24x7"] is TWENTY_FOUR_SEVEN
    assert US_PACIFIC_SUPPORT.tz == "America/Los_Angeles"
    assert US_PACIFIC_SUPPORT.weekly[0] == ((8 * H, 17 * H),)
    assert US_PACIFIC_SUPPORT.weekly[5] == () == US_PACIFIC_SUPPORT.weekly[6]
    assert us_federal_holidays() is US_PACIFIC_SUPPORT.holidays
    assert date(2026, 7, 3) in us_federal_holidays()(2026)


def test_validate_weekly_rejects_bad_input_core_1():
    good = weekdays((9 * H, 12 * H), (13 * H, 17 * H))
    validate_weekly(good)
    with pytest.raises(ValueError, match="exactly 7"):
        validate_weekly(good[:6])
    with pytest.raises(ValueError, match="overlaps"):
        validate_weekly(every_day((9 * H, 12 * H), (11 * H, 17 * H)))
    with pytest.raises(ValueError, match="overlaps"):
        validate_weekly(every_day((13 * H, 17 * H), (9 * H, 12 * H)))
    with pytest.raises(ValueError, match="0 <= start < end <= 86400"):
        validate_weekly(every_day((9 * H, 9 * H)))
    with pytest.raises(ValueError, match="0 <= start < end <= 86400"):
        validate_weekly(every_day((0, 86401)))
    with pytest.raises(ValueError, match="int seconds"):
        validate_weekly(every_day((0.5, 10)))
    with pytest.raises(ValueError):
        Calendar("America/Los_Angeles", good[:6])
    with pytest.raises(ValueError, match="unknown time zone"):
        Calendar("Mars/Olympus_Mons", good)


def test_calendar_hashable_identity_of_holidays_core_1():
    provider = fixed_holidays({})
    a = Calendar("UTC", [list(day) for day in weekdays((0, 60))], provider)
    b = Calendar("UTC", weekdays((0, 60)), provider)
    c = Calendar("UTC", weekdays((0, 60)), fixed_holidays({}))
    assert a == b and hash(a) == hash(b)
    assert a != c
    assert isinstance(a.weekly, tuple) and isinstance(a.weekly[0], tuple)
    assert pickle.loads(pickle.dumps(US_PACIFIC_SUPPORT)) == US_PACIFIC_SUPPORT
    assert country_holidays_provider("US") is us_federal_holidays()


def test_us_holiday_provider_any_year_core_1():
    h2031 = us_federal_holidays()(2031)
    assert h2031[date(2031, 7, 4)] == FULL_DAY
    assert date(2031, 11, 27) in h2031  # Thanksgiving
    assert date(2026, 11, 26) in us_federal_holidays()(2026)


# ------------------------------------------------------------------------------------------
# CORE-2: DST, America/Los_Angeles (2026-03-08 spring forward, 2026-11-01 fall back)


def test_24x7_spring_forward_day_has_23_hours_la_core_2():
    assert elapsed(la(2026, 3, 8), la(2026, 3, 9), LA_24X7) == hours(23)
    assert deadline(la(2026, 3, 8), hours(24), LA_24X7) == utc(2026, 3, 9, 8)  # 01:00 PDT
    assert deadline(la(2026, 3, 8, 1, 30), hours(1), LA_24X7) == la(2026, 3, 8, 3, 30)


def test_24x7_fall_back_day_has_25_hours_la_core_2():
    assert elapsed(la(2026, 11, 1), la(2026, 11, 2), LA_24X7) == hours(25)
    # 01:30 PDT + 1h = 01:30 PST (aware datetimes in a fold never compare equal across zones,
    # so compare with the UTC instant)
    assert deadline(la(2026, 11, 1, 1, 30), hours(1), LA_24X7) == utc(2026, 11, 1, 9, 30)
    assert deadline(la(2026, 11, 1), hours(24), LA_24X7) == utc(2026, 11, 2, 7)  # 23:00 PST


def test_24x7_equals_plain_addition_core_2():
    start = utc(2026, 1, 1, 3, 4, 5)
    for cal in (TWENTY_FOUR_SEVEN, LA_24X7, LONDON_24X7):
        assert deadline(start, timedelta(days=400, seconds=7), cal) == start + timedelta(
            days=400, seconds=7
        )


def test_one_to_three_loses_hour_on_spring_forward_la_core_2():
    # 01:00 PST (09:00Z) .. 03:00 PDT (10:00Z): one real hour
    assert elapsed(la(2026, 3, 8), la(2026, 3, 9), LA_1_TO_3) == hours(1)
    assert elapsed(la(2026, 3, 7), la(2026, 3, 8), LA_1_TO_3) == hours(2)
    assert deadline(la(2026, 3, 8), hours(1), LA_1_TO_3) == utc(2026, 3, 8, 10)
    assert deadline(la(2026, 3, 8), hours(1.5), LA_1_TO_3) == utc(2026, 3, 9, 8, 30)
    assert next_open(utc(2026, 3, 8, 10), LA_1_TO_3) == utc(2026, 3, 9, 8)  # 01:00 PDT


def test_one_to_three_gains_hour_on_fall_back_la_core_2():
    # 01:00 PDT (08:00Z) .. 03:00 PST (11:00Z): three real hours
    assert elapsed(la(2026, 11, 1), la(2026, 11, 2), LA_1_TO_3) == hours(3)
    assert deadline(la(2026, 11, 1), hours(2.5), LA_1_TO_3) == utc(2026, 11, 1, 10, 30)
    assert deadline(la(2026, 11, 1), hours(3), LA_1_TO_3) == utc(2026, 11, 1, 11)
    assert deadline(la(2026, 11, 1), hours(3.5), LA_1_TO_3) == utc(2026, 11, 2, 9, 30)


def test_interval_inside_repeated_hour_and_gap_la_core_2():
    # 01:30-03:00 on the fall-back day: 01:30-02:00 PDT, then 01:30-03:00 PST; the second
    # pass of 01:00-01:30 is closed.
    cal = Calendar("America/Los_Angeles", every_day((5400, 3 * H)))
    assert elapsed(la(2026, 11, 1), la(2026, 11, 2), cal) == hours(2)
    assert next_open(utc(2026, 11, 1, 9, 10), cal) == utc(2026, 11, 1, 9, 30)
    assert is_open(utc(2026, 11, 1, 8, 45), cal)
    assert not is_open(utc(2026, 11, 1, 9, 0), cal)
    # 02:30-04:00 on the spring-forward day: 02:30-03:00 does not exist
    cal = Calendar("America/Los_Angeles", every_day((9000, 4 * H)))
    assert elapsed(la(2026, 3, 8), la(2026, 3, 9), cal) == hours(1)
    assert next_open(la(2026, 3, 8), cal) == utc(2026, 3, 8, 10)  # 03:00 PDT


def test_support_calendar_across_dst_weekends_core_2():
    assert deadline(la(2026, 3, 6, 16), hours(2), US_PACIFIC_SUPPORT) == utc(2026, 3, 9, 16)
    assert deadline(la(2026, 10, 30, 16), hours(2), US_PACIFIC_SUPPORT) == utc(2026, 11, 2, 17)
    assert elapsed(la(2026, 3, 6, 9), la(2026, 3, 9, 9), US_PACIFIC_SUPPORT) == hours(9)


# ------------------------------------------------------------------------------------------
# CORE-2: DST, Europe/London (2026-03-29 spring forward, 2026-10-25 fall back)


def test_24x7_london_dst_core_2():
    lon = LONDON
    assert elapsed(
        datetime(2026, 3, 29, tzinfo=lon), datetime(2026, 3, 30, tzinfo=lon), LONDON_24X7
    ) == hours(23)
    assert elapsed(
        datetime(2026, 10, 25, tzinfo=lon), datetime(2026, 10, 26, tzinfo=lon), LONDON_24X7
    ) == hours(25)
    assert deadline(datetime(2026, 3, 29, tzinfo=lon), hours(24), LONDON_24X7) == utc(2026, 3, 30)


def test_one_to_three_london_dst_core_2():
    lon = LONDON
    day = datetime(2026, 3, 29, tzinfo=lon)
    assert elapsed(day, day + timedelta(days=1), LONDON_1_TO_3) == hours(1)
    assert next_open(day, LONDON_1_TO_3) == utc(2026, 3, 29, 1)  # 02:00 BST
    assert deadline(day, hours(1), LONDON_1_TO_3) == utc(2026, 3, 29, 2)  # 03:00 BST
    day = datetime(2026, 10, 25, tzinfo=lon)
    assert elapsed(day, day + timedelta(days=1), LONDON_1_TO_3) == hours(3)
    assert next_open(day, LONDON_1_TO_3) == utc(2026, 10, 25, 0)  # 01:00 BST
    assert deadline(day, hours(3), LONDON_1_TO_3) == utc(2026, 10, 25, 3)  # 03:00 GMT


# ------------------------------------------------------------------------------------------
# CORE-2: US holidays on us-pacific-support


def test_observed_independence_day_2026_core_2():
    # 2026-07-04 is a Saturday, observed Friday 07-03
    assert deadline(la(2026, 7, 2, 16), hours(2), US_PACIFIC_SUPPORT) == la(2026, 7, 6, 9)
    assert next_open(la(2026, 7, 3, 10), US_PACIFIC_SUPPORT) == la(2026, 7, 6, 8)


def test_thanksgiving_and_christmas_2026_core_2():
    assert deadline(la(2026, 11, 25, 16), hours(2), US_PACIFIC_SUPPORT) == la(2026, 11, 27, 9)
    assert deadline(la(2026, 12, 24, 16), hours(2), US_PACIFIC_SUPPORT) == la(2026, 12, 28, 9)
    assert elapsed(la(2026, 12, 21), la(2026, 12, 28), US_PACIFIC_SUPPORT) == hours(36)


def test_new_year_crossing_skips_jan_1_2027_core_2():
    # Wed 12-30 and Thu 12-31 give 18h, Fri 2027-01-01 is a holiday, then Mon 01-04
    assert deadline(la(2026, 12, 30, 8), hours(24), US_PACIFIC_SUPPORT) == la(2027, 1, 4, 14)
    assert deadline(la(2026, 12, 30, 12), hours(24), US_PACIFIC_SUPPORT) == la(2027, 1, 5, 9)
    assert deadline(la(2026, 12, 30, 8), hours(24), US_PACIFIC_SUPPORT) == utc(2027, 1, 4, 22)


def test_holidays_in_2031_core_2():
    # 2031-07-04 is a Friday, Thanksgiving 2031-11-27, Christmas 2031-12-25 is a Thursday
    assert deadline(la(2031, 7, 3, 16), hours(2), US_PACIFIC_SUPPORT) == utc(2031, 7, 7, 16)
    assert deadline(la(2031, 11, 26, 16), hours(2), US_PACIFIC_SUPPORT) == la(2031, 11, 28, 9)
    assert deadline(la(2031, 12, 24, 16), hours(2), US_PACIFIC_SUPPORT) == la(2031, 12, 26, 9)


def test_observed_new_year_listed_under_previous_year_core_2():
    # 2022-01-01 was a Saturday; the observed day 2021-12-31 must be closed
    assert deadline(la(2021, 12, 30, 16), hours(2), US_PACIFIC_SUPPORT) == la(2022, 1, 3, 9)


# ------------------------------------------------------------------------------------------
# CORE-2: partial holidays, split days, starts outside working time


def test_partial_holiday_core_2():
    provider = fixed_holidays({date(2026, 12, 24): ((12 * H, 86400),)})
    cal = Calendar("America/Los_Angeles", weekdays((9 * H, 17 * H)), provider)
    assert deadline(la(2026, 12, 24, 11), hours(2), cal) == la(2026, 12, 25, 10)
    assert elapsed(la(2026, 12, 24), la(2026, 12, 25), cal) == hours(3)
    assert next_open(la(2026, 12, 24, 12), cal) == la(2026, 12, 25, 9)
    # a closed morning: opening moves to 11:00
    provider = fixed_holidays({date(2026, 5, 4): ((0, 11 * H),)})
    cal = Calendar("America/Los_Angeles", weekdays((9 * H, 17 * H)), provider)
    assert next_open(la(2026, 5, 4, 8), cal) == la(2026, 5, 4, 11)
    assert elapsed(la(2026, 5, 4), la(2026, 5, 5), cal) == hours(6)


def test_holiday_intervals_may_overlap_but_bounds_are_checked_core_1():
    # e.g. a country's full-day holiday merged with a hand-entered afternoon closure
    provider = fixed_holidays({date(2026, 5, 4): ((43200, 86400), (0, 86400), (3600, 7200))})
    cal = Calendar("America/Los_Angeles", weekdays((9 * H, 17 * H)), provider)
    assert next_open(la(2026, 5, 4, 8), cal) == la(2026, 5, 5, 9)
    bad = Calendar("UTC", weekdays((9 * H, 17 * H)), fixed_holidays({date(2026, 5, 4): ((0, 0),)}))
    with pytest.raises(ValueError, match="holiday 2026-05-04"):
        next_open(utc(2026, 5, 4), bad)


def test_split_day_core_2():
    monday = (2026, 5, 4)
    assert deadline(la(*monday, 12, 30), hours(1), SPLIT) == la(*monday, 14)  # during lunch
    assert deadline(la(*monday, 7), hours(1), SPLIT) == la(*monday, 10)  # before opening
    assert deadline(la(*monday, 18), hours(1), SPLIT) == la(2026, 5, 5, 10)  # after close
    assert deadline(la(2026, 5, 2, 11), hours(1), SPLIT) == la(*monday, 10)  # Saturday
    assert deadline(la(*monday, 11), hours(2), SPLIT) == la(*monday, 14)  # across lunch
    assert elapsed(la(*monday, 11), la(*monday, 14), SPLIT) == hours(2)
    assert elapsed(la(*monday), la(2026, 5, 11), SPLIT) == hours(35)


def test_exact_close_and_zero_duration_core_2():
    monday = (2026, 5, 4)
    # running out exactly at a close returns the close, not the next opening
    assert deadline(la(*monday, 9), hours(3), SPLIT) == la(*monday, 12)
    assert deadline(la(*monday, 9), hours(7), SPLIT) == la(*monday, 17)
    # zero duration: the start itself when open, else the next opening
    assert deadline(la(*monday, 10), 0, SPLIT) == la(*monday, 10)
    assert deadline(la(*monday, 12), 0, SPLIT) == la(*monday, 13)
    assert next_open(la(*monday, 17), SPLIT) == la(2026, 5, 5, 9)
    assert next_open(la(*monday, 16, 59, 59), SPLIT) == la(*monday, 16, 59, 59)
    assert deadline(la(*monday, 10), 3600, SPLIT).tzinfo == UTC


def test_microseconds_and_argument_checks_core_2():
    monday = (2026, 5, 4)
    start = la(*monday, 9, 0, 0, 500_000)
    assert deadline(start, timedelta(microseconds=1_500_000), SPLIT) == la(*monday, 9, 0, 2)
    assert deadline(start, 1.25, SPLIT) == la(*monday, 9, 0, 1, 750_000)
    end = la(*monday, 11, 59, 59, 999_999)
    assert elapsed(start, end, SPLIT) == timedelta(hours=3) - timedelta(microseconds=500_001)
    assert elapsed(end, start, SPLIT) == timedelta(0)
    with pytest.raises(ValueError, match="timezone-aware"):
        deadline(datetime(2026, 5, 4, 9), 60, SPLIT)
    with pytest.raises(ValueError, match="timezone-aware"):
        elapsed(start, datetime(2026, 5, 4, 9), SPLIT)
    with pytest.raises(ValueError, match="negative"):
        deadline(start, -1, SPLIT)
    closed = Calendar("UTC", every_day())
    with pytest.raises(ValueError, match="no working time"):
        next_open(start, closed)
    assert elapsed(start, end, closed) == timedelta(0)


# ------------------------------------------------------------------------------------------
# Long durations against a day-by-day walker (independent of the implementation)


_US_HOLIDAYS = holidays.country_holidays("US", observed=True)


def day_walk_deadline(start: datetime, duration: timedelta) -> datetime:
    """Slow oracle for us-pacific-support: walk local dates one by one."""
    remaining = duration
    start = start.astimezone(UTC)
    day = start.astimezone(LA).date() - timedelta(days=1)
    while True:
        if day.weekday() < 5 and day not in _US_HOLIDAYS:
            opens = datetime.combine(day, time(8), LA).astimezone(UTC)
            closes = datetime.combine(day, time(17), LA).astimezone(UTC)
            begin = max(opens, start)
            if begin < closes:
                if remaining <= closes - begin:
                    return begin + remaining
                remaining -= closes - begin
        day += timedelta(days=1)


@pytest.mark.parametrize(
    "start",
    [la(2026, 1, 5, 8), la(2026, 12, 30, 12, 17, 3), la(2027, 3, 13, 23), utc(2028, 2, 29, 19)],
)
@pytest.mark.parametrize(
    "duration", [hours(2000), hours(22_500), timedelta(days=3650)], ids=["2000h", "10y", "3650d"]
)
def test_long_durations_match_day_walker_core_2(start, duration):
    got = deadline(start, duration, US_PACIFIC_SUPPORT)
    assert got == day_walk_deadline(start, duration)
    assert elapsed(start, got, US_PACIFIC_SUPPORT) == duration


def test_ten_years_span_core_2():
    start = la(2026, 1, 5, 8)
    got = deadline(start, hours(22_500), US_PACIFIC_SUPPORT)
    assert 2035 <= got.year <= 2036


# ------------------------------------------------------------------------------------------
# Property tests against a minute-walking oracle on random calendars

ZONES = ["America/Los_Angeles", "Europe/London", "Australia/Sydney", "UTC", "Asia/Kolkata"]
# instants near DST transitions in those zones (2026)
TRANSITIONS = [
    utc(2026, 3, 8, 10),
    utc(2026, 11, 1, 9),
    utc(2026, 3, 29, 1),
    utc(2026, 10, 25, 1),
    utc(2026, 4, 4, 16),
    utc(2026, 10, 3, 16),
]
T0 = int(utc(2025, 1, 1).timestamp())
T1 = int(utc(2028, 12, 31).timestamp())


class MinuteOracle:
    """Open/closed status is constant within each UTC minute: every boundary lies on the
    minute grid in wall time and these zones' offsets are whole minutes."""

    def __init__(self, tz: str, weekly_min, closed_min: dict[date, list[tuple[int, int]]]):
        self.tz = ZoneInfo(tz)
        self.weekly = weekly_min
        self.closed = closed_min

    def open_at(self, minute_ts: int) -> bool:
        local = datetime.fromtimestamp(minute_ts, self.tz)
        m = local.hour * 60 + local.minute
        day = local.date()
        if not any(s <= m < e for s, e in self.weekly[day.weekday()]):
            return False
        return not any(s <= m < e for s, e in self.closed.get(day, ()))

    def deadline(self, start: int, duration: int) -> int:
        t, remaining = start, duration
        minute = start - start % 60
        while True:
            if self.open_at(minute):
                avail = minute + 60 - t
                if remaining == 0:
                    return t
                if remaining <= avail:
                    return t + remaining
                remaining -= avail
            minute += 60
            t = minute

    def elapsed(self, a: int, b: int) -> int:
        total = 0
        minute = a - a % 60
        while minute < b:
            if self.open_at(minute):
                total += min(minute + 60, b) - max(minute, a)
            minute += 60
        return total


def _pairs(points: list[int]) -> list[tuple[int, int]]:
    pts = sorted(points)
    return [(pts[i], pts[i + 1]) for i in range(0, len(pts) - 1, 2)]


minute_points = st.one_of(st.integers(0, 1440), st.sampled_from([0, 60, 90, 120, 150, 180, 1440]))
day_intervals = st.lists(minute_points, max_size=6, unique=True).map(_pairs)
starts = st.one_of(
    st.integers(T0, T1),
    st.tuples(st.sampled_from(TRANSITIONS), st.integers(-10 * 86400, 3 * 86400)).map(
        lambda p: int(p[0].timestamp()) + p[1]
    ),
)


@st.composite
def scenarios(draw, spread_days: int = 20, max_holidays: int = 4):
    tz = draw(st.sampled_from(ZONES))
    weekly_min = draw(st.lists(day_intervals, min_size=7, max_size=7))
    total_min = sum(e - s for day in weekly_min for s, e in day)
    assume(total_min >= 60)
    start = draw(starts)
    start_day = datetime.fromtimestamp(start, ZoneInfo(tz)).date()
    closed: dict[date, list[tuple[int, int]]] = {}
    for offset, ivs in draw(
        st.lists(
            st.tuples(
                st.integers(-2, spread_days),
                st.one_of(st.just([(0, 1440)]), day_intervals.filter(bool)),
            ),
            max_size=max_holidays,
        )
    ):
        closed.setdefault(start_day + timedelta(days=offset), []).extend(ivs)
    closed = {d: sorted(ivs) for d, ivs in closed.items()}
    merged: dict[date, tuple[tuple[int, int], ...]] = {}
    for d, ivs in closed.items():
        acc: list[list[int]] = []
        for s, e in ivs:
            if acc and s <= acc[-1][1]:
                acc[-1][1] = max(acc[-1][1], e)
            else:
                acc.append([s, e])
        merged[d] = tuple((s * 60, e * 60) for s, e in acc)
    cal = Calendar(
        tz,
        tuple(tuple((s * 60, e * 60) for s, e in day) for day in weekly_min),
        fixed_holidays(merged),
    )
    return cal, MinuteOracle(tz, weekly_min, closed), start, total_min * 60


# BUSINESS_HOURS_EXAMPLES_SCALE scales the example counts for a long soak run
_SCALE = float(os.environ.get("BUSINESS_HOURS_EXAMPLES_SCALE", "1"))
PROPERTY_SETTINGS = settings(
    max_examples=int(60 * _SCALE), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@PROPERTY_SETTINGS
@given(scenarios(), st.floats(0, 2))
def test_deadline_matches_minute_oracle_core_2(scenario, fraction):
    cal, oracle, start, week_total = scenario
    duration = int(week_total * fraction)
    got = deadline(utc(1970, 1, 1) + timedelta(seconds=start), duration, cal)
    assert got == utc(1970, 1, 1) + timedelta(seconds=oracle.deadline(start, duration))


@PROPERTY_SETTINGS
@given(scenarios(), st.integers(0, 10 * 86400))
def test_elapsed_matches_minute_oracle_core_2(scenario, span):
    cal, oracle, start, _ = scenario
    a = utc(1970, 1, 1) + timedelta(seconds=start)
    got = elapsed(a, a + timedelta(seconds=span), cal)
    assert got == timedelta(seconds=oracle.elapsed(start, start + span))


@settings(
    max_examples=int(150 * _SCALE), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(scenarios(), st.floats(0, 30), st.floats(0, 30), st.integers(0, 999_999))
def test_deadline_elapsed_roundtrip_and_monotonic_core_2(scenario, f1, f2, micro):
    cal, _, start, week_total = scenario
    s = utc(1970, 1, 1) + timedelta(seconds=start, microseconds=micro)
    d1, d2 = sorted((timedelta(seconds=week_total * f1), timedelta(seconds=week_total * f2)))
    t1, t2 = deadline(s, d1, cal), deadline(s, d2, cal)
    assert t1 <= t2
    assert elapsed(s, t1, cal) == d1
    assert elapsed(s, t2, cal) == d2
    if d1 > timedelta(0):
        assert deadline(t1, d2 - d1, cal) == t2 or d2 == d1
    assert next_open(s, cal) == deadline(s, 0, cal) >= s
    assert is_open(next_open(s, cal), cal)


@settings(max_examples=int(100 * _SCALE), deadline=None)
@given(st.integers(T0, T1), st.integers(0, 60 * 3600))
def test_support_calendar_short_durations_match_day_walker_core_2(start, seconds):
    s = utc(1970, 1, 1) + timedelta(seconds=start)
    d = timedelta(seconds=seconds)
    if seconds:
        assert deadline(s, d, US_PACIFIC_SUPPORT) == day_walk_deadline(s, d)


@settings(
    max_examples=int(40 * _SCALE), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(scenarios(spread_days=1100, max_holidays=40), st.floats(0, 150), st.integers(1, 60))
def test_long_duration_equals_chain_of_short_steps_core_2(scenario, weeks, steps):
    """Whole-week/chunk skipping agrees with many short steps (composition holds for d1 > 0)."""
    cal, _, start, week_total = scenario
    s = utc(1970, 1, 1) + timedelta(seconds=start)
    total = timedelta(seconds=int(week_total * weeks))
    step = total / steps
    assume(step > timedelta(0))
    t = s
    for _ in range(steps - 1):
        t = deadline(t, step, cal)
    t = deadline(t, total - step * (steps - 1), cal)
    assert deadline(s, total, cal) == t
    assert elapsed(s, t, cal) == total
