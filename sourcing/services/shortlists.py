"""Shortlists (SRC-2 to SRC-5): build, save with a snapshot, explain."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from core import access
from core.errors import InvalidInput, NotFound
from core.services import audit_record
from core.validation import check_text

from ..eligibility import (
    MAX_SHORTLIST_SIZE,
    RULE_IDS,
    JobCriteria,
    RankItem,
    RerankPlan,
    RuleSet,
    explain_rule,
    rerank,
)
from ..models import Category, Freelancer, Region, Shortlist, ShortlistEntry, Subcategory
from ..models.pool import normalize_term
from ..selectors import (
    current_rules,
    evaluate_one,
    funnel_counts,
    resolve_job,
    shortlist_candidates,
)

COUNTRY_RE = re.compile(r"^[A-Z]{2}$")


def _list(value, field: str) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        value = re.split(r"[,;\n]", value)
    if not isinstance(value, list | tuple):
        raise InvalidInput("Must be a list.", field=field)
    return [str(v).strip() for v in value if str(v).strip()]


def job_criteria_build(
    *,
    category: str,
    skills,
    title: str = "",
    subcategory: str | None = None,
    keywords=None,
    countries=None,
    regions=None,
    budget=None,
    writing: bool | None = None,
    size: int | None = None,
    job_reference: str = "",
    case_reference: str = "",
) -> JobCriteria:
    """Check and normalise a client's job criteria; errors name the field."""
    cat = Category.objects.filter(name__iexact=(category or "").strip()).first()
    if cat is None:
        known = ", ".join(Category.objects.values_list("name", flat=True))
        raise InvalidInput(f"Unknown category {category!r}; known: {known}.", field="category")
    sub_name = None
    if subcategory and str(subcategory).strip():
        sub = Subcategory.objects.filter(
            category=cat, name__iexact=str(subcategory).strip()
        ).first()
        if sub is None:
            raise InvalidInput(
                f"Unknown subcategory {subcategory!r} of {cat.name}.", field="subcategory"
            )
        sub_name = sub.name
    skill_list = list(dict.fromkeys(normalize_term(s) for s in _list(skills, "skills")))
    if not skill_list:
        raise InvalidInput("Name at least one skill the job needs.", field="skills")
    keyword_list = list(dict.fromkeys(normalize_term(k) for k in _list(keywords, "keywords")))
    country_list = [c.upper() for c in _list(countries, "countries")]
    for code in country_list:
        if not COUNTRY_RE.match(code):
            raise InvalidInput(f"{code!r} is not a two-letter country code.", field="countries")
    region_list = [r.lower().replace(" ", "_") for r in _list(regions, "regions")]
    for region in region_list:
        if region not in Region.values:
            raise InvalidInput(
                f"Unknown region {region!r}; use {', '.join(Region.values)}.", field="regions"
            )
    amount = None
    if budget not in (None, ""):
        try:
            amount = Decimal(str(budget)).quantize(Decimal("0.01"))
        except (InvalidOperation, ValueError):
            raise InvalidInput(
                f"Budget must be an amount, got {budget!r}.", field="budget"
            ) from None
        if amount < 0:
            raise InvalidInput("Budget cannot be negative.", field="budget")
    if size not in (None, "") and not (1 <= int(size) <= MAX_SHORTLIST_SIZE):
        raise InvalidInput(f"Size must be between 1 and {MAX_SHORTLIST_SIZE}.", field="size")
    job_reference = (job_reference or "").strip()
    case_reference = (case_reference or "").strip().upper()  # ESC-000123, as cases have it
    if len(job_reference) > 100 or len(case_reference) > 100:
        raise InvalidInput("References are at most 100 characters.", field="job_reference")
    return JobCriteria(
        title=(title or "").strip()[:200] or f"{cat.name} job",
        category=cat.name,
        subcategory=sub_name,
        skills=tuple(skill_list),
        keywords=tuple(keyword_list),
        countries=tuple(dict.fromkeys(country_list)),
        regions=tuple(dict.fromkeys(region_list)),
        budget=amount,
        writing=writing,
        size=int(size) if size not in (None, "") else None,
        job_reference=job_reference,
        case_reference=case_reference,
    )


