"""Invite controls on a shortlist only where they can do something (TEAM-1, CORE-8)."""

import pytest

from sourcing.models import Freelancer, Invitation

from .pool import add, build, row

pytestmark = pytest.mark.django_db


def _html(client, shortlist) -> str:
    response = client.get(f"/sourcing/shortlists/{shortlist.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_invite_selected_hidden_with_no_candidates_team_1(client, agent):
    add(row("LOW", jss=50))
    shortlist = build(job_reference="JOB-1")
    assert not shortlist.entries.exists()
    client.force_login(agent)
    html = _html(client, shortlist)
    assert "Invite selected" not in html and 'name="freelancer_ids"' not in html
    assert "Nobody passes every rule" in html


def test_invite_selected_shown_until_everyone_is_invited_team_1(client, agent):
    add(row("A"), row("B"))
    shortlist = build(job_reference="JOB-1")
    client.force_login(agent)
    assert "Invite selected to JOB-1" in _html(client, shortlist)
    ids = list(Freelancer.objects.values_list("pk", flat=True))
    # The row button works without JavaScript: a plain submit of its freelancer.
    response = client.post(f"/sourcing/shortlists/{shortlist.pk}/invite/", {"one": ids[0]})
    assert response.status_code == 302 and Invitation.objects.count() == 1
    client.post(f"/sourcing/shortlists/{shortlist.pk}/invite/", {"freelancer_ids": ids[1:]})
    html = _html(client, shortlist)
    assert "Invite selected" not in html and "Everyone here is invited to JOB-1." in html


def test_no_invite_controls_without_a_job_reference_team_1(client, agent):
    add(row("A"))
    shortlist = build(job_reference="")
    client.force_login(agent)
    html = _html(client, shortlist)
    assert "Invite selected" not in html and ">Invite</button>" not in html
    assert "Add a job reference to invite." in html
