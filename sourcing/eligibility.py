"""Pure parts of the shortlist engine (SRC-2 to SRC-5): rule catalogue, job criteria,
score, explanations and the deterministic re-rank. No database access here.

Boundaries (decided once, tested in tests/sourcing/test_rules_src2.py):

- JSS: ``jss >= min_jss`` passes (80 passes, 79 fails). A missing JSS never passes by
  comparison; Rising Talent and Expert-Vetted pass the rule explicitly instead (each switch
  is configurable), so a NULL is never silently lost.
- Same-skill job: inclusive. With ``recent_job_days = 365`` a job whose end date is exactly
  365 days before the evaluation date (UTC) counts; 366 days does not.
- Cooldown: invited exactly ``invite_cooldown_days`` (7) days ago is eligible again; the
  cooldown ends at ``invited_at + 7 days``.
- Volume: ``completed_jobs >= 4`` or ``total_hours >= 100`` (3 jobs with 100 hours passes).
- Agency: freelancers outside agencies pass; an agency passes when its JSS is at least
  ``agency_min_jss`` and its dispute count at most ``agency_max_disputes``. An agency with
  no JSS yet is not (yet) reputable.

Score (integer, higher is better; ties broken by the lower freelancer id)::

    jss points      JSS (0-100); without a JSS, ``no_jss_score`` for Rising Talent or
                    Expert-Vetted, else 0
  + badge points    Top Rated Plus 15, else Top Rated 10
  + Expert-Vetted   8
  + skill points    5 x min(matching job skills, 4)
  + jobs points     min(completed jobs, 20)
  + hours points    min(total hours // 100, 10)
  + English points  3 x (English level - 1)   (basic 0 ... native 9)
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import asdict, dataclass, field, fields
from decimal import Decimal

ENGLISH_LABELS = {1: "Basic", 2: "Conversational", 3: "Fluent", 4: "Native"}

# Funnel order: a candidate is counted against the first rule it fails.
RULES: list[tuple[str, str, str]] = [
    ("jss", "Job Success Score", "SRC-2"),
    ("recent_skill_job", "Same-skill job in the last year", "SRC-2"),
    ("category", "Category experience", "SRC-2"),
    ("english", "English level", "SRC-2"),
    ("geography", "Client's geography", "SRC-2"),
    ("skills", "Relevant skills", "SRC-2"),
    ("volume", "Completed jobs or hours", "SRC-2"),
    ("keywords", "Matching keywords", "SRC-2"),
    ("agency", "Reputable agency", "SRC-3"),
    ("cooldown", "Not invited recently", "SRC-2"),
]
RULE_IDS = [rule_id for rule_id, _, _ in RULES]
RULE_LABELS = {rule_id: label for rule_id, label, _ in RULES}
MAX_SHORTLIST_SIZE = 200


@dataclass(frozen=True)
class RuleSet:
    """The numbers and lists of SRC-2 to SRC-4, as plain values."""

    version: int = 0
    min_jss: int = 80
    rising_talent_bypasses_jss: bool = True
    premium_bypasses_jss: bool = True
    recent_job_days: int = 365
    min_english_level: int = 2
    writing_min_english_level: int = 3
    writing_categories: tuple[str, ...] = ("Writing", "Translation")
    min_skill_matches: int = 1
    min_completed_jobs: int = 4
    min_total_hours: int = 100
    volume_exempt_rising_talent: bool = True
    volume_exempt_premium: bool = True
    min_keyword_matches: int = 1
    invite_cooldown_days: int = 7
    agency_min_jss: int = 85
    agency_max_disputes: int = 2
    premium_agency_categories: tuple[str, ...] = (
        "Design",
        "Admin",
        "Customer Support",
        "Web/Mobile Development",
        "Translation",
        "Management Consulting",
        "Market Research",
    )
    large_budget_threshold: Decimal = Decimal("5000.00")
    mix_window: int = 10
    max_per_region_in_window: int = 4
    min_top_rated_in_window: int = 2
    min_rising_talent_in_window: int = 2
    no_jss_score: int = 70
    default_shortlist_size: int = 50

    @classmethod
    def from_values(cls, values: dict, version: int = 0) -> RuleSet:
        known = {f.name for f in fields(cls)}
        data = {k: v for k, v in values.items() if k in known}
        data["version"] = version or values.get("version", 0)
        for name in ("writing_categories", "premium_agency_categories"):
            if name in data:
                data[name] = tuple(data[name])
        if "large_budget_threshold" in data:
            data["large_budget_threshold"] = Decimal(str(data["large_budget_threshold"]))
        return cls(**data)

    def snapshot(self) -> dict:
        data = asdict(self)
        data["writing_categories"] = list(self.writing_categories)
        data["premium_agency_categories"] = list(self.premium_agency_categories)
        data["large_budget_threshold"] = str(self.large_budget_threshold)
        return data


def _casefold_in(name: str | None, names) -> bool:
    return bool(name) and name.casefold() in {n.casefold() for n in names}


@dataclass(frozen=True)
class JobCriteria:
    """What the client needs. Skills and keywords are normalised (lower case)."""

    title: str
    category: str
    skills: tuple[str, ...]
    subcategory: str | None = None
    keywords: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    budget: Decimal | None = None
    writing: bool | None = None  # None: decided by the category
    size: int | None = None
    job_reference: str = ""
    case_reference: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def restricts_geography(self) -> bool:
        return bool(self.countries or self.regions)

    def is_writing(self, rules: RuleSet) -> bool:
        if self.writing is not None:
            return self.writing
        return _casefold_in(self.category, rules.writing_categories)

    def is_large_budget(self, rules: RuleSet) -> bool:
        return self.budget is not None and self.budget > rules.large_budget_threshold

    def premium_agencies_first(self, rules: RuleSet) -> bool:
        return _casefold_in(self.category, rules.premium_agency_categories)

    def required_english(self, rules: RuleSet) -> int:
        if self.is_writing(rules):
            return max(rules.writing_min_english_level, rules.min_english_level)
        return rules.min_english_level

    def size_for(self, rules: RuleSet) -> int:
        return min(self.size or rules.default_shortlist_size, MAX_SHORTLIST_SIZE)

    def snapshot(self) -> dict:
        return {
            "title": self.title,
            "category": self.category,
            "subcategory": self.subcategory,
            "skills": list(self.skills),
            "keywords": list(self.keywords),
            "countries": list(self.countries),
            "regions": list(self.regions),
            "budget": str(self.budget) if self.budget is not None else None,
            "writing": self.writing,
            "size": self.size,
            "job_reference": self.job_reference,
            "case_reference": self.case_reference,
        }

    @classmethod
    def from_snapshot(cls, data: dict) -> JobCriteria:
        budget = data.get("budget")
        return cls(
            title=data.get("title", ""),
            category=data["category"],
            subcategory=data.get("subcategory"),
            skills=tuple(data.get("skills") or ()),
            keywords=tuple(data.get("keywords") or ()),
            countries=tuple(data.get("countries") or ()),
            regions=tuple(data.get("regions") or ()),
            budget=Decimal(budget) if budget not in (None, "") else None,
            writing=data.get("writing"),
            size=data.get("size"),
            job_reference=data.get("job_reference", ""),
            case_reference=data.get("case_reference", ""),
        )


# Score ------------------------------------------------------------------------------------
def score_of(row: dict, rules: RuleSet) -> int:
    """The documented score in Python; the engine computes the same in SQL."""
    if row["jss"] is not None:
        points = row["jss"]
    elif row["is_rising_talent"] or row["is_premium"]:
        points = rules.no_jss_score
    else:
        points = 0
    if row["is_top_rated_plus"]:
        points += 15
    elif row["is_top_rated"]:
        points += 10
    if row["is_premium"]:
        points += 8
    points += 5 * min(row["skill_matches"] or 0, 4)
    points += min(row["completed_jobs_count"], 20)
    points += min(row["total_hours"] // 100, 10)
    points += 3 * (row["english_level"] - 1)
    return points


# Explanations -----------------------------------------------------------------------------
def _date(value) -> str:
    if value is None:
        return "never"
    if isinstance(value, str):
        return value[:10]
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    return value.isoformat()


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def explain_rule(
    rule_id: str, passed: bool, row: dict, rules: RuleSet, criteria: JobCriteria, as_of
) -> dict:
    """One rule's result for one freelancer: observed value against threshold, in words."""
    as_of_date = as_of.date() if isinstance(as_of, dt.datetime) else as_of
    observed: object
    threshold: str
    if rule_id == "jss":
        jss = row["jss"]
        observed = jss
        threshold = f">= {rules.min_jss}"
        if jss is not None and jss >= rules.min_jss:
            message = f"JSS {jss} (needs {rules.min_jss})"
        elif row["is_rising_talent"] and rules.rising_talent_bypasses_jss:
            message = f"Rising Talent{f' with JSS {jss}' if jss is not None else ', no JSS yet'}"
        elif row["is_premium"] and rules.premium_bypasses_jss:
            message = f"Expert-Vetted{f' with JSS {jss}' if jss is not None else ', no JSS yet'}"
        elif jss is None:
            message = f"No JSS yet, needs {rules.min_jss} (not Rising Talent or Expert-Vetted)"
        else:
            message = f"JSS {jss}, needs {rules.min_jss}"
    elif rule_id == "recent_skill_job":
        last = row.get("last_skill_job_end")
        cutoff = as_of_date - dt.timedelta(days=rules.recent_job_days)
        observed = _date(last) if last else None
        threshold = f"ended on or after {cutoff.isoformat()}"
        if passed:
            message = f"Same-skill job ended {_date(last)}"
        elif last:
            message = (
                f"Last job with these skills ended {_date(last)}, "
                f"needs one ended on or after {cutoff.isoformat()} ({rules.recent_job_days} days)"
            )
        else:
            message = "No completed job with any of the job's skills"
    elif rule_id == "category":
        where = criteria.category + (f" / {criteria.subcategory}" if criteria.subcategory else "")
        count = row.get("category_jobs") or 0
        observed = count
        threshold = ">= 1 job"
        message = (
            f"{_plural(count, 'completed job')} in {where}"
            if passed
            else f"No completed job in {where}"
        )
    elif rule_id == "english":
        level = row["english_level"]
        needed = criteria.required_english(rules)
        observed = ENGLISH_LABELS.get(level, level)
        threshold = f">= {ENGLISH_LABELS[needed]}"
        suffix = " for a writing job" if criteria.is_writing(rules) else ""
        message = (
            f"English {ENGLISH_LABELS.get(level)}"
            if passed
            else f"English {ENGLISH_LABELS.get(level)}, needs {ENGLISH_LABELS[needed]}{suffix}"
        )
    elif rule_id == "geography":
        place = f"{row['country']} ({row['region'].replace('_', ' ').title()})"
        observed = place
        wanted = ", ".join([*criteria.countries, *(r.replace("_", " ") for r in criteria.regions)])
        threshold = wanted or "anywhere"
        if not criteria.restricts_geography:
            message = f"{place}; the client has no geography"
        elif passed:
            message = f"{place} is in the client's geography"
        else:
            message = f"{place} is outside the client's geography ({wanted})"
    elif rule_id == "skills":
        n = row.get("skill_matches") or 0
        observed = n
        threshold = f">= {rules.min_skill_matches}"
        message = (
            f"{n} of {len(criteria.skills)} job skills"
            if passed
            else f"{n} of the job's skills, needs {rules.min_skill_matches}"
        )
    elif rule_id == "volume":
        jobs, hours = row["completed_jobs_count"], row["total_hours"]
        observed = f"{jobs} jobs, {hours} h"
        threshold = f">= {rules.min_completed_jobs} jobs or >= {rules.min_total_hours} h"
        exempt = (row["is_rising_talent"] and rules.volume_exempt_rising_talent) or (
            row["is_premium"] and rules.volume_exempt_premium
        )
        base = f"{_plural(jobs, 'completed job')} and {hours} hours"
        if passed and exempt and jobs < rules.min_completed_jobs and hours < rules.min_total_hours:
            message = f"{base}; exempt as Rising Talent or Expert-Vetted"
        elif passed:
            message = base
        else:
            message = (
                f"{base}, needs {rules.min_completed_jobs} jobs or {rules.min_total_hours} hours"
            )
    elif rule_id == "keywords":
        n = row.get("keyword_matches") or 0
        observed = n
        if not criteria.keywords:
            threshold = "none asked"
            message = "The job has no keywords"
        else:
            threshold = f">= {rules.min_keyword_matches}"
            message = (
                f"{_plural(n, 'matching keyword')}"
                if passed
                else f"{_plural(n, 'matching keyword')}, needs {rules.min_keyword_matches} of: "
                + ", ".join(criteria.keywords)
            )
    elif rule_id == "agency":
        name = row.get("agency_name")
        threshold = f"JSS >= {rules.agency_min_jss}, disputes <= {rules.agency_max_disputes}"
        if not name:
            observed = None
            message = "Not in an agency"
        else:
            ajss, disputes = row.get("agency_jss"), row.get("agency_dispute_count") or 0
            observed = f"JSS {ajss if ajss is not None else 'none'}, {disputes} disputes"
            if passed:
                message = f"Agency {name}: JSS {ajss}, {_plural(disputes, 'dispute')}"
            else:
                problems = []
                if ajss is None:
                    problems.append(f"no agency JSS yet, needs {rules.agency_min_jss}")
                elif ajss < rules.agency_min_jss:
                    problems.append(f"agency JSS {ajss}, needs {rules.agency_min_jss}")
                if disputes > rules.agency_max_disputes:
                    problems.append(
                        f"{_plural(disputes, 'dispute')}, at most {rules.agency_max_disputes}"
                    )
                message = f"Agency {name}: " + "; ".join(problems or ["not reputable"])
    elif rule_id == "cooldown":
        last = row.get("last_invited_at")
        observed = _date(last) if last else None
        threshold = f"not invited in the last {rules.invite_cooldown_days} days"
        if last and not passed:
            ends = last + dt.timedelta(days=rules.invite_cooldown_days)
            message = f"Invited {_date(last)}; the cooldown ends {ends:%Y-%m-%d %H:%M} UTC"
        elif last:
            message = f"Last invited {_date(last)}"
        else:
            message = "Never invited"
    else:  # pragma: no cover - the catalogue is closed
        raise ValueError(rule_id)
    return {
        "rule": rule_id,
        "label": RULE_LABELS[rule_id],
        "passed": bool(passed),
        "observed": observed,
        "threshold": threshold,
        "message": message,
    }


