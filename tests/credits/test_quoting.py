"""The pure quote function (CRD-1, CRD-2): Decimal only, rounded half up once at the end."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from credits.quoting import (
    RULE_DEFAULTS,
    CodeReview,
    GrowthPotential,
    QuoteInputs,
    WorkDiary,
    quote_compute,
    round_money,
)

money = st.decimals(min_value=0, max_value=10_000_000, places=2, allow_nan=False)
counts = st.integers(min_value=0, max_value=600)
points = st.decimals(min_value=0, max_value=10, places=2, allow_nan=False)
signed = st.decimals(min_value=-10, max_value=10, places=2, allow_nan=False)


@st.composite
def inputs(draw, **fixed):
    values = {
        "non_refunded_payments": draw(money),
        "contract_spend": draw(money),
        "spend_12m": draw(money),
        "lifetime_spend": draw(money),
        "tenure_months": draw(counts),
        "growth_potential": draw(st.sampled_from([g for g, _ in GrowthPotential.CHOICES])),
        "received_product": draw(st.booleans()),
        "work_diary": draw(st.sampled_from([w for w, _ in WorkDiary.CHOICES])),
        "code_review": draw(st.sampled_from([c for c, _ in CodeReview.CHOICES])),
        "ndf_found": draw(st.booleans()),
        "past_ndf_count": draw(counts),
    }
    values.update(fixed)
    return QuoteInputs(**values)


# One-off factors may count against the client (admin-set); rates and caps never do.
SIGNED = {
    "code_review_favours_client_points",
    "code_review_favours_freelancer_points",
    "no_product_points",
    "work_diary_supports_client_points",
    "work_diary_supports_freelancer_points",
    "growth_medium_points",
    "growth_high_points",
    "ndf_found_points",
}


@st.composite
def weights(draw):
    """Any admin-set rules: per-unit weights and caps >= 0, one-off factors signed."""
    w = {}
    for name in RULE_DEFAULTS:
        if name in ("min_percent", "max_percent"):
            continue
        w[name] = draw(signed if name in SIGNED else points)
    low = draw(st.decimals(min_value=0, max_value=50, places=2))
    w["min_percent"] = low
    w["max_percent"] = draw(st.decimals(min_value=low, max_value=100, places=2))
    return w


def test_baseline_is_five_percent_of_non_refunded_payments_crd_1():
    result = quote_compute(QuoteInputs(non_refunded_payments=Decimal("1000.00")), RULE_DEFAULTS)
    assert result.amount == Decimal("50.00")
    assert result.contributions[0].key == "baseline"
    assert result.contributions[0].amount == Decimal("50.0000")


def test_each_factor_shows_its_contribution_crd_1():
    result = quote_compute(
        QuoteInputs(
            non_refunded_payments=Decimal("1000"),
            code_review=CodeReview.FAVOURS_CLIENT,
            received_product=False,
            work_diary=WorkDiary.SUPPORTS_CLIENT,
            tenure_months=50,
            contract_spend=Decimal("3000"),
            spend_12m=Decimal("20000"),
            lifetime_spend=Decimal("100000"),
            growth_potential=GrowthPotential.HIGH,
            ndf_found=True,
            past_ndf_count=10,
        ),
        RULE_DEFAULTS,
    )
    by_key = {c.key: c.points for c in result.contributions}
    assert by_key == {
        "baseline": Decimal("5.00"),
        "code_review": Decimal("3.00"),
        "no_product": Decimal("2.00"),
        "work_diary": Decimal("1.50"),
        "tenure": Decimal("1.00"),  # 4 years x 0.25
        "contract_spend": Decimal("0.30"),
        "spend_12m": Decimal("1.00"),  # capped
        "lifetime_spend": Decimal("1.50"),  # capped
        "growth": Decimal("1.00"),
        "ndf_found": Decimal("2.00"),
        "past_ndf": Decimal("2.00"),  # capped
        "bounds": Decimal("-0.30"),  # 20.30 % held at the 20 % bound
    }
    assert result.percent == Decimal("20.00") == sum(by_key.values())
    assert result.amount == Decimal("200.00")


def test_rounding_half_up_at_the_half_cent_crd_2():
    # 5 % of 10.10 is 0.505: half up gives 0.51 (banker's rounding would give 0.50).
    result = quote_compute(QuoteInputs(non_refunded_payments=Decimal("10.10")), RULE_DEFAULTS)
    assert result.amount == Decimal("0.51")
    assert round_money(Decimal("0.515")) == Decimal("0.52")
    assert round_money(Decimal("0.5149999")) == Decimal("0.51")


def test_rounding_happens_once_at_the_end_crd_2():
    # 1.10 x 5.25 % = 0.05775 -> 0.06; rounding the parts first (0.06 + 0.00) could differ.
    w = {**RULE_DEFAULTS, "tenure_points_per_year": Decimal("0.25")}
    result = quote_compute(QuoteInputs(non_refunded_payments=Decimal("1.10"), tenure_months=12), w)
    assert result.percent == Decimal("5.25")
    assert result.amount == Decimal("0.06")
    assert all(isinstance(c.amount, Decimal) for c in result.contributions)


@settings(max_examples=200, deadline=None)
@given(inputs(), weights())
def test_never_negative_never_above_payments_crd_2(quote_inputs, w):
    result = quote_compute(quote_inputs, w)
    assert isinstance(result.amount, Decimal)
    assert result.amount >= 0
    assert result.amount <= quote_inputs.non_refunded_payments
    assert result.amount == result.amount.quantize(Decimal("0.01"))
    assert w["min_percent"] <= result.percent <= w["max_percent"]


@settings(max_examples=200, deadline=None)
@given(inputs(), weights(), money)
def test_monotone_in_non_refunded_payments_crd_1(quote_inputs, w, more):
    from dataclasses import replace

    bigger = replace(quote_inputs, non_refunded_payments=quote_inputs.non_refunded_payments + more)
    assert quote_compute(bigger, w).amount >= quote_compute(quote_inputs, w).amount


@settings(max_examples=200, deadline=None)
@given(
    inputs(),
    weights(),
    st.sampled_from(["tenure_months", "past_ndf_count"]),
    counts,
)
def test_monotone_in_tenure_and_past_ndf_crd_1(quote_inputs, w, name, extra):
    from dataclasses import replace

    more = replace(quote_inputs, **{name: getattr(quote_inputs, name) + extra})
    assert quote_compute(more, w).amount >= quote_compute(quote_inputs, w).amount


@settings(max_examples=200, deadline=None)
@given(inputs(), weights(), st.sampled_from(["contract_spend", "spend_12m", "lifetime_spend"]))
def test_monotone_in_spend_crd_1(quote_inputs, w, name):
    from dataclasses import replace

    more = replace(quote_inputs, **{name: getattr(quote_inputs, name) + Decimal("5000")})
    assert quote_compute(more, w).amount >= quote_compute(quote_inputs, w).amount


@settings(max_examples=200, deadline=None)
@given(inputs(), weights())
def test_reproducible_from_the_stored_snapshot_crd_2(quote_inputs, w):
    first = quote_compute(quote_inputs, w)
    stored_inputs = quote_inputs.as_dict()  # what a snapshot keeps (text)
    stored_rules = {k: str(v) for k, v in w.items()}
    again = quote_compute(
        QuoteInputs.from_dict(stored_inputs), {k: Decimal(v) for k, v in stored_rules.items()}
    )
    assert again == first
