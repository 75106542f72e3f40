"""API-4 on the integrations API: hostile or malformed input is a clear 4xx, never a 500,
and nothing is written."""

from __future__ import annotations

import pytest

from integrations.models import WebhookEndpoint

from .conftest import SECRET

pytestmark = pytest.mark.django_db

BAD_ENDPOINTS = [
    {},
    {"name": "x", "url": "https://93.184.215.14/h", "secret": "short", "event_types": ["*"]},
    {"name": "x", "url": "https://93.184.215.14/h", "secret": SECRET, "event_types": []},
    {"name": "x", "url": "https://93.184.215.14/h", "secret": SECRET, "event_types": ["A B"]},
    {"name": "x", "url": "https://93.184.215.14/h", "secret": SECRET, "event_types": "case.*"},
    {"name": "x", "url": "https://93.184.215.14/h", "secret": SECRET, "event_types": [1]},
    {"name": "a\nb", "url": "https://93.184.215.14/h", "secret": SECRET, "event_types": ["*"]},
    {"name": "x", "url": "https://93.184.215.14/h", "secret": "a\x00" * 10, "event_types": ["*"]},
    {"name": "x", "url": "javascript:alert(1)", "secret": SECRET, "event_types": ["*"]},
    {
        "name": "x",
        "url": "https://93.184.215.14/h",
        "secret": SECRET,
        "event_types": ["*"],
        "team": 999999999,
    },
    {"name": "x", "url": "h" * 600, "secret": SECRET, "event_types": ["*"]},
]


@pytest.mark.parametrize("body", BAD_ENDPOINTS)
def test_bad_endpoint_bodies_are_400_and_write_nothing_api_3(admin_api, body):
    response = admin_api.post("/api/v1/webhook-endpoints/", body, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["error"]["code"] in ("invalid", "validation_error")
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/webhook-endpoints/abc/",
        "/api/v1/webhook-endpoints/99999999999999999999999/",
        "/api/v1/webhook-deliveries/0/",
        "/api/v1/resources/-1/",
        "/api/v1/client-messages/1e3/",
    ],
)
def test_odd_ids_are_404_api_3(admin_api, path):
    assert admin_api.get(path).status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        {"status": "nope"},
        {"event_id": "not-a-uuid"},
        {"since": "yesterday"},
        {"endpoint": "-5"},
    ],
)
def test_bad_delivery_filters_are_400_api_3(admin_api, query):
    assert admin_api.get("/api/v1/webhook-deliveries/", query).status_code == 400


def test_replay_range_needs_both_instants_api_3(admin_api, endpoint):
    url = f"/api/v1/webhook-endpoints/{endpoint.pk}/replay/"
    response = admin_api.post(url, {"since": "2026-01-01T00:00:00Z"}, format="json")
    assert response.status_code == 400
    assert "until" in response.json()["error"]["fields"]


def test_unknown_case_on_message_list_is_404_esc_10(agent_api):
    assert agent_api.get("/api/v1/client-messages/", {"case": "ESC-999999"}).status_code == 404
