"""The credit quote as a pure function (CRD-1, CRD-2): plain values in, plain values out.

Every factor adds (or takes away) percentage *points* of the non-refunded payments of the
disputed contract, on top of the baseline (5 % by default). The total percentage is held
within the admin-set bounds, so the quote is never negative and never above the
non-refunded payments. All arithmetic is ``Decimal``; the amount is rounded half up to
cents once, at the very end. No database, no clock: a stored snapshot (its inputs and its
rule values) always computes to the same quote again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
THOUSAND = Decimal(1000)
TEN_THOUSAND = Decimal(10000)


class GrowthPotential:
    LOW, MEDIUM, HIGH = "low", "medium", "high"
    CHOICES = [(LOW, "Low"), (MEDIUM, "Medium"), (HIGH, "High")]


class WorkDiary:
    NOT_REVIEWED = "not_reviewed"
    SUPPORTS_CLIENT = "supports_client"
    SUPPORTS_FREELANCER = "supports_freelancer"
    INCONCLUSIVE = "inconclusive"
    CHOICES = [
        (NOT_REVIEWED, "Not reviewed"),
        (SUPPORTS_CLIENT, "Supports the client"),
        (SUPPORTS_FREELANCER, "Supports the freelancer"),
        (INCONCLUSIVE, "Inconclusive"),
    ]


class CodeReview:
    NOT_REQUESTED = "not_requested"
    REQUESTED = "requested"  # asked for, no result recorded yet (CRD-4 blocks offering)
    FAVOURS_CLIENT = "favours_client"
    FAVOURS_FREELANCER = "favours_freelancer"
    INCONCLUSIVE = "inconclusive"
    CHOICES = [
        (NOT_REQUESTED, "Not requested"),
        (REQUESTED, "Requested, result pending"),
        (FAVOURS_CLIENT, "Result favours the client"),
        (FAVOURS_FREELANCER, "Result favours the freelancer"),
        (INCONCLUSIVE, "Result inconclusive"),
    ]


# The weights and bounds a rules version holds (all Decimal; "points" are percentage points).
RULE_DEFAULTS: dict[str, Decimal] = {
    "baseline_percent": Decimal("5.00"),
    "code_review_favours_client_points": Decimal("3.00"),
    "code_review_favours_freelancer_points": Decimal("-2.00"),
    "no_product_points": Decimal("2.00"),
    "work_diary_supports_client_points": Decimal("1.50"),
    "work_diary_supports_freelancer_points": Decimal("-1.50"),
    "tenure_points_per_year": Decimal("0.25"),
    "tenure_max_points": Decimal("1.00"),
    "contract_spend_points_per_1000": Decimal("0.10"),
    "contract_spend_max_points": Decimal("1.00"),
    "spend_12m_points_per_1000": Decimal("0.10"),
    "spend_12m_max_points": Decimal("1.00"),
    "lifetime_points_per_10000": Decimal("0.25"),
    "lifetime_max_points": Decimal("1.50"),
    "growth_medium_points": Decimal("0.50"),
    "growth_high_points": Decimal("1.00"),
    "ndf_found_points": Decimal("2.00"),
    "past_ndf_points_each": Decimal("0.50"),
    "past_ndf_max_points": Decimal("2.00"),
    "min_percent": Decimal("0.00"),
    "max_percent": Decimal("20.00"),
}
WEIGHT_FIELDS = list(RULE_DEFAULTS)


@dataclass(frozen=True)
class QuoteInputs:
    """The facts of CRD-1 for one case and its disputed contract."""

    non_refunded_payments: Decimal
    contract_spend: Decimal = Decimal("0")
    spend_12m: Decimal = Decimal("0")
    lifetime_spend: Decimal = Decimal("0")
    tenure_months: int = 0
    growth_potential: str = GrowthPotential.LOW
    received_product: bool = True
    work_diary: str = WorkDiary.NOT_REVIEWED
    code_review: str = CodeReview.NOT_REQUESTED
    ndf_found: bool = False
    past_ndf_count: int = 0

    def as_dict(self) -> dict[str, str]:
        """Canonical text of every input (what a snapshot stores and hashes)."""
        out = {}
        for name in INPUT_NAMES:
            value = getattr(self, name)
            if isinstance(value, bool):
                out[name] = "yes" if value else "no"
            else:
                out[name] = str(value)
        return out

    @classmethod
    def from_dict(cls, data: dict) -> QuoteInputs:
        values = {}
        for name in INPUT_NAMES:
            if name not in data:
                continue
            raw = data[name]
            kind = INPUT_TYPES[name]
            if kind is bool:
                values[name] = raw in (True, "yes", "true", "1")
            elif kind is int:
                values[name] = int(raw)
            elif kind is Decimal:
                values[name] = Decimal(str(raw))
            else:
                values[name] = str(raw)
        return cls(**values)


INPUT_TYPES = {
    "non_refunded_payments": Decimal,
    "contract_spend": Decimal,
    "spend_12m": Decimal,
    "lifetime_spend": Decimal,
    "tenure_months": int,
    "growth_potential": str,
    "received_product": bool,
    "work_diary": str,
    "code_review": str,
    "ndf_found": bool,
    "past_ndf_count": int,
}
INPUT_NAMES = list(INPUT_TYPES)


@dataclass(frozen=True)
class Contribution:
    key: str
    label: str
    points: Decimal  # percentage points of the non-refunded payments
    amount: Decimal  # unrounded money (points x payments / 100)

    def as_dict(self) -> dict[str, str]:
        return {
            "key": self.key,
            "label": self.label,
            "points": str(self.points),
            "amount": str(self.amount),
        }


@dataclass(frozen=True)
class QuoteResult:
    percent: Decimal
    amount: Decimal  # rounded half up to cents, once
    contributions: list[Contribution] = field(default_factory=list)

    def contributions_data(self) -> list[dict[str, str]]:
        return [c.as_dict() for c in self.contributions]


def round_money(value: Decimal) -> Decimal:
    """CRD-2: half up to cents (0.005 -> 0.01), the only rounding a quote sees."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _bounded(points: Decimal, cap: Decimal) -> Decimal:
    return min(points, cap)