@dataclass
class ShortlistRun:
    """An evaluated shortlist before it is saved."""

    criteria: JobCriteria
    rules: RuleSet
    as_of: dt.datetime
    rows: list[dict]  # in final order
    base_ranks: dict[int, int]
    moves: list[dict]
    pool_count: int
    funnel: list[dict]
    plan: RerankPlan

    @property
    def eligible_count(self) -> int:
        return self.funnel[-1]["remaining"] if self.funnel else 0


def _snapshot_facts(row: dict) -> dict:
    return {
        "external_id": row["external_id"],
        "name": row["name"],
        "title": row["title"],
        "jss": row["jss"],
        "top_rated": row["is_top_rated"],
        "top_rated_plus": row["is_top_rated_plus"],
        "rising_talent": row["is_rising_talent"],
        "premium": row["is_premium"],
        "english_level": row["english_level"],
        "country": row["country"],
        "region": row["region"],
        "region_label": Region(row["region"]).label if row["region"] in Region.values else "",
        "hourly_rate": str(row["hourly_rate"]) if row["hourly_rate"] is not None else None,
        "total_hours": row["total_hours"],
        "completed_jobs": row["completed_jobs_count"],
        "agency": row["agency_name"],
        "agency_premium": bool(row["agency_premium"]),
    }


def shortlist_evaluate(
    *,
    criteria: JobCriteria,
    rules: RuleSet,
    as_of: dt.datetime | None = None,
    with_funnel: bool = True,
) -> ShortlistRun:
    """Evaluate the rules in the database, rank and re-rank; nothing is saved."""
    as_of = as_of or timezone.now()
    job = resolve_job(criteria)
    rows = shortlist_candidates(criteria, rules, as_of, limit=criteria.size_for(rules), job=job)
    pool_count, funnel = funnel_counts(criteria, rules, as_of, job=job) if with_funnel else (0, [])
    plan = RerankPlan.for_job(criteria, rules)
    items = [
        RankItem(
            id=row["pk"],
            name=row["name"],
            region=row["region"],
            top_rated=row["is_top_rated"] or row["is_top_rated_plus"],
            rising_talent=row["is_rising_talent"],
            premium_agency=bool(row["agency_premium"]),
        )
        for row in rows
    ]
    ordered, moves = rerank(items, plan)
    by_id = {row["pk"]: row for row in rows}
    return ShortlistRun(
        criteria=criteria,
        rules=rules,
        as_of=as_of,
        rows=[by_id[item.id] for item in ordered],
        base_ranks={row["pk"]: i + 1 for i, row in enumerate(rows)},
        moves=moves,
        pool_count=pool_count,
        funnel=funnel,
        plan=plan,
    )


def rules_in_force() -> tuple[RuleSet, object]:
    model = current_rules()
    return RuleSet.from_values(model.values(), version=model.version), model


