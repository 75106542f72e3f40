"""Reads of the sourcing app, including the shortlist engine's query (SRC-2 to SRC-5).

``evaluated_pool`` annotates every freelancer with one boolean per rule (``ok_<rule>``),
the observed values the explanations quote, and the score, in a single SQL statement.
Rule tests use uncorrelated ``IN (subquery)`` sets (a semi-join in ``WHERE``, a hashed
sub-plan inside ``CASE``) so the database, not Python, walks the pool; observed values are
correlated ``Subquery`` counts, one per value, never several aggregates over one join.
Every rule is a ``CASE WHEN ... THEN TRUE ELSE FALSE`` so a NULL (no JSS, no agency) is a
plain False, never an unknown that slips through.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    Expression,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Least

from .access import shortlists_visible_to
from .eligibility import RULE_IDS, JobCriteria, RuleSet, explain_rule
from .models import (
    Agency,
    Category,
    CompletedJob,
    CompletedJobSkill,
    Freelancer,
    FreelancerKeyword,
    FreelancerSkill,
    ImportJob,
    Invitation,
    Keyword,
    Shortlist,
    Skill,
    SourcingRules,
    Subcategory,
)
from .models.pool import normalize_term

SET_RULES = ("recent_skill_job", "category", "skills", "keywords")


class InIdSet(Expression):
    """``pk IN (subquery)``, written for PostgreSQL as ``pk = ANY(ARRAY(subquery))``: the
    set is computed once (an InitPlan) and the freelancer rows are then fetched through
    the primary key, instead of the planner hash-joining a scan of the whole pool."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, lhs, queryset: QuerySet):
        super().__init__(output_field=BooleanField())
        self.lhs = lhs
        self.subquery = Subquery(queryset)

    def get_source_expressions(self):
        return [self.lhs, self.subquery]

    def set_source_expressions(self, exprs):
        self.lhs, self.subquery = exprs

    def as_sql(self, compiler, connection):
        lhs, lhs_params = compiler.compile(self.lhs)
        rhs, rhs_params = compiler.compile(self.subquery)
        return f"{lhs} IN {rhs}", (*lhs_params, *rhs_params)

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = compiler.compile(self.lhs)
        rhs, rhs_params = compiler.compile(self.subquery)
        return f"{lhs} = ANY(ARRAY{rhs})", (*lhs_params, *rhs_params)


@dataclass(frozen=True)
class ResolvedJob:
    """Criteria turned into ids once, before the query is built."""

    category_id: int
    subcategory_id: int | None
    skill_ids: tuple[int, ...]
    keyword_ids: tuple[int, ...]


def resolve_job(criteria: JobCriteria) -> ResolvedJob:
    category_id, subcategory_id = -1, None
    if criteria.subcategory:
        found = (
            Subcategory.objects.filter(
                category__name__iexact=criteria.category, name__iexact=criteria.subcategory
            )
            .values_list("category_id", "pk")
            .first()
        )
        category_id, subcategory_id = found or (-1, -1)
    else:
        category_id = (
            Category.objects.filter(name__iexact=criteria.category)
            .values_list("pk", flat=True)
            .first()
            or -1
        )
    skills = Skill.objects.filter(normalized__in=[normalize_term(s) for s in criteria.skills])
    keyword_ids: tuple[int, ...] = ()
    if criteria.keywords:
        keywords = Keyword.objects.filter(
            normalized__in=[normalize_term(k) for k in criteria.keywords]
        )
        keyword_ids = tuple(sorted(keywords.values_list("pk", flat=True)))
    return ResolvedJob(
        category_id=category_id,
        subcategory_id=subcategory_id,
        skill_ids=tuple(sorted(skills.values_list("pk", flat=True))),
        keyword_ids=keyword_ids,
    )


def _flag(condition: Q | bool) -> Case | Value:
    if condition is True:
        return Value(True, output_field=BooleanField())
    if condition is False:
        return Value(False, output_field=BooleanField())
    return Case(
        When(condition, then=Value(True)), default=Value(False), output_field=BooleanField()
    )


def _count(queryset: QuerySet, outer: str = "freelancer") -> Coalesce:
    sub = (
        queryset.filter(**{outer: OuterRef("pk")})
        .order_by()
        .values(outer)
        .annotate(n=Count("*"))
        .values("n")
    )
    return Coalesce(Subquery(sub, output_field=IntegerField()), Value(0))


