"""REST and pages of workforce: the shapes of deliverable 7, bad input (a clear 4xx naming
the field, nothing saved), the lead's dashboard (TEAM-4) and an agent's own figures."""

import datetime as dt

import pytest
import time_machine
from django.test import Client

from workforce.models import Outage, TimeEntry
from workforce.services.time import availability_set

NOW = dt.datetime(2027, 1, 13, 12, tzinfo=dt.UTC)


@pytest.fixture
def now():
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.mark.django_db
def test_coverage_api_gives_168_hourly_rows_in_the_zone_hir_5(lead_api, lead, agent):
    availability_set(actor=lead, user=agent, slots=[[0, 9]], zone="America/Los_Angeles")
    answer = lead_api.get("/api/v1/workforce/coverage/?week=2027-07-05&tz=Europe/London")
    assert answer.status_code == 200
    body = answer.json()
    assert len(body["rows"]) == 168
    assert set(body["rows"][0]) == {"start", "local", "available", "candidates", "required", "gap"}
    at_17 = [r for r in body["rows"] if r["local"].startswith("2027-07-05T17:00")]
    assert at_17[0]["available"] == 1 and at_17[0]["start"].startswith("2027-07-05T16:00")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("week=2027-07-06&tz=UTC", "week"),  # a Tuesday
        ("week=2027-07-05&tz=Mars/Olympus", "tz"),
        ("week=July&tz=UTC", "week"),
        ("tz=UTC", "week"),
    ],
)
def test_coverage_bad_week_or_zone_is_a_clear_400_hir_5(lead_api, query, field):
    answer = lead_api.get(f"/api/v1/workforce/coverage/?{query}")
    assert answer.status_code == 400
    assert field in answer.json()["error"]["fields"]


@pytest.mark.django_db
def test_coverage_page_names_a_bad_zone_hir_5(lead, client):
    client.force_login(lead)
    page = client.get("/workforce/coverage/?week=2027-07-05&tz=Nowhere/Land")
    assert page.status_code == 400 and b"Unknown time zone" in page.content


@pytest.mark.django_db
def test_time_entries_api_import_and_bad_rows_hir_8(now, lead_api, agent_api, agent):
    good = {
        "freelancer": agent.username,
        "kind": "tracked",
        "start": "2027-01-11T09:00:00Z",
        "end": "2027-01-11T11:00:00Z",
    }
    future = {**good, "start": "2027-01-20T09:00:00Z", "end": "2027-01-20T10:00:00Z"}
    refused = lead_api.post(
        "/api/v1/workforce/time-entries/", {"entries": [good, future]}, format="json"
    )
    assert refused.status_code == 400 and "entries[1].start" in refused.json()["error"]["fields"]
    assert TimeEntry.objects.count() == 0
    created = lead_api.post("/api/v1/workforce/time-entries/", {"entries": [good]}, format="json")
    assert created.status_code == 201 and created.json()["created"] == 1
    mine = agent_api.get("/api/v1/workforce/time-entries/").json()
    assert mine["count"] == 1 and mine["results"][0]["minutes"] == 120
    assert (
        agent_api.post(
            "/api/v1/workforce/time-entries/", {"entries": [good]}, format="json"
        ).status_code
        == 403
    )


@pytest.mark.django_db
def test_outage_api_refuses_an_end_before_the_start_hir_8(now, lead_api):
    answer = lead_api.post(
        "/api/v1/workforce/outages/",
        {"starts_at": "2027-01-11T10:00:00Z", "ends_at": "2027-01-11T09:00:00Z"},
        format="json",
    )
    assert answer.status_code == 400 and "ends_at" in answer.json()["error"]["fields"]
    assert Outage.objects.count() == 0


@pytest.mark.django_db
def test_weekly_report_api_refuses_a_week_that_is_not_a_monday_hir_8(lead_api):
    answer = lead_api.get("/api/v1/workforce/weekly-report/?week=2027-01-12")
    assert answer.status_code == 400 and "week" in answer.json()["error"]["fields"]
    ok = lead_api.get("/api/v1/workforce/weekly-report/?week=2027-01-11")
    assert ok.status_code == 200
    starts = dt.datetime.fromisoformat(ok.json()["starts_at"])
    assert starts == dt.datetime(2027, 1, 11, tzinfo=dt.UTC)  # Monday 00:00 UTC


@pytest.mark.django_db
def test_team_figures_are_a_leads_team_4(agent_api, lead_api, team_b):
    assert agent_api.get("/api/v1/dashboard/team/").status_code == 403
    assert lead_api.get(f"/api/v1/dashboard/team/?team={team_b.pk}").status_code == 404


