"""SLA clock services (CORE-3): start, pause/resume, meet, cancel, breach acknowledgement."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from core.errors import Conflict, Forbidden, IllegalTransition, InvalidInput
from core.models import AuditEvent, BusinessCalendar, ClockState, SlaClock
from core.sla import (
    clock_acknowledge_breach,
    clock_cancel,
    clock_meet,
    clock_pause,
    clock_resume,
    clock_start,
    clocks_for,
)

LA = ZoneInfo("America/Los_Angeles")
pytestmark = pytest.mark.django_db
H = dt.timedelta(hours=1)


def la(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LA)


@pytest.fixture
def us(db):
    return BusinessCalendar.objects.get(slug="us-pacific-support")


def start_clock(subject, *, hours=24, at=None, calendar="us-pacific-support", metric="resolution"):
    return clock_start(
        subject=subject,
        metric=metric,
        duration=dt.timedelta(hours=hours),
        calendar=calendar,
        started_at=at or la(2026, 6, 1, 9, 0),
    )


def test_start_computes_due_and_warn_in_working_time_core_3(team, agent):
    # Mon 2026-06-01 09:00 PDT + 24 working hours = Wed 15:00; 75 % (18 h) = Wed 09:00.
    clock = start_clock(team, at=la(2026, 6, 1, 9, 0))
    assert clock.state == ClockState.RUNNING
    assert clock.due_at == la(2026, 6, 3, 15, 0)
    assert clock.warn_at == la(2026, 6, 3, 9, 0)
    assert clock.target_seconds == 86400
    assert clock.calendar.slug == "us-pacific-support"
    assert list(clocks_for(team)) == [clock]
    event = AuditEvent.objects.for_object(clock).get()
    assert event.action == "sla_clock.started"
    assert event.after["state"] == "running"


def test_start_outside_hours_starts_at_next_opening_core_3(team):
    # Saturday night: the clock starts Monday 08:00.
    clock = start_clock(team, hours=1, at=la(2026, 6, 6, 22, 0))
    assert clock.due_at == la(2026, 6, 8, 9, 0)


def test_start_accepts_calendar_object_and_custom_warn_fraction_core_3(team, us):
    clock = clock_start(
        subject=team,
        metric="first_response",
        duration=900,
        calendar=us,
        warn_fraction=0.5,
        started_at=la(2026, 6, 1, 10, 0),
    )
    assert clock.due_at == la(2026, 6, 1, 10, 15)
    assert clock.warn_at == la(2026, 6, 1, 10, 7, 30)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"duration": dt.timedelta(0)}, "duration"),
        ({"duration": -60}, "duration"),
        ({"duration": "soon"}, "duration"),
        ({"calendar": "nope"}, "calendar"),
        ({"warn_fraction": 1.5}, "warn_fraction"),
        ({"metric": ""}, "metric"),
        ({"started_at": dt.datetime(2026, 6, 1, 9)}, "started_at"),
    ],
)
def test_start_rejects_bad_input_naming_the_field_core_3(team, kwargs, field):
    args = {
        "subject": team,
        "metric": "resolution",
        "duration": 3600,
        "calendar": "24x7",
        "started_at": la(2026, 6, 1, 9),
        **kwargs,
    }
    with pytest.raises(InvalidInput) as err:
        clock_start(**args)
    assert err.value.field == field
    assert not SlaClock.objects.exists()


def test_one_open_clock_per_subject_and_metric_core_3(team):
    clock = start_clock(team)
    with pytest.raises(Conflict):
        start_clock(team)
    start_clock(team, metric="first_response")  # another metric is fine
    clock_cancel(clock=clock, reason="policy changed")
    start_clock(team)  # and a new one once the old is closed


def test_pause_and_resume_recompute_due_at_core_3(team):
    clock = start_clock(team, hours=24, at=la(2026, 6, 1, 9, 0))  # due Wed 15:00
    # Paused Mon 13:00 (4 h used, 20 h left) until Thu 10:00 -> due Fri 08:00 + ... :
    # Thu 10-17 (7 h), Fri 8-17 (9 h), Mon 8-12 (4 h) -> Mon 2026-06-08 12:00.
    clock = clock_pause(clock=clock, at=la(2026, 6, 1, 13, 0), reason="waiting on client")
    assert clock.state == ClockState.PAUSED
    assert clock.remaining_at_pause == 20 * H
    assert clock.remaining() == 20 * H
    assert clock.pauses.get().reason == "waiting on client"
    clock = clock_resume(clock=clock, at=la(2026, 6, 4, 10, 0))
    assert clock.state == ClockState.RUNNING
    assert clock.due_at == la(2026, 6, 8, 12, 0)
    # warn point: 18 h used -> 14 h after resume -> Thu 7 h + Fri 7 h -> Fri 15:00
    assert clock.warn_at == la(2026, 6, 5, 15, 0)
    pause = clock.pauses.get()
    assert (pause.started_at, pause.ended_at) == (la(2026, 6, 1, 13, 0), la(2026, 6, 4, 10, 0))
    actions = list(
        AuditEvent.objects.for_object(clock).order_by("id").values_list("action", flat=True)
    )
    assert actions == ["sla_clock.started", "sla_clock.paused", "sla_clock.resumed"]


def test_remaining_is_working_time_core_3(team):
    clock = start_clock(team, hours=24, at=la(2026, 6, 1, 9, 0))
    assert clock.remaining(la(2026, 6, 1, 20, 0)) == 16 * H  # 8 h used Monday
    assert clock.fraction_used(la(2026, 6, 1, 20, 0)) == pytest.approx(8 / 24)
    with time_machine.travel(la(2026, 6, 3, 16, 0)):
        assert clock.is_overdue
        assert clock.remaining() == dt.timedelta(0)


def test_meet_in_time_core_3(team):
    clock = start_clock(team, at=la(2026, 6, 1, 9, 0))
    clock = clock_meet(clock=clock, at=la(2026, 6, 2, 9, 0), reason="replied")
    assert clock.state == ClockState.MET
    assert clock.met_at == la(2026, 6, 2, 9, 0)
    assert clock.worked() == 9 * H  # Mon 09-17, Tue 08-09
    with pytest.raises(IllegalTransition):
        clock_meet(clock=clock, at=la(2026, 6, 2, 10, 0))
    with pytest.raises(IllegalTransition):
        clock_pause(clock=clock, at=la(2026, 6, 2, 10, 0))
    with pytest.raises(IllegalTransition):
        clock_resume(clock=clock, at=la(2026, 6, 2, 10, 0))
    with pytest.raises(IllegalTransition):
        clock_cancel(clock=clock, at=la(2026, 6, 2, 10, 0))


def test_meet_while_paused_core_3(team):
    clock = start_clock(team, at=la(2026, 6, 1, 9, 0))
    clock = clock_pause(clock=clock, at=la(2026, 6, 1, 10, 0))
    clock = clock_meet(clock=clock, at=la(2026, 6, 3, 10, 0))
    assert clock.state == ClockState.MET
    assert clock.pauses.get().ended_at == la(2026, 6, 3, 10, 0)


def test_meet_after_due_records_breach_then_met_late_core_3(team, lead):
    clock = start_clock(team, hours=1, at=la(2026, 6, 1, 9, 0))  # due 10:00
    clock = clock_meet(clock=clock, at=la(2026, 6, 1, 10, 30))
    assert clock.state == ClockState.BREACHED
    assert clock.breached_at == la(2026, 6, 1, 10, 0)
    assert clock.met_at == la(2026, 6, 1, 10, 30)
    assert clock.met_late
    assert lead.notifications.filter(kind="sla_breach").count() == 1
    with pytest.raises(IllegalTransition):
        clock_meet(clock=clock, at=la(2026, 6, 1, 11, 0))


def test_pause_of_an_overdue_clock_records_the_breach_core_3(team):
    clock = start_clock(team, hours=1, at=la(2026, 6, 1, 9, 0))
    clock = clock_pause(clock=clock, at=la(2026, 6, 1, 11, 0))
    assert clock.state == ClockState.BREACHED
    assert clock.breached_at == la(2026, 6, 1, 10, 0)
    assert not clock.pauses.exists()
    with pytest.raises(IllegalTransition):
        clock_pause(clock=clock, at=la(2026, 6, 1, 12, 0))
    with pytest.raises(IllegalTransition):
        clock_cancel(clock=clock)


def test_cancel_closes_open_pause_core_3(team):
    clock = start_clock(team)
    clock = clock_pause(clock=clock, at=la(2026, 6, 1, 10, 0))
    clock = clock_cancel(clock=clock, at=la(2026, 6, 1, 11, 0), reason="case withdrawn")
    assert clock.state == ClockState.CANCELLED
    assert clock.cancel_reason == "case withdrawn"
    assert clock.pauses.get().ended_at == la(2026, 6, 1, 11, 0)
    assert clock.remaining() == dt.timedelta(0)


def test_pause_before_start_is_refused_core_3(team):
    clock = start_clock(team, at=la(2026, 6, 1, 9, 0))
    with pytest.raises(InvalidInput) as err:
        clock_pause(clock=clock, at=la(2026, 5, 31, 9, 0))
    assert err.value.field == "at"


def test_acknowledge_breach_by_lead_only_with_reason_esc_8(team, agent, lead):
    clock = start_clock(team, hours=1, at=la(2026, 6, 1, 9, 0))
    with pytest.raises(Conflict):
        clock_acknowledge_breach(clock=clock, lead=lead, reason="too early")
    clock = clock_meet(clock=clock, at=la(2026, 6, 1, 12, 0))  # breached, met late
    with pytest.raises(Forbidden):
        clock_acknowledge_breach(clock=clock, lead=agent, reason="mine")
    with pytest.raises(InvalidInput) as err:
        clock_acknowledge_breach(clock=clock, lead=lead, reason="  ")
    assert err.value.field == "reason"
    clock = clock_acknowledge_breach(clock=clock, lead=lead, reason="Outage at the phone provider")
    assert clock.acknowledged_by == lead
    assert clock.acknowledge_reason == "Outage at the phone provider"
    assert clock.acknowledged_at is not None
    event = AuditEvent.objects.for_object(clock).get(action="sla_clock.breach_acknowledged")
    assert event.actor == lead and event.reason == "Outage at the phone provider"
    with pytest.raises(Conflict):
        clock_acknowledge_breach(clock=clock, lead=lead, reason="again")


def test_24x7_clock_counts_calendar_hours_across_dst_core_3(team):
    # 24x7 runs in UTC: 48 real hours across the US fall-back change.
    start = dt.datetime(2026, 10, 31, 12, 0, tzinfo=dt.UTC)
    clock = clock_start(
        subject=team,
        metric="client_follow_up",
        duration=dt.timedelta(hours=48),
        calendar="24x7",
        started_at=start,
    )
    assert clock.due_at == start + dt.timedelta(hours=48)
