"""ESC-3: the state machine, exhaustively: every (from, to) pair is allowed or refused."""

import itertools

import pytest

from core.errors import Forbidden, IllegalTransition, InvalidInput
from core.models import AuditEvent
from escalations.models import CaseEvent, EventKind, Status
from escalations.services import case_claim, case_transition
from escalations.state_machine import ALLOWED, allowed_from

S = Status
# How a user reaches each status from a new case.
PATHS = {
    S.NEW: [],
    S.CLAIMED: [S.CLAIMED],
    S.IN_PROGRESS: [S.CLAIMED, S.IN_PROGRESS],
    S.WAITING_ON_CLIENT: [S.CLAIMED, S.WAITING_ON_CLIENT],
    S.WAITING_ON_FREELANCER: [S.CLAIMED, S.WAITING_ON_FREELANCER],
    S.HANDED_OFF: [S.CLAIMED, S.HANDED_OFF],
    S.RESOLVED: [S.CLAIMED, S.RESOLVED],
    S.CLOSED: [S.CLAIMED, S.RESOLVED, S.CLOSED],
}


def reach(case, status, actor):
    for step in PATHS[status]:
        case = case_transition(case=case, to_status=step, actor=actor, reason="test path")
    assert case.status == status
    return case


def test_every_status_has_a_row_esc_3():
    assert set(ALLOWED) == set(Status.values)
    assert allowed_from(S.CLOSED) == []


@pytest.mark.parametrize("from_status,to_status", list(itertools.product(S, S)))
def test_transition_table_exhaustive_esc_3(make_case, lead, from_status, to_status):
    agent = lead  # a lead may make every allowed move (closing a new case included)
    case = reach(make_case(), from_status, agent)
    allowed = to_status in ALLOWED[from_status]
    audits = AuditEvent.objects.for_object(case).count()
    events = CaseEvent.objects.filter(case=case).count()
    if allowed:
        moved = case_transition(case=case, to_status=to_status, actor=agent, reason="because")
        assert moved.status == to_status
        moved.refresh_from_db()
        assert moved.status == to_status
        assert AuditEvent.objects.for_object(case).count() > audits
        assert CaseEvent.objects.filter(case=case).count() > events
    else:
        with pytest.raises(IllegalTransition) as exc:
            case_transition(case=case, to_status=to_status, actor=agent, reason="because")
        assert exc.value.code == "illegal_transition"
        assert f"from {from_status} to {to_status}" in exc.value.message
        for target in allowed_from(from_status):
            assert target in exc.value.message
        case.refresh_from_db()
        assert case.status == from_status
        assert AuditEvent.objects.for_object(case).count() == audits
        assert CaseEvent.objects.filter(case=case).count() == events


def test_transition_is_audited_with_reason_esc_3(make_case, agent):
    case = case_claim(case=make_case(), agent=agent)
    case_transition(case=case, to_status=S.WAITING_ON_CLIENT, actor=agent, reason="asked for ids")
    entry = AuditEvent.objects.for_object(case).filter(action="case.transition").first()
    assert entry.before["status"] == S.CLAIMED
    assert entry.after["status"] == S.WAITING_ON_CLIENT
    assert entry.reason == "asked for ids"
    assert entry.actor == agent
    event = case.events.filter(kind=EventKind.STATUS_CHANGED).last()
    assert event.data == {"from": "claimed", "to": "waiting_on_client", "reason": "asked for ids"}


def test_unknown_status_is_invalid_input_esc_3(make_case, agent):
    with pytest.raises(InvalidInput) as exc:
        case_transition(case=make_case(), to_status="teleported", actor=agent)
    assert exc.value.field == "to"


def test_only_assignee_or_lead_may_move_a_case_esc_3(make_case, agent, other_agent, lead):
    case = case_claim(case=make_case(), agent=agent)
    with pytest.raises(Forbidden):
        case_transition(case=case, to_status=S.IN_PROGRESS, actor=other_agent)
    case.refresh_from_db()
    assert case.status == S.CLAIMED
    assert case_transition(case=case, to_status=S.IN_PROGRESS, actor=lead).status == S.IN_PROGRESS


def test_closing_unresolved_needs_reason_esc_3(make_case, agent, lead):
    case = case_claim(case=make_case(), agent=agent)
    case = case_transition(case=case, to_status=S.WAITING_ON_CLIENT, actor=agent)
    with pytest.raises(InvalidInput) as exc:
        case_transition(case=case, to_status=S.CLOSED, actor=agent)
    assert exc.value.field == "reason"
    closed = case_transition(case=case, to_status=S.CLOSED, actor=agent, reason="client silent")
    assert closed.status == S.CLOSED


def test_release_returns_case_to_queue_esc_3(make_case, agent):
    case = case_claim(case=make_case(), agent=agent)
    case = case_transition(case=case, to_status=S.NEW, actor=agent, reason="wrong team")
    assert case.status == S.NEW and case.assignee is None