def _member(queryset: QuerySet, field: str, correlated: bool) -> Q:
    """``pk`` is among ``queryset``'s ``field`` values: a set (semi-join, hashed sub-plan)
    for whole-pool scans, or a correlated ``EXISTS`` for a handful of rows."""
    if correlated:
        return Q(Exists(queryset.filter(**{field: OuterRef("pk")})))
    return Q(pk__in=queryset.values(field))


def rule_sets(
    criteria: JobCriteria, rules: RuleSet, job: ResolvedJob, as_of: dt.datetime
) -> dict[str, QuerySet]:
    """The rules answered by a related table, each as the set of freelancer ids that pass
    (an index range scan each: skill/date, category/subcategory, skill, keyword)."""
    today = as_of.astimezone(dt.UTC).date()
    recent_from = today - dt.timedelta(days=rules.recent_job_days)
    sets = {
        "recent_skill_job": CompletedJobSkill.objects.filter(
            skill_id__in=job.skill_ids, end_date__gte=recent_from, end_date__lte=today
        ).values("freelancer_id"),
        "category": _category_jobs(criteria, job, today).values("freelancer_id"),
    }
    skills_qs = FreelancerSkill.objects.filter(skill_id__in=job.skill_ids)
    sets["skills"] = (
        skills_qs.values("freelancer_id")
        if rules.min_skill_matches <= 1
        else _at_least(skills_qs, rules.min_skill_matches)
    )
    if criteria.keywords:
        kw_qs = FreelancerKeyword.objects.filter(keyword_id__in=job.keyword_ids)
        sets["keywords"] = (
            kw_qs.values("freelancer_id")
            if rules.min_keyword_matches <= 1
            else _at_least(kw_qs, rules.min_keyword_matches)
        )
    # Compound statements refuse ORDER BY in their parts (models have a default ordering).
    return {rule: ids.order_by() for rule, ids in sets.items()}


def rule_conditions(
    criteria: JobCriteria,
    rules: RuleSet,
    job: ResolvedJob,
    as_of: dt.datetime,
    *,
    correlated: bool = False,
    sets: dict[str, QuerySet] | None = None,
) -> dict[str, Q | bool]:
    """Per rule, the condition a freelancer row must meet (``True``: nothing to check).

    Set rules become ``pk IN (set)`` (a semi-join, or a hashed sub-plan in a whole-pool
    scan) or, with ``correlated``, an ``EXISTS`` probe per row for a handful of rows.
    """
    cooldown_from = as_of - dt.timedelta(days=rules.invite_cooldown_days)
    conditions: dict[str, Q | bool] = {}
    sets = sets if sets is not None else rule_sets(criteria, rules, job, as_of)
    for rule, ids in sets.items():
        if correlated and "n" not in ids.query.annotations:
            conditions[rule] = Q(Exists(ids.filter(freelancer_id=OuterRef("pk"))))
        else:
            conditions[rule] = Q(pk__in=ids)

    jss = Q(jss__isnull=False, jss__gte=rules.min_jss)
    if rules.rising_talent_bypasses_jss:
        jss |= Q(is_rising_talent=True)
    if rules.premium_bypasses_jss:
        jss |= Q(is_premium=True)

    geography: Q | bool = True
    if criteria.restricts_geography:
        geography = Q(country__in=criteria.countries) if criteria.countries else Q()
        if criteria.regions:
            geography = (
                (geography | Q(region__in=criteria.regions))
                if geography
                else Q(region__in=criteria.regions)
            )

    volume = Q(completed_jobs_count__gte=rules.min_completed_jobs) | Q(
        total_hours__gte=rules.min_total_hours
    )
    if rules.volume_exempt_rising_talent:
        volume |= Q(is_rising_talent=True)
    if rules.volume_exempt_premium:
        volume |= Q(is_premium=True)

    reputable = Agency.objects.filter(
        jss__isnull=False,
        jss__gte=rules.agency_min_jss,
        dispute_count__lte=rules.agency_max_disputes,
    ).values("pk")
    recently_invited = Invitation.objects.filter(
        invited_at__gt=cooldown_from, invited_at__lte=as_of
    )
    conditions.update(
        {
            "jss": jss,
            "english": Q(english_level__gte=criteria.required_english(rules)),
            "geography": geography,
            "volume": volume,
            "agency": Q(agency_id__isnull=True) | Q(agency_id__in=reputable),
            "cooldown": ~_member(recently_invited, "freelancer_id", correlated),
        }
    )
    conditions.setdefault("keywords", True)
    return {rule: conditions[rule] for rule in RULE_IDS}


