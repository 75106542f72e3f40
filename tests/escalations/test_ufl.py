"""The 48-hour unresponsive-freelancer and refund process (UFL-1 to UFL-7, ESC-5, ESC-6).

Through the services and the sweep, at known instants (time-machine).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.core import mail

from core.errors import Conflict, IllegalTransition, InvalidInput
from core.models import AuditEvent, ClockState, Notification, SlaClock
from escalations.models import (
    UFL_RESEARCH_KEYS,
    Case,
    EventKind,
    Kind,
    Metric,
    NdfMark,
    PlanStatus,
    Status,
    UflPlan,
    UflSettings,
    Visibility,
)
from escalations.selectors import ndf_count_for_freelancer
from escalations.services import (
    call_log_create,
    case_transition,
    ufl_claim_record,
    ufl_claim_update,
    ufl_outcome_record,
    ufl_plan_update,
    ufl_reply_record,
    ufl_stringent_add,
)
from escalations.services.ndf import ndf_mark
from escalations.ufl_reads import ufl_plan_view
from integrations.models import OutboundEvent

from .ufl_helpers import T0, H, attempt, open_refund_case, research_done, sweep

pytestmark = pytest.mark.django_db


def plan_of(case) -> UflPlan:
    return UflPlan.objects.get(case=case)


def reminders(agent, kind="ufl_attempt_due"):
    return list(Notification.objects.filter(recipient=agent, kind=kind).order_by("id"))


def close(case, agent):
    case_transition(case=case, to_status=Status.WAITING_ON_FREELANCER, actor=agent)
    return case_transition(case=case, to_status=Status.CLOSED, actor=agent, reason="left")


def open_plan_clocks(case):
    return SlaClock.objects.filter(
        ufl_plan__case=case, state__in=[ClockState.RUNNING, ClockState.PAUSED]
    )


# UFL-1: expectations ------------------------------------------------------------------------
def test_opening_records_the_expectations_client_visible_from_the_template_ufl_1(agent):
    settings = UflSettings.load()
    settings.expectations_template = "Hi {{ client_first_name }}: 48 hours, then options."
    settings.save()
    case = open_refund_case(agent)
    entry = case.events.get(data__ufl="expectations")
    assert entry.visibility == Visibility.CLIENT_VISIBLE
    assert entry.body == "Hi Dana: 48 hours, then options."
    # The stringent reminders are never the default.
    assert not case.events.filter(data__ufl="stringent").exists()


def test_default_expectations_name_the_plan_and_the_options_ufl_1(agent):
    case = open_refund_case(agent, kind=Kind.UNRESPONSIVE_FREELANCER)
    body = case.events.get(data__ufl="expectations").body
    for words in (
        "several times over the next 48 hours",
        "exhausted",
        "close the contract",
        "leave",
        "code review",
        "new hire with our help",
    ):
        assert words in body


def test_stringent_reminders_are_an_optional_block_added_once_ufl_1(agent):
    case = open_refund_case(agent)
    ufl_stringent_add(case=case, agent=agent)
    entry = case.events.get(data__ufl="stringent")
    assert entry.visibility == Visibility.CLIENT_VISIBLE
    assert "escrow agent" in entry.body and "no legal authority" in entry.body
    with pytest.raises(Conflict):
        ufl_stringent_add(case=case, agent=agent)
    assert case.events.filter(data__ufl="stringent").count() == 1


def test_general_case_gets_no_plan_ufl_1(agent, make_case):
    case = make_case(kind=Kind.GENERAL)
    assert not UflPlan.objects.filter(case=case).exists()


# UFL-4: research before contact ------------------------------------------------------------
def test_research_items_record_who_and_when_ufl_4(agent):
    case = open_refund_case(agent)
    assert set(case.checklist.values_list("key", flat=True)) >= set(UFL_RESEARCH_KEYS)
    research_done(case, agent)
    item = case.checklist.get(key="ufl_contact_info")
    assert item.done and item.done_by == agent and item.done_at == T0 - H / 2
    assert item.note == "checked"


def test_first_attempt_before_research_asks_for_confirmation_ufl_4(agent):
    case = open_refund_case(agent)
    with pytest.raises(InvalidInput) as err:
        attempt(case, agent, research_incomplete_ok=False)
    assert err.value.field == "research_incomplete_ok"
    assert plan_of(case).status == PlanStatus.PLANNED
    assert not plan_of(case).attempts.exists()
    attempt(case, agent, research_incomplete_ok=True)
    plan = plan_of(case)
    assert plan.status == PlanStatus.CONTACTING and plan.research_skipped_by == agent


def test_first_attempt_after_research_needs_no_confirmation_ufl_4(agent):
    case = open_refund_case(agent)
    research_done(case, agent)
    attempt(case, agent, research_incomplete_ok=False)
    assert plan_of(case).research_skipped_by is None


# UFL-2: the schedule ------------------------------------------------------------------------
def test_attempts_due_at_exactly_24h_and_44h_after_the_first_ufl_2(
    agent, django_capture_on_commit_callbacks
):
    case = open_refund_case(agent)
    attempt(case, agent)
    sweep(T0 + 24 * H - dt.timedelta(seconds=1), django_capture_on_commit_callbacks)
    assert reminders(agent) == []
    sweep(T0 + 24 * H, django_capture_on_commit_callbacks)
    assert [n.title for n in reminders(agent)] == [f"Contact attempt 2 is due on {case.reference}"]
    sweep(T0 + 30 * H, django_capture_on_commit_callbacks)  # once, not at every sweep
    assert len(reminders(agent)) == 1
    sweep(T0 + 44 * H - dt.timedelta(seconds=1), django_capture_on_commit_callbacks)
    assert len(reminders(agent)) == 1
    sweep(T0 + 44 * H, django_capture_on_commit_callbacks)
    assert [n.title for n in reminders(agent)][1] == (
        f"Contact attempt 3 is due on {case.reference}"
    )
    # In-app and by email.
    subjects = [m.subject for m in mail.outbox]
    assert any("Contact attempt 2 is due" in s for s in subjects)
    assert any("Contact attempt 3 is due" in s for s in subjects)


def test_attempt_made_before_its_due_time_is_not_reminded_ufl_2(
    agent, django_capture_on_commit_callbacks
):
    case = open_refund_case(agent)
    attempt(case, agent)
    attempt(case, agent, at=T0 + 23 * H, channel="email")
    sweep(T0 + 25 * H, django_capture_on_commit_callbacks)
    assert reminders(agent) == []


def test_offsets_are_admin_set_ufl_2(agent, django_capture_on_commit_callbacks):
    settings = UflSettings.load()
    settings.attempt_offsets_hours = [0, 6]
    settings.save()
    case = open_refund_case(agent)
    attempt(case, agent)
    sweep(T0 + 6 * H, django_capture_on_commit_callbacks)
    assert [n.title for n in reminders(agent)] == [f"Contact attempt 2 is due on {case.reference}"]
    assert [s.offset_hours for s in ufl_plan_view(case).schedule] == [0, 6]


def test_attempt_records_channel_instants_delivery_and_outcome_ufl_2(agent):
    case = open_refund_case(agent)
    ufl_plan_update(case=case, actor=agent, freelancer_time_zone="Asia/Manila")
    made = attempt(case, agent, channel="sms", delivery_status="sent", outcome="no_answer")
    assert (made.channel, made.delivery_status, made.outcome) == ("sms", "sent", "no_answer")
    assert made.at == T0
    assert made.freelancer_local == "2026-06-01T23:00:00+08:00"


def test_schedule_across_a_dst_change_is_48_real_hours_ufl_3(
    agent, django_capture_on_commit_callbacks
):
    """US clocks spring forward on 8 March 2026: 48 real hours, 49 on New York's wall."""
    new_york = zoneinfo.ZoneInfo("America/New_York")
    first = dt.datetime(2026, 3, 7, 9, 0, tzinfo=new_york)  # Saturday 09:00 EST
    case = open_refund_case(agent, opened=first - H)
    ufl_plan_update(case=case, actor=agent, freelancer_time_zone="America/New_York")
    attempt(case, agent, at=first)
    # In UTC: adding to a zoned datetime would add wall-clock hours (Monday 09:00 EDT).
    mark = first.astimezone(dt.UTC) + dt.timedelta(hours=48)
    assert mark.astimezone(new_york).hour == 10  # Monday 10:00 EDT on the wall clock
    sweep(mark - dt.timedelta(seconds=1), django_capture_on_commit_callbacks)
    assert plan_of(case).status == PlanStatus.CONTACTING
    sweep(mark, django_capture_on_commit_callbacks)
    plan = plan_of(case)
    assert plan.status == PlanStatus.EXHAUSTED
    assert plan.exhausted_at == mark
    assert plan.exhausted_at - plan.first_attempt_at == dt.timedelta(hours=48)


