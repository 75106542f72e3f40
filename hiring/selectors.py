"""Hiring's reads: the ranked list, the reviewer queue, the funnel report (HIR-9)."""

from __future__ import annotations

import statistics
from collections import defaultdict

from django.db.models import Count, F, Q, QuerySet

from . import integrity, pipeline
from .models import Answer, Applicant, HiringSettings, QuestionKind, Round, Stage, StageChange

TIER_POINTS = {key: threshold for threshold, key, _ in integrity.TIERS}


def ranked_applicants(
    rnd: Round,
    *,
    min_score: int | None = None,
    language: str = "",
    min_hours: int | None = None,
    tier: str = "",
    stage: str = "",
) -> list[Applicant]:
    """Best first: score, then fewer integrity signals, then earliest submission."""
    qs: QuerySet = rnd.applicants.prefetch_related("changes")
    if min_score is not None:
        qs = qs.filter(score_percent__gte=min_score)
    if stage:
        qs = qs.filter(stage=stage)
    if tier in TIER_POINTS:
        bounds = sorted(TIER_POINTS.values())
        low = TIER_POINTS[tier]
        higher = [b for b in bounds if b > low]
        qs = qs.filter(integrity_points__gte=low)
        if higher:
            qs = qs.filter(integrity_points__lt=higher[0])
    qs = qs.order_by(
        F("score_percent").desc(nulls_last=True),
        "integrity_points",
        F("submitted_at").asc(nulls_last=True),
        "id",
    )
    rows = list(qs)
    if language:
        wanted = language.strip().lower()
        rows = [a for a in rows if any(wanted == lang.lower() for lang in a.languages)]
    if min_hours is not None:
        rows = [a for a in rows if a.availability_hours >= min_hours]
    for applicant in rows:
        applicant.tier_key, applicant.tier_label = integrity.tier_of(applicant.integrity_points)
    return rows


def rounds_overview(rounds: QuerySet) -> QuerySet:
    """Rounds with their postings and three counts, in one query plus the postings'."""
    return (
        rounds.select_related("team")
        .prefetch_related("postings")
        .annotate(
            applicant_count=Count("applicants"),
            submitted_count=Count("applicants", filter=Q(applicants__submitted_at__isnull=False)),
            hired_count=Count("applicants", filter=Q(applicants__stage=Stage.HIRED)),
        )
    )


def review_queue(applicants: QuerySet) -> QuerySet:
    """Free-text answers waiting for a reviewer, oldest submission first."""
    return (
        Answer.objects.filter(
            applicant__in=applicants,
            applicant__stage=Stage.SUBMITTED,
            question__kind=QuestionKind.FREE,
            points__isnull=True,
        )
        .select_related("applicant__round", "question")
        .order_by("applicant__submitted_at", "applicant_id", "id")
    )


def applicant_signals(applicant: Applicant) -> dict:
    answers = list(applicant.answers.select_related("question", "similar_to"))
    key, label = integrity.tier_of(applicant.integrity_points)
    return {
        "tier_key": key,
        "tier_label": label,
        "pasted": [a for a in answers if a.pasted],
        "similar": [a for a in answers if a.similar_to_id],
        "left_page": applicant.left_page_count,
        "answers": answers,
    }


def _pct(part: int, whole: int) -> float | None:
    return round(part * 100 / whole, 1) if whole else None


def funnel_for(rnd: Round) -> dict:
    """Per stage: applicants who reached it, who are in it now, conversion from the
    previous stage, median hours spent in it; pass rates of assessment and interview."""
    changes = list(
        StageChange.objects.filter(applicant__round=rnd).order_by("applicant_id", "at", "id")
    )
    reached: dict[str, set[int]] = defaultdict(set)
    durations: dict[str, list[float]] = defaultdict(list)
    by_applicant: dict[int, list[StageChange]] = defaultdict(list)
    for change in changes:
        reached[change.to_stage].add(change.applicant_id)
        by_applicant[change.applicant_id].append(change)
    for rows in by_applicant.values():
        for entered, left in zip(rows, rows[1:], strict=False):
            durations[entered.to_stage].append((left.at - entered.at).total_seconds() / 3600)
    current = defaultdict(int)
    for stage in rnd.applicants.values_list("stage", flat=True):
        current[stage] += 1
    stages = []
    previous = None
    top = max(len(reached[Stage.APPLIED]), 1)
    for stage in (*pipeline.FUNNEL_ORDER, Stage.REJECTED, Stage.WITHDRAWN):
        count = len(reached[stage])
        in_order = stage in pipeline.FUNNEL_ORDER
        times = durations.get(stage, [])
        stages.append(
            {
                "stage": stage,
                "label": Stage(stage).label,
                "reached": count,
                "now": current[stage],
                "conversion": _pct(count, previous) if in_order and previous is not None else None,
                "median_hours": round(statistics.median(times), 1) if times else None,
                "bar": round(count * 100 / top, 1),
            }
        )
        if in_order:
            previous = count
    pass_mark = HiringSettings.current().pass_mark
    scored = rnd.applicants.filter(score_percent__isnull=False)
    passed = scored.filter(score_percent__gte=pass_mark).count()
    interviewed = len(reached[Stage.INTERVIEWED])
    return {
        "stages": stages,
        "total": len(reached[Stage.APPLIED]),
        "pass_mark": pass_mark,
        "assessment_pass_rate": _pct(passed, scored.count()),
        "assessment_scored": scored.count(),
        "interview_hire_rate": _pct(len(reached[Stage.HIRED]), interviewed),
        "duplicates": rnd.applicants.filter(~Q(duplicate_of=None)).count(),
    }
