"""HIR-5: availability in each person's zone expanded week by week; heatmap figures;
Erlang C against the pyworkforce package; finalists by uncovered hours filled."""

import datetime as dt
import itertools
import math
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from workforce.coverage import (
    coverage_for,
    finalists_ranked,
    local_hours_to_utc,
    week_window,
)
from workforce.erlang import agents_required
from workforce.models import ForecastHour, WorkProfile
from workforce.services.time import availability_set

LONDON = ZoneInfo("Europe/London")
MONDAY_9_TO_17 = [[0, h] for h in range(9, 17)]


def test_monday_nine_to_five_pacific_is_16_to_24_utc_in_july_hir_5():
    hours = local_hours_to_utc(MONDAY_9_TO_17, "America/Los_Angeles", dt.date(2027, 7, 5))
    assert hours[0] == dt.datetime(2027, 7, 5, 16, tzinfo=dt.UTC)
    assert hours[-1] + dt.timedelta(hours=1) == dt.datetime(2027, 7, 6, 0, tzinfo=dt.UTC)


def test_monday_nine_to_five_pacific_is_17_to_01_utc_in_january_hir_5():
    hours = local_hours_to_utc(MONDAY_9_TO_17, "America/Los_Angeles", dt.date(2027, 1, 4))
    assert hours[0] == dt.datetime(2027, 1, 4, 17, tzinfo=dt.UTC)
    assert hours[-1] + dt.timedelta(hours=1) == dt.datetime(2027, 1, 5, 1, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("week", "london_hour"),
    [
        (dt.date(2027, 3, 8), 17),  # both on standard time
        (dt.date(2027, 3, 15), 16),  # US on daylight time since 14 March, Europe not yet
        (dt.date(2027, 3, 29), 17),  # both on summer time (Europe since 28 March)
    ],
)
def test_monday_nine_pacific_in_london_across_the_dst_gap_hir_5(week, london_hour):
    first = local_hours_to_utc([[0, 9]], "America/Los_Angeles", week)[0]
    assert first.astimezone(LONDON).hour == london_hour
    assert first.astimezone(LONDON).date() == week


@pytest.fixture
def covered_team(team, lead, agent, other_agent):
    # agent in Los Angeles: Monday 09-17 Pacific; other_agent in London: Monday 09-17 London
    availability_set(actor=lead, user=agent, slots=MONDAY_9_TO_17, zone="America/Los_Angeles")
    availability_set(actor=lead, user=other_agent, slots=MONDAY_9_TO_17, zone="Europe/London")
    for hour in range(24):
        ForecastHour.objects.create(team=team, weekday=0, hour=hour, contacts=Decimal("6"))
    return team


@pytest.mark.django_db
def test_heatmap_in_london_week_of_2027_03_15_shows_pacific_agent_from_16_hir_5(covered_team):
    result = coverage_for(covered_team, dt.date(2027, 3, 15), LONDON)
    assert len(result.rows) == 168
    by_hour = {r.local.hour: r for r in result.rows if r.local.weekday() == 0}
    assert by_hour[15].available == 1  # the London agent only
    assert by_hour[16].available == 2  # the Pacific agent starts at 16:00 London this week
    assert by_hour[17].available == 1  # London agent ended at 17:00


@pytest.mark.django_db
def test_coverage_rows_carry_required_from_erlang_c_and_the_gap_hir_5(covered_team):
    result = coverage_for(covered_team, dt.date(2027, 7, 5), ZoneInfo("UTC"))
    expected = agents_required(
        6, handle_seconds=360, target=0.8, answer_within_seconds=20, shrinkage=Decimal("0.3")
    ).scheduled
    monday = [r for r in result.rows if r.start.weekday() == 0]
    assert {r.required for r in monday} == {expected}
    for row in monday:
        assert row.gap == max(expected - row.available, 0)
    tuesday = [r for r in result.rows if r.start.weekday() == 1]
    assert {r.required for r in tuesday} == {0}


@pytest.mark.django_db
def test_week_in_a_zone_whose_clocks_change_has_167_hours_hir_5(covered_team):
    result = coverage_for(covered_team, dt.date(2027, 3, 8), ZoneInfo("America/Los_Angeles"))
    start, end = week_window(dt.date(2027, 3, 8), ZoneInfo("America/Los_Angeles"))
    assert (end - start) == dt.timedelta(hours=167)
    assert len(result.rows) == 167


GRID = list(
    itertools.product(
        [1, 4, 12, 30, 75, 150, 400],  # contacts per hour
        [120, 300, 360, 600],  # handle seconds
        [0.7, 0.8, 0.9],  # target
        [20, 60],  # answer within seconds
        [0, 0.2, 0.3, 0.35],  # shrinkage
    )
)