def _factor_points(inputs: QuoteInputs, w: dict[str, Decimal]) -> list[tuple[str, str, Decimal]]:
    """(key, label, points) of every factor that applies, in the order the seed lists them."""
    rows: list[tuple[str, str, Decimal]] = []
    review = {
        CodeReview.FAVOURS_CLIENT: w["code_review_favours_client_points"],
        CodeReview.FAVOURS_FREELANCER: w["code_review_favours_freelancer_points"],
    }.get(inputs.code_review)
    if review is not None:
        rows.append(("code_review", "Code review result", review))
    if not inputs.received_product:
        rows.append(("no_product", "Client received no product", w["no_product_points"]))
    diary = {
        WorkDiary.SUPPORTS_CLIENT: w["work_diary_supports_client_points"],
        WorkDiary.SUPPORTS_FREELANCER: w["work_diary_supports_freelancer_points"],
    }.get(inputs.work_diary)
    if diary is not None:
        rows.append(("work_diary", "Work diary review", diary))
    years = Decimal(max(inputs.tenure_months, 0) // 12)
    rows.append(
        (
            "tenure",
            "Client tenure",
            _bounded(years * w["tenure_points_per_year"], w["tenure_max_points"]),
        )
    )
    for key, label, value, per, cap, unit in (
        (
            "contract_spend",
            "Contract spend",
            inputs.contract_spend,
            w["contract_spend_points_per_1000"],
            w["contract_spend_max_points"],
            THOUSAND,
        ),
        (
            "spend_12m",
            "12-month spend",
            inputs.spend_12m,
            w["spend_12m_points_per_1000"],
            w["spend_12m_max_points"],
            THOUSAND,
        ),
        (
            "lifetime_spend",
            "Lifetime spend",
            inputs.lifetime_spend,
            w["lifetime_points_per_10000"],
            w["lifetime_max_points"],
            TEN_THOUSAND,
        ),
    ):
        rows.append((key, label, _bounded(max(value, Decimal(0)) / unit * per, cap)))
    growth = {
        GrowthPotential.MEDIUM: w["growth_medium_points"],
        GrowthPotential.HIGH: w["growth_high_points"],
    }.get(inputs.growth_potential, Decimal(0))
    rows.append(("growth", "Growth potential", growth))
    if inputs.ndf_found:
        rows.append(("ndf_found", "Non-delivering freelancer found", w["ndf_found_points"]))
    past = _bounded(
        Decimal(max(inputs.past_ndf_count, 0)) * w["past_ndf_points_each"],
        w["past_ndf_max_points"],
    )
    rows.append(("past_ndf", "Past non-delivery count", past))
    return rows


def quote_compute(inputs: QuoteInputs, weights: dict[str, Decimal]) -> QuoteResult:
    """CRD-1/CRD-2: baseline plus each factor, within the bounds, rounded once at the end."""
    w = {name: Decimal(str(weights.get(name, RULE_DEFAULTS[name]))) for name in WEIGHT_FIELDS}
    payments = max(Decimal(str(inputs.non_refunded_payments)), Decimal(0))
    rows = [("baseline", "Baseline", w["baseline_percent"]), *_factor_points(inputs, w)]
    total = sum((points for _, _, points in rows), Decimal(0))
    low = max(w["min_percent"], Decimal(0))
    high = min(max(w["max_percent"], low), HUNDRED)
    percent = min(max(total, low), high)
    if percent != total:
        rows.append(("bounds", "Held within the set bounds", percent - total))
    contributions = [
        Contribution(key, label, points, payments * points / HUNDRED) for key, label, points in rows
    ]
    return QuoteResult(
        percent=percent,
        amount=round_money(payments * percent / HUNDRED),
        contributions=contributions,
    )
