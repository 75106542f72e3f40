"""SRC-3: reputable agencies only; Premium agencies first in the listed categories."""

import pytest

from .pool import add, add_agencies, build, eligible_ids, job, row, set_rules

pytestmark = pytest.mark.django_db


def agency(external_id, jss=95, disputes=0, premium=False):
    return {
        "external_id": external_id,
        "name": f"Agency {external_id}",
        "jss": jss,
        "dispute_count": disputes,
        "is_premium": premium,
    }


def test_only_reputable_agencies_with_boundaries_src_3():
    add_agencies(
        agency("AG85", jss=85, disputes=2),  # exactly at both thresholds: reputable
        agency("AG84", jss=84),
        agency("AG3D", jss=99, disputes=3),
        agency("AGNONE", jss=None),
    )
    add(
        row("SOLO"),
        row("IN-85", agency="AG85"),
        row("IN-84", agency="AG84"),
        row("IN-3D", agency="AG3D"),
        row("IN-NONE", agency="AGNONE"),
    )
    assert sorted(eligible_ids()) == ["IN-85", "SOLO"]
    set_rules(agency_min_jss=80, agency_max_disputes=3)
    assert sorted(eligible_ids()) == ["IN-3D", "IN-84", "IN-85", "SOLO"]


def test_premium_agency_members_first_in_listed_categories_src_3():
    add_agencies(agency("PREM", premium=True), agency("PLAIN"))
    add(
        row("TOP", jss=100, badges=["top_rated_plus"]),
        row("MID", jss=95),
        row("P-LOW", jss=82, agency="PREM"),
        row("PLAIN-LOW", jss=81, agency="PLAIN"),
    )
    shortlist = build()
    order = [e.snapshot["external_id"] for e in shortlist.entries.order_by("rank")]
    assert order == ["P-LOW", "TOP", "MID", "PLAIN-LOW"]
    promoted = next(e for e in shortlist.entries.all() if e.snapshot["external_id"] == "P-LOW")
    assert promoted.base_rank == 3 and promoted.rank == 1
    assert "Premium agency" in promoted.moves[0]["reason"]
    assert len(shortlist.displacements) == 3  # P-LOW up, TOP and MID down one place each


def test_premium_agencies_not_first_outside_listed_categories_src_3():
    add_agencies(agency("PREM", premium=True))
    writing_jobs = [job(category="Writing", subcategory="Copywriting")] * 4
    add(
        row("TOP", jss=100, jobs=writing_jobs),
        row("P-LOW", jss=82, agency="PREM", jobs=writing_jobs),
    )
    shortlist = build(category="Writing", subcategory="Copywriting")
    order = [e.snapshot["external_id"] for e in shortlist.entries.order_by("rank")]
    assert order == ["TOP", "P-LOW"]
    assert shortlist.displacements == []


def test_premium_categories_are_configurable_src_3():
    add_agencies(agency("PREM", premium=True))
    writing_jobs = [job(category="Writing", subcategory="Copywriting")] * 4
    add(row("TOP", jss=100, jobs=writing_jobs), row("P", jss=82, agency="PREM", jobs=writing_jobs))
    set_rules(premium_agency_categories=["Writing"])
    shortlist = build(category="Writing", subcategory="Copywriting")
    assert [e.snapshot["external_id"] for e in shortlist.entries.order_by("rank")] == ["P", "TOP"]
