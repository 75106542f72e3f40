"""HIR-8: imports (CSV and API), outages, flags with notification, the manual-time switch,
and the Monday report over the Monday-Sunday UTC billing week."""

import datetime as dt

import pytest
import time_machine
from django.core import mail

from core.errors import InvalidInput
from core.models import Notification
from escalations.models import CaseEvent
from integrations.models import OutboundEvent
from workforce.models import TimeEntry, WeeklyReportRun
from workforce.reports import weekly_report, weekly_reports_send
from workforce.services.time import (
    manual_time_set,
    outage_declare,
    rows_from_csv,
    time_entries_import,
)

UTC = dt.UTC
NOW = dt.datetime(2027, 1, 13, 12, tzinfo=UTC)  # a Wednesday


def at(day, hour, minute=0):
    return dt.datetime(2027, 1, day, hour, minute, tzinfo=UTC)


def row(user, kind, start, end):
    return {
        "freelancer": user.username,
        "kind": kind,
        "start": start.isoformat(),
        "end": end.isoformat(),
    }


@pytest.fixture
def now():
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def outage(now, lead):
    return outage_declare(
        actor=lead, starts_at=at(11, 9), ends_at=at(11, 10), reason="Tracker down"
    )


@pytest.mark.django_db
def test_manual_time_inside_an_outage_is_not_flagged_hir_8(outage, lead, agent):
    result = time_entries_import(actor=lead, rows=[row(agent, "manual", at(11, 9), at(11, 10))])
    assert result.created[0].flagged_minutes == 0
    assert not Notification.objects.filter(recipient=agent).exists()


@pytest.mark.django_db
def test_manual_time_one_minute_outside_an_outage_is_flagged_and_notified_hir_8(
    outage, lead, agent
):
    result = time_entries_import(actor=lead, rows=[row(agent, "manual", at(11, 9), at(11, 10, 1))])
    entry = result.created[0]
    assert entry.flagged_minutes == 1
    note = Notification.objects.get(recipient=agent)
    assert "outside every declared outage" in note.body
    event = OutboundEvent.objects.get(event_type="time_entry.flagged")
    assert event.payload["flagged_minutes"] == 1
    assert "email" not in str(event.payload).lower()


@pytest.mark.django_db
def test_outage_declared_later_clears_the_flag_hir_8(now, lead, agent):
    entry = time_entries_import(actor=lead, rows=[row(agent, "manual", at(12, 8), at(12, 9))])
    assert entry.created[0].is_flagged
    outage_declare(actor=lead, starts_at=at(12, 7), ends_at=at(12, 10))
    entry.created[0].refresh_from_db()
    assert entry.created[0].flagged_minutes == 0


@pytest.mark.django_db
def test_manual_time_refused_when_disabled_and_nothing_saved_hir_8(now, lead, agent):
    manual_time_set(actor=lead, user=agent, disabled=True)
    rows = [
        row(agent, "tracked", at(11, 8), at(11, 9)),
        row(agent, "manual", at(11, 9), at(11, 10)),
    ]
    with pytest.raises(InvalidInput) as exc:
        time_entries_import(actor=lead, rows=rows)
    assert exc.value.field == "entries[1].kind"
    assert TimeEntry.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("bad", "field"),
    [
        ({"freelancer": "nobody"}, "entries[0].freelancer"),
        ({"start": "2027-01-14T09:00:00Z", "end": "2027-01-14T10:00:00Z"}, "entries[0].start"),
        ({"end": "2027-01-11T08:00:00Z"}, "entries[0].end"),
        ({"kind": "guess"}, "entries[0].kind"),
        ({"start": "2027-01-11T09:00:00"}, "entries[0].start"),
    ],
)
def test_bad_time_entries_refused_whole_batch_hir_8(now, lead, agent, bad, field):
    rows = [{**row(agent, "tracked", at(11, 9), at(11, 10)), **bad}]
    with pytest.raises(InvalidInput) as exc:
        time_entries_import(actor=lead, rows=rows)
    assert exc.value.field == field
    assert TimeEntry.objects.count() == 0


