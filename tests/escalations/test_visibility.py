"""ESC-7: internal versus client-visible; contact info shared only after a lead approves."""

import pytest

from core.errors import Conflict, Forbidden, InvalidInput
from core.models import AuditEvent
from escalations.models import ContactRequestStatus, EventKind, Macro, Visibility
from escalations.selectors import case_client_transcript, case_timeline
from escalations.services import (
    call_log_create,
    case_claim,
    contact_info_shareable,
    contact_request_create,
    contact_request_decide,
    macro_render,
    macro_send,
    note_add,
)


@pytest.fixture
def worked_case(make_case, agent):
    case = make_case(freelancer_name="Fred Lancer", freelancer_email="fred@example.com")
    return case_claim(case=case, agent=agent)


def test_internal_notes_never_reach_client_transcript_esc_7(worked_case, agent):
    note_add(case=worked_case, author=agent, body="SECRET credit reasoning: 5% of spend")
    note_add(case=worked_case, author=agent, body="NDF research: 3 past", kind=EventKind.RESEARCH)
    call_log_create(
        case=worked_case,
        agent=agent,
        party="client",
        outcome="connected",
        answers={"desired_resolution": "PRIVATE wants refund"},
    )
    macro_send(
        macro=Macro.objects.get(slug="no-phone-schedule-call"), case=worked_case, agent=agent
    )
    note_add(
        case=worked_case, author=agent, body="We are on it.", visibility=Visibility.CLIENT_VISIBLE
    )
    transcript = case_client_transcript(case=worked_case)
    assert "We are on it." in transcript and "Hello Dana Client" in transcript
    for secret in ("SECRET", "NDF research", "PRIVATE", "is taking this case"):
        assert secret not in transcript
    visible = case_timeline(case=worked_case, client_visible_only=True)
    assert {e.kind for e in visible} == {EventKind.REPLY, EventKind.NOTE}


def test_macro_never_pulls_internal_notes_esc_7(worked_case, agent):
    note_add(case=worked_case, author=agent, body="INTERNAL only")
    rendered = macro_render(
        macro=Macro.objects.get(slug="no-phone-schedule-call"), case=worked_case, agent=agent
    )
    assert "INTERNAL" not in rendered.body


def test_research_cannot_be_client_visible_esc_7(worked_case, agent):
    with pytest.raises(InvalidInput) as exc:
        note_add(
            case=worked_case,
            author=agent,
            body="x",
            kind=EventKind.RESEARCH,
            visibility=Visibility.CLIENT_VISIBLE,
        )
    assert exc.value.field == "visibility"


def test_contact_info_needs_lead_approval_esc_7(worked_case, agent, lead):
    request = contact_request_create(
        case=worked_case, requester=agent, requested_for="client", reason="Client wants to sue"
    )
    with pytest.raises(Forbidden):
        contact_info_shareable(request=request, user=agent)  # nothing shared while pending
    with pytest.raises(Forbidden):
        contact_request_decide(request=request, lead=agent, approve=True, reason="me")
    request = contact_request_decide(request=request, lead=lead, approve=True, reason="legal")
    assert request.status == ContactRequestStatus.APPROVED and request.decided_by == lead
    assert contact_info_shareable(request=request, user=agent)["email"] == "fred@example.com"
    assert AuditEvent.objects.filter(action="contact_request.approved").count() == 1
    with pytest.raises(Conflict):
        contact_request_decide(request=request, lead=lead, approve=False, reason="again")


def test_requester_lead_cannot_approve_own_request_esc_7(worked_case, lead):
    request = contact_request_create(
        case=worked_case, requester=lead, requested_for="freelancer", reason="asks"
    )
    with pytest.raises(Forbidden):
        contact_request_decide(request=request, lead=lead, approve=True, reason="self")
    request.refresh_from_db()
    assert request.status == ContactRequestStatus.PENDING


def test_denied_request_shares_nothing_esc_7(worked_case, agent, lead):
    request = contact_request_create(
        case=worked_case, requester=agent, requested_for="client", reason="asks"
    )
    request = contact_request_decide(request=request, lead=lead, approve=False, reason="policy")
    with pytest.raises(Forbidden):
        contact_info_shareable(request=request, user=agent)


def test_one_pending_request_per_party_esc_7(worked_case, agent):
    contact_request_create(case=worked_case, requester=agent, requested_for="client", reason="a")
    with pytest.raises(Conflict):
        contact_request_create(
            case=worked_case, requester=agent, requested_for="client", reason="b"
        )
