"""REST: calendars, deadline and elapsed (CORE-1, CORE-2)."""

import pytest

from core.models import BusinessCalendar

pytestmark = pytest.mark.django_db


def test_list_calendars_core_1(agent_api):
    response = agent_api.get("/api/v1/calendars/")
    assert response.status_code == 200
    slugs = {c["slug"] for c in response.json()["results"]}
    assert {"us-pacific-support", "24x7"} <= slugs
    us = next(c for c in response.json()["results"] if c["slug"] == "us-pacific-support")
    assert us["time_zone"] == "America/Los_Angeles"
    assert us["weekly"][0] == {
        "weekday": 0,
        "weekday_name": "Monday",
        "start": "08:00",
        "end": "17:00",
    }


def test_retrieve_calendar_and_unknown_slug_is_404_json_core_1(agent_api):
    assert agent_api.get("/api/v1/calendars/24x7/").json()["weekly"][6]["end"] == "24:00"
    response = agent_api.get("/api/v1/calendars/nope/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_deadline_with_iso_duration_core_2(agent_api):
    # Fri 2026-07-03 is Independence Day observed; Wed 2026-07-01 12:00 PDT + PT24H.
    response = agent_api.get(
        "/api/v1/calendars/us-pacific-support/deadline/",
        {"start": "2026-07-01T12:00:00-07:00", "duration": "PT24H"},
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    # Wed 5h, Thu 9h, (Fri holiday), Mon 9h, Tue 1h -> Tue 2026-07-07 09:00 PDT = 16:00Z.
    assert body["deadline"] == "2026-07-07T16:00:00Z"
    assert body["duration_seconds"] == 86400


def test_deadline_with_seconds_and_plus_sign_decoded_as_space_core_2(agent_api):
    response = agent_api.get(
        "/api/v1/calendars/24x7/deadline/?start=2026-01-01T00:00:00+00:00&duration=90"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["deadline"] == "2026-01-01T00:01:30Z"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"start": "2026-07-01T12:00:00", "duration": "3600"}, "start"),
        ({"start": "not-a-date", "duration": "3600"}, "start"),
        ({"duration": "3600"}, "start"),
        ({"start": "2026-07-01T12:00:00Z", "duration": "-5"}, "duration"),
        ({"start": "2026-07-01T12:00:00Z", "duration": "-PT1H"}, "duration"),
        ({"start": "2026-07-01T12:00:00Z", "duration": "P1M"}, "duration"),
        ({"start": "2026-07-01T12:00:00Z", "duration": "soon"}, "duration"),
        ({"start": "2026-07-01T12:00:00Z"}, "duration"),
    ],
)
def test_deadline_bad_input_is_400_naming_the_field_core_2(agent_api, params, field):
    response = agent_api.get("/api/v1/calendars/24x7/deadline/", params)
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_deadline_on_unknown_calendar_is_400_naming_calendar_core_2(agent_api):
    response = agent_api.get(
        "/api/v1/calendars/nope/deadline/", {"start": "2026-07-01T12:00:00Z", "duration": "60"}
    )
    assert response.status_code == 400
    assert "calendar" in response.json()["error"]["fields"]


def test_elapsed_core_2(agent_api):
    response = agent_api.get(
        "/api/v1/calendars/us-pacific-support/elapsed/",
        {"start": "2026-03-06T16:00:00-08:00", "end": "2026-03-09T09:30:00-07:00"},
    )
    assert response.status_code == 200, response.json()
    assert response.json()["seconds"] == 9000  # Fri 16-17 PST + Mon 08:00-09:30 PDT


def test_elapsed_bad_input_core_2(agent_api):
    response = agent_api.get(
        "/api/v1/calendars/24x7/elapsed/", {"start": "2026-03-06T16:00:00Z", "end": "2026-03-09"}
    )
    assert response.status_code == 400
    assert "end" in response.json()["error"]["fields"]
    response = agent_api.get(
        "/api/v1/calendars/gone/elapsed/",
        {"start": "2026-03-06T16:00:00Z", "end": "2026-03-09T00:00:00Z"},
    )
    assert response.status_code == 400
    assert "calendar" in response.json()["error"]["fields"]


def test_calendar_endpoints_need_authentication(api_client):
    assert api_client.get("/api/v1/calendars/").status_code in (401, 403)


def test_calendar_endpoints_are_in_the_openapi_schema(agent_api):
    BusinessCalendar.objects.count()
    response = agent_api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/v1/calendars/",
        "/api/v1/calendars/{slug}/deadline/",
        "/api/v1/calendars/{slug}/elapsed/",
        "/api/v1/sla-clocks/",
        "/api/v1/sla-clocks/{id}/acknowledge/",
        "/api/v1/notifications/",
        "/api/v1/notifications/{id}/read/",
        "/api/v1/notifications/read-all/",
    ):
        assert path in paths, path
    params = {p["name"] for p in paths["/api/v1/calendars/{slug}/deadline/"]["get"]["parameters"]}
    assert {"start", "duration"} <= params
