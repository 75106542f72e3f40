"""SRC-2 eligibility, one test per rule with its boundaries (see sourcing/eligibility.py)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sourcing.eligibility import RULE_IDS, score_of
from sourcing.models import Freelancer
from sourcing.services import shortlist_invite

from .pool import NOW, add, build, eligible_ids, evaluate, job, row, set_rules

pytestmark = pytest.mark.django_db


def test_jss_exactly_80_passes_and_79_fails_src_2():
    add(row("A", jss=80), row("B", jss=79), row("C", jss=100), row("D", jss=None))
    assert sorted(eligible_ids()) == ["A", "C"]


def test_rising_talent_without_jss_is_eligible_not_lost_to_null_src_2():
    add(
        row("RT", jss=None, badges=["rising_talent"], jobs=[job()]),
        row("RT-LOW", jss=60, badges=["rising_talent"]),
        row("NOJSS", jss=None),
    )
    assert sorted(eligible_ids()) == ["RT", "RT-LOW"]
    # The switch is configuration: turn it off and Rising Talent must meet the JSS too.
    set_rules(rising_talent_bypasses_jss=False)
    assert eligible_ids() == []


def test_premium_expert_vetted_passes_jss_rule_src_2():
    add(row("P", jss=70, badges=["expert_vetted"]), row("X", jss=70))
    assert eligible_ids() == ["P"]


def test_same_skill_job_ended_exactly_365_days_ago_counts_366_does_not_src_2():
    add(
        row("D365", jobs=[job(ended_days_ago=365)] + [job(ended_days_ago=400)] * 3),
        row("D366", jobs=[job(ended_days_ago=366)] * 4),
        row("OTHER", jobs=[job(ended_days_ago=10, skills=["photoshop"])] * 4),
    )
    assert eligible_ids() == ["D365"]


def test_same_skill_window_is_configurable_src_2():
    add(row("D200", jobs=[job(ended_days_ago=200)] * 4))
    set_rules(recent_job_days=180)
    assert eligible_ids() == []
    set_rules(recent_job_days=200)
    assert eligible_ids() == ["D200"]


def test_category_and_subcategory_experience_src_2():
    add(
        row("UX", jobs=[job()] * 4),
        row("GRAPHIC", jobs=[job(subcategory="Graphic Design")] * 4),
        row(
            "WEB", jobs=[job(category="Web/Mobile Development", subcategory="Web Development")] * 4
        ),
    )
    assert eligible_ids() == ["UX"]
    assert sorted(eligible_ids(subcategory="")) == ["GRAPHIC", "UX"]


def test_english_at_least_conversational_and_fluent_for_writing_src_2():
    writing_job = [job(category="Writing", subcategory="Copywriting")] * 4
    add(
        row("BASIC", english_level="basic"),
        row("CONV", english_level="conversational"),
        row("W-CONV", english_level="conversational", jobs=writing_job),
        row("W-FLUENT", english_level="fluent", jobs=writing_job),
        row("W-NATIVE", english_level="native", jobs=writing_job),
    )
    assert eligible_ids() == ["CONV"]
    writing = {"category": "Writing", "subcategory": "Copywriting"}
    assert sorted(eligible_ids(**writing)) == ["W-FLUENT", "W-NATIVE"]
    # An explicit "not writing" overrides the category.
    assert sorted(eligible_ids(**writing, writing=False)) == ["W-CONV", "W-FLUENT", "W-NATIVE"]


def test_client_geography_when_the_client_has_one_src_2():
    add(
        row("US", country="US", region="north_america"),
        row("DE", country="DE", region="europe"),
        row("BR", country="BR", region="latin_america"),
    )
    assert sorted(eligible_ids()) == ["BR", "DE", "US"]
    assert eligible_ids(countries=["DE"]) == ["DE"]
    assert sorted(eligible_ids(countries=["DE"], regions=["latin_america"])) == ["BR", "DE"]


def test_relevant_skills_src_2():
    add(
        row("FIGMA", skills=["figma"]),
        row("NOFIGMA", skills=["sketch"]),
        row("BOTH", skills=["Figma", "prototyping"]),
    )
    assert sorted(eligible_ids()) == ["BOTH", "FIGMA"]
    set_rules(min_skill_matches=2)
    assert eligible_ids(skills=["figma", "prototyping"]) == ["BOTH"]


def test_three_jobs_with_100_hours_passes_via_hours_src_2():
    add(
        row("3J-100H", jobs=[job(hours=40), job(hours=30), job(hours=30)]),
        row("3J-99H", jobs=[job(hours=33), job(hours=33), job(hours=33)]),
        row("4J-4H", jobs=[job(hours=1)] * 4),
        row("RT-1J", badges=["rising_talent"], jobs=[job(hours=2)]),
    )
    assert sorted(eligible_ids()) == ["3J-100H", "4J-4H", "RT-1J"]


def test_total_hours_from_the_import_counts_src_2():
    add(row("HOURS", total_hours=250, jobs=[job(hours=10)] * 2))
    assert eligible_ids() == ["HOURS"]


def test_matching_keywords_only_when_the_job_has_them_src_2():
    add(row("SAAS", keywords=["SaaS"]), row("FIN", keywords=["fintech"]), row("NONE", keywords=[]))
    assert sorted(eligible_ids()) == ["FIN", "NONE", "SAAS"]
    assert eligible_ids(keywords=["saas", "b2b"]) == ["SAAS"]


def test_invited_exactly_7_days_ago_is_eligible_again_src_2(frozen_time):
    add(row("A"), row("B"))
    shortlist = build(job_reference="JOB-OLD")
    ids = {f.external_id: f.pk for f in Freelancer.objects.all()}
    shortlist_invite(
        shortlist=shortlist, freelancer_ids=[ids["A"]], actor=None, now=NOW - dt.timedelta(days=7)
    )
    shortlist_invite(
        shortlist=shortlist,
        freelancer_ids=[ids["B"]],
        actor=None,
        now=NOW - dt.timedelta(days=7) + dt.timedelta(seconds=1),
    )
    assert eligible_ids() == ["A"]
    frozen_time.shift(dt.timedelta(seconds=1))
    assert sorted(eligible_ids()) == ["A", "B"]


def test_imported_invitations_start_the_cooldown_src_2():
    add(row("A", invitations=[{"job": "JOB-X", "at": (NOW - dt.timedelta(days=2)).isoformat()}]))
    assert eligible_ids() == []


def test_every_shortlisted_candidate_passed_every_rule_in_the_database_src_2():
    add(row("A"), row("B", jss=85, badges=["top_rated"]), row("C", jss=50))
    run = evaluate()
    assert [r["external_id"] for r in run.rows] == ["B", "A"]
    for candidate in run.rows:
        assert all(candidate[f"ok_{rule}"] is True for rule in RULE_IDS)


def test_funnel_counts_each_rule_once_in_order_src_2():
    add(
        row("OK"),
        row("LOWJSS", jss=50, english_level="basic"),  # counted against JSS only
        row("BASIC", english_level="basic"),
        row("FAR", jobs=[job(ended_days_ago=500)] * 4),
    )
    run = evaluate()
    removed = {step["rule"]: step["removed"] for step in run.funnel}
    assert run.pool_count == 4
    assert removed["jss"] == 1 and removed["recent_skill_job"] == 1 and removed["english"] == 1
    assert [step["rule"] for step in run.funnel] == RULE_IDS
    assert run.funnel[-1]["remaining"] == run.eligible_count == 1


def test_score_in_sql_matches_the_documented_formula_src_5():
    add(
        row("A", jss=97, badges=["top_rated_plus"], english_level="native"),
        row("B", jss=None, badges=["rising_talent"], jobs=[job(hours=5)]),
        row("C", jss=81, badges=["expert_vetted"], total_hours=2500),
    )
    run = evaluate(skills=["figma", "sketch"])
    rules = run.rules
    for candidate in run.rows:
        assert candidate["score"] == score_of(candidate, rules)
    scores = [c["score"] for c in run.rows]
    assert scores == sorted(scores, reverse=True)


def test_engine_issues_the_same_few_queries_whatever_the_pool_size_src_2():
    add(*[row(f"F{i}") for i in range(5)])
    with CaptureQueriesContext(connection) as small:
        evaluate()
    add(*[row(f"G{i}") for i in range(40)])
    with CaptureQueriesContext(connection) as large:
        run = evaluate()
    assert len(run.rows) == 45
    assert len(small.captured_queries) == len(large.captured_queries) <= 9
    pool_queries = [
        q["sql"] for q in large.captured_queries if 'FROM "sourcing_freelancer"' in q["sql"]
    ]
    # The annotated shortlist query and the funnel's two aggregates.
    assert len(pool_queries) == 3