def _at_least(queryset: QuerySet, n: int) -> QuerySet:
    return (
        queryset.order_by()
        .values("freelancer_id")
        .annotate(n=Count("*"))
        .filter(n__gte=n)
        .values("freelancer_id")
    )


def _category_jobs(criteria: JobCriteria, job: ResolvedJob, today: dt.date) -> QuerySet:
    jobs = CompletedJob.objects.filter(category_id=job.category_id, end_date__lte=today)
    if job.subcategory_id is not None or criteria.subcategory:
        jobs = jobs.filter(subcategory_id=job.subcategory_id or -1)
    return jobs


def _score(rules: RuleSet, skill_matches) -> object:
    jss_points = Case(
        When(jss__isnull=False, then=F("jss")),
        When(Q(is_rising_talent=True) | Q(is_premium=True), then=Value(rules.no_jss_score)),
        default=Value(0),
        output_field=IntegerField(),
    )
    badge_points = Case(
        When(is_top_rated_plus=True, then=Value(15)),
        When(is_top_rated=True, then=Value(10)),
        default=Value(0),
        output_field=IntegerField(),
    )
    premium_points = Case(
        When(is_premium=True, then=Value(8)), default=Value(0), output_field=IntegerField()
    )
    return (
        jss_points
        + badge_points
        + premium_points
        + Value(5) * Least(skill_matches, Value(4))
        + Least(F("completed_jobs_count"), Value(20))
        + Least(F("total_hours") / Value(100), Value(10))
        + Value(3) * (F("english_level") - Value(1))
    )


def evaluated_pool(
    criteria: JobCriteria,
    rules: RuleSet,
    as_of: dt.datetime,
    *,
    job: ResolvedJob | None = None,
    flags: str | None = "correlated",
    observed: bool = True,
    sets: dict[str, QuerySet] | None = None,
) -> QuerySet[Freelancer]:
    """Every freelancer annotated with the score and, as asked, ``ok_<rule>`` flags
    (``"correlated"`` for a few rows, ``"set"`` for whole-pool scans) and observed values."""
    job = job or resolve_job(criteria)
    today = as_of.astimezone(dt.UTC).date()
    skill_matches = _count(FreelancerSkill.objects.filter(skill_id__in=job.skill_ids))
    qs = Freelancer.objects.annotate(skill_matches=skill_matches)
    qs = qs.annotate(score=_score(rules, F("skill_matches")))
    if flags:
        conditions = rule_conditions(
            criteria, rules, job, as_of, correlated=flags == "correlated", sets=sets
        )
        qs = qs.annotate(**{f"ok_{rule}": _flag(conditions[rule]) for rule in RULE_IDS})
    if observed:
        last_skill_job = (
            CompletedJobSkill.objects.filter(
                freelancer=OuterRef("pk"), skill_id__in=job.skill_ids, end_date__lte=today
            )
            .order_by("-end_date")
            .values("end_date")[:1]
        )
        last_invited = (
            Invitation.objects.filter(freelancer=OuterRef("pk"), invited_at__lte=as_of)
            .order_by("-invited_at")
            .values("invited_at")[:1]
        )
        qs = qs.annotate(
            last_skill_job_end=Subquery(last_skill_job),
            category_jobs=_count(_category_jobs(criteria, job, today)),
            keyword_matches=_count(
                FreelancerKeyword.objects.filter(keyword_id__in=job.keyword_ids)
            ),
            last_invited_at=Subquery(last_invited),
            agency_name=F("agency__name"),
            agency_jss=F("agency__jss"),
            agency_dispute_count=F("agency__dispute_count"),
            agency_premium=F("agency__is_premium"),
        )
    return qs


def eligible_pool(
    criteria: JobCriteria, rules: RuleSet, as_of: dt.datetime, *, job: ResolvedJob | None = None
) -> QuerySet[Freelancer]:
    """The eligible set ranked by score then id.

    The set rules are intersected first (``INTERSECT`` of index-only scans), so the
    database starts from the few freelancers who have the job's skills, category and
    recent work and only then reads their rows for the column rules.
    """
    job = job or resolve_job(criteria)
    by_rule = rule_sets(criteria, rules, job, as_of)
    sets = list(by_rule.values())
    candidates = sets[0].intersection(*sets[1:]) if len(sets) > 1 else sets[0]
    conditions = rule_conditions(criteria, rules, job, as_of, sets=by_rule)
    wheres = [
        condition
        for rule, condition in conditions.items()
        if condition is not True and rule not in SET_RULES
    ]
    return (
        evaluated_pool(criteria, rules, as_of, job=job, sets=by_rule)
        .filter(InIdSet(F("pk"), candidates), *wheres)
        .order_by("-score", "pk")
    )


