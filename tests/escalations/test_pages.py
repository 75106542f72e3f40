"""The escalations pages through Django's test client: roles, htmx fragments, bad input.

Every refused action shows its message and changes nothing (never a 500).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from core.models import AuditEvent, SlaClock
from core.sla import sla_sweep
from escalations.models import (
    Case,
    CaseEvent,
    ChecklistItem,
    ContactInfoRequest,
    EventKind,
    Kind,
    Macro,
    NcoAssessment,
    Segment,
    Status,
    Visibility,
)
from escalations.services import case_claim, contact_request_create, nco_intake
from tests.factories import TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


def _login(client, user):
    client.force_login(user)
    return client


def _breached_case(make_case, **fields):
    """A case whose first-response clock breached (started 10 days ago, then swept)."""
    case = make_case(created_at=timezone.now() - dt.timedelta(days=10), **fields)
    sla_sweep()
    return case


# Queue (TEAM-1) ------------------------------------------------------------------------
def test_pages_require_login(client):
    for url in ("/queue/", "/breaches/", "/outreach/", "/cases/new/"):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_queue_shows_my_cases_and_unassigned_most_urgent_first_team_1(
    client, make_case, agent, other_agent
):
    general = make_case(title="General question")  # 24 business hours
    nco = make_case(
        title="Enterprise prospect", kind=Kind.NEW_CLIENT_OUTREACH, client_segment="enterprise"
    )  # 15 working minutes
    mine = case_claim(case=make_case(title="Mine already"), agent=agent)
    theirs = case_claim(case=make_case(title="Someone else's"), agent=other_agent)

    page = _login(client, agent).get("/queue/").content.decode()

    assert theirs.reference not in page
    for case in (general, nco, mine):
        assert case.reference in page
    refs = re.findall(r'id="row-(ESC-\d+)"', page)
    assert refs.index(nco.reference) < refs.index(general.reference)
    # A live countdown: the due time in ISO UTC for the script, in the viewer's zone for people.
    clock = SlaClock.objects.get(object_id=nco.pk, metric="first_response")
    assert f'data-due="{clock.due_at.astimezone(dt.UTC):%Y-%m-%dT%H:%M:%SZ}"' in page
    assert "js/escalations" in page


def test_queue_puts_breached_cases_first_team_1(client, make_case, agent):
    urgent = make_case(
        title="Enterprise prospect", kind=Kind.NEW_CLIENT_OUTREACH, client_segment="enterprise"
    )
    breached = _breached_case(make_case, title="Waited too long")

    page = _login(client, agent).get("/queue/").content.decode()

    refs = re.findall(r'id="row-(ESC-\d+)"', page)
    assert refs[:2] == [breached.reference, urgent.reference]
    assert "countdown-breached" in page and "breached " in page


def test_queue_filters_return_an_htmx_fragment(client, make_case, agent):
    nco = make_case(kind=Kind.NEW_CLIENT_OUTREACH, client_segment="enterprise")
    general = make_case()

    response = _login(client, agent).get("/queue/?kind=new_client_outreach", **HX)

    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body and 'id="queue-table"' in body
    assert nco.reference in body and general.reference not in body


def test_queue_unknown_filter_value_is_reported_not_a_500(client, make_case, agent):
    case = make_case()
    response = _login(client, agent).get("/queue/?kind=bogus&priority=normal")
    assert response.status_code == 200
    assert "not recognised" in response.content.decode()
    assert case.reference in response.content.decode()


def test_lead_sees_team_queue_with_agent_filter_team_1(client, make_case, agent, other_agent, lead):
    a = case_claim(case=make_case(title="Agent's"), agent=agent)
    b = case_claim(case=make_case(title="Other's"), agent=other_agent)
    _login(client, lead)

    page = client.get("/queue/").content.decode()
    assert "Team queue" in page and a.reference in page and b.reference in page
    assert 'name="agent"' in page

    filtered = client.get(f"/queue/?agent={other_agent.username}", **HX).content.decode()
    assert b.reference in filtered and a.reference not in filtered


def test_claim_inline_from_queue_and_conflict_in_place_esc_4(client, make_case, agent, other_agent):
    case = make_case(actor=other_agent)
    _login(client, agent)
    response = client.post(f"/cases/{case.reference}/claim/", {"context": "queue"}, **HX)
    assert response.status_code == 200
    assert "Yours now" in response.content.decode()
    assert response.content.decode().lstrip().startswith("<tr")
    # The page head's counts come along as an out-of-band swap.
    assert (
        'id="queue-summary" class="muted" hx-swap-oob="true">1 assigned to you · 0 unassigned'
        in (response.content.decode())
    )

    _login(client, other_agent)
    response = client.post(f"/cases/{case.reference}/claim/", {"context": "queue"}, **HX)
    assert response.status_code == 409
    assert "already claimed by" in response.content.decode()
    case.refresh_from_db()
    assert case.assignee == agent


# Case page (ESC-1 to ESC-7, NCO-3) -------------------------------------------------------
def test_case_page_shows_header_clocks_and_timeline_esc_1(client, make_case, agent):
    case = make_case(client_company="Acme Inc", priority="high")
    page = _login(client, agent).get(f"/cases/{case.reference}/").content.decode()
    for text in (
        case.reference,
        case.title,
        "Acme Inc",
        "High priority",
        'data-status="new"',
        "First response",
        'id="case-timeline"',
        "Case opened from support ticket",
        "m taking this case",
    ):
        assert text in page, text


def test_unknown_case_is_a_404(client, agent):
    assert _login(client, agent).get("/cases/ESC-999999/").status_code == 404
    assert client.get("/cases/nonsense/").status_code == 404


def test_case_page_offers_only_allowed_transitions_esc_3(client, make_case, agent, other_agent):
    case = case_claim(case=make_case(), agent=agent)
    page = _login(client, agent).get(f"/cases/{case.reference}/").content.decode()
    offered = set(re.findall(r'name="to" value="([a-z_]+)"', page))
    assert offered == {
        "new",
        "in_progress",
        "waiting_on_client",
        "waiting_on_freelancer",
        "handed_off",
        "resolved",
    }
    # Someone who may not work the case sees no transition at all.
    page = _login(client, other_agent).get(f"/cases/{case.reference}/").content.decode()
    assert 'name="to"' not in page


def test_transition_to_waiting_on_client_pauses_clocks_esc_3(client, make_case, agent):
    case = make_case(kind=Kind.UNRESPONSIVE_FREELANCER)
    _login(client, agent)
    client.post(f"/cases/{case.reference}/claim/", **HX)
    client.post(
        f"/cases/{case.reference}/contact-requests/", {}, **HX
    )  # bad input on another panel does not disturb the case
    response = client.post(f"/cases/{case.reference}/transition/", {"to": "in_progress"}, **HX)
    assert response.status_code == 200
    response = client.post(
        f"/cases/{case.reference}/transition/", {"to": "waiting_on_client"}, **HX
    )
    body = response.content.decode()
    assert response.status_code == 200 and 'id="case-body"' in body
    assert 'data-status="waiting_on_client"' in body
    case.refresh_from_db()
    assert case.status == Status.WAITING_ON_CLIENT


def test_illegal_transition_shows_message_and_changes_nothing_esc_3(client, make_case, agent):
    case = case_claim(case=make_case(), agent=agent)
    events = case.events.count()
    _login(client, agent)

    response = client.post(f"/cases/{case.reference}/transition/", {"to": "closed"}, **HX)
    assert response.status_code == 409
    assert "cannot move from claimed to closed" in response.content.decode()

    response = client.post(f"/cases/{case.reference}/transition/", {"to": "nonsense"}, **HX)
    assert response.status_code == 400 and "To:" in response.content.decode()

    # Releasing needs a reason: refused without one.
    response = client.post(f"/cases/{case.reference}/transition/", {"to": "new"})
    assert response.status_code == 400
    assert "needs a reason" in response.content.decode()

    case.refresh_from_db()
    assert case.status == Status.CLAIMED and case.events.count() == events


def test_non_assignee_cannot_move_a_case(client, make_case, agent, other_agent):
    case = case_claim(case=make_case(), agent=agent)
    response = _login(client, other_agent).post(
        f"/cases/{case.reference}/transition/", {"to": "resolved"}, **HX
    )
    assert response.status_code == 403
    assert "Only the assignee" in response.content.decode()
    case.refresh_from_db()
    assert case.status == Status.CLAIMED


def test_notes_internal_and_client_visible_are_distinct_esc_7(client, make_case, agent):
    case = case_claim(case=make_case(), agent=agent)
    _login(client, agent)
    response = client.post(
        f"/cases/{case.reference}/notes/",
        {"body": "Research: two similar disputes", "visibility": "internal"},
        **HX,
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="note-form"' in body and 'hx-swap-oob="true"' in body  # timeline refreshed
    client.post(
        f"/cases/{case.reference}/notes/",
        {"body": "We are on it <b>today</b>", "visibility": "client_visible"},
        **HX,
    )
    page = client.get(f"/cases/{case.reference}/").content.decode()
    assert re.search(r'tl-message tl-internal"[^>]*data-kind="note"', page)
    assert re.search(r'tl-message tl-client_visible"[^>]*data-kind="note"', page)
    assert "&lt;b&gt;today&lt;/b&gt;" in page and "<b>today</b>" not in page


def test_note_refusals_show_errors_and_change_nothing_esc_7(client, make_case, agent, other_agent):
    case = case_claim(case=make_case(), agent=agent)
    events = case.events.count()
    _login(client, agent)
    response = client.post(
        f"/cases/{case.reference}/notes/", {"body": "", "visibility": "internal"}, **HX
    )
    assert response.status_code == 400 and "This field is required" in response.content.decode()

    _login(client, other_agent)  # not the assignee: may not write to the client
    response = client.post(
        f"/cases/{case.reference}/notes/",
        {"body": "Hello client", "visibility": "client_visible"},
        **HX,
    )
    assert response.status_code == 403
    assert "Only the assignee" in response.content.decode()
    assert case.events.count() == events


def test_log_a_call_with_probing_answers(client, make_case, agent):
    case = case_claim(case=make_case(), agent=agent)
    _login(client, agent)
    response = client.post(
        f"/cases/{case.reference}/calls/",
        {
            "party": "client",
            "direction": "outbound",
            "outcome": "connected",
            "duration_minutes": "12",
            "q_desired_resolution": "A refund of the last milestone",
        },
        **HX,
    )
    assert response.status_code == 200
    call = case.calls.get()
    assert call.duration_seconds == 720
    assert call.answers == {"desired_resolution": "A refund of the last milestone"}
    page = client.get(f"/cases/{case.reference}/").content.decode()
    assert "How would the client like to see this resolved?" in page

    response = client.post(
        f"/cases/{case.reference}/calls/",
        {
            "party": "client",
            "direction": "outbound",
            "outcome": "teleport",
            "duration_minutes": "-1",
        },
        **HX,
    )
    assert response.status_code == 400
    assert case.calls.count() == 1


def test_macro_preview_escapes_then_send_records_reply_esc_6(client, make_case, agent):
    case = case_claim(case=make_case(client_name="<b>Dana</b> O'Neil"), agent=agent)
    macro = Macro.objects.get(suggest_when_no_phone=True)
    _login(client, agent)

    response = client.get(f"/cases/{case.reference}/macros/preview/?macro={macro.pk}", **HX)
    body = response.content.decode()
    assert response.status_code == 200 and 'id="macro-panel"' in body
    assert "&lt;b&gt;Dana&lt;/b&gt; O&#x27;Neil" in body and "<b>Dana</b>" not in body
    assert "Send to client" in body
    assert not case.events.filter(kind=EventKind.REPLY).exists()  # a preview records nothing

    response = client.post(f"/cases/{case.reference}/macros/send/", {"macro": macro.pk}, **HX)
    assert response.status_code == 200
    reply = case.events.get(kind=EventKind.REPLY)
    assert reply.visibility == Visibility.CLIENT_VISIBLE
    assert "Reply sent" in response.content.decode()


def test_macro_refusals_show_the_message_esc_6(client, make_case, agent, other_agent):
    case = case_claim(case=make_case(issue_summary=""), agent=agent)
    macro = Macro.objects.create(
        name="Needs summary", slug="needs-summary", body="About {{ issue_summary }}"
    )
    Macro.objects.filter(pk=macro.pk).update(body="Hi {{ shoe_size }}")  # bypasses validation
    _login(client, agent)
    response = client.get(f"/cases/{case.reference}/macros/preview/?macro={macro.pk}", **HX)
    assert response.status_code == 400 and "unknown placeholder" in response.content.decode()

    Macro.objects.filter(pk=macro.pk).update(body="About {{ issue_summary }}")
    response = client.get(f"/cases/{case.reference}/macros/preview/?macro={macro.pk}", **HX)
    body = response.content.decode()
    assert response.status_code == 400 and "No value for placeholder" in body
    assert 'name="extra_issue_summary"' in body  # the agent can type the missing value
    response = client.get(
        f"/cases/{case.reference}/macros/preview/?macro={macro.pk}&extra_issue_summary=late+delivery",
        **HX,
    )
    assert response.status_code == 200 and "About late delivery" in response.content.decode()

    _login(client, other_agent)  # may preview, may not send
    response = client.post(f"/cases/{case.reference}/macros/send/", {"macro": macro.pk}, **HX)
    assert response.status_code == 403
    assert not case.events.filter(kind=EventKind.REPLY).exists()


def test_schedule_call_macro_suggested_without_phone_esc_6(client, make_case, agent):
    without = make_case(client_phone="")
    with_phone = make_case(client_phone="+1 415 555 0100")
    _login(client, agent)
    page = client.get(f"/cases/{without.reference}/").content.decode()
    assert "Suggested: " in page and "schedule a call" in page
    page = client.get(f"/cases/{with_phone.reference}/").content.decode()
    assert "Suggested: " not in page


def test_checklist_tick_and_untick_show_who_and_when_nco_3(client, agent, lead):
    case = nco_intake(
        reporter=lead, client_name="Acme Buyer", segment=Segment.ENTERPRISE, job_post_value="9000"
    )
    case = case_claim(case=case, agent=agent)
    item = ChecklistItem.objects.get(case=case, key="enter_in_tracker")
    _login(client, agent)
    url = f"/cases/{case.reference}/checklist/{item.pk}/"

    response = client.post(url, {"done": "1"}, **HX)
    body = response.content.decode()
    assert response.status_code == 200 and 'id="case-checklist"' in body
    item.refresh_from_db()
    assert item.done and item.done_by == agent
    assert agent.get_full_name() in body

    client.post(url, {"done": "0"}, **HX)
    item.refresh_from_db()
    assert not item.done and item.done_by is None


def test_checklist_refused_for_non_assignee_nco_3(client, agent, other_agent, lead):
    case = case_claim(
        case=nco_intake(reporter=lead, client_name="B", segment=Segment.ENTERPRISE), agent=agent
    )
    item = ChecklistItem.objects.get(case=case, key="find_profile")
    response = _login(client, other_agent).post(
        f"/cases/{case.reference}/checklist/{item.pk}/", {"done": "1"}, **HX
    )
    assert response.status_code == 403
    item.refresh_from_db()
    assert not item.done


def test_contact_request_needs_a_lead_approval_esc_7(client, make_case, agent, lead):
    case = case_claim(
        case=make_case(freelancer_name="Fred", freelancer_email="fred@example.com"), agent=agent
    )
    _login(client, agent)
    response = client.post(
        f"/cases/{case.reference}/contact-requests/",
        {"requested_for": "client", "reason": "Client wants to talk to Fred directly"},
        **HX,
    )
    assert response.status_code == 200
    req = ContactInfoRequest.objects.get(case=case)
    page = client.get(f"/cases/{case.reference}/").content.decode()
    assert "Waiting for a lead" in page and "fred@example.com" not in page

    # The agent may not decide; the lead may.
    response = client.post(
        f"/contact-requests/{req.pk}/decide/", {"decision": "approve", "reason": "ok"}, **HX
    )
    assert response.status_code == 403
    _login(client, lead)
    response = client.post(
        f"/contact-requests/{req.pk}/decide/", {"decision": "approve", "reason": ""}, **HX
    )
    assert response.status_code == 400  # a decision needs a reason
    response = client.post(
        f"/contact-requests/{req.pk}/decide/",
        {"decision": "approve", "reason": "Project at risk"},
        **HX,
    )
    # ESC-7: released details go to the requester and the assignee only, never the lead.
    assert response.status_code == 200 and "fred@example.com" not in response.content.decode()
    _login(client, agent)
    assert "fred@example.com" in client.get(f"/cases/{case.reference}/").content.decode()
    assert AuditEvent.objects.filter(action="contact_request.info_read", actor=agent).exists()
    req.refresh_from_db()
    assert req.status == "approved" and req.decided_by == lead


def test_lead_cannot_approve_own_request_esc_7(client, make_case, lead):
    case = make_case()
    req = contact_request_create(case=case, requester=lead, requested_for="client", reason="x")
    response = _login(client, lead).post(
        f"/contact-requests/{req.pk}/decide/", {"decision": "approve", "reason": "mine"}, **HX
    )
    assert response.status_code == 403
    req.refresh_from_db()
    assert req.status == "pending"


def test_lead_assigns_from_the_case_page(client, make_case, agent, lead):
    case = make_case()
    response = _login(client, lead).post(
        f"/cases/{case.reference}/assign/", {"assignee": agent.username}, **HX
    )
    assert response.status_code == 200
    case.refresh_from_db()
    assert case.assignee == agent and case.status == Status.CLAIMED


def test_without_javascript_actions_redirect_with_a_message(client, make_case, agent):
    case = make_case()
    _login(client, agent)
    response = client.post(f"/cases/{case.reference}/claim/")
    assert response.status_code == 302 and response["Location"] == case.get_absolute_url()
    page = client.get(response["Location"]).content.decode()
    assert f"You are taking {case.reference}" in page


# Breach review (ESC-8) ----------------------------------------------------------------------
def test_breach_review_is_for_leads_only_esc_8(client, agent, lead, admin_user):
    response = _login(client, agent).get("/breaches/")
    assert response.status_code == 403
    assert "for team leads and admins" in response.content.decode()
    assert _login(client, lead).get("/breaches/").status_code == 200
    assert _login(client, admin_user).get("/breaches/").status_code == 200


def test_breach_review_lists_filters_and_charts_esc_8(client, make_case, agent, other_agent, lead):
    mine = _breached_case(make_case, title="Agent's breach")
    case_claim(case=mine, agent=agent)
    theirs = _breached_case(make_case, title="Other's breach")
    case_claim(case=theirs, agent=other_agent)
    other_team = TeamFactory(name="Elsewhere")
    stranger = UserFactory(username="stranger", team=other_team)
    foreign = _breached_case(make_case, actor=stranger, title="Not our team")
    _login(client, lead)

    page = client.get("/breaches/").content.decode()
    assert mine.reference in page and theirs.reference in page
    assert foreign.reference not in page
    assert "<svg" in page and "Compliance per week" in page and "0%" in page

    filtered = client.get(f"/breaches/?agent={agent.username}", **HX).content.decode()
    assert 'id="breach-results"' in filtered and "<html" not in filtered
    assert mine.reference in filtered and theirs.reference not in filtered

    today = timezone.localdate()
    future = client.get(f"/breaches/?since={today + dt.timedelta(days=1)}").content.decode()
    assert mine.reference not in future
    bad = client.get("/breaches/?since=2026-05-02&until=2026-05-01")
    assert bad.status_code == 200 and "before the start date" in bad.content.decode()


def test_acknowledge_breach_needs_a_reason_esc_8(client, make_case, agent, lead):
    case = _breached_case(make_case)
    clock = SlaClock.objects.get(object_id=case.pk, state="breached")
    _login(client, lead)
    url = f"/breaches/{clock.pk}/acknowledge/"

    response = client.post(url, {"reason": "  "}, **HX)
    assert response.status_code == 400 and "reason is required" in response.content.decode()
    clock.refresh_from_db()
    assert clock.acknowledged_at is None

    response = client.post(url, {"reason": "Holiday cover gap"}, **HX)
    body = response.content.decode()
    assert response.status_code == 200 and body.lstrip().startswith("<tr")
    assert "Acknowledged" in body and "Holiday cover gap" in body
    clock.refresh_from_db()
    assert clock.acknowledged_by == lead

    response = client.post(url, {"reason": "again"}, **HX)
    assert response.status_code == 409 and "already acknowledged" in response.content.decode()

    _login(client, agent)
    assert client.post(url, {"reason": "me too"}, **HX).status_code == 403


def test_acknowledge_another_teams_breach_is_404_esc_8(client, make_case, lead):
    stranger = UserFactory(username="stranger", team=TeamFactory(name="Elsewhere"))
    case = _breached_case(make_case, actor=stranger)
    clock = SlaClock.objects.get(object_id=case.pk, state="breached")
    response = _login(client, lead).post(
        f"/breaches/{clock.pk}/acknowledge/", {"reason": "x"}, **HX
    )
    assert response.status_code == 404
    clock.refresh_from_db()
    assert clock.acknowledged_at is None


# Outreach tracker (NCO-4) and new cases --------------------------------------------------------
def test_outreach_tracker_filters_and_exports_nco_4(client, agent, lead):
    big = nco_intake(
        reporter=lead,
        client_name="Big Co Buyer",
        client_company="Big Co",
        segment=Segment.ENTERPRISE,
        job_post_value="9000",
    )
    small = nco_intake(reporter=lead, client_name="Solo Sam", segment=Segment.INDIVIDUAL)
    _login(client, agent)

    page = client.get("/outreach/").content.decode()
    assert big.reference in page and small.reference in page and "Routed general" in page

    filtered = client.get("/outreach/?segment=enterprise", **HX).content.decode()
    assert 'id="outreach-table"' in filtered
    assert big.reference in filtered and small.reference not in filtered
    assert "/outreach/export.csv?segment=enterprise" in filtered

    csv = b"".join(client.get("/outreach/export.csv?segment=enterprise").streaming_content)
    assert b"Big Co" in csv and b"Solo Sam" not in csv


def test_new_case_form_opens_a_case_esc_1(client, agent):
    _login(client, agent)
    assert client.get("/cases/new/").status_code == 200
    response = client.post(
        "/cases/new/",
        {
            "form": "case",
            "case-title": "Freelancer vanished",
            "case-kind": "unresponsive_freelancer",
            "case-priority": "high",
            "case-source_channel": "email",
            "case-client_name": "Dana Client",
            "case-client_segment": "small_business",
            "case-contract_spend": "1250.50",
            "case-tags": "vip, repeat",
        },
    )
    case = Case.objects.get(title="Freelancer vanished")
    assert response.status_code == 302 and response["Location"] == case.get_absolute_url()
    assert str(case.contract_spend) == "1250.50" and case.created_by == agent
    assert sorted(case.tags.values_list("name", flat=True)) == ["repeat", "vip"]
    assert SlaClock.objects.filter(object_id=case.pk).exists()


def test_new_case_bad_input_shows_errors_and_creates_nothing_esc_1(client, agent, make_case):
    make_case(external_ticket_id="T-1")
    before = Case.objects.count()
    _login(client, agent)
    response = client.post(
        "/cases/new/", {"form": "case", "case-title": "", "case-client_name": "X"}
    )
    assert response.status_code == 400 and "This field is required" in response.content.decode()
    response = client.post(
        "/cases/new/",
        {
            "form": "case",
            "case-title": "Dup",
            "case-kind": "general",
            "case-priority": "normal",
            "case-source_channel": "email",
            "case-client_name": "X",
            "case-client_segment": "individual",
            "case-external_ticket_id": "T-1",
        },
    )
    assert response.status_code == 400
    assert "already carries external ticket id" in response.content.decode()
    assert Case.objects.count() == before


def test_nco_intake_form_scores_and_opens_nco_1(client, agent):
    _login(client, agent)
    response = client.post(
        "/cases/new/",
        {
            "form": "nco",
            "nco-client_name": "Priya Raman",
            "nco-client_company": "Northwind",
            "nco-segment": "enterprise",
            "nco-job_post_value": "18000",
            "nco-source_channel": "social_media",
            "nco-priority": "normal",
        },
    )
    assessment = NcoAssessment.objects.get(case__client_name="Priya Raman")
    assert response.status_code == 302
    assert assessment.case.kind == Kind.NEW_CLIENT_OUTREACH and assessment.criteria_met == 2
    response = client.post(
        "/cases/new/", {"form": "nco", "nco-client_name": "X", "nco-segment": "galactic"}
    )
    assert response.status_code == 400
    assert NcoAssessment.objects.count() == 1


# Navigation and dashboard ----------------------------------------------------------------------
def test_navigation_and_dashboard_widgets_by_role(client, make_case, agent, lead):
    case = case_claim(case=make_case(title="Urgent for me"), agent=agent)
    _breached_case(make_case)
    page = _login(client, agent).get("/").content.decode()
    assert 'href="/queue/"' in page and 'href="/breaches/"' not in page
    assert "My most urgent cases" in page and case.reference in page

    page = _login(client, lead).get("/").content.decode()
    assert 'href="/breaches/"' in page
    assert "Breaches to acknowledge" in page
    assert CaseEvent.objects.exists()


def test_assign_form_shows_the_current_assignee(client, make_case, agent, lead):
    case = case_claim(case=make_case(), agent=agent)
    page = _login(client, lead).get(f"/cases/{case.reference}/").content.decode()
    assert f'<option value="{agent.username}" selected>' in page
