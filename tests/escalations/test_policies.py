"""ESC-5 / NCO-2: SLA policies as data, chosen by kind, segment and priority."""

import datetime as dt

import pytest
import time_machine

from core.models import BusinessCalendar, SlaClock
from escalations.models import Kind, Metric, Priority, Segment, SlaPolicy, StartEvent, Status
from escalations.services import (
    case_claim,
    case_record_contact_attempt,
    case_transition,
    case_update,
    policy_select,
)

UTC = dt.UTC
# Tuesday 2026-03-10 10:00 in Los Angeles (PDT, UTC-7) = 17:00 UTC: inside working hours.
TUESDAY_10AM_PT = dt.datetime(2026, 3, 10, 17, 0, tzinfo=UTC)


def clock(case, metric="first_response"):
    return SlaClock.objects.filter(object_id=case.pk, metric=metric).order_by("-id").first()


@pytest.mark.parametrize(
    "segment,minutes",
    [
        (Segment.INDIVIDUAL, 120),
        (Segment.SMALL_BUSINESS, 15),
        (Segment.MID_MARKET, 15),
        (Segment.ENTERPRISE, 15),
    ],
)
def test_nco_first_response_by_segment_esc_5_nco_2(make_case, segment, minutes):
    with time_machine.travel(TUESDAY_10AM_PT, tick=False):
        case = make_case(kind=Kind.NEW_CLIENT_OUTREACH, client_segment=segment)
    c = clock(case)
    assert c.state == "running"
    assert c.target_seconds == minutes * 60
    assert c.calendar.slug == "us-pacific-support"
    assert c.due_at == TUESDAY_10AM_PT + dt.timedelta(minutes=minutes)


def test_general_reply_24_business_hours_esc_5(make_case):
    with time_machine.travel(TUESDAY_10AM_PT, tick=False):
        case = make_case(kind=Kind.GENERAL)
    c = clock(case)
    assert c.target_seconds == 24 * 3600
    # 9 working hours a day: Tue 7h left + Wed 9h + Thu 8h -> Thu 16:00 PT (23:00 UTC).
    assert c.due_at == dt.datetime(2026, 3, 12, 23, 0, tzinfo=UTC)


def test_nco_clock_starts_at_next_opening_outside_hours_esc_5(make_case):
    saturday = dt.datetime(2026, 3, 14, 18, 0, tzinfo=UTC)
    with time_machine.travel(saturday, tick=False):
        case = make_case(kind=Kind.NEW_CLIENT_OUTREACH, client_segment=Segment.ENTERPRISE)
    # Monday 08:00 PDT = 15:00 UTC, plus 15 minutes.
    assert clock(case).due_at == dt.datetime(2026, 3, 16, 15, 15, tzinfo=UTC)


def test_ufl_follow_up_starts_at_first_contact_attempt_48_calendar_hours_esc_5(make_case, agent):
    attempt_at = dt.datetime(2026, 3, 14, 18, 0, tzinfo=UTC)  # a Saturday: calendar hours
    with time_machine.travel(attempt_at - dt.timedelta(days=1), tick=False):
        case = make_case(kind=Kind.UNRESPONSIVE_FREELANCER)
        assert clock(case, Metric.CLIENT_FOLLOW_UP) is None
        case = case_claim(case=case, agent=agent)
    with time_machine.travel(attempt_at + dt.timedelta(minutes=30), tick=False):
        case_record_contact_attempt(
            case=case, agent=agent, channel="email", at=attempt_at, research_incomplete_ok=True
        )
    c = clock(case, Metric.CLIENT_FOLLOW_UP)
    assert c.calendar.slug == "24x7"
    # ESC-5: due at 48 calendar hours; the clock breaches after the 4-hour grace.
    assert c.due_at == attempt_at + dt.timedelta(hours=48 + 4)
    # A second attempt (within the 48 hours: UFL-2 refuses later ones) does not restart it.
    with time_machine.travel(attempt_at + dt.timedelta(hours=2), tick=False):
        case_record_contact_attempt(case=case, agent=agent, channel="phone")
    assert SlaClock.objects.filter(object_id=case.pk, metric=Metric.CLIENT_FOLLOW_UP).count() == 1


