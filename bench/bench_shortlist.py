"""Benchmark the sourcing engine (SRC-2 to SRC-5) on a 1,000,000-freelancer pool.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/any .venv/bin/python bench/bench_shortlist.py

Needs PostgreSQL (refuses SQLite). Uses its own database, ``escdesk_bench_src`` on the
server named by ``DATABASE_URL`` (override with ``BENCH_DB``), creates and migrates it, and
generates the pool with set-based SQL (``INSERT ... SELECT generate_series``) on the first
run; later runs reuse it (``--regenerate`` starts over). Prints:

- median time of a top-50 shortlist through the engine (the ORM query with every rule,
  score and observed values, plus the re-rank) next to a hand-written SQL query selecting
  the same eligible set and top 50, and their ratio (goals: <= 1.5x, <= 300 ms);
- that both select the same eligible set and the same top 50;
- the funnel query and a full saved run, for context;
- the bulk import rate through the import service (10,000 rows, new and upserted).

Drop the database afterwards with ``dropdb -h 127.0.0.1 -U postgres escdesk_bench_src``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

N_FREELANCERS = int(os.environ.get("BENCH_FREELANCERS", "1000000"))
N_AGENCIES = 5000
SKILLS_PER_SUBCATEGORY = 12
N_KEYWORDS = 200
REPEATS = 15
IMPORT_ROWS = 10_000
COUNTRIES = [
    ("US", "north_america"), ("CA", "north_america"), ("BR", "latin_america"),
    ("AR", "latin_america"), ("MX", "latin_america"), ("DE", "europe"), ("PL", "europe"),
    ("GB", "europe"), ("UA", "europe"), ("IN", "asia"), ("PH", "asia"), ("VN", "asia"),
    ("NG", "africa"), ("KE", "africa"), ("EG", "middle_east"), ("AU", "oceania"),
]  # fmt: skip
LOADED_TABLES = [
    "sourcing_freelancer",
    "sourcing_completedjob",
    "sourcing_completedjobskill",
    "sourcing_freelancerskill",
    "sourcing_freelancerkeyword",
    "sourcing_invitation",
]


def fail(message: str) -> None:
    print(f"bench_shortlist: {message}", file=sys.stderr)
    sys.exit(2)


def prepare_database() -> str:
    url = os.environ.get("DATABASE_URL", "")
    scheme = urlsplit(url).scheme
    if not scheme.startswith("postgres"):
        fail(
            "needs PostgreSQL: set DATABASE_URL=postgres://user@host:5432/db "
            f"(got {url or 'nothing, i.e. SQLite'}). SQLite cannot show these figures."
        )
    import psycopg

    name = os.environ.get("BENCH_DB", "escdesk_bench_src")
    parts = urlsplit(url)
    admin_url = urlunsplit((parts.scheme, parts.netloc, "/postgres", "", ""))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")
    bench_url = urlunsplit((parts.scheme, parts.netloc, f"/{name}", "", ""))
    os.environ["DATABASE_URL"] = bench_url
    return name


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


# Generation ---------------------------------------------------------------------------------
def _drop_secondary(cursor) -> list[str]:
    """Drop indexes, unique and foreign keys of the loaded tables; return SQL to restore."""
    restore = []
    cursor.execute(
        """
        SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid), c.contype
        FROM pg_constraint c
        WHERE c.conrelid::regclass::text = ANY(%s) AND c.contype IN ('u', 'f')
        ORDER BY c.contype DESC
        """,
        [LOADED_TABLES],
    )
    constraints = cursor.fetchall()
    for table, name, _definition, _ in constraints:
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    cursor.execute(
        """
        SELECT indexname, indexdef FROM pg_indexes
        WHERE tablename = ANY(%s) AND indexname NOT LIKE '%%_pkey'
        """,
        [LOADED_TABLES],
    )
    for name, definition in cursor.fetchall():
        cursor.execute(f'DROP INDEX "{name}"')
        restore.append(definition)
    # Unique constraints first (they bring their own index), then foreign keys.
    for table, name, definition, _kind in sorted(constraints, key=lambda c: c[3] != "u"):
        restore.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    return restore


def generate(cursor) -> None:
    from sourcing.models import Subcategory

    subs = list(Subcategory.objects.order_by("pk").values_list("pk", "category_id"))
    sub_ids = [s for s, _ in subs]
    cat_ids = [c for _, c in subs]
    nsub = len(subs)
    t0 = time.perf_counter()
    cursor.execute("SET synchronous_commit = off")
    cursor.execute("SET maintenance_work_mem = '512MB'")
    cursor.execute("SET work_mem = '256MB'")
    cursor.execute(
        "TRUNCATE sourcing_shortlistentry, sourcing_shortlist, sourcing_invitation, "
        "sourcing_completedjobskill, sourcing_completedjob, sourcing_freelancerskill, "
        "sourcing_freelancerkeyword, sourcing_freelancer, sourcing_agency, sourcing_skill, "
        "sourcing_keyword RESTART IDENTITY CASCADE"
    )
    restore = _drop_secondary(cursor)
    cursor.execute("SELECT setseed(0.42)")
    cursor.execute(
        """
        INSERT INTO sourcing_skill (name, normalized)
        SELECT 'skill ' || s || '-' || k, 'skill ' || s || '-' || k
        FROM unnest(%s::bigint[]) s, generate_series(0, %s - 1) k
        """,
        [sub_ids, SKILLS_PER_SUBCATEGORY],
    )
    cursor.execute(
        """
        CREATE TEMP TABLE bench_skillmap AS
        SELECT split_part(split_part(normalized, ' ', 2), '-', 1)::bigint AS sub_id,
               split_part(normalized, '-', 2)::int AS k, id
        FROM sourcing_skill
        """
    )
    cursor.execute("CREATE INDEX ON bench_skillmap (sub_id, k)")
    cursor.execute(
        "INSERT INTO sourcing_keyword (name, normalized) "
        "SELECT 'keyword ' || g, 'keyword ' || g FROM generate_series(0, %s - 1) g",
        [N_KEYWORDS],
    )
    cursor.execute(
        """
        INSERT INTO sourcing_agency (external_id, name, jss, dispute_count, is_premium, country,
                                     updated_at)
        SELECT 'BENCH-AG-' || g, 'Agency ' || g,
               CASE WHEN random() < 0.05 THEN NULL ELSE 70 + floor(random() * 31)::int END,
               floor(random() * 5)::int, random() < 0.1, 'US', now()
        FROM generate_series(1, %s) g
        """,
        [N_AGENCIES],
    )
    countries = [c for c, _ in COUNTRIES]
    regions = [r for _, r in COUNTRIES]
    cursor.execute(
        """
        INSERT INTO sourcing_freelancer (
            id, external_id, name, title, agency_id, jss, is_top_rated, is_top_rated_plus,
            is_rising_talent, is_premium, english_level, country, region, hourly_rate,
            total_hours, completed_jobs_count, created_at, updated_at)
        SELECT g, 'BENCH-' || g, 'Freelancer ' || g, '',
               CASE WHEN r1 < 0.10 THEN 1 + (g %% %(agencies)s) END,
               CASE WHEN (r4 < 0.08 AND r2 < 0.6) OR r2 < 0.03 THEN NULL
                    ELSE 60 + floor(r3 * 41)::int END,
               r4 >= 0.08 AND r4 < 0.38, r4 >= 0.33 AND r4 < 0.38, r4 < 0.08, r5 < 0.02,
               CASE WHEN r6 < 0.1 THEN 1 WHEN r6 < 0.4 THEN 2 WHEN r6 < 0.8 THEN 3 ELSE 4 END,
               (%(countries)s::text[])[1 + floor(r7 * 16)::int],
               (%(regions)s::text[])[1 + floor(r7 * 16)::int],
               (15 + floor(r8 * 100))::numeric(12, 2),
               floor(r8 * 400)::int, 1 + (g * 7919 %% 5), now(), now()
        FROM (SELECT g, random() r1, random() r2, random() r3, random() r4, random() r5,
                     random() r6, random() r7, random() r8
              FROM generate_series(1::bigint, %(n)s) g) s
        """,
        {"agencies": N_AGENCIES, "countries": countries, "regions": regions, "n": N_FREELANCERS},
    )
    cursor.execute(
        "SELECT setval(pg_get_serial_sequence('sourcing_freelancer', 'id'), %s)", [N_FREELANCERS]
    )
    print(f"  freelancers: {time.perf_counter() - t0:.1f}s", flush=True)
    # Each freelancer has a home subcategory; 70 % of their jobs are in it.
    cursor.execute(
        """
        INSERT INTO sourcing_completedjob (freelancer_id, title, category_id, subcategory_id,
                                           end_date, hours)
        SELECT f.id, '', (%(cats)s::bigint[])[x.s + 1], (%(subs)s::bigint[])[x.s + 1],
               current_date - floor(random() * 900)::int, floor(random() * 120)::int
        FROM sourcing_freelancer f
        CROSS JOIN LATERAL generate_series(1, f.completed_jobs_count) k
        CROSS JOIN LATERAL (
            SELECT CASE WHEN random() < 0.7 THEN (f.id * 104729 + k * 0) %% %(nsub)s
                        ELSE floor(random() * %(nsub)s)::int END AS s
        ) x
        """,
        {"cats": cat_ids, "subs": sub_ids, "nsub": nsub},
    )
    print(f"  jobs: {time.perf_counter() - t0:.1f}s", flush=True)
    cursor.execute(
        """
        INSERT INTO sourcing_completedjobskill (job_id, skill_id, freelancer_id, end_date)
        SELECT j.id, m.id, j.freelancer_id, j.end_date
        FROM sourcing_completedjob j
        CROSS JOIN LATERAL (VALUES ((j.id * 31) % 12), ((j.id * 31 + 1 + j.id % 11) % 12)) v(k)
        JOIN bench_skillmap m ON m.sub_id = j.subcategory_id AND m.k = v.k
        """
    )
    print(f"  job skills: {time.perf_counter() - t0:.1f}s", flush=True)
    cursor.execute(
        """
        INSERT INTO sourcing_freelancerskill (freelancer_id, skill_id)
        SELECT f.id, m.id
        FROM sourcing_freelancer f
        CROSS JOIN generate_series(0, 4) t
        JOIN bench_skillmap m
          ON m.sub_id = (%(subs)s::bigint[])[(f.id * 104729) %% %(nsub)s + 1]
         AND m.k = (f.id * 13 + t * 5) %% 12
        """,
        {"subs": sub_ids, "nsub": nsub},
    )
    cursor.execute(
        """
        INSERT INTO sourcing_freelancerkeyword (freelancer_id, keyword_id)
        SELECT f.id, kw.id FROM sourcing_freelancer f
        CROSS JOIN LATERAL (VALUES (f.id %% %(n)s), ((f.id * 7 + 1) %% %(n)s)) v(k)
        JOIN sourcing_keyword kw ON kw.normalized = 'keyword ' || v.k
        """,
        {"n": N_KEYWORDS},
    )
    cursor.execute(
        """
        INSERT INTO sourcing_invitation (freelancer_id, job_reference, invited_at, source)
        SELECT id, 'BENCH-JOB-' || (id % 1000), now() - random() * interval '14 days', 'import'
        FROM sourcing_freelancer WHERE id % 50 = 0
        """
    )
    print(f"  skills, keywords, invitations: {time.perf_counter() - t0:.1f}s", flush=True)
    for statement in restore:
        cursor.execute(statement)
    print(f"  indexes and constraints: {time.perf_counter() - t0:.1f}s", flush=True)


def vacuum(cursor) -> None:
    for table in [*LOADED_TABLES, "sourcing_agency", "sourcing_skill", "sourcing_keyword"]:
        cursor.execute(f"VACUUM ANALYZE {table}")  # visibility map: index-only scans


def ensure_pool(regenerate: bool) -> None:
    from django.db import connection, transaction

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sourcing_freelancer WHERE external_id LIKE 'BENCH-%'")
        have = cursor.fetchone()[0]
        if have == N_FREELANCERS and not regenerate:
            print(f"reusing the generated pool ({have:,} freelancers)")
            vacuum(cursor)  # cheap when nothing changed; sets the visibility map after migrations
            return
        print(f"generating {N_FREELANCERS:,} freelancers with their jobs...", flush=True)
        t0 = time.perf_counter()
        with transaction.atomic():  # a failure leaves the schema (constraints) as it was
            generate(cursor)
        vacuum(cursor)
        print(f"  generated in {time.perf_counter() - t0:.1f}s", flush=True)


# Measurements ---------------------------------------------------------------------------------
RAW_SQL = """
SELECT f.id,
       (CASE WHEN f.jss IS NOT NULL THEN f.jss
             WHEN f.is_rising_talent OR f.is_premium THEN %(no_jss)s ELSE 0 END)
     + (CASE WHEN f.is_top_rated_plus THEN 15 WHEN f.is_top_rated THEN 10 ELSE 0 END)
     + (CASE WHEN f.is_premium THEN 8 ELSE 0 END)
     + 5 * LEAST(sm.n, 4) + LEAST(f.completed_jobs_count, 20) + LEAST(f.total_hours / 100, 10)
     + 3 * (f.english_level - 1) AS score