def shortlist_candidates(
    criteria: JobCriteria,
    rules: RuleSet,
    as_of: dt.datetime,
    *,
    limit: int,
    job: ResolvedJob | None = None,
) -> list[dict]:
    """The top ``limit`` eligible freelancers with per-rule flags and observed values:
    one query."""
    qs = eligible_pool(criteria, rules, as_of, job=job).values(*CANDIDATE_FIELDS)[:limit]
    return list(qs)


def funnel_counts(
    criteria: JobCriteria, rules: RuleSet, as_of: dt.datetime, *, job: ResolvedJob | None = None
) -> tuple[int, list[dict]]:
    """Pool size and, per rule in order, how many candidates it removed (first failure).

    ``remaining`` after rule k is the number passing rules 1..k. The rules before the first
    set rule are counted over the whole pool (columns only); from the first set rule on,
    the count runs over that rule's set, which the database reaches through its index.
    """
    job = job or resolve_job(criteria)
    conditions = rule_conditions(criteria, rules, job, as_of)
    split = next(i for i, rule in enumerate(RULE_IDS) if rule in SET_RULES)

    def prefix(k: int) -> list[Q]:
        return [c for c in (conditions[r] for r in RULE_IDS[: k + 1]) if c is not True]

    def count(k: int) -> Count:
        return Count("pk", filter=_and(prefix(k))) if prefix(k) else Count("pk")

    whole = {"total": Count("pk")}
    whole.update({f"k{k}": count(k) for k in range(split)})
    counts = Freelancer.objects.aggregate(**whole)
    total = counts.pop("total")
    remaining = [counts[f"k{k}"] for k in range(split)]

    # From the first set rule on: the rows in that rule's set that pass the earlier rules,
    # grouped by the first later rule they fail (each rule's set is hashed once).
    scope = prefix(split)[:-1]
    later = [r for r in RULE_IDS[split + 1 :] if conditions[r] is not True]
    first_failed = Case(
        *[When(**{f"ok_{r}": False}, then=Value(RULE_IDS.index(r))) for r in later],
        default=Value(-1),
        output_field=IntegerField(),
    )
    rows = (
        Freelancer.objects.filter(
            InIdSet(F("pk"), rule_sets(criteria, rules, job, as_of)[RULE_IDS[split]]), *scope
        )
        .annotate(**{f"ok_{r}": _flag(conditions[r]) for r in later})
        .annotate(first_failed=first_failed)
        .order_by()
        .values("first_failed")
        .annotate(n=Count("*"))
    )
    failed_at = {row["first_failed"]: row["n"] for row in rows}
    left = sum(failed_at.values())
    for k in range(split, len(RULE_IDS)):
        left -= failed_at.get(k, 0) if k > split else 0
        remaining.append(left)

    funnel, previous = [], total
    for rule, left in zip(RULE_IDS, remaining, strict=True):
        funnel.append({"rule": rule, "removed": previous - left, "remaining": left})
        previous = left
    return total, funnel


def _and(conditions: list[Q]) -> Q:
    combined = Q()
    for condition in conditions:
        combined &= condition
    return combined


CANDIDATE_FIELDS = [
    "pk",
    "external_id",
    "name",
    "title",
    "jss",
    "is_top_rated",
    "is_top_rated_plus",
    "is_rising_talent",
    "is_premium",
    "english_level",
    "country",
    "region",
    "hourly_rate",
    "total_hours",
    "completed_jobs_count",
    "agency_id",
    "skill_matches",
    "score",
    "last_skill_job_end",
    "category_jobs",
    "keyword_matches",
    "last_invited_at",
    "agency_name",
    "agency_jss",
    "agency_dispute_count",
    "agency_premium",
    *(f"ok_{rule}" for rule in RULE_IDS),
]


def evaluate_one(
    criteria: JobCriteria, rules: RuleSet, as_of: dt.datetime, freelancer_id: int
) -> dict | None:
    return (
        evaluated_pool(criteria, rules, as_of)
        .filter(pk=freelancer_id)
        .values(*CANDIDATE_FIELDS)
        .first()
    )


# Plain reads -------------------------------------------------------------------------------
def current_rules() -> SourcingRules:
    rules = SourcingRules.objects.select_related("created_by").order_by("-version").first()
    if rules is None:
        # Created by the migration; recreate defaults if someone removed every version.
        rules = SourcingRules.objects.create(version=1, note="Defaults (SRC-2 to SRC-4)")
    return rules


