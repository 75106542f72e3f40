"""SRC-4: larger budgets spread geographies and mix Top Rated with Rising Talent.

The re-rank is a pure function over the ranked eligible set: it never adds or drops a
candidate and gives the same order for the same input.
"""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sourcing.eligibility import RankItem, RerankPlan, rerank
from sourcing.services import rules_in_force

from .pool import add, build, criteria, job, row

REGIONS = ["europe", "asia", "africa", "north_america"]


def item(i, region="europe", tr=False, rt=False, premium=False):
    return RankItem(i, f"F{i}", region, tr, rt, premium)


def plan(**overrides):
    values = {
        "premium_first": False,
        "spread": True,
        "mix": True,
        "window": 10,
        "max_per_region": 4,
        "min_top_rated": 2,
        "min_rising_talent": 2,
    }
    values.update(overrides)
    return RerankPlan(**values)


def test_geography_spread_caps_one_region_in_the_top_window_src_4():
    items = [item(i, "europe") for i in range(1, 9)] + [item(9, "asia"), item(10, "africa")]
    ordered, moves = rerank(items, plan(mix=False, window=6, max_per_region=4))
    top = [i.region for i in ordered[:6]]
    assert top.count("europe") == 4
    assert [i.id for i in ordered[:6]] == [1, 2, 3, 4, 9, 10]
    promoted = {m["freelancer_id"]: m for m in moves if m["to_rank"] < m["from_rank"]}
    assert set(promoted) == {9, 10}
    assert "Geography spread" in promoted[9]["reason"]


def test_mix_puts_top_rated_and_rising_talent_in_the_window_src_4():
    items = [item(i) for i in range(1, 11)] + [
        item(11, tr=True),
        item(12, rt=True),
        item(13, tr=True),
        item(14, rt=True),
    ]
    ordered, moves = rerank(items, plan(spread=False, window=6))
    window = ordered[:6]
    assert sum(i.top_rated for i in window) == 2
    assert sum(i.rising_talent for i in window) == 2
    assert [i.id for i in window] == [1, 2, 11, 12, 13, 14]
    reasons = {m["freelancer_id"]: m["reason"] for m in moves}
    assert "Top Rated mix" in reasons[11] and "Rising Talent mix" in reasons[12]


def test_mix_only_asks_for_what_exists_src_4():
    items = [item(i) for i in range(1, 6)] + [item(6, rt=True)]
    ordered, _ = rerank(items, plan(spread=False, window=3))
    assert [i.id for i in ordered] == [1, 2, 6, 3, 4, 5]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(REGIONS), st.booleans(), st.booleans(), st.booleans()),
        max_size=30,
    ),
    st.booleans(),
    st.booleans(),
    st.booleans(),
)
def test_rerank_never_adds_or_drops_and_is_deterministic_src_4(specs, premium, spread, mix):
    items = [item(i + 1, r, tr, rt, p) for i, (r, tr, rt, p) in enumerate(specs)]
    p = plan(premium_first=premium, spread=spread, mix=mix, window=5, max_per_region=2)
    first, moves = rerank(items, p)
    again, moves_again = rerank(items, p)
    assert sorted(i.id for i in first) == [i.id for i in items]
    assert first == again and moves == moves_again
    positions = {i.id: n for n, i in enumerate(first, 1)}
    assert {m["freelancer_id"] for m in moves} == {
        i.id for n, i in enumerate(items, 1) if positions[i.id] != n
    }
    if premium:  # Premium agencies first stays a hard order
        flags = [i.premium_agency for i in first]
        assert flags == sorted(flags, reverse=True)


@pytest.mark.django_db
def test_budget_exactly_at_threshold_is_not_larger_than_average_src_4():
    rules, _ = rules_in_force()
    assert not criteria(budget="5000").is_large_budget(rules)
    assert criteria(budget="5000.01").is_large_budget(rules)
    assert rules.large_budget_threshold == Decimal("5000.00")


@pytest.mark.django_db
def test_large_budget_shortlist_spreads_and_mixes_and_records_moves_src_4():
    add(
        *[row(f"EU{i}", jss=99 - i, country="DE", region="europe") for i in range(6)],
        row(
            "RT-AF", jss=None, badges=["rising_talent"], country="NG", region="africa", jobs=[job()]
        ),
        row("RT-AS", jss=None, badges=["rising_talent"], country="VN", region="asia", jobs=[job()]),
        row("TR-US", jss=81, badges=["top_rated"]),
    )
    small = build(budget="1000")
    assert small.displacements == []
    large = build(budget="20000")
    order = [e.snapshot["external_id"] for e in large.entries.order_by("rank")]
    assert sorted(order) == sorted(e.snapshot["external_id"] for e in small.entries.all())
    top = order[:10]
    assert {"RT-AF", "RT-AS", "TR-US"} <= set(top)
    assert large.displacements, "each displacement is recorded"
    assert all({"from_rank", "to_rank", "reason"} <= set(m) for m in large.displacements)


@pytest.mark.django_db
def test_client_geography_turns_the_spread_off_src_4():
    add(*[row(f"EU{i}", jss=99 - i, country="DE", region="europe") for i in range(6)])
    add(row("US", jss=81))
    shortlist = build(budget="20000", regions=["europe", "north_america"])
    order = [e.snapshot["external_id"] for e in shortlist.entries.order_by("rank")]
    assert order == [f"EU{i}" for i in range(6)] + ["US"]
