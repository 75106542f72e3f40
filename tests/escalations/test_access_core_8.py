"""CORE-8 through the public surfaces: team scope, cross-team read, service tokens.

The generated matrix (tests/test_access_matrix.py) covers every route and persona; these
tests pin the mechanism's finer points.
"""

import logging

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from core.models import AccessSettings, AuditEvent, ServiceToken
from core.tokens import service_token_create
from escalations.access import cases_visible_to
from escalations.models import Case
from escalations.services import case_claim


def client_for(user=None, *, bearer=None) -> APIClient:
    client = APIClient()
    if bearer:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {bearer}")
    elif user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def team_a_case(make_case, agent):
    return case_claim(case=make_case(), agent=agent)


def test_lists_counts_and_search_are_scoped_in_the_query_core_8(team_a_case, agent_b, team_b):
    ref = team_a_case.reference
    own = client_for(team_a_case.assignee).get("/api/v1/cases/", {"search": ref}).json()
    assert own["count"] == 1
    for outsider in (agent_b, team_b.lead):
        body = client_for(outsider).get("/api/v1/cases/", {"search": ref}).json()
        assert body["count"] == 0 and ref not in str(body)
        assert client_for(outsider).get(f"/api/v1/cases/{ref}/").status_code == 404
        assert ref not in str(client_for(outsider).get("/api/v1/sla-clocks/").json())
    assert cases_visible_to(agent_b).filter(pk=team_a_case.pk).count() == 0


def test_shared_intake_is_visible_and_claimable_by_every_team_core_8(agent_b):
    from escalations.services import case_create

    intake = case_create(actor=None, title="Walk-in", client_name="C", client_email="c@x.io")
    assert intake.team_id is None
    response = client_for(agent_b).post(f"/api/v1/cases/{intake.reference}/claim/")
    assert response.status_code == 200
    intake.refresh_from_db()
    assert intake.assignee == agent_b and intake.team_id == agent_b.team_id


def test_foreign_lead_gets_404_and_own_teammate_403_core_8(team_a_case, other_agent, team_b):
    ref = team_a_case.reference
    body = {"to": "in_progress", "reason": "x"}
    assert client_for(team_b.lead).post(f"/api/v1/cases/{ref}/transition/", body).status_code == 404
    response = client_for(other_agent).post(f"/api/v1/cases/{ref}/transition/", body)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    # refused before the body is read: an empty body is still a 403, not a 400
    assert client_for(other_agent).post(f"/api/v1/cases/{ref}/transition/", {}).status_code == 403
    assert Case.objects.get(pk=team_a_case.pk).status == "claimed"


def test_cross_team_read_switch_reads_but_never_writes_core_8(team_a_case, agent_b):
    ref = team_a_case.reference
    settings_row = AccessSettings.current()
    settings_row.cross_team_read = True
    settings_row.save()
    reader = client_for(agent_b)
    assert reader.get(f"/api/v1/cases/{ref}/").status_code == 200
    assert reader.get("/api/v1/cases/", {"search": ref}).json()["count"] == 1
    assert reader.patch(f"/api/v1/cases/{ref}/", {"title": "mine now"}).status_code == 403
    note = {"body": "hello", "visibility": "internal"}
    assert reader.post(f"/api/v1/cases/{ref}/notes/", note).status_code == 403
    assert Case.objects.get(pk=team_a_case.pk).title != "mine now"


def test_service_token_scopes_core_8(team_a_case, capsys):
    call_command("create_service_token", "ticketing", "--scope", "cases:read")
    key = capsys.readouterr().out.strip().splitlines()[-1]
    token = ServiceToken.objects.get(name="ticketing")
    assert token.key_hash not in key and key.startswith(f"desk_{token.key_prefix}_")
    reader = client_for(bearer=key)
    ref = team_a_case.reference
    assert reader.get(f"/api/v1/cases/{ref}/").status_code == 200  # every team's cases
    assert reader.get("/api/v1/cases/").json()["count"] == 1
    refused = reader.patch(f"/api/v1/cases/{ref}/", {"title": "x"})
    assert refused.status_code == 403 and "cases:write" in refused.json()["error"]["message"]
    assert reader.get("/api/v1/notifications/").status_code == 403  # no scope names it
    assert reader.get("/api/v1/audit/").status_code == 403
    assert reader.post(f"/api/v1/cases/{ref}/claim/").status_code == 403


def test_service_token_writes_are_audited_under_its_name_core_8(team_a_case):
    _, key = service_token_create(name="crm", scopes=["cases:read", "cases:write"])
    writer = client_for(bearer=key)
    ref = team_a_case.reference
    response = writer.post(f"/api/v1/cases/{ref}/notes/", {"body": "from CRM"})
    assert response.status_code == 201
    event = AuditEvent.objects.filter(action="case.note_added").latest("id")
    assert event.actor_label == "svc-crm"


def test_revoked_unknown_and_malformed_bearer_tokens_are_401_core_8(db, capsys):
    _, key = service_token_create(name="old", scopes=["cases:read"])
    call_command("create_service_token", "old", "--revoke")
    assert client_for(bearer=key).get("/api/v1/cases/").status_code == 401
    assert client_for(bearer="desk_nope_nope").get("/api/v1/cases/").status_code == 401
    response = APIClient().get("/api/v1/cases/", HTTP_AUTHORIZATION="Bearer a b")
    assert response.status_code == 401 and response.headers["Content-Type"].startswith(
        "application/json"
    )


def test_unknown_scope_is_refused_core_8(db):
    from core.errors import InvalidInput

    with pytest.raises(InvalidInput) as exc:
        service_token_create(name="bad", scopes=["cases:delete"])
    assert exc.value.field == "scopes"


def test_every_denial_is_logged_once_without_secrets_core_8(team_a_case, team_b, caplog):
    _, key = service_token_create(name="probe", scopes=[])
    with caplog.at_level(logging.INFO, logger="desk.security"):
        client_for(team_b.lead).get(f"/api/v1/cases/{team_a_case.reference}/")
        client_for(bearer=key).get("/api/v1/cases/")
    lines = [r.getMessage() for r in caplog.records if r.name == "desk.security"]
    assert len(lines) == 2, lines
    assert all(key not in line and "@" not in line for line in lines)


def test_lead_without_a_team_sees_no_other_teams_breaches_core_8_esc_8(team_a_case, client):
    from core.services import user_create_or_update

    loose, _ = user_create_or_update(username="floater", role="team_lead", password="pw-12345!")
    client.force_login(loose)
    page = client.get("/breaches/")
    assert page.status_code == 200 and team_a_case.reference not in page.content.decode()
    assert cases_visible_to(loose).filter(pk=team_a_case.pk).count() == 0
