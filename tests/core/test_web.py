"""Web shell: login, role navigation, health endpoint."""

import pytest
from django.utils import timezone

from core.services import heartbeat_record

pytestmark = pytest.mark.django_db


def test_dashboard_requires_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_login_with_wrong_password_shows_error(client, agent):
    response = client.post("/accounts/login/", {"username": "agent", "password": "nope"})
    assert response.status_code == 200
    assert b"didn&#x27;t match" in response.content or b"didn't match" in response.content


def test_login_and_logout(client, agent):
    response = client.post("/accounts/login/", {"username": "agent", "password": "pass-word-123"})
    assert response.status_code == 302
    page = client.get("/")
    assert page.status_code == 200
    assert b"htmx" in page.content
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/").status_code == 302


def test_navigation_differs_by_role_core_6(client, agent, lead, admin_user):
    client.force_login(agent)
    agent_page = client.get("/").content.decode()
    client.force_login(lead)
    lead_page = client.get("/").content.decode()
    client.force_login(admin_user)
    admin_page = client.get("/").content.decode()
    assert 'href="/admin/"' not in agent_page and 'href="/api/docs/"' not in agent_page
    assert 'href="/api/docs/"' in lead_page and 'href="/admin/"' not in lead_page
    assert 'href="/admin/"' in admin_page


def test_healthz_reports_database_broker_and_heartbeat(client):
    heartbeat_record(name="celery")
    response = client.get("/healthz/")
    assert response.status_code == 200
    body = response.json()
    assert body["database"]["ok"] is True
    assert body["broker"]["ok"] is True
    assert body["heartbeat"]["ok"] is True
    assert body["status"] == "ok"


def test_healthz_is_degraded_without_a_recent_heartbeat(client, settings):
    heartbeat_record(name="celery")
    settings.HEARTBEAT_STALE_SECONDS = 60
    import time_machine

    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=5)):
        body = client.get("/healthz/").json()
    assert body["heartbeat"]["ok"] is False
    assert body["status"] == "degraded"