def rules_versions() -> QuerySet[SourcingRules]:
    return SourcingRules.objects.select_related("created_by").order_by("-version")


def freelancer_list() -> QuerySet[Freelancer]:
    return Freelancer.objects.select_related("agency").prefetch_related("skills", "keywords")


def agency_list() -> QuerySet[Agency]:
    return Agency.objects.annotate(member_count=Count("members")).order_by("name")


def shortlist_list() -> QuerySet[Shortlist]:
    return Shortlist.objects.select_related("created_by", "rules").order_by("-created_at", "-id")


def shortlist_detail(pk: int) -> Shortlist:
    return (
        Shortlist.objects.select_related("created_by", "rules")
        .prefetch_related("entries__freelancer__agency")
        .get(pk=pk)
    )


def invited_freelancer_ids(job_reference: str, freelancer_ids) -> set[int]:
    if not job_reference:
        return set()
    return set(
        Invitation.objects.filter(
            job_reference=job_reference, freelancer_id__in=list(freelancer_ids)
        ).values_list("freelancer_id", flat=True)
    )


def import_jobs_recent(limit: int = 10) -> QuerySet[ImportJob]:
    return ImportJob.objects.select_related("created_by").order_by("-created_at", "-id")[:limit]


# Nearest misses (SRC-5) and shortlists of a case --------------------------------------------
NEAREST_MISSES = 5


def shortlist_nearest_misses(shortlist: Shortlist, *, limit: int = NEAREST_MISSES) -> list[dict]:
    """The excluded candidates who failed the fewest rules of ``shortlist`` (SRC-5).

    Re-evaluated with the shortlist's saved rule values, criteria and instant. The search
    runs over the freelancers who pass at least one of the job's set rules (a recent job
    with its skills, a job in its category, one of its skills or keywords): someone with
    none of those is not a near miss, and the sets keep the scan off the whole pool (they
    are index range scans; see ``rule_sets``). Two queries: the ranked ids (fewest failed
    rules, then score, then id), then the observed values of those few for the words.
    """
    rules = RuleSet.from_values(shortlist.rules_snapshot)
    criteria = JobCriteria.from_snapshot(shortlist.criteria)
    as_of = shortlist.as_of
    job = resolve_job(criteria)
    by_rule = rule_sets(criteria, rules, job, as_of)
    conditions = rule_conditions(criteria, rules, job, as_of, sets=by_rule)
    checked = [rule for rule in RULE_IDS if conditions[rule] is not True]
    sets = list(by_rule.values())
    domain = sets[0].union(*sets[1:]) if len(sets) > 1 else sets[0]
    failed = sum(
        (Case(When(conditions[rule], then=Value(0)), default=Value(1)) for rule in checked),
        Value(0),
    )
    skill_matches = _count(FreelancerSkill.objects.filter(skill_id__in=job.skill_ids))
    ranked = list(
        Freelancer.objects.filter(InIdSet(F("pk"), domain))
        .exclude(pk__in=shortlist.entries.values("freelancer_id"))
        .annotate(failed_count=failed)
        .filter(failed_count__gte=1)
        .annotate(skill_matches=skill_matches)
        .annotate(score=_score(rules, F("skill_matches")))
        .order_by("failed_count", "-score", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    if not ranked:
        return []
    rows = {
        row["pk"]: row
        for row in evaluated_pool(criteria, rules, as_of, job=job)
        .filter(pk__in=ranked)
        .values(*CANDIDATE_FIELDS)
    }
    misses = []
    for pk in ranked:
        row = rows[pk]
        results = [
            explain_rule(rule, row[f"ok_{rule}"], row, rules, criteria, as_of) for rule in RULE_IDS
        ]
        failed_rules = [r for r in results if not r["passed"]]
        misses.append(
            {
                "freelancer": {
                    "id": pk,
                    "external_id": row["external_id"],
                    "name": row["name"],
                },
                "score": row["score"],
                "failed_count": len(failed_rules),
                "failed_rules": failed_rules,
            }
        )
    return misses


def shortlists_for_case(reference: str, user) -> QuerySet[Shortlist]:
    """The shortlists made for case ``reference`` that ``user`` may see (newest first)."""
    reference = (reference or "").strip()
    if not reference:
        return Shortlist.objects.none()
    return shortlists_visible_to(user, shortlist_list()).filter(case_reference=reference)