@pytest.mark.django_db
def test_lead_dashboard_has_live_figures_with_links_team_4(
    lead_api, lead, agent, make_case, resolve
):
    make_case(actor=agent)
    make_case(actor=agent, title="Second case")
    resolve(make_case(actor=agent, title="Done"), agent)
    body = lead_api.get("/api/v1/dashboard/team/").json()
    assert body["open_total"] == 2
    assert {f["label"]: f["count"] for f in body["open_by_status"]} == {"New": 2}
    assert all(f["url"].startswith("http") for f in body["open_by_status"])
    assert body["median_resolution_hours"] is not None
    assert "/queue/?status=new" in body["open_by_status"][0]["url"]
    assert body["links"]["coverage"].startswith("http")
    assert len(body["csat_trend"]) == 8


@pytest.mark.django_db
def test_dashboard_page_shows_team_widget_to_lead_and_own_figures_to_agent_team_4(
    lead, agent, make_case
):
    make_case(actor=agent)
    client = Client()
    client.force_login(lead)
    page = client.get("/")
    assert b"at a glance" in page.content and b"Uncovered hours next week" in page.content
    client.force_login(agent)
    page = client.get("/")
    assert b"My customer rating" in page.content and b"at a glance" not in page.content


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/workforce/team/",
        "/workforce/coverage/",
        "/workforce/report/",
        "/workforce/csat/",
        "/workforce/recognition/",
        "/workforce/time/",
        "/workforce/report.csv",
        "/workforce/coverage.csv",
        "/workforce/csat.csv",
    ],
)
def test_lead_pages_render_team_4(lead, path):
    client = Client()
    client.force_login(lead)
    assert client.get(path).status_code == 200


@pytest.mark.django_db
def test_csat_and_recognition_bad_dates_are_400_team_2(lead_api):
    answer = lead_api.get("/api/v1/csat/summary/?since=2027-02-01&until=2027-01-01")
    assert answer.status_code == 400 and "until" in answer.json()["error"]["fields"]
    answer = lead_api.get("/api/v1/recognition/?since=yesterday")
    assert answer.status_code == 400 and "since" in answer.json()["error"]["fields"]


@pytest.mark.django_db
def test_agent_sets_own_weekly_hours_in_own_zone_hir_5(agent):
    client = Client()
    client.force_login(agent)
    page = client.post(
        "/workforce/availability/", {"zone": "Asia/Manila", "slot": ["0-9", "0-10", "4-22"]}
    )
    assert page.status_code == 302
    profile = agent.work_profile
    profile.refresh_from_db()
    assert (profile.zone, profile.availability) == ("Asia/Manila", [[0, 9], [0, 10], [4, 22]])
    bad = client.post("/workforce/availability/", {"zone": "Mars/Base", "slot": ["0-9"]})
    assert bad.status_code == 400 and b"Unknown time zone" in bad.content
    bad = client.post("/workforce/availability/", {"zone": "UTC", "slot": ["9-99"]})
    assert bad.status_code == 400
    profile.refresh_from_db()
    assert profile.zone == "Asia/Manila"  # nothing saved half-way


@pytest.mark.django_db
def test_weekly_report_api_lists_entries_open_to_correction_hir_8(now, lead, lead_api, agent):
    from workforce.services.time import time_entries_import

    time_entries_import(
        actor=lead,
        rows=[
            {
                "freelancer": agent.username,
                "kind": "manual",
                "start": "2027-01-11T09:00:00Z",
                "end": "2027-01-11T09:30:00Z",
            }
        ],
    )
    body = lead_api.get("/api/v1/workforce/weekly-report/?week=2027-01-11").json()
    entry = body["open_entries"][0]
    assert (entry["freelancer"], entry["flagged"], entry["flagged_minutes"]) == (
        agent.username,
        True,
        30,
    )
    assert body["rows"][0]["note"] == "Hours logged but no work recorded"


@pytest.mark.django_db
def test_manual_time_switch_by_api_refuses_further_manual_rows_hir_8(
    now, lead_api, agent_api, agent, agent_b
):
    url = f"/api/v1/workforce/agents/{agent.pk}/manual-time/"
    assert agent_api.post(url, {"disabled": True}, format="json").status_code == 403
    other = f"/api/v1/workforce/agents/{agent_b.pk}/manual-time/"
    assert lead_api.post(other, {"disabled": True}, format="json").status_code == 404
    answer = lead_api.post(url, {"disabled": True}, format="json")
    assert answer.status_code == 200 and answer.json()["manual_time_disabled"] is True
    manual = {
        "freelancer": agent.username,
        "kind": "manual",
        "start": "2027-01-11T09:00:00Z",
        "end": "2027-01-11T10:00:00Z",
    }
    refused = lead_api.post("/api/v1/workforce/time-entries/", {"entries": [manual]}, format="json")
    assert refused.status_code == 400 and "entries[0].kind" in refused.json()["error"]["fields"]
    assert TimeEntry.objects.count() == 0