# UFL-3: exhaustion --------------------------------------------------------------------------
def test_at_48_hours_without_reply_the_avenue_is_exhausted_once_ufl_3(
    agent, django_capture_on_commit_callbacks
):
    case = open_refund_case(agent)
    attempt(case, agent)
    sweep(T0 + 48 * H, django_capture_on_commit_callbacks)
    sweep(T0 + 49 * H, django_capture_on_commit_callbacks)
    plan = plan_of(case)
    assert plan.status == PlanStatus.EXHAUSTED and plan.exhausted_at == T0 + 48 * H
    assert AuditEvent.objects.filter(action="ufl.exhausted").count() == 1
    assert case.events.filter(data__ufl="exhausted").count() == 1
    assert len(reminders(agent, "ufl_exhausted")) == 1
    assert OutboundEvent.objects.filter(event_type="case.ufl_exhausted").count() == 1
    # ESC-5: the client follow-up clock is due at the mark, and the page says so in words.
    # The clock itself breaches only after the admin-set grace (default 4 hours).
    follow_up = case.sla_clocks.get(metric=Metric.CLIENT_FOLLOW_UP)
    assert follow_up.due_at == T0 + 52 * H and follow_up.state == "running"
    view = ufl_plan_view(case, now=T0 + 49 * H)
    assert view.follow_up_due_at == T0 + 48 * H
    assert "exhausted" in view.headline and "Follow up with the client" in view.headline
    assert open_plan_clocks(case).count() == 0


