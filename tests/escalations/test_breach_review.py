"""ESC-8 selectors (the page is built on them), CORE-4 recipients, admin audit of policies."""

import datetime as dt

import time_machine
from django.contrib.admin.sites import AdminSite

from core.models import AuditEvent, Notification, SlaClock
from core.sla import sla_sweep
from escalations.models import Kind, Metric, Segment, SlaPolicy
from escalations.selectors import clocks_at_risk, clocks_breached, compliance_by_week
from escalations.services import case_assign, case_breach_acknowledge, case_claim

MONDAY_9AM_PT = dt.datetime(2026, 3, 9, 16, 0, tzinfo=dt.UTC)


def test_breach_notifies_assignee_and_lead_and_shows_in_review_esc_8(make_case, agent, lead, team):
    with time_machine.travel(MONDAY_9AM_PT, tick=False):
        case = make_case(kind=Kind.NEW_CLIENT_OUTREACH, client_segment=Segment.ENTERPRISE)
        case_assign(case=case, assignee=agent, lead=lead)
    with time_machine.travel(MONDAY_9AM_PT + dt.timedelta(minutes=12), tick=False):
        sla_sweep()
        at_risk = list(clocks_at_risk(team=team))
        assert [c.object_id for c in at_risk] == [case.pk]
    with time_machine.travel(MONDAY_9AM_PT + dt.timedelta(minutes=16), tick=False):
        sla_sweep()
    breached = list(clocks_breached(team=team))
    assert [c.object_id for c in breached] == [case.pk]
    assert breached[0].case_link.policy.segment == Segment.ENTERPRISE
    recipients = set(
        Notification.objects.filter(kind__icontains="breach").values_list(
            "recipient__username", flat=True
        )
    )
    assert recipients == {agent.username, lead.username}
    assert list(clocks_breached(team=team, agent=agent)) == breached
    policy = SlaPolicy.objects.get(segment=Segment.ENTERPRISE)
    assert list(clocks_breached(policy=policy)) == breached

    clock = case_breach_acknowledge(clock=breached[0], lead=lead, reason="Holiday cover gap")
    assert clock.acknowledged_by == lead
    assert list(clocks_breached(team=team, unacknowledged=True)) == []
    assert case.events.filter(kind="sla", body__contains="Holiday cover gap").exists()


def test_weekly_compliance_esc_8(make_case, agent, team):
    with time_machine.travel(MONDAY_9AM_PT, tick=False):
        met = make_case()
        case_claim(case=met, agent=agent)
        make_case(kind=Kind.NEW_CLIENT_OUTREACH, client_segment=Segment.ENTERPRISE)
    with time_machine.travel(MONDAY_9AM_PT + dt.timedelta(days=4), tick=False):
        sla_sweep()
        weeks = compliance_by_week(team=team, weeks=2)
    this_week = weeks[-1]
    assert this_week["met"] == 1 and this_week["breached"] == 1
    assert this_week["compliance"] == 50.0
    assert weeks[0]["total"] == 0 and weeks[0]["compliance"] is None


def test_policy_edit_in_admin_is_audited_esc_5(admin_user, rf, db):
    from escalations.admin import SlaPolicyAdmin

    policy = SlaPolicy.objects.get(kind=None, metric=Metric.FIRST_RESPONSE)
    admin = SlaPolicyAdmin(SlaPolicy, AdminSite())
    request = rf.post("/")
    request.user = admin_user
    policy.duration_seconds = 20 * 3600
    admin.save_model(request, policy, form=None, change=True)
    entry = AuditEvent.objects.for_object(policy).get()
    assert entry.before["duration_seconds"] == 24 * 3600
    assert entry.after["duration_seconds"] == 20 * 3600
    assert entry.actor == admin_user
    assert SlaClock.objects.count() == 0
