"""Benchmark: the talent-pool import (SRC-1, issue 16) against a raw COPY of the same rows.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python bench/bench_import.py
    ... --rows 100000 --jobs 3     # freelancers, completed jobs each (default 20,000 x 3)
    ... --profile                  # cProfile of the new-rows import, top 25 functions
    ... --what-if                  # also the floors of other shapes of the pool (below)

Uses its own database ``escdesk_bench_import`` (migrated, the pool emptied before each
run). Generates ``--rows`` freelancers as the CSV an uploader sends (3 skills, 2 keywords,
``--jobs`` completed jobs with 2 skills each, one invitation) and measures, wall clock:

* new: a CSV import job of them all into an empty pool (``import_job_run``: parse,
  validate every row, write), rows/s;
* upserted: the same file again with every freelancer changed (all rows known), rows/s;
* refresh: that file again with ``--changed`` percent of its rows changed (a daily
  refresh: the rest are skipped as identical to their last import), rows/s;
* the floor: ``COPY`` of exactly the rows the import writes (freelancers, their skills,
  keywords, jobs, job skills, invitations; prepared in memory beforehand, not timed) into
  the same tables, rows/s, and the import's ratio to it (best of two runs);
* parse and validate only: the job's reading and checking of the new file, nothing
  written (best of two): the part of the import that is Python's;
* with ``--what-if``, the floor of the same rows in other shapes of the pool (``WHAT_IF``:
  composite keys and fewer indexes; skills and keywords as arrays), in a scratch schema,
  alternating with the raw COPY: what a schema change would buy before any parsing.

Refuses SQLite (the COPY path is PostgreSQL's; SQLite uses the bulk fallback).
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import io
import json
import os
import pstats
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_case_list as base  # noqa: E402  (database helpers)

base.BENCH_DB = os.environ.get("BENCH_IMPORT_DB", "escdesk_bench_import")
SEED = 16
SKILLS = [f"skill {i}" for i in range(400)]
KEYWORDS = [f"keyword {i}" for i in range(100)]
REGIONS = ["africa", "asia", "europe", "latin_america", "north_america", "oceania"]


def generate_csv(n: int, jobs: int, *, version: int) -> str:
    """``n`` freelancers in the CSV upload format; ``version`` changes every value."""
    from sourcing.models import Category
    from sourcing.services.imports import FREELANCER_CSV_COLUMNS

    rng = random.Random(SEED + version)
    cats = [
        (c.name, [s.name for s in c.subcategories.all()])
        for c in Category.objects.prefetch_related("subcategories")
    ]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(FREELANCER_CSV_COLUMNS)
    for i in range(n):
        job_list = []
        for j in range(jobs):
            cat, subs = rng.choice(cats)
            job_list.append(
                {
                    "title": f"Job {j} v{version}",
                    "category": cat,
                    "subcategory": rng.choice(subs),
                    "end_date": f"2025-{rng.randrange(1, 13):02d}-{rng.randrange(1, 28):02d}",
                    "hours": rng.randrange(1, 400),
                    "skills": rng.sample(SKILLS, 2),
                }
            )
        writer.writerow(
            [
                f"FL-{i}",
                f"Freelancer {i} v{version}",
                "Designer",
                "",
                rng.randrange(60, 101),
                "top_rated" if i % 5 == 0 else "",
                rng.choice(["conversational", "fluent", "native"]),
                "US",
                rng.choice(REGIONS),
                f"{rng.randrange(10, 150)}.00",
                "",
                ";".join(rng.sample(SKILLS, 3)),
                ";".join(rng.sample(KEYWORDS, 2)),
                json.dumps(job_list),
                json.dumps([{"job": f"JOB-{version}", "at": "2025-06-01T10:00:00Z"}]),
            ]
        )
    return out.getvalue()


POOL_TABLES = (
    "sourcing_completedjobskill",
    "sourcing_completedjob",
    "sourcing_freelancerskill",
    "sourcing_freelancerkeyword",
    "sourcing_invitation",
    "sourcing_shortlistentry",
    "sourcing_freelancer",
)


def empty_pool() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(POOL_TABLES)} CASCADE")


def run_job(text: str, actor) -> tuple[float, object]:
    from django.core.files.base import ContentFile

    from sourcing.models import ImportJob
    from sourcing.services import import_job_run

    job = ImportJob(kind="freelancers", source="csv", created_by=actor, filename="bench.csv")
    job.file.save("bench.csv", ContentFile(text.encode()), save=False)
    job.save()
    started = time.perf_counter()
    job = import_job_run(job_id=job.pk)
    elapsed = time.perf_counter() - started
    if job.status != "succeeded":
        sys.exit(f"import failed: {job.errors[:3]}")
    return elapsed, job


def parse_and_validate(text: str) -> float:
    """Seconds to read and check a file as the job does, writing nothing: what Python
    costs before the database (new rows: none is skipped as unchanged)."""
    from sourcing.models import ImportJob
    from sourcing.services.imports import UnchangedRows, _validate, csv_rows

    started = time.perf_counter()
    unchanged = UnchangedRows()
    rows, lines = csv_rows(text, ImportJob.Kind.FREELANCERS, skip=unchanged)
    options = {"progress": None, "row_numbers": lines, "unchanged": unchanged}
    _validate(rows, kind=ImportJob.Kind.FREELANCERS, **options)
    return time.perf_counter() - started


def read_back(selects: list[tuple[str, str]]) -> list[tuple[str, list[str], list[tuple]]]:
    """(target table, columns, rows) of each ``(target, SELECT)``: read, not timed."""
    from django.db import connection

    out = []
    with connection.cursor() as cursor:
        for target, select in selects:
            cursor.execute(select)
            out.append((target, [d[0] for d in cursor.description], cursor.fetchall()))
    return out


def timed_copy(data: list[tuple[str, list[str], list[tuple]]]) -> float:
    """COPY ``data`` (from ``read_back``) in one transaction; seconds."""
    from django.db import connection, transaction

    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for table, columns, values in data:
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for value in values:
                    copy.write_row(value)
    return time.perf_counter() - started


def floor_selects() -> list[tuple[str, str]]:
    """The pool's tables as they are, parents first: the raw COPY of the import's rows."""
    tables = [t for t in POOL_TABLES if t != "sourcing_shortlistentry"][::-1]
    return [(t, f"SELECT * FROM {t}") for t in tables]  # noqa: S608 - our tables


# What-if floors (--what-if): the same rows COPYed into other shapes of the pool, in a
# scratch schema, to size what a schema change would buy (issue 16's closing note).
WHAT_IF = {
    "lean tables (composite keys on the link tables, no FK triggers, fewer indexes)": (
        """
        -- Left out of the current set: the external id's LIKE index, the job's
        -- subcategory index, the invitation's indexes of its (for imports NULL) inviter
        -- and shortlist; the agency's index only where there is one.
        CREATE TABLE whatif.f (LIKE sourcing_freelancer INCLUDING DEFAULTS);
        ALTER TABLE whatif.f ADD PRIMARY KEY (id), ADD UNIQUE (external_id);
        CREATE INDEX ON whatif.f (country); CREATE INDEX ON whatif.f (region);
        CREATE INDEX ON whatif.f (agency_id) WHERE agency_id IS NOT NULL;
        CREATE TABLE whatif.fs (freelancer_id bigint, skill_id bigint,
            PRIMARY KEY (freelancer_id, skill_id));
        CREATE INDEX ON whatif.fs (skill_id, freelancer_id);
        CREATE TABLE whatif.fk (freelancer_id bigint, keyword_id bigint,
            PRIMARY KEY (freelancer_id, keyword_id));
        CREATE INDEX ON whatif.fk (keyword_id, freelancer_id);
        CREATE TABLE whatif.j (LIKE sourcing_completedjob INCLUDING DEFAULTS);
        ALTER TABLE whatif.j ADD PRIMARY KEY (id);
        CREATE INDEX ON whatif.j (freelancer_id);
        CREATE INDEX ON whatif.j (category_id, subcategory_id, end_date, freelancer_id);
        CREATE TABLE whatif.js (job_id bigint, skill_id bigint, freelancer_id bigint,
            end_date date, PRIMARY KEY (job_id, skill_id));
        CREATE INDEX ON whatif.js (skill_id, end_date, freelancer_id);
        CREATE INDEX ON whatif.js (freelancer_id, skill_id, end_date);
        CREATE TABLE whatif.i (LIKE sourcing_invitation INCLUDING DEFAULTS);
        ALTER TABLE whatif.i ADD PRIMARY KEY (id), ADD UNIQUE (freelancer_id, job_reference);
        CREATE INDEX ON whatif.i (invited_at, freelancer_id);
        CREATE INDEX ON whatif.i (freelancer_id, invited_at);
        """,
        [
            ("whatif.f", "SELECT * FROM sourcing_freelancer"),
            ("whatif.fs", "SELECT freelancer_id, skill_id FROM sourcing_freelancerskill"),
            ("whatif.fk", "SELECT freelancer_id, keyword_id FROM sourcing_freelancerkeyword"),
            ("whatif.j", "SELECT * FROM sourcing_completedjob"),
            (
                "whatif.js",
                "SELECT job_id, skill_id, freelancer_id, end_date FROM sourcing_completedjobskill",
            ),
            ("whatif.i", "SELECT * FROM sourcing_invitation"),
        ],
    ),
    "arrays (skills and keywords as int[] with GIN indexes)": (
        """
        CREATE TABLE whatif.f (LIKE sourcing_freelancer INCLUDING DEFAULTS);
        ALTER TABLE whatif.f ADD COLUMN skill_ids int[], ADD COLUMN keyword_ids int[];
        ALTER TABLE whatif.f ADD PRIMARY KEY (id), ADD UNIQUE (external_id);
        CREATE INDEX ON whatif.f (country); CREATE INDEX ON whatif.f (region);
        CREATE INDEX ON whatif.f (agency_id);
        CREATE INDEX ON whatif.f USING gin (skill_ids);
        CREATE INDEX ON whatif.f USING gin (keyword_ids);
        CREATE TABLE whatif.j (LIKE sourcing_completedjob INCLUDING DEFAULTS);
        ALTER TABLE whatif.j ADD COLUMN skill_ids int[], ADD PRIMARY KEY (id);
        CREATE INDEX ON whatif.j (freelancer_id);
        CREATE INDEX ON whatif.j (category_id, subcategory_id, end_date, freelancer_id);
        CREATE INDEX ON whatif.j USING gin (skill_ids);
        CREATE TABLE whatif.i (LIKE sourcing_invitation INCLUDING ALL);
        """,
        [
            (
                "whatif.f",
                "SELECT f.*, (SELECT array_agg(skill_id) FROM sourcing_freelancerskill s "
                "WHERE s.freelancer_id = f.id) AS skill_ids, (SELECT array_agg(keyword_id) "
                "FROM sourcing_freelancerkeyword k WHERE k.freelancer_id = f.id) AS keyword_ids "
                "FROM sourcing_freelancer f",
            ),
            (
                "whatif.j",
                "SELECT j.*, (SELECT array_agg(skill_id) FROM sourcing_completedjobskill s "
                "WHERE s.job_id = j.id) AS skill_ids FROM sourcing_completedjob j",
            ),
            ("whatif.i", "SELECT * FROM sourcing_invitation"),
        ],
    ),
}


def floors(what_if: bool, rounds: int = 2) -> dict[str, tuple[float, int]]:
    """The raw COPY of the rows the import wrote (and, with ``what_if``, of the same rows
    in the shapes of ``WHAT_IF``), alternating, ``rounds`` times each; the best seconds
    and the table rows of each. Leaves the pool empty."""
    from django.db import connection

    variants = {"raw COPY": floor_selects()}
    if what_if:
        variants.update({label: selects for label, (_, selects) in WHAT_IF.items()})
    data = {label: read_back(selects) for label, selects in variants.items()}
    best: dict[str, float] = {}
    with connection.cursor() as cursor:
        for _ in range(rounds):
            for label, rows in data.items():
                cursor.execute("DROP SCHEMA IF EXISTS whatif CASCADE")
                if label == "raw COPY":
                    empty_pool()
                else:
                    cursor.execute(f"CREATE SCHEMA whatif; {WHAT_IF[label][0]}")
                seconds = timed_copy(rows)
                best[label] = min(best.get(label, seconds), seconds)
        cursor.execute("DROP SCHEMA IF EXISTS whatif CASCADE")
    empty_pool()
    return {label: (best[label], sum(len(r) for *_, r in data[label])) for label in data}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--jobs", type=int, default=3)
    parser.add_argument("--changed", type=float, default=5.0, help="percent, for the refresh")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument(
        "--what-if", action="store_true", help="also the floors of other shapes of the pool"
    )
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        print("bench_import.py measures the PostgreSQL path: set DATABASE_URL to a server.")
        return 2
    admin_url, bench_url = base._urls(url)
    base._ensure_database(admin_url, False)
    env = {**os.environ, "DATABASE_URL": bench_url, "LOG_LEVEL": "WARNING"}
    base._manage("migrate", "--no-input", "-v0", "--skip-checks", env=env)
    os.environ.update(
        DATABASE_URL=bench_url,
        CELERY_BROKER_URL="memory://",
        LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    import django

    django.setup()
    from django.db import connection

    from core.models import User

    actor, _ = User.objects.get_or_create(username="bench_importer", defaults={"role": "admin"})
    first = generate_csv(args.rows, args.jobs, version=1)
    second = generate_csv(args.rows, args.jobs, version=2)
    empty_pool()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"{args.rows:,} freelancers x {args.jobs} jobs, CSV {len(first) / 1e6:.1f} MB")
    python_s = min(parse_and_validate(first) for _ in range(2))
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
    new_s, job = run_job(first, actor)
    if args.profile:
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    upsert_s, job2 = run_job(second, actor)
    assert (job.created_count, job2.updated_count) == (args.rows, args.rows), (
        job.created_count,
        job2.updated_count,
    )
    lines = second.splitlines(keepends=True)
    changes = generate_csv(args.rows, args.jobs, version=3).splitlines(keepends=True)
    every = max(1, round(100 / args.changed)) if args.changed else 0
    changed = [i for i in range(1, len(lines)) if every and i % every == 0]
    for i in changed:
        lines[i] = changes[i]
    refresh_s, job3 = run_job("".join(lines), actor)
    assert (job3.updated_count, job3.unchanged_count) == (
        len(changed),
        args.rows - len(changed),
    ), (job3.updated_count, job3.unchanged_count)
    measured = floors(args.what_if)
    floor_s, floor_rows = measured.pop("raw COPY")
    per_freelancer = floor_rows / args.rows
    print()
    print(f"RESULT talent-pool import, {args.rows:,} freelancers x {args.jobs} jobs, PostgreSQL")
    print("| run | seconds | freelancers/s | table rows/s | vs raw COPY |")
    print("| --- | --- | --- | --- | --- |")
    runs = [("new", new_s), ("upserted", upsert_s)]
    runs += [(f"refresh, {len(changed) / args.rows:.0%} changed", refresh_s)]
    for label, seconds in (*runs, ("raw COPY", floor_s)):
        written = len(changed) if label.startswith("refresh") else args.rows
        print(
            f"| {label} | {seconds:.2f} | {args.rows / seconds:,.0f} | "
            f"{written * per_freelancer / seconds:,.0f} | {seconds / floor_s:.1f}x |"
        )
    print(
        f"| parse and validate only (no writes) | {python_s:.2f} | {args.rows / python_s:,.0f} "
        f"| - | {python_s / floor_s:.1f}x |"
    )
    print(f"({per_freelancer:.1f} table rows per freelancer; raw COPY of {floor_rows:,} rows;")
    print(" freelancers/s counts the file's rows, table rows/s the rows written)")
    if measured:
        print()
        print("What-if floors: the same freelancers COPYed into other shapes of the pool")
        print("| shape | seconds | freelancers/s | table rows | vs raw COPY |")
        print("| --- | --- | --- | --- | --- |")
        for label, (seconds, rows) in measured.items():
            print(
                f"| {label} | {seconds:.2f} | {args.rows / seconds:,.0f} | {rows:,} | "
                f"{seconds / floor_s:.2f}x |"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