@pytest.mark.django_db
def test_entry_for_a_freelancer_of_another_team_is_unknown_hir_8(now, lead, agent_b):
    with pytest.raises(InvalidInput):
        time_entries_import(actor=lead, rows=[row(agent_b, "tracked", at(11, 9), at(11, 10))])


@pytest.mark.django_db
def test_outage_ending_before_it_starts_is_refused_hir_8(now, lead):
    with pytest.raises(InvalidInput) as exc:
        outage_declare(actor=lead, starts_at=at(11, 10), ends_at=at(11, 9))
    assert exc.value.field == "ends_at"


@pytest.mark.django_db
def test_csv_import_and_reimport_skips_what_is_there_hir_8(now, lead, agent):
    text = (
        "freelancer,kind,start,end\n"
        f"{agent.username},tracked,2027-01-11T08:00:00-08:00,2027-01-11T12:00:00-08:00\n"
    )
    first = time_entries_import(actor=lead, rows=rows_from_csv(text), source="csv")
    again = time_entries_import(actor=lead, rows=rows_from_csv(text), source="csv")
    assert len(first.created) == 1 and first.created[0].minutes == 240
    assert again.skipped == 1 and TimeEntry.objects.count() == 1


def test_csv_missing_column_is_named_hir_8():
    with pytest.raises(InvalidInput) as exc:
        rows_from_csv("freelancer,kind,start\nx,tracked,2027-01-11T08:00:00Z\n")
    assert "end" in exc.value.message


@pytest.mark.django_db
def test_sunday_evening_pacific_work_is_in_the_next_billing_week_hir_8(lead, agent, make_case):
    # Sunday 17 January 2027, 17:30 Pacific = Monday 18 January 01:30 UTC.
    sunday_evening = dt.datetime(2027, 1, 18, 1, 30, tzinfo=UTC)
    with time_machine.travel(sunday_evening, tick=False):
        make_case(actor=agent)
    assert CaseEvent.objects.filter(actor=agent).exists()
    with time_machine.travel(dt.datetime(2027, 1, 25, 9, tzinfo=UTC), tick=False):
        time_entries_import(
            actor=lead,
            rows=[row(agent, "tracked", sunday_evening, sunday_evening + dt.timedelta(minutes=20))],
        )
        earlier = weekly_report(agent.team, dt.date(2027, 1, 11))
        later = weekly_report(agent.team, dt.date(2027, 1, 18))
    mine = {r.agent: r for r in earlier.rows}[agent]
    assert (mine.events, mine.logged_minutes) == (0, 0)
    mine = {r.agent: r for r in later.rows}[agent]
    assert mine.events >= 1 and mine.cases_handled == 1 and mine.logged_minutes == 20


@pytest.mark.django_db
def test_monday_report_emailed_to_the_lead_once_hir_8(lead, agent):
    with time_machine.travel(dt.datetime(2027, 1, 18, 6, tzinfo=UTC), tick=False):
        assert weekly_reports_send() == 1
        assert weekly_reports_send() == 0
    assert WeeklyReportRun.objects.get().week == dt.date(2027, 1, 11)
    sent = [m for m in mail.outbox if lead.email in m.to]
    assert len(sent) == 1 and "Weekly time report" in sent[0].subject


@pytest.mark.django_db
def test_report_lists_manual_entries_open_to_correction_hir_8(outage, lead, agent):
    time_entries_import(actor=lead, rows=[row(agent, "manual", at(11, 9), at(11, 11))])
    report = weekly_report(agent.team, dt.date(2027, 1, 11))
    assert [e.flagged_minutes for e in report.open_entries] == [60]
    assert report.correctable_until == dt.datetime(2027, 1, 20, tzinfo=UTC)
    assert report.is_open
