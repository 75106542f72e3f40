"""ESC-5: the client follow-up of an unresponsive-freelancer or refund case is DUE at the
48-hour mark and breached only when no follow-up happens within the admin-set grace
(default 4 calendar hours); a follow-up inside the grace meets it on time."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from core.models import Notification, SlaClock
from escalations.models import Macro, Metric, UflSettings
from escalations.services import call_log_create, macro_send

from .ufl_helpers import T0, H, attempt, open_refund_case, sweep

pytestmark = pytest.mark.django_db
S = H / 3600


def _follow_up(case) -> SlaClock:
    return case.sla_clocks.get(metric=Metric.CLIENT_FOLLOW_UP)


def _breach_notices(user, clock) -> int:
    return Notification.objects.filter(
        recipient=user, kind="sla_breach", target_id=str(clock.pk)
    ).count()


def test_follow_up_call_at_48_30_is_met_on_time_esc_5(agent, django_capture_on_commit_callbacks):
    case = open_refund_case(agent)
    attempt(case, agent)
    sweep(T0 + 48 * H, django_capture_on_commit_callbacks)
    with time_machine.travel(T0 + 48.5 * H, tick=False):
        call_log_create(case=case, agent=agent, party="client", outcome="connected")
    clock = _follow_up(case)
    assert clock.state == "met" and clock.met_at == T0 + 48.5 * H
    assert clock.breached_at is None and not clock.met_late
    sweep(T0 + 60 * H, django_capture_on_commit_callbacks)
    assert _follow_up(case).breached_at is None


def test_no_follow_up_by_52_00_01_breaches_once_and_lead_hears_only_then_esc_5(
    agent, lead, django_capture_on_commit_callbacks
):
    case = open_refund_case(agent)
    attempt(case, agent)
    clock = _follow_up(case)
    for at in (T0 + 48 * H, T0 + 50 * H, T0 + 52 * H - S):
        sweep(at, django_capture_on_commit_callbacks)
        assert _follow_up(case).state == "running", at
        assert _breach_notices(lead, clock) == 0, at
    assert Notification.objects.filter(recipient=agent, kind="ufl_exhausted").count() == 1
    exhausted = Notification.objects.get(recipient=agent, kind="ufl_exhausted")
    assert "due now" in exhausted.body and "within 4 hours" in exhausted.body

    sweep(T0 + 52 * H + S, django_capture_on_commit_callbacks)
    sweep(T0 + 53 * H, django_capture_on_commit_callbacks)
    clock.refresh_from_db()
    assert clock.state == "breached" and clock.breached_at == T0 + 52 * H
    assert _breach_notices(lead, clock) == 1


def test_client_visible_message_after_exhaustion_meets_the_follow_up_esc_5(
    agent, django_capture_on_commit_callbacks
):
    case = open_refund_case(agent)
    attempt(case, agent)
    sweep(T0 + 48 * H, django_capture_on_commit_callbacks)
    macro = Macro.objects.create(name="Options", slug="options", body="Here are your options.")
    with time_machine.travel(T0 + 51 * H, tick=False):
        macro_send(macro=macro, case=case, agent=agent)
    clock = _follow_up(case)
    assert clock.state == "met" and clock.met_at == T0 + 51 * H and not clock.met_late


def test_due_at_the_mark_and_breach_after_the_admin_grace_in_the_api_esc_5(
    agent, agent_api, django_capture_on_commit_callbacks
):
    settings = UflSettings.load()
    settings.follow_up_grace_hours = 1
    settings.save()
    case = open_refund_case(agent)
    attempt(case, agent)
    with time_machine.travel(T0 + H, tick=False):
        body = agent_api.get(f"/api/v1/cases/{case.reference}/ufl/").json()
    assert dt.datetime.fromisoformat(body["follow_up_due_at"]) == T0 + 48 * H
    assert dt.datetime.fromisoformat(body["follow_up_breach_at"]) == T0 + 49 * H  # 1 h grace
    sweep(T0 + 49 * H - S, django_capture_on_commit_callbacks)
    assert _follow_up(case).state == "running"
    sweep(T0 + 49 * H + S, django_capture_on_commit_callbacks)
    assert _follow_up(case).state == "breached"


def test_case_page_says_follow_up_with_the_client_now_esc_5(
    client, agent, django_capture_on_commit_callbacks
):
    case = open_refund_case(agent)
    attempt(case, agent)
    sweep(T0 + 48 * H, django_capture_on_commit_callbacks)
    client.force_login(agent)
    with time_machine.travel(T0 + 48.5 * H, tick=False):
        page = client.get(f"/cases/{case.reference}/").content.decode()
    assert "Follow up with the client now" in page
