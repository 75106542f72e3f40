"""API skeleton (API-1, API-4) and people (CORE-6) through the public REST surface."""

import pytest

pytestmark = pytest.mark.django_db


def test_me_returns_username_role_and_team_api_1(agent_api, agent):
    response = agent_api.get("/api/v1/me/")
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == "agent"
    assert body["role"] == "agent"
    assert body["team"]["name"] == "Executive Escalations"
    assert body["is_lead"] is False


def test_admin_implies_lead_core_6(admin_api):
    body = admin_api.get("/api/v1/me/").json()
    assert body["role"] == "admin"
    assert body["is_lead"] is True


def test_session_authentication_works_api_1(client, agent):
    client.force_login(agent)
    assert client.get("/api/v1/me/").json()["username"] == "agent"


def test_missing_token_is_json_401_api_4(api_client):
    response = api_client.get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_wrong_token_is_json_401_api_4(api_client, agent):
    api_client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = api_client.get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


def test_token_of_an_inactive_user_is_401_and_a_deleted_one_invalid_api_4(agent_api, agent):
    """The token check (one plain statement, issue 16) keeps DRF's answers."""
    assert agent_api.get("/api/v1/me/").status_code == 200
    agent.is_active = False
    agent.save(update_fields=["is_active"])
    response = agent_api.get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["error"]["message"] == "User inactive or deleted."
    agent.is_active = True
    agent.save(update_fields=["is_active"])
    assert agent_api.get("/api/v1/me/").json()["username"] == "agent"
    from rest_framework.authtoken.models import Token

    Token.objects.filter(user=agent).delete()
    response = agent_api.get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["error"]["message"] == "Invalid token."


def test_token_user_has_the_orm_types_api_1(agent):
    """The user the token check builds from its plain statement is what the ORM loads."""
    import datetime as dt

    from core.authentication import ThrottledTokenAuthentication
    from core.models import User
    from core.services import user_api_token

    agent.languages, agent.channels = ["en", "fr"], ["email"]
    agent.start_date = dt.date(2026, 1, 5)
    agent.save()
    user, token = ThrottledTokenAuthentication().authenticate_credentials(
        user_api_token(user=agent)
    )
    loaded = User.objects.get(pk=agent.pk)
    for field in User._meta.concrete_fields:
        assert getattr(user, field.attname) == getattr(loaded, field.attname), field.name
    assert user.languages == ["en", "fr"] and user.is_active is True
    assert isinstance(user.date_joined, dt.datetime) and isinstance(token.created, dt.datetime)
    assert token.user is user and token.key and not token._state.adding


def test_unknown_api_route_is_json_404_api_4(agent_api):
    response = agent_api.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["error"]["code"] == "not_found"


def test_unknown_object_is_json_404_api_4(agent_api):
    response = agent_api.get("/api/v1/users/999999/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_role_permission_refuses_agent_on_audit_api_1(agent_api):
    response = agent_api.get("/api/v1/audit/")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


def test_lists_are_paginated_filtered_and_ordered_api_1(lead_api, agent, other_agent):
    response = lead_api.get(
        "/api/v1/users/", {"role": "agent", "ordering": "-username", "page_size": 1}
    )
    body = response.json()
    assert response.status_code == 200
    assert body["count"] == 2
    assert [u["username"] for u in body["results"]] == ["other_agent"]
    assert body["next"]


def test_invalid_filter_value_names_the_field_api_4(lead_api):
    response = lead_api.get("/api/v1/users/", {"role": "astronaut"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert "role" in error["fields"]


def test_malformed_json_is_a_parse_error_not_500_api_4(agent_api):
    response = agent_api.generic(
        "POST", "/api/v1/me/", "{not json", content_type="application/json"
    )
    assert response.status_code in (400, 405)
    assert "error" in response.json()


def test_openapi_schema_and_docs_are_served_api_1(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/me/" in schema.content
    assert client.get("/api/docs/").status_code == 200