def test_no_more_attempts_once_exhausted_ufl_3(agent, django_capture_on_commit_callbacks):
    case = open_refund_case(agent)
    attempt(case, agent)
    sweep(T0 + 48 * H, django_capture_on_commit_callbacks)
    with pytest.raises(Conflict):
        attempt(case, agent, at=T0 + 48 * H + H)
    assert plan_of(case).attempts.count() == 1


def test_client_call_after_exhaustion_meets_the_follow_up_esc_5(
    agent, django_capture_on_commit_callbacks
):
    case = open_refund_case(agent)
    attempt(case, agent)
    sweep(T0 + 48 * H, django_capture_on_commit_callbacks)
    with time_machine.travel(T0 + 49 * H, tick=False):
        call_log_create(case=case, agent=agent, party="client", outcome="connected")
    follow_up = case.sla_clocks.get(metric=Metric.CLIENT_FOLLOW_UP)
    assert follow_up.met_at == T0 + 49 * H
    assert plan_of(case).client_followed_up_at == T0 + 49 * H


# A reply: mediation -------------------------------------------------------------------------
def test_reply_at_47_59_stops_everything_before_exhaustion_ufl_2(
    agent, django_capture_on_commit_callbacks
):
    case = open_refund_case(agent)
    attempt(case, agent)
    reply_at = T0 + 47 * H + dt.timedelta(minutes=59)
    with time_machine.travel(reply_at, tick=False):
        ufl_reply_record(case=case, actor=agent, summary="Will deliver the files by Friday.")
    sweep(T0 + 72 * H, django_capture_on_commit_callbacks)
    plan = plan_of(case)
    assert plan.status == PlanStatus.MEDIATION and plan.exhausted_at is None
    assert plan.replied_at == reply_at
    assert open_plan_clocks(case).count() == 0
    assert reminders(agent) == [] and reminders(agent, "ufl_exhausted") == []
    assert not AuditEvent.objects.filter(action="ufl.exhausted").exists()


def test_reply_after_the_mark_still_moves_to_mediation_ufl_3(
    agent, django_capture_on_commit_callbacks
):
    case = open_refund_case(agent)
    attempt(case, agent)
    sweep(T0 + 48 * H, django_capture_on_commit_callbacks)
    reply_at = T0 + 48 * H + dt.timedelta(seconds=1)
    with time_machine.travel(reply_at, tick=False):
        ufl_reply_record(case=case, actor=agent, summary="Sorry, I was ill. Partial refund?")
    plan = plan_of(case)
    assert plan.status == PlanStatus.MEDIATION
    assert plan.exhausted_at == T0 + 48 * H and plan.replied_at == reply_at


