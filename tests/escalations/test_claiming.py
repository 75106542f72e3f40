"""ESC-4: claiming and assigning cases."""

import threading

import pytest
from django.db import connection, connections

from core.errors import Forbidden
from core.models import AuditEvent, ChatMessage, SlaClock
from escalations.models import Case, CaseEvent, EventKind, Kind, Segment, Status
from escalations.services import AlreadyClaimed, case_assign, case_claim, nco_intake
from tests.factories import UserFactory


@pytest.fixture
def chat_team(team):
    team.chat_webhook_url = "https://chat.example.com/hooks/escalations"
    team.save()
    return team


def test_claim_announces_records_first_response_and_meets_clock_esc_4(make_case, agent, chat_team):
    case = make_case()
    clock = SlaClock.objects.get(object_id=case.pk, metric="first_response")
    assert clock.state == "running"

    case = case_claim(case=case, agent=agent)

    assert case.status == Status.CLAIMED and case.assignee == agent and case.claimed_at
    clock.refresh_from_db()
    assert clock.state == "met"
    kinds = list(case.events.values_list("kind", flat=True))
    assert EventKind.CLAIMED in kinds and EventKind.FIRST_RESPONSE in kinds
    message = ChatMessage.objects.get(team=chat_team)
    assert f"{agent.username} is taking {case.reference}" in message.text
    assert AuditEvent.objects.for_object(case).filter(action="case.claimed").exists()


def test_second_claim_gets_conflict_naming_holder_and_changes_nothing_esc_4(
    make_case, agent, other_agent
):
    case = case_claim(case=make_case(), agent=agent)
    events = case.events.count()
    with pytest.raises(AlreadyClaimed) as exc:
        case_claim(case=case, agent=other_agent)
    assert exc.value.status == 409 and exc.value.code == "already_claimed"
    assert agent.get_full_name() in exc.value.message
    case.refresh_from_db()
    assert case.assignee == agent and case.events.count() == events


def test_claim_ticks_nco_announce_item_esc_4(agent, other_agent):
    case = nco_intake(
        reporter=other_agent,
        client_name="Acme Buyer",
        segment=Segment.ENTERPRISE,
        job_post_value="9000",
    )
    assert case.kind == Kind.NEW_CLIENT_OUTREACH
    case_claim(case=case, agent=agent)
    item = case.checklist.get(key="announce_in_chat")
    assert item.done and item.done_by == agent and item.done_at


def test_lead_assigns_and_reassigns_esc_4(make_case, agent, other_agent, lead):
    case = make_case()
    case = case_assign(case=case, assignee=agent, lead=lead, reason="workload")
    assert case.status == Status.CLAIMED and case.assignee == agent
    case = case_assign(case=case, assignee=other_agent, lead=lead, reason="holiday")
    assert case.assignee == other_agent
    case = case_assign(case=case, assignee=None, lead=lead, reason="back to queue")
    assert case.assignee is None and case.status == Status.NEW
    assert AuditEvent.objects.for_object(case).filter(action="case.assigned").count() == 3


def test_agent_cannot_assign_esc_4(make_case, agent, other_agent):
    with pytest.raises(Forbidden):
        case_assign(case=make_case(), assignee=other_agent, lead=agent)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locking")
def test_claim_exactly_one_winner_esc_4(team):
    """N threads claim the same case at once: exactly one wins, the rest get 409."""
    agents = [UserFactory(username=f"racer{i}", team=team) for i in range(8)]
    from escalations.services import case_create

    case = case_create(actor=agents[0], title="Race", client_name="Client")
    barrier = threading.Barrier(len(agents))
    results = []

    def claim(agent):
        try:
            barrier.wait(timeout=10)
            case_claim(case=Case.objects.get(pk=case.pk), agent=agent)
            results.append(("won", agent.username))
        except AlreadyClaimed as exc:
            results.append(("lost", exc.message))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=claim, args=(a,)) for a in agents]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    winners = [r for r in results if r[0] == "won"]
    losers = [r for r in results if r[0] == "lost"]
    assert len(winners) == 1, results
    assert len(losers) == len(agents) - 1
    case.refresh_from_db()
    assert case.assignee.username == winners[0][1]
    assert CaseEvent.objects.filter(case=case, kind=EventKind.CLAIMED).count() == 1
    assert AuditEvent.objects.for_object(case).filter(action="case.claimed").count() == 1
    assert SlaClock.objects.filter(object_id=case.pk, state="met").count() == 1
