"""Helpers for sourcing tests: a small pool built through the import service."""

from __future__ import annotations

import datetime as dt

from sourcing.eligibility import JobCriteria
from sourcing.services import (
    agencies_import,
    freelancers_import,
    job_criteria_build,
    rules_in_force,
    shortlist_create,
    shortlist_evaluate,
    sourcing_rules_update,
)

NOW = dt.datetime(2026, 6, 15, 12, 0, tzinfo=dt.UTC)
TODAY = NOW.date()


def days_ago(n: int) -> str:
    return (TODAY - dt.timedelta(days=n)).isoformat()


def job(
    *,
    category="Design",
    subcategory="UX/UI Design",
    ended_days_ago=30,
    hours=30,
    skills=("figma",),
) -> dict:
    return {
        "title": "Project",
        "category": category,
        "subcategory": subcategory,
        "end_date": days_ago(ended_days_ago),
        "hours": hours,
        "skills": list(skills),
    }


def row(external_id: str, **overrides) -> dict:
    """A freelancer who passes every rule of the default job (Design / UX/UI, figma)."""
    base = {
        "external_id": external_id,
        "name": f"Freelancer {external_id}",
        "jss": 90,
        "badges": [],
        "english_level": "fluent",
        "country": "US",
        "region": "north_america",
        "skills": ["figma", "sketch"],
        "keywords": ["saas"],
        "jobs": [job() for _ in range(4)],
    }
    base.update(overrides)
    return base


def add(*rows: dict):
    return freelancers_import(rows=list(rows))


def criteria(**overrides) -> JobCriteria:
    data = {
        "title": "Checkout redesign",
        "category": "Design",
        "subcategory": "UX/UI Design",
        "skills": ["figma"],
        "job_reference": "JOB-1",
    }
    data.update(overrides)
    return job_criteria_build(**data)


def evaluate(**overrides):
    rules, _ = rules_in_force()
    return shortlist_evaluate(criteria=criteria(**overrides), rules=rules)


def eligible_ids(**overrides) -> list[str]:
    return [r["external_id"] for r in evaluate(**overrides).rows]


def build(actor=None, **overrides):
    return shortlist_create(actor=actor, criteria=criteria(**overrides))


def set_rules(actor=None, **values):
    return sourcing_rules_update(actor=actor, values=values, note="test")


def add_agencies(*rows: dict):
    return agencies_import(rows=list(rows))
