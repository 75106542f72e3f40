"""Benchmark the nearest misses of a shortlist (SRC-5) on a generated pool (PostgreSQL).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/any BENCH_FREELANCERS=200000 \\
        .venv/bin/python bench/bench_near_misses.py

Reuses bench_shortlist.py's database and pool generator (``BENCH_DB``, default
``escdesk_bench_src``; ``BENCH_FREELANCERS``, default 1,000,000). Saves one shortlist per
job and prints the median time of ``shortlist_nearest_misses`` (the ranked-ids query plus
the observed values of the five) next to the time of building the shortlist itself, and
the size of the search domain (freelancers passing at least one of the job's set rules).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_shortlist as base  # noqa: E402


def median_ms(fn, repeats: int = 7) -> float:
    fn()  # warm up
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main() -> None:
    base.prepare_database()
    base.setup_django()
    base.ensure_pool(False)
    from sourcing.eligibility import JobCriteria, RuleSet
    from sourcing.selectors import resolve_job, rule_sets, shortlist_nearest_misses
    from sourcing.services import job_criteria_build, shortlist_create

    jobs = [
        ("Design / UX/UI Design, 3 skills", "Design", "UX/UI Design", 3, []),
        ("Writing / Copywriting, 2 skills, 1 keyword", "Writing", "Copywriting", 2, ["keyword 7"]),
    ]
    for label, category, subcategory, n, keywords in jobs:
        criteria = job_criteria_build(
            category=category,
            subcategory=subcategory,
            skills=base._cluster_skills(subcategory, n),
            keywords=keywords,
            job_reference="BENCH-NEAR",
        )
        t0 = time.perf_counter()
        shortlist = shortlist_create(actor=None, criteria=criteria)
        build_ms = (time.perf_counter() - t0) * 1000
        saved = JobCriteria.from_snapshot(shortlist.criteria)
        rules = RuleSet.from_values(shortlist.rules_snapshot)
        sets = list(rule_sets(saved, rules, resolve_job(saved), shortlist.as_of).values())
        domain = sets[0].union(*sets[1:]).count()
        ms = median_ms(lambda s=shortlist: shortlist_nearest_misses(s))
        misses = shortlist_nearest_misses(shortlist)
        print(f"{label}")
        print(
            f"  pool {shortlist.pool_count:,}, domain {domain:,}, "
            f"eligible {shortlist.eligible_count:,}"
        )
        print(f"  shortlist build {build_ms:.0f} ms; nearest misses median {ms:.0f} ms")
        print(
            "  "
            + "; ".join(f"{m['freelancer']['external_id']} ({m['failed_count']})" for m in misses)
        )


if __name__ == "__main__":
    main()