def shortlist_create(
    *, actor, criteria: JobCriteria, as_of: dt.datetime | None = None
) -> Shortlist:
    """Run the engine with the rules in force and save the result with its snapshot."""
    if criteria.case_reference and actor is not None:
        worked = access.scoped("case_references_worked", actor)
        if not worked.filter(reference=criteria.case_reference.upper()).exists():
            raise InvalidInput(
                f"No case {criteria.case_reference!r} that you work on.", field="case_reference"
            )
    rules, rules_model = rules_in_force()
    run = shortlist_evaluate(criteria=criteria, rules=rules, as_of=as_of)
    moves_by_id: dict[int, list[dict]] = {}
    for move in run.moves:
        moves_by_id.setdefault(move["freelancer_id"], []).append(move)
    with transaction.atomic():
        shortlist = Shortlist.objects.create(
            title=criteria.title,
            job_reference=criteria.job_reference,
            case_reference=criteria.case_reference,
            criteria=criteria.snapshot(),
            rules=rules_model,
            rules_snapshot=rules.snapshot(),
            as_of=run.as_of,
            pool_count=run.pool_count,
            eligible_count=run.eligible_count,
            funnel=run.funnel,
            displacements=run.moves,
            created_by=actor if actor is not None and actor.pk else None,
        )
        ShortlistEntry.objects.bulk_create(
            [
                ShortlistEntry(
                    shortlist=shortlist,
                    freelancer_id=row["pk"],
                    rank=rank,
                    base_rank=run.base_ranks[row["pk"]],
                    score=row["score"],
                    rule_results=[
                        explain_rule(r, row[f"ok_{r}"], row, rules, criteria, run.as_of)
                        for r in RULE_IDS
                    ],
                    moves=moves_by_id.get(row["pk"], []),
                    snapshot=_snapshot_facts(row),
                )
                for rank, row in enumerate(run.rows, start=1)
            ]
        )
        audit_record(
            actor=actor,
            action="shortlist.created",
            target=shortlist,
            after={
                "criteria": shortlist.criteria,
                "rules_version": rules.version,
                "pool": run.pool_count,
                "eligible": run.eligible_count,
                "shortlisted": len(run.rows),
                "displacements": len(run.moves),
            },
        )
    return shortlist


def shortlist_explain(*, shortlist: Shortlist, freelancer_ref) -> dict:
    """Why a freelancer is, or is not, on ``shortlist`` (SRC-5).

    Re-evaluates the saved rule version and criteria as of the shortlist's time against the
    pool; a shortlisted freelancer gets the results saved with the shortlist.
    """
    freelancer = _find_freelancer(freelancer_ref)
    rules = RuleSet.from_values(shortlist.rules_snapshot)
    criteria = JobCriteria.from_snapshot(shortlist.criteria)
    entry = shortlist.entries.filter(freelancer=freelancer).first()
    body = {
        "shortlist": shortlist.pk,
        "rules_version": rules.version,
        "as_of": shortlist.as_of,
        "freelancer": {
            "id": freelancer.pk,
            "external_id": freelancer.external_id,
            "name": freelancer.name,
        },
    }
    if entry is not None:
        return {
            **body,
            "status": "shortlisted",
            "rank": entry.rank,
            "score": entry.score,
            "summary": f"Shortlisted at #{entry.rank} with score {entry.score}.",
            "first_failed_rule": None,
            "failed_rules": [],
            "rules": entry.rule_results,
            "moves": entry.moves,
        }
    row = evaluate_one(criteria, rules, shortlist.as_of, freelancer.pk)
    results = [
        explain_rule(r, row[f"ok_{r}"], row, rules, criteria, shortlist.as_of) for r in RULE_IDS
    ]
    failed = [r for r in results if not r["passed"]]
    if failed:
        status = "excluded"
        summary = f"Left out by {failed[0]['label'].lower()}: {failed[0]['message']}."
        if len(failed) > 1:
            summary += " Also failed: " + "; ".join(f["message"] for f in failed[1:]) + "."
    else:
        status = "eligible_below_cutoff"
        lowest = shortlist.entries.order_by("score").values_list("score", flat=True).first()
        summary = (
            f"Passes every rule with score {row['score']}, but the shortlist kept the top "
            f"{shortlist.entries.count()}"
            + (f" (lowest score {lowest})." if lowest is not None else ".")
        )
    return {
        **body,
        "status": status,
        "rank": None,
        "score": row["score"],
        "summary": summary,
        "first_failed_rule": failed[0] if failed else None,
        "failed_rules": failed,
        "rules": results,
        "moves": [],
    }


def _find_freelancer(ref) -> Freelancer:
    text = str(ref or "").strip()
    if not text:
        raise InvalidInput("Name a freelancer (id or external id).", field="freelancer")
    check_text(text, field="freelancer")
    numeric = text.isascii() and text.isdigit() and len(text) < 19
    freelancer = Freelancer.objects.filter(pk=int(text)).first() if numeric else None
    if freelancer is None:
        freelancer = Freelancer.objects.filter(external_id=text).first()
    if freelancer is None:
        raise NotFound(f"No freelancer {text!r}.", field="freelancer")
    return freelancer