FROM sourcing_freelancer f
CROSS JOIN LATERAL (
    SELECT count(*) AS n FROM sourcing_freelancerskill fs
    WHERE fs.freelancer_id = f.id AND fs.skill_id = ANY(%(skills)s)
) sm
WHERE f.id = ANY(ARRAY(
        SELECT freelancer_id FROM sourcing_completedjobskill
        WHERE skill_id = ANY(%(skills)s) AND end_date BETWEEN %(recent)s AND %(today)s
        INTERSECT
        SELECT freelancer_id FROM sourcing_completedjob
        WHERE category_id = %(category)s AND subcategory_id = %(subcategory)s
          AND end_date <= %(today)s
        INTERSECT
        SELECT freelancer_id FROM sourcing_freelancerskill WHERE skill_id = ANY(%(skills)s)
        {keywords}))
  AND ((f.jss IS NOT NULL AND f.jss >= %(min_jss)s) OR f.is_rising_talent OR f.is_premium)
  AND f.english_level >= %(english)s
  AND (f.completed_jobs_count >= %(min_jobs)s OR f.total_hours >= %(min_hours)s
       OR f.is_rising_talent OR f.is_premium)
  AND (f.agency_id IS NULL OR f.agency_id IN (
       SELECT id FROM sourcing_agency
       WHERE jss IS NOT NULL AND jss >= %(agency_jss)s AND dispute_count <= %(disputes)s))
  AND f.id NOT IN (SELECT freelancer_id FROM sourcing_invitation
                   WHERE invited_at > %(cooldown)s AND invited_at <= %(now)s)