def test_reply_after_the_mark_before_any_sweep_exhausts_at_the_mark_first_ufl_3(
    agent, django_capture_on_commit_callbacks
):
    case = open_refund_case(agent)
    attempt(case, agent)
    with (
        time_machine.travel(T0 + 48 * H + dt.timedelta(seconds=1), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        ufl_reply_record(case=case, actor=agent, summary="Here now.")
    sweep(T0 + 50 * H, django_capture_on_commit_callbacks)
    plan = plan_of(case)
    assert plan.status == PlanStatus.MEDIATION and plan.exhausted_at == T0 + 48 * H
    assert AuditEvent.objects.filter(action="ufl.exhausted").count() == 1


def test_mediation_shows_three_paths_and_the_clients_wishes_ufl_2(agent):
    case = open_refund_case(agent)
    ufl_plan_update(case=case, actor=agent, client_wishes="A 50% refund or the source files.")
    attempt(case, agent)
    with time_machine.travel(T0 + 2 * H, tick=False):
        ufl_reply_record(case=case, actor=agent, summary="Can deliver what is done.")
    view = ufl_plan_view(case)
    assert [label for _, label in view.paths] == [
        "Partial refund",
        "Delivery of the work done",
        "Completion of the project",
    ]
    assert view.plan.client_wishes == "A 50% refund or the source files."
    assert OutboundEvent.objects.filter(event_type="case.ufl_freelancer_replied").count() == 1


def test_reply_on_a_case_that_is_not_ufl_is_refused_ufl_2(agent, make_case):
    from escalations.services import case_claim

    case = case_claim(case=make_case(kind=Kind.GENERAL), agent=agent)
    with pytest.raises(Conflict):
        ufl_reply_record(case=case, actor=agent, summary="hello")
    assert not UflPlan.objects.filter(case=case).exists()


# Bad input: attempts ------------------------------------------------------------------------
def test_attempt_on_a_closed_case_is_refused_and_changes_nothing_ufl_2(agent):
    case = open_refund_case(agent)
    with time_machine.travel(T0 - H / 2, tick=False):
        case = close(case, agent)
    with pytest.raises(IllegalTransition):
        attempt(case, agent)
    assert not plan_of(case).attempts.exists()


def test_attempt_before_the_case_opened_or_in_the_future_is_refused_ufl_2(agent):
    case = open_refund_case(agent)
    with pytest.raises(InvalidInput) as before, time_machine.travel(T0, tick=False):
        from escalations.services import ufl_attempt_record

        ufl_attempt_record(
            case=case,
            agent=agent,
            channel="email",
            delivery_status="sent",
            outcome="no_response",
            at=T0 - 2 * H,
            research_incomplete_ok=True,
        )
    assert before.value.field == "at"
    with pytest.raises(InvalidInput) as future, time_machine.travel(T0, tick=False):
        from escalations.services import ufl_attempt_record

        ufl_attempt_record(
            case=case,
            agent=agent,
            channel="email",
            delivery_status="sent",
            outcome="no_response",
            at=T0 + 2 * H,
            research_incomplete_ok=True,
        )
    assert future.value.field == "at"
    assert plan_of(case).status == PlanStatus.PLANNED and not plan_of(case).attempts.exists()
    assert not SlaClock.objects.filter(ufl_plan__case=case).exists()


def test_unknown_channel_is_refused_ufl_2(agent):
    case = open_refund_case(agent)
    with pytest.raises(InvalidInput) as err:
        attempt(case, agent, channel="pigeon")
    assert err.value.field == "channel"
    assert not plan_of(case).attempts.exists()


# A closed case cancels the schedule ----------------------------------------------------------
def test_closing_the_case_cancels_the_schedule_ufl_7(agent, django_capture_on_commit_callbacks):
    case = open_refund_case(agent)
    attempt(case, agent)
    with time_machine.travel(T0 + H, tick=False):
        close(case, agent)
    assert open_plan_clocks(case).count() == 0
    sweep(T0 + 50 * H, django_capture_on_commit_callbacks)
    assert reminders(agent) == [] and reminders(agent, "ufl_exhausted") == []
    assert plan_of(case).status == PlanStatus.STOPPED


# UFL-7: outcomes ----------------------------------------------------------------------------
def test_resolved_outcome_stops_every_clock_and_is_recorded_once_ufl_7(agent):
    case = open_refund_case(agent)
    attempt(case, agent)
    with time_machine.travel(T0 + 3 * H, tick=False):
        ufl_reply_record(case=case, actor=agent, summary="Offers a partial refund.")
        ufl_outcome_record(case=case, actor=agent, outcome="partial_refund", summary="40% back.")
        with pytest.raises(Conflict):
            ufl_outcome_record(case=case, actor=agent, outcome="delivery")
    plan = plan_of(case)
    assert plan.status == PlanStatus.RESOLVED and plan.outcome == "partial_refund"
    assert open_plan_clocks(case).count() == 0
    follow_up = case.sla_clocks.get(metric=Metric.CLIENT_FOLLOW_UP)
    assert follow_up.state == ClockState.MET
    assert OutboundEvent.objects.filter(event_type="case.ufl_outcome").count() == 1


def test_not_resolvable_needs_the_client_told_of_the_options_ufl_7(
    agent, django_capture_on_commit_callbacks
):
    case = open_refund_case(agent)
    attempt(case, agent)
    sweep(T0 + 48 * H, django_capture_on_commit_callbacks)
    with pytest.raises(InvalidInput) as err:
        ufl_outcome_record(case=case, actor=agent, outcome="not_resolvable")
    assert err.value.field == "client_told_options"
    ufl_outcome_record(case=case, actor=agent, outcome="not_resolvable", client_told_options=True)
    assert plan_of(case).status == PlanStatus.NOT_RESOLVABLE


def test_resolution_with_the_freelancer_needs_their_reply_ufl_7(agent):
    case = open_refund_case(agent)
    attempt(case, agent)
    with pytest.raises(Conflict):
        ufl_outcome_record(case=case, actor=agent, outcome="completion")
    assert plan_of(case).outcome == ""


# UFL-5: claims and NDF ----------------------------------------------------------------------
def test_claims_carry_verification_status_and_evidence_ufl_5(agent):
    case = open_refund_case(agent)
    claim = ufl_claim_record(
        case=case,
        actor=agent,
        kind="work_diary",
        claimed_by="client",
        description="Logged 30 hours with blank screenshots.",
    )
    assert claim.status == "reported"
    ufl_claim_update(claim=claim, actor=agent, status="verifying")
    ufl_claim_update(claim=claim, actor=agent, status="verified", evidence_notes="Diary shows it")
    claim.refresh_from_db()
    assert (claim.status, claim.evidence_notes, claim.updated_by) == (
        "verified",
        "Diary shows it",
        agent,
    )
    with pytest.raises(InvalidInput):
        ufl_claim_update(claim=claim, actor=agent, status="proven")


def test_marking_ndf_opens_a_linked_case_and_counts_per_freelancer_ufl_5(agent, lead):
    assert ndf_count_for_freelancer("~01sam") == 0
    first = open_refund_case(agent)
    mark = ndf_mark(case=first, actor=agent, reason="Took payment, never delivered.")
    ndf_case = mark.ndf_case
    assert ndf_case.kind == Kind.NON_DELIVERY_FRAUD and ndf_case.team == first.team
    assert ndf_case.priority == "high" and ndf_case.freelancer_id == "~01sam"
    assert Notification.objects.filter(recipient=lead, kind="ndf_opened").exists()
    with pytest.raises(Conflict):
        ndf_mark(case=first, actor=agent, reason="again")
    second = open_refund_case(agent)
    ndf_mark(case=second, actor=agent, reason="Same pattern.")
    assert ndf_count_for_freelancer("~01sam") == 2
    assert ndf_count_for_freelancer("~01other") == 0
    payload = OutboundEvent.objects.filter(event_type="case.ndf_opened").first().payload
    assert "reason" not in str(payload) and "dana@example.com" not in str(payload)
    assert NdfMark.objects.count() == 2


def test_ndf_needs_the_freelancer_id_ufl_5(agent):
    case = open_refund_case(agent, freelancer_id="")
    with pytest.raises(InvalidInput) as err:
        ndf_mark(case=case, actor=agent, reason="x")
    assert err.value.field == "freelancer_id"
    assert not Case.objects.filter(kind=Kind.NON_DELIVERY_FRAUD).exists()


# Nothing internal reaches the client ---------------------------------------------------------
def test_outbound_events_carry_no_notes_or_contact_details_esc_7(agent):
    case = open_refund_case(agent, client_phone="+1 555 0100")
    attempt(case, agent, note="SECRET-ATTEMPT-NOTE")
    with time_machine.travel(T0 + H, tick=False):
        ufl_reply_record(case=case, actor=agent, summary="ok")
    for event in OutboundEvent.objects.filter(event_type__startswith="case.ufl"):
        text = str(event.payload)
        assert "SECRET" not in text and "dana@example.com" not in text and "555" not in text


def test_timeline_kinds_of_the_process_stay_internal_esc_7(agent):
    case = open_refund_case(agent)
    attempt(case, agent, note="SECRET-ATTEMPT-NOTE")
    internal = case.events.filter(
        kind__in=[EventKind.CONTACT_ATTEMPT, EventKind.UFL, EventKind.CLAIM]
    )
    assert internal.exists()
    assert not internal.filter(visibility=Visibility.CLIENT_VISIBLE).exists()
    assert not case.events.filter(body__contains="SECRET").exists()


# The operators' command ---------------------------------------------------------------------
def test_sla_sweep_command_runs_one_sweep_now_ufl_3(agent, django_capture_on_commit_callbacks):
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    case = open_refund_case(agent)
    attempt(case, agent)
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("sla_sweep", now=(T0 + 48 * H).isoformat(), stdout=out)
    assert "breached" in out.getvalue()
    assert plan_of(case).status == PlanStatus.EXHAUSTED
    with pytest.raises(CommandError):
        call_command("sla_sweep", now="yesterday", stdout=out)


def test_minimal_contact_attempt_endpoint_logs_into_the_plan_ufl_2(agent):
    from escalations.services import case_record_contact_attempt

    case = open_refund_case(agent)
    with time_machine.travel(T0, tick=False):
        event = case_record_contact_attempt(
            case=case,
            agent=agent,
            channel="phone",
            outcome="left a voicemail",
            research_incomplete_ok=True,  # UFL-4: the same gate as /ufl/attempts/
        )
    made = plan_of(case).attempts.get()
    assert event.data["attempt"] == made.pk
    assert (made.channel, made.delivery_status, made.outcome) == (
        "phone",
        "not_applicable",
        "voicemail",
    )
    assert plan_of(case).status == PlanStatus.CONTACTING
    with pytest.raises(InvalidInput):
        case_record_contact_attempt(case=case, agent=agent, channel="carrier pigeon")


def test_resolving_the_case_meets_the_plan_clocks_ufl_7(agent):
    case = open_refund_case(agent)
    attempt(case, agent)
    with time_machine.travel(T0 + H, tick=False):
        case_transition(case=case, to_status=Status.RESOLVED, actor=agent, reason="sorted")
    states = set(SlaClock.objects.filter(ufl_plan__case=case).values_list("state", flat=True))
    assert states == {ClockState.MET}
    assert plan_of(case).status == PlanStatus.STOPPED


def test_changing_the_kind_away_from_ufl_stops_the_schedule_ufl_7(agent):
    from escalations.services import case_update

    case = open_refund_case(agent)
    attempt(case, agent)
    with time_machine.travel(T0 + H, tick=False):
        case_update(case=case, actor=agent, kind=Kind.GENERAL)
    assert open_plan_clocks(case).count() == 0
    assert plan_of(case).status == PlanStatus.STOPPED


def test_unassigned_case_reminds_the_teams_lead_ufl_2(
    agent, lead, django_capture_on_commit_callbacks
):
    from escalations.services import case_create

    with time_machine.travel(T0 - H, tick=False):
        case = case_create(
            actor=lead,
            title="Refund, nobody has taken it yet",
            client_name="Ola Client",
            kind=Kind.REFUND_REQUEST,
        )
    attempt(case, lead)
    sweep(T0 + 24 * H, django_capture_on_commit_callbacks)
    assert len(reminders(lead)) == 1
