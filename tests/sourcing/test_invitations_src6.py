"""SRC-6: inviting records the invitation, starts the 7-day cooldown, once per job."""

import datetime as dt
import threading

import pytest
from django.db import IntegrityError, connection, transaction

from sourcing.models import Freelancer, Invitation
from tests.factories import CaseFactory

from .pool import NOW, add, build, eligible_ids, row

pytestmark = pytest.mark.django_db


def fid(external_id: str) -> int:
    return Freelancer.objects.get(external_id=external_id).pk


def invite(api, shortlist, *refs):
    return api.post(
        f"/api/v1/sourcing/shortlists/{shortlist.pk}/invite/",
        {"freelancer_ids": [fid(r) for r in refs]},
        format="json",
    )


def test_invite_records_the_invitation_and_starts_the_cooldown_src_6(agent_api, agent):
    add(row("A"), row("B"))
    shortlist = build(job_reference="JOB-1")
    response = invite(agent_api, shortlist, "A")
    assert response.status_code == 201, response.json()
    inv = Invitation.objects.get()
    assert (inv.freelancer.external_id, inv.job_reference, inv.invited_by) == ("A", "JOB-1", agent)
    assert inv.invited_at == NOW
    assert eligible_ids(job_reference="JOB-2") == ["B"]


def test_never_twice_to_one_job_src_6(agent_api, frozen_time):
    add(row("A"))
    shortlist = build(job_reference="JOB-1")
    assert invite(agent_api, shortlist, "A").status_code == 201
    frozen_time.shift(dt.timedelta(days=30))  # long after the cooldown
    again = invite(agent_api, shortlist, "A")
    assert again.status_code == 409
    error = again.json()["error"]
    assert error["code"] == "already_invited"
    assert "already invited to job JOB-1 on 2026-06-15" in error["message"]
    assert Invitation.objects.count() == 1


def test_database_refuses_a_second_invitation_to_the_same_job_src_6():
    add(row("A"))
    freelancer = Freelancer.objects.get()
    Invitation.objects.create(freelancer=freelancer, job_reference="JOB-1", invited_at=NOW)
    with pytest.raises(IntegrityError), transaction.atomic():
        Invitation.objects.create(freelancer=freelancer, job_reference="JOB-1", invited_at=NOW)


def test_inside_the_cooldown_the_409_names_when_it_ends_src_6(agent_api, frozen_time):
    add(row("A"))
    first = build(job_reference="JOB-1")
    assert invite(agent_api, first, "A").status_code == 201
    frozen_time.shift(dt.timedelta(days=3))
    other = build(job_reference="JOB-2", size=5)
    assert other.entries.count() == 0  # the engine already leaves A out
    add(row("B"))
    third = build(job_reference="JOB-3")
    # A is not on the new shortlist; inviting B works, A stays in cooldown.
    assert invite(agent_api, third, "B").status_code == 201
    # Try A through the first shortlist's sibling for another job:
    fourth = build(job_reference="JOB-4")
    assert fourth.entries.count() == 0
    frozen_time.shift(dt.timedelta(days=4))  # exactly 7 days after A's invitation
    fifth = build(job_reference="JOB-5")
    assert [e.snapshot["external_id"] for e in fifth.entries.all()] == ["A"]
    assert invite(agent_api, fifth, "A").status_code == 201


def test_cooldown_conflict_from_a_saved_shortlist_src_6(agent_api, frozen_time):
    add(row("A"), row("B"))
    for_job_2 = build(job_reference="JOB-2")  # saved before A is invited anywhere
    first = build(job_reference="JOB-1")
    assert invite(agent_api, first, "A").status_code == 201
    frozen_time.shift(dt.timedelta(days=2))
    response = invite(agent_api, for_job_2, "A", "B")
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "invite_cooldown"
    assert "cooldown ends 2026-06-22 12:00 UTC" in error["message"]
    assert error["conflicts"][0]["until"].startswith("2026-06-22T12:00:00")
    assert error["message"].endswith("Nobody was invited.")
    # All or nothing: B was not invited either.
    assert not Invitation.objects.filter(job_reference="JOB-2").exists()


def test_invite_bad_input_src_6(agent_api, agent):
    add(row("A"), row("B", jss=10))
    shortlist = build(job_reference="JOB-1")
    not_listed = invite(agent_api, shortlist, "B")
    assert not_listed.status_code == 400
    assert "freelancer_ids" in not_listed.json()["error"]["fields"]
    empty = agent_api.post(
        f"/api/v1/sourcing/shortlists/{shortlist.pk}/invite/", {"freelancer_ids": []}, format="json"
    )
    assert empty.status_code == 400
    CaseFactory(reference="ESC-9", team=agent.team)
    no_job = build(job_reference="", case_reference="ESC-9")
    response = invite(agent_api, no_job, "A")
    assert response.status_code == 400
    assert "job_reference" in response.json()["error"]["fields"]
    assert Invitation.objects.count() == 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="real concurrency needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_agents_inviting_at_once_invite_once_src_6(agent, other_agent):
    from sourcing.errors import InviteConflict
    from sourcing.services import shortlist_invite

    add(row("A"))
    shortlist = build(job_reference="JOB-1")
    freelancer_id = fid("A")
    barrier = threading.Barrier(2)
    outcomes = []

    def attempt(user):
        try:
            barrier.wait()
            shortlist_invite(shortlist=shortlist, freelancer_ids=[freelancer_id], actor=user)
            outcomes.append("ok")
        except InviteConflict as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(u,)) for u in (agent, other_agent)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["already_invited", "ok"]
    assert Invitation.objects.filter(job_reference="JOB-1").count() == 1