ORDER BY score DESC, f.id
"""
KEYWORDS_SQL = """INTERSECT
        SELECT freelancer_id FROM sourcing_freelancerkeyword
        WHERE keyword_id = ANY(%(keywords)s)"""


def raw_params(rules, job, as_of, criteria) -> dict:
    today = as_of.date()
    return {
        "no_jss": rules.no_jss_score,
        "skills": list(job.skill_ids),
        "min_jss": rules.min_jss,
        "recent": today - dt.timedelta(days=rules.recent_job_days),
        "today": today,
        "category": job.category_id,
        "subcategory": job.subcategory_id,
        "english": criteria.required_english(rules),
        "min_jobs": rules.min_completed_jobs,
        "min_hours": rules.min_total_hours,
        "agency_jss": rules.agency_min_jss,
        "disputes": rules.agency_max_disputes,
        "cooldown": as_of - dt.timedelta(days=rules.invite_cooldown_days),
        "now": as_of,
        "keywords": list(job.keyword_ids),
    }


def paired_medians(a, b, repeats: int = REPEATS) -> tuple[float, float]:
    """Median milliseconds of ``a`` and ``b``, called alternately so both see the same load
    (the machine is shared)."""
    for fn in (a, b, a, b):
        fn()
    samples_a, samples_b = [], []
    for _ in range(repeats):
        for fn, samples in ((a, samples_a), (b, samples_b)):
            t0 = time.perf_counter()
            fn()
            samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples_a), statistics.median(samples_b)


def median_ms(fn, repeats: int = REPEATS) -> float:
    fn()
    fn()
    samples = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples)


def measure_shortlist(label: str, **criteria_fields) -> dict:
    from django.db import connection
    from django.utils import timezone

    from sourcing.selectors import eligible_pool, funnel_counts, resolve_job
    from sourcing.services import job_criteria_build, rules_in_force, shortlist_evaluate

    rules, _ = rules_in_force()
    criteria = job_criteria_build(**criteria_fields)
    as_of = timezone.now()
    job = resolve_job(criteria)
    params = raw_params(rules, job, as_of, criteria)
    sql = RAW_SQL.format(keywords=KEYWORDS_SQL if criteria.keywords else "")

    def engine():
        return shortlist_evaluate(criteria=criteria, rules=rules, as_of=as_of, with_funnel=False)

    def raw(limit: int | None = 50):
        with connection.cursor() as cursor:
            cursor.execute(sql + (f" LIMIT {limit}" if limit else ""), params)
            return cursor.fetchall()

    # Same eligible set and same top 50, checked before timing.
    engine_set = set(eligible_pool(criteria, rules, as_of, job=job).values_list("pk", flat=True))
    raw_all = raw(None)
    raw_set = {row[0] for row in raw_all}
    run = engine()
    base_order = sorted(run.rows, key=lambda r: (-r["score"], r["pk"]))
    engine_top = [(r["pk"], r["score"]) for r in base_order]
    raw_top = [(row[0], row[1]) for row in raw_all[:50]]
    same_set = engine_set == raw_set
    same_top = engine_top == raw_top

    engine_ms, raw_ms = paired_medians(engine, raw)
    funnel_ms = median_ms(lambda: funnel_counts(criteria, rules, as_of, job=job), repeats=5)
    print(f"\n== {label}")
    print(f"   eligible set: {len(engine_set):,} freelancers (raw SQL: {len(raw_set):,})")
    print(f"   same eligible set: {same_set}; same top 50 in the same order: {same_top}")
    print(
        f"   top-50 shortlist, engine (ORM, all rules, score, observed values, re-rank): "
        f"{engine_ms:8.1f} ms median of {REPEATS}"
    )
    print(
        f"   top-50, hand-written SQL (same rules and score):                          "
        f"{raw_ms:8.1f} ms median of {REPEATS}"
    )
    print(
        f"   ratio engine / raw SQL: {engine_ms / raw_ms:.2f}x (goal <= 1.5x); "
        f"absolute goal <= 300 ms: {'met' if engine_ms <= 300 else 'NOT met'}"
    )
    print(f"   funnel over the whole pool (two aggregate queries): {funnel_ms:8.1f} ms median of 5")
    return {"same": same_set and same_top, "engine": engine_ms, "raw": raw_ms}


def measure_full_run(**criteria_fields) -> None:
    from sourcing.services import job_criteria_build, shortlist_create

    criteria = job_criteria_build(**criteria_fields)
    samples = []
    for _ in range(3):
        t0 = time.perf_counter()
        shortlist_create(actor=None, criteria=criteria)
        samples.append((time.perf_counter() - t0) * 1000)
    print(
        f"   full saved run (shortlist + funnel + snapshot + audit): "
        f"{statistics.median(samples):8.1f} ms median of 3"
    )


def import_rows(prefix: str, today: dt.date) -> list[dict]:
    subs = [("Design", "UX/UI Design"), ("Writing", "Copywriting"), ("Admin", "Data Entry")]
    rows = []
    for i in range(IMPORT_ROWS):
        cat, sub = subs[i % 3]
        rows.append(
            {
                "external_id": f"{prefix}-{i}",
                "name": f"Imported {i}",
                "jss": 70 + i % 31,
                "badges": ["top_rated"] if i % 4 == 0 else [],
                "english_level": "fluent",
                "country": "DE",
                "region": "europe",
                "skills": [f"import skill {i % 50}", f"import skill {(i + 7) % 50}", "figma"],
                "keywords": ["saas", f"kw {i % 20}"],
                "jobs": [
                    {
                        "category": cat,
                        "subcategory": sub,
                        "end_date": (today - dt.timedelta(days=(i + j * 40) % 700)).isoformat(),
                        "hours": 10 + j,
                        "skills": [f"import skill {(i + j) % 50}", "figma"],
                    }
                    for j in range(3)
                ],
            }
        )
    return rows


def measure_import() -> None:
    from django.db import connection
    from django.utils import timezone

    from sourcing.services import freelancers_import

    prefix = f"IMPORT-BENCH-{int(time.time())}"
    rows = import_rows(prefix, timezone.now().date())
    t0 = time.perf_counter()
    job = freelancers_import(rows=rows)
    created_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    again = freelancers_import(rows=rows)
    updated_s = time.perf_counter() - t0
    assert job.created_count == IMPORT_ROWS and again.updated_count == IMPORT_ROWS
    print("\n== bulk import through the import service (10,000 rows, 3 jobs each)")
    print(f"   new rows:      {IMPORT_ROWS / created_s:8.0f} rows/s ({created_s:.2f} s)")
    print(f"   upserted rows: {IMPORT_ROWS / updated_s:8.0f} rows/s ({updated_s:.2f} s)")
    with connection.cursor() as cursor:  # keep the generated pool as it was
        cursor.execute(
            "SELECT array_agg(id) FROM sourcing_freelancer WHERE external_id LIKE %s",
            [f"{prefix}-%"],
        )
        ids = cursor.fetchone()[0]
        for table in (
            "sourcing_completedjobskill",
            "sourcing_completedjob",
            "sourcing_freelancerskill",
            "sourcing_freelancerkeyword",
            "sourcing_invitation",
        ):
            cursor.execute(f"DELETE FROM {table} WHERE freelancer_id = ANY(%s)", [ids])
        cursor.execute("DELETE FROM sourcing_freelancer WHERE id = ANY(%s)", [ids])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--regenerate", action="store_true", help="generate the pool again")
    args = parser.parse_args()
    started = time.perf_counter()
    name = prepare_database()
    setup_django()
    print(f"database {name}")
    ensure_pool(args.regenerate)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        print(f"database size: {cursor.fetchone()[0]}")
    results = [
        measure_shortlist(
            "Design / UX/UI Design, 3 skills, budget 3,000 (Premium agencies first)",
            category="Design",
            subcategory="UX/UI Design",
            skills=_cluster_skills("UX/UI Design", 3),
            budget="3000",
        ),
        measure_shortlist(
            "Writing / Copywriting (fluent English), 2 skills, 1 keyword, budget 9,000 (mix)",
            category="Writing",
            subcategory="Copywriting",
            skills=_cluster_skills("Copywriting", 2),
            keywords=["keyword 7"],
            budget="9000",
        ),
    ]
    measure_full_run(
        category="Design",
        subcategory="UX/UI Design",
        skills=_cluster_skills("UX/UI Design", 3),
        job_reference="BENCH-FULL",
    )
    measure_import()
    print(f"\ntotal {time.perf_counter() - started:.0f} s")
    if not all(r["same"] for r in results):
        fail("the engine and the raw SQL disagree")


def _cluster_skills(subcategory: str, n: int) -> list[str]:
    from sourcing.models import Subcategory

    sub = Subcategory.objects.get(name=subcategory)
    return [f"skill {sub.pk}-{k}" for k in range(n)]


if __name__ == "__main__":
    main()