# Re-rank (SRC-3, SRC-4) ---------------------------------------------------------------------
@dataclass(frozen=True)
class RankItem:
    id: int
    name: str
    region: str
    top_rated: bool
    rising_talent: bool
    premium_agency: bool


@dataclass(frozen=True)
class RerankPlan:
    premium_first: bool
    spread: bool
    mix: bool
    window: int
    max_per_region: int
    min_top_rated: int
    min_rising_talent: int

    @classmethod
    def for_job(cls, criteria: JobCriteria, rules: RuleSet) -> RerankPlan:
        large = criteria.is_large_budget(rules)
        return cls(
            premium_first=criteria.premium_agencies_first(rules),
            spread=large and not criteria.restricts_geography,
            mix=large,
            window=rules.mix_window,
            max_per_region=rules.max_per_region_in_window,
            min_top_rated=rules.min_top_rated_in_window,
            min_rising_talent=rules.min_rising_talent_in_window,
        )

    @property
    def active(self) -> bool:
        return self.premium_first or self.spread or self.mix


def rerank(items: list[RankItem], plan: RerankPlan) -> tuple[list[RankItem], list[dict]]:
    """Reorder the ranked ``items``; never add or drop one. Return the order and the moves.

    1. Premium agencies first (SRC-3): when on, every Premium-agency member comes before
       everyone else, keeping score order inside each group.
    2. In the top ``window`` places (SRC-4, larger budgets), filled one place at a time:
       if the places left are only just enough for the Top Rated / Rising Talent still
       missing, take the best-scored candidate who fills a missing kind; otherwise take the
       best-scored candidate whose region has fewer than ``max_per_region`` places so far
       (spread; off when the client restricts geography), else simply the best-scored.
    Places below the window keep score order. Each candidate who ends up somewhere else
    than their score rank is reported with the reason.
    """
    if not plan.active or not items:
        return list(items), []
    base_rank = {item.id: i + 1 for i, item in enumerate(items)}
    remaining = list(items)
    if plan.premium_first:
        remaining = [i for i in items if i.premium_agency] + [
            i for i in items if not i.premium_agency
        ]
    reasons: dict[int, str] = {}
    if plan.premium_first:
        for position, item in enumerate(remaining, start=1):
            if item.premium_agency and position < base_rank[item.id]:
                reasons[item.id] = "Premium agency listed first in this category"

    if plan.spread or plan.mix:
        window = min(plan.window, len(remaining))
        need_tr = min(plan.min_top_rated, sum(i.top_rated for i in remaining)) if plan.mix else 0
        need_rt = (
            min(plan.min_rising_talent, sum(i.rising_talent for i in remaining)) if plan.mix else 0
        )
        chosen: list[RankItem] = []
        regions: Counter = Counter()
        while len(chosen) < window:
            # Premium-first stays a hard order: pick among premium members while any remain.
            pool = remaining
            if plan.premium_first and any(i.premium_agency for i in remaining):
                pool = [i for i in remaining if i.premium_agency]
            missing_tr = max(0, need_tr - sum(i.top_rated for i in chosen))
            missing_rt = max(0, need_rt - sum(i.rising_talent for i in chosen))
            slots_left = window - len(chosen)
            pick, why = None, None
            if missing_tr + missing_rt >= slots_left:
                wanted = [
                    i
                    for i in pool
                    if (missing_tr and i.top_rated) or (missing_rt and i.rising_talent)
                ]
                if wanted:
                    pick = (
                        next(
                            (i for i in wanted if regions[i.region] < plan.max_per_region),
                            wanted[0],
                        )
                        if plan.spread
                        else wanted[0]
                    )
                    kind = "Top Rated" if missing_tr and pick.top_rated else "Rising Talent"
                    why = f"{kind} mix for a larger budget"
            if pick is None and plan.spread:
                pick = next((i for i in pool if regions[i.region] < plan.max_per_region), None)
                if pick is not None and pick is not pool[0]:
                    region = pool[0].region.replace("_", " ").title()
                    why = (
                        f"Geography spread: {region} already has "
                        f"{plan.max_per_region} of the top {window}"
                    )
            if pick is None:
                pick = pool[0]
            remaining.remove(pick)
            chosen.append(pick)
            regions[pick.region] += 1
            if why and len(chosen) < base_rank[pick.id]:
                reasons[pick.id] = why
        remaining = chosen + remaining

    moves = []
    for position, item in enumerate(remaining, start=1):
        before = base_rank[item.id]
        if position == before:
            continue
        reason = reasons.get(item.id)
        if reason is None or position > before:
            reason = "Moved down to make room for candidates promoted by the re-rank"
        moves.append(
            {
                "freelancer_id": item.id,
                "name": item.name,
                "from_rank": before,
                "to_rank": position,
                "reason": reason,
            }
        )
    return remaining, moves
