"""REST under /api/v1/hiring/ (deliverable 8): the flows and their refusals."""

import pytest

from core.services import user_api_token
from hiring.models import Applicant, Round
from tests.factories import TeamFactory, UserFactory

from .conftest import complete

pytestmark = pytest.mark.django_db
ROUND = {
    "name": "September",
    "assessment_title": "Test Fixed Price",
    "assessment_text": "Four steps.",
    "hourly_title": "Hourly",
    "hourly_text": "30+ hours.",
}


def test_create_round_with_postings_and_add_applicant_with_link_hir_1_hir_2(lead_api, team):
    created = lead_api.post("/api/v1/hiring/rounds/", {**ROUND, "team": team.pk}, format="json")
    assert created.status_code == 201, created.content
    assert {p["kind"] for p in created.json()["postings"]} == {"assessment", "hourly"}
    rid = created.json()["id"]
    added = lead_api.post(
        f"/api/v1/hiring/rounds/{rid}/applicants/",
        {"name": "Ana", "email": "ana@example.com", "country": "PH", "languages": ["English"]},
        format="json",
    )
    assert added.status_code == 201, added.content
    assert "/apply/" in added.json()["submission_url"]
    listed = lead_api.get(f"/api/v1/hiring/rounds/{rid}/applicants/")
    assert [a["name"] for a in listed.json()] == ["Ana"]
    assert [h["to_stage"] for h in listed.json()[0]["history"]] == ["applied"]


def test_api_refusals_name_the_field_and_save_nothing_hir_2(lead_api, hiring_round, add):
    bad = lead_api.post(
        f"/api/v1/hiring/rounds/{hiring_round.pk}/applicants/",
        {"name": "Ana", "email": "ana@example.com", "country": "Philippines"},
        format="json",
    )
    assert bad.status_code == 400 and "country" in bad.json()["error"]["fields"]
    applicant = add()
    illegal = lead_api.post(
        f"/api/v1/hiring/applicants/{applicant.pk}/transition/",
        {"to_stage": "hired"},
        format="json",
    )
    assert illegal.status_code == 409
    assert "Allowed: assessment offered, rejected, withdrawn" in illegal.json()["error"]["message"]
    assert Applicant.objects.get(pk=applicant.pk).stage == "applied"


def test_other_teams_lead_gets_404_agent_403_core_8(hiring_round, agent_api):
    team_b = TeamFactory(name="Team B")
    lead_b = UserFactory(username="lead_b", role="team_lead", team=team_b)
    team_b.lead = lead_b
    team_b.save()
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {user_api_token(user=lead_b)}")
    assert client.get(f"/api/v1/hiring/rounds/{hiring_round.pk}/").status_code == 404
    assert client.get("/api/v1/hiring/rounds/").json()["results"] == []
    assert agent_api.get(f"/api/v1/hiring/rounds/{hiring_round.pk}/").status_code == 403
    refused = client.post(
        "/api/v1/hiring/rounds/", {**ROUND, "team": hiring_round.team_id}, format="json"
    )
    assert refused.status_code == 403
    assert Round.objects.count() == 1


def test_score_invite_interview_hire_through_the_api_hir_4_hir_7(lead_api, offered, lead):
    applicant = complete(offered(country="US", region="CA"))
    free = next(
        a for a in applicant.answers.select_related("question") if a.question.kind == "free"
    )
    url = f"/api/v1/hiring/applicants/{applicant.pk}"
    scored = lead_api.post(
        f"{url}/score/", {"scores": [{"question": free.question_id, "points": 4}]}, format="json"
    )
    assert scored.status_code == 200 and scored.json()["stage"] == "scored"
    for stage in ("invited_to_interview", "interviewed"):
        moved = lead_api.post(f"{url}/transition/", {"to_stage": stage}, format="json")
        assert moved.status_code == 200, moved.content
    hire = {
        "username": "cal_agent",
        "password": "a-long-pass-phrase-42",
        "time_zone": "America/Los_Angeles",
        "channels": ["tickets"],
        "start_date": "2026-08-01",
        "contract": "long_term_hourly",
        "override_reason": "Please",
    }
    refused = lead_api.post(f"{url}/hire/", hire, format="json")
    assert refused.status_code == 400 and "California" in refused.json()["error"]["message"]
    hired = lead_api.post(f"{url}/hire/", {**hire, "contract": "short_term"}, format="json")
    assert hired.status_code == 200 and hired.json()["stage"] == "hired"
    funnel = lead_api.get(f"/api/v1/hiring/rounds/{applicant.round_id}/funnel/").json()
    assert {r["stage"]: r["reached"] for r in funnel["stages"]}["hired"] == 1


def test_question_bank_api_hir_4(lead_api, agent_api):
    created = lead_api.post(
        "/api/v1/hiring/questions/",
        {"kind": "choice", "text": "Pick", "options": ["a", "b"], "correct_option": 1},
        format="json",
    )
    assert created.status_code == 201, created.content
    bad = lead_api.post(
        "/api/v1/hiring/questions/",
        {"kind": "choice", "text": "Pick", "options": ["a"], "correct_option": 0},
        format="json",
    )
    assert bad.status_code == 400 and "options" in bad.json()["error"]["fields"]
    assert agent_api.get("/api/v1/hiring/questions/").status_code == 403