def test_most_specific_policy_wins_then_precedence_esc_5(make_case):
    cal = BusinessCalendar.objects.get(slug="24x7")
    SlaPolicy.objects.create(
        name="Urgent enterprise NCO",
        metric=Metric.FIRST_RESPONSE,
        kind=Kind.NEW_CLIENT_OUTREACH,
        segment=Segment.ENTERPRISE,
        priority=Priority.URGENT,
        duration_seconds=300,
        calendar=cal,
    )
    urgent = make_case(
        kind=Kind.NEW_CLIENT_OUTREACH, client_segment=Segment.ENTERPRISE, priority="urgent"
    )
    assert policy_select(case=urgent, metric=Metric.FIRST_RESPONSE).name == "Urgent enterprise NCO"
    assert clock(urgent).target_seconds == 300
    normal = make_case(kind=Kind.NEW_CLIENT_OUTREACH, client_segment=Segment.ENTERPRISE)
    assert clock(normal).target_seconds == 900

    # Equally specific: the higher precedence wins.
    SlaPolicy.objects.create(
        name="Any urgent",
        metric=Metric.FIRST_RESPONSE,
        priority=Priority.URGENT,
        duration_seconds=600,
        calendar=cal,
        precedence=5,
    )
    SlaPolicy.objects.create(
        name="Any urgent, low precedence",
        metric=Metric.FIRST_RESPONSE,
        priority=Priority.URGENT,
        duration_seconds=700,
        calendar=cal,
    )
    general = make_case(kind=Kind.GENERAL, priority="urgent")
    assert policy_select(case=general, metric=Metric.FIRST_RESPONSE).name == "Any urgent"


def test_inactive_policy_is_ignored_esc_5(make_case):
    SlaPolicy.objects.filter(kind=Kind.NEW_CLIENT_OUTREACH).update(active=False)
    case = make_case(kind=Kind.NEW_CLIENT_OUTREACH, client_segment=Segment.ENTERPRISE)
    assert clock(case).target_seconds == 24 * 3600  # falls back to the general policy


def test_waiting_on_client_pauses_and_leaving_resumes_esc_5(make_case, agent, lead):
    case = make_case(kind=Kind.UNRESPONSIVE_FREELANCER)
    case = case_claim(case=case, agent=agent)
    case_record_contact_attempt(
        case=case, agent=agent, channel="email", research_incomplete_ok=True
    )
    follow = clock(case, Metric.CLIENT_FOLLOW_UP)
    case = case_transition(case=case, to_status=Status.WAITING_ON_CLIENT, actor=agent)
    follow.refresh_from_db()
    assert follow.state == "paused"
    case = case_transition(case=case, to_status=Status.IN_PROGRESS, actor=agent)
    follow.refresh_from_db()
    assert follow.state == "running"


def test_resolution_meets_open_clocks_esc_5(make_case, agent):
    case = case_claim(case=make_case(kind=Kind.REFUND_REQUEST), agent=agent)
    case_record_contact_attempt(
        case=case, agent=agent, channel="email", research_incomplete_ok=True
    )
    case = case_transition(case=case, to_status=Status.WAITING_ON_CLIENT, actor=agent)
    case = case_transition(case=case, to_status=Status.RESOLVED, actor=agent)
    assert set(SlaClock.objects.filter(object_id=case.pk).values_list("state", flat=True)) == {
        "met"
    }


def test_closing_unresolved_cancels_open_clocks_esc_5(make_case, lead):
    case = make_case()
    case = case_transition(case=case, to_status=Status.CLOSED, actor=lead, reason="duplicate")
    assert clock(case).state == "cancelled"


def test_changed_segment_swaps_the_clock_keeping_start_esc_5(make_case, agent, lead):
    with time_machine.travel(TUESDAY_10AM_PT, tick=False):
        case = make_case(kind=Kind.NEW_CLIENT_OUTREACH, client_segment=Segment.INDIVIDUAL)
    first = clock(case)
    assert first.target_seconds == 7200
    with time_machine.travel(TUESDAY_10AM_PT + dt.timedelta(minutes=5), tick=False):
        case_update(case=case, actor=lead, client_segment=Segment.MID_MARKET)
    first.refresh_from_db()
    assert first.state == "cancelled"
    new = clock(case)
    assert new.state == "running" and new.target_seconds == 900
    assert new.started_at == first.started_at


def test_start_event_choice_is_data_esc_5(db):
    assert set(
        SlaPolicy.objects.filter(metric=Metric.CLIENT_FOLLOW_UP).values_list(
            "start_event", flat=True
        )
    ) == {StartEvent.FIRST_CONTACT_ATTEMPT}