def test_erlang_c_figures_equal_the_pyworkforce_package_hir_5():
    from pyworkforce.queuing import ErlangC

    for contacts, handle, target, within, shrink in GRID:
        ours = agents_required(
            contacts,
            handle_seconds=handle,
            target=target,
            answer_within_seconds=within,
            shrinkage=shrink,
        )
        theirs = ErlangC(
            transactions=contacts, aht=handle / 60, asa=within / 60, interval=60, shrinkage=shrink
        ).required_positions(service_level=target)
        assert ours.raw == theirs["raw_positions"], (contacts, handle, target, within)
        assert math.isclose(ours.service_level, theirs["service_level"], rel_tol=1e-9)
        exact = Decimal(ours.raw) / (1 - Decimal(str(shrink)))
        if exact == exact.to_integral_value():
            # The package divides in floats: 7 / 0.7 = 10.000000000000002 -> 11. Ours is exact.
            assert theirs["positions"] in (ours.scheduled, ours.scheduled + 1)
        else:
            assert ours.scheduled == theirs["positions"], (contacts, handle, target, shrink)


def test_erlang_c_defaults_80_in_20_seconds_30_percent_shrinkage_hir_5():
    staffing = agents_required(100, handle_seconds=180)
    assert staffing.service_level >= 0.8
    assert staffing.raw == 8
    assert staffing.scheduled == math.ceil(Decimal(8) / Decimal("0.7"))
    assert agents_required(0, handle_seconds=180).scheduled == 0


@pytest.mark.django_db
def test_finalists_ranked_by_uncovered_hours_they_fill_hir_5(covered_team, lead):
    from hiring.models import Applicant, Round

    # Contacts only in the Monday hours 07-15 UTC (00-08 Pacific in July): nobody covers them.
    ForecastHour.objects.filter(team=covered_team).exclude(hour__in=range(7, 15)).delete()
    rnd = Round.objects.create(team=covered_team, name="Spring round", created_by=lead)
    night = Applicant.objects.create(
        round=rnd, name="Night Owl", stage="interviewed", availability=[[0, h] for h in range(0, 8)]
    )
    overlap = Applicant.objects.create(
        round=rnd,
        name="Day Person",
        stage="invited_to_interview",
        availability=MONDAY_9_TO_17,
    )
    Applicant.objects.create(round=rnd, name="Not finalist", stage="applied", availability=[])
    ranked = finalists_ranked(covered_team, rnd, dt.date(2027, 7, 5))
    assert [r["applicant"] for r in ranked] == [night, overlap]
    assert ranked[0]["fills"] == 8
    assert ranked[1]["fills"] == 0


@pytest.mark.django_db
def test_candidates_from_hiring_submission_count_in_coverage_hir_5(covered_team, lead):
    from hiring.models import Applicant, Round

    rnd = Round.objects.create(team=covered_team, name="Round", created_by=lead)
    Applicant.objects.create(round=rnd, name="C", stage="scored", availability=[[0, 9]])
    result = coverage_for(covered_team, dt.date(2027, 1, 4), ZoneInfo("UTC"))
    at_17 = next(r for r in result.rows if r.start == dt.datetime(2027, 1, 4, 17, tzinfo=dt.UTC))
    assert at_17.candidates == 1


@pytest.mark.django_db
def test_availability_kept_in_the_persons_zone_hir_5(agent, lead):
    profile = availability_set(actor=lead, user=agent, slots=[[0, 9], [0, 9]], zone="Asia/Manila")
    profile.refresh_from_db()
    assert profile.zone == "Asia/Manila"
    assert profile.availability == [[0, 9]]
    assert WorkProfile.objects.count() == 1


@pytest.mark.django_db
def test_forecast_computed_from_the_last_weeks_cases_when_none_entered_hir_5(
    team, agent, make_case
):
    import time_machine

    from workforce.coverage import forecast_for

    # Four weeks of history (default forecast_weeks=4): two cases on Tuesdays 14:xx UTC
    # in two of those weeks -> 0.5 contacts in that hour.
    for day in (
        dt.datetime(2027, 1, 5, 14, 10, tzinfo=dt.UTC),
        dt.datetime(2027, 1, 12, 14, 40, tzinfo=dt.UTC),
    ):
        with time_machine.travel(day, tick=False):
            make_case(actor=agent, team=team)
    with time_machine.travel(dt.datetime(2027, 1, 28, 9, tzinfo=dt.UTC), tick=False):
        forecast, source = forecast_for(team)
    assert source == "computed"
    assert forecast == {(1, 14): Decimal("0.5")}
    ForecastHour.objects.create(team=team, weekday=0, hour=9, contacts=Decimal("3"))
    assert forecast_for(team) == ({(0, 9): Decimal("3")}, "entered")
