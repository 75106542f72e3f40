"""SRC-5: ranked and explained shortlists; excluded candidates get the rule that failed."""

import pytest

from sourcing.eligibility import RULE_IDS
from sourcing.models import Freelancer

from .pool import add, build, job, row, set_rules

pytestmark = pytest.mark.django_db


def fid(external_id: str) -> int:
    return Freelancer.objects.get(external_id=external_id).pk


def explain(api, shortlist, ref):
    return api.get(f"/api/v1/sourcing/shortlists/{shortlist.pk}/explain/", {"freelancer": ref})


def test_every_candidate_has_rules_passed_and_score_src_5(agent_api):
    add(row("A", jss=95), row("B", jss=85))
    response = agent_api.post(
        "/api/v1/sourcing/shortlists/",
        {"category": "Design", "subcategory": "UX/UI Design", "skills": ["figma"]},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert [e["freelancer"]["external_id"] for e in body["entries"]] == ["A", "B"]
    for entry in body["entries"]:
        assert entry["score"] > 0
        assert [r["rule"] for r in entry["rules"]] == RULE_IDS
        assert all(r["passed"] for r in entry["rules"])
    assert body["entries"][0]["rules"][0]["message"] == "JSS 95 (needs 80)"
    assert [step["rule"] for step in body["funnel"]] == RULE_IDS


def test_explain_names_the_nearest_miss_jss_78_needs_80_src_5(agent_api):
    add(row("A"), row("LOW", jss=78))
    shortlist = build()
    response = explain(agent_api, shortlist, fid("LOW"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "excluded"
    assert body["first_failed_rule"]["rule"] == "jss"
    assert body["first_failed_rule"]["message"] == "JSS 78, needs 80"
    assert body["first_failed_rule"]["observed"] == 78
    assert body["first_failed_rule"]["threshold"] == ">= 80"
    assert [r["rule"] for r in body["failed_rules"]] == ["jss"]


def test_explain_lists_every_failed_rule_in_order_src_5(agent_api):
    add(
        row("A"),
        row(
            "MANY",
            jss=70,
            english_level="basic",
            jobs=[job(ended_days_ago=400, hours=10)],
            invitations=[{"job": "JOB-Z", "at": "2026-06-12T09:00:00Z"}],
        ),
    )
    shortlist = build()
    body = explain(agent_api, shortlist, "MANY").json()  # an external id works too
    failed = [r["rule"] for r in body["failed_rules"]]
    assert failed == ["jss", "recent_skill_job", "english", "volume", "cooldown"]
    messages = {r["rule"]: r["message"] for r in body["failed_rules"]}
    assert messages["english"] == "English Basic, needs Conversational"
    assert "cooldown ends 2026-06-19 09:00" in messages["cooldown"]
    assert messages["volume"] == "1 completed job and 10 hours, needs 4 jobs or 100 hours"
    assert "2025-05-11" in messages["recent_skill_job"]  # last one, 400 days before 2026-06-15
    assert body["summary"].startswith("Left out by job success score: JSS 70, needs 80.")


def test_explain_a_shortlisted_and_an_eligible_but_cut_freelancer_src_5(agent_api):
    add(row("A", jss=99), row("B", jss=85))
    shortlist = build(size=1)
    top = explain(agent_api, shortlist, fid("A")).json()
    assert top["status"] == "shortlisted" and top["rank"] == 1
    cut = explain(agent_api, shortlist, fid("B")).json()
    assert cut["status"] == "eligible_below_cutoff"
    assert cut["failed_rules"] == [] and "top 1" in cut["summary"]


def test_explain_uses_the_saved_rule_version_not_todays_src_5(agent_api, admin_user):
    add(row("A"), row("B", jss=78))
    shortlist = build()
    set_rules(actor=admin_user, min_jss=75)
    body = explain(agent_api, shortlist, fid("B")).json()
    assert body["rules_version"] == 1
    assert body["first_failed_rule"]["message"] == "JSS 78, needs 80"
    detail = agent_api.get(f"/api/v1/sourcing/shortlists/{shortlist.pk}/").json()
    assert detail["rules_version"] == 1 and detail["rules_snapshot"]["min_jss"] == 80


def test_shortlist_keeps_its_snapshot_when_the_pool_drifts_src_5(agent_api):
    add(row("A", jss=95))
    shortlist = build()
    add(row("A", jss=60))  # re-imported later with a lower JSS
    detail = agent_api.get(f"/api/v1/sourcing/shortlists/{shortlist.pk}/").json()
    entry = detail["entries"][0]
    assert entry["freelancer"]["jss"] == 95
    assert entry["rules"][0]["message"] == "JSS 95 (needs 80)"


def test_explain_bad_input_is_a_clear_4xx_src_5(agent_api):
    add(row("A"))
    shortlist = build()
    missing = explain(agent_api, shortlist, "")
    assert missing.status_code == 400
    assert missing.json()["error"]["fields"] == {"freelancer": [missing.json()["error"]["message"]]}
    unknown = explain(agent_api, shortlist, "NOPE")
    assert unknown.status_code == 404
    assert "NOPE" in unknown.json()["error"]["message"]
