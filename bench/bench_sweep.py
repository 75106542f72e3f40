"""Benchmark (b): the SLA sweep on PostgreSQL (CORE-4).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/bench_sweep.py

Creates (and drops first) its own database ``escdesk_bench_sweep`` on that server, migrates
it, and inserts running clocks set-based (``INSERT ... SELECT generate_series``): first
100,000 of which 10,000 are due, then 900,000 more that are not due (1,000,000 in all).
At both sizes it times, on the same 10,000 due rows (median of 3, state reset in between):

* ``raw UPDATE``: ``UPDATE core_slaclock SET state='breached', breached_at=due_at WHERE
  state='running' AND due_at <= now`` -- the floor;
* ``raw UPDATE + audit``: the same UPDATE writing the same per-clock audit rows in one
  hand-written statement -- the floor for what a breach must write (CORE-5 audits every
  clock state change);
* ``sweep``: ``sla_sweep(defer=True)``, what Celery beat runs: the claim batches
  (``UPDATE ... RETURNING`` with ``FOR UPDATE SKIP LOCKED``) with, in the same statement,
  their audit rows and the batch's fan-out row (SlaFanOut), then the fan-out task queued on
  commit (to an in-memory broker here), and the (empty) warning pass;
* ``fan-out task``: what the worker then does for that batch (``sla_fan_out_send``): loads
  the 10,000 subjects and bulk-inserts 10,000 in-app notifications (emails queued);
* ``sweep inline``: ``sla_sweep()`` doing both in one call, for comparison.

Goals: sweep / raw UPDATE <= 2x; sweep time flat from 100,000 to 1,000,000 clocks.
Refuses to run on SQLite. Takes about 1-3 minutes.

Options: ``--repeat N`` (runs per figure, median reported; default 5); ``--reuse`` keeps
the 1,000,000-clock database of an earlier run when it is still valid (its 10,000 due
clocks stay due, the others are due a day or more after it was built) and measures at
1,000,000 only -- for quick iterations; the full run (no ``--reuse``) also measures at
100,000 for the flatness figure.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BENCH_DB = "escdesk_bench_sweep"
DUE = 10_000
SMALL = 100_000
LARGE = 1_000_000
SUBJECTS = 2_000
REPEAT = 5


def _bench_url(url: str) -> tuple[str, str]:
    parts = urlparse(url)
    admin = urlunparse(parts._replace(path="/postgres"))
    bench = urlunparse(parts._replace(path=f"/{BENCH_DB}"))
    return admin, bench


def _reusable(admin_url: str, bench_url: str) -> bool:
    """The bench database of an earlier run still holds 1,000,000 clocks, 10,000 of them due."""
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DB]).fetchone():
            return False
    try:
        with psycopg.connect(bench_url, autocommit=True) as conn:
            total, due, soon = conn.execute(
                "SELECT count(*), count(*) FILTER (WHERE due_at <= now()), "
                "count(*) FILTER (WHERE warn_at <= now() + interval '1 hour') "
                "FROM core_slaclock"
            ).fetchone()
    except psycopg.Error:
        return False
    return total == LARGE and due == DUE and soon == DUE  # no other clock warns or breaches


def _create_database(admin_url: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {BENCH_DB}")


def main() -> int:
    global REPEAT
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=REPEAT, help="runs per figure (median)")
    parser.add_argument(
        "--reuse", action="store_true", help="reuse a valid 1,000,000-clock bench database"
    )
    args = parser.parse_args()
    REPEAT = max(1, args.repeat)
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        print(
            "bench_sweep.py measures the sweep on PostgreSQL and refuses to run on SQLite "
            "(SQLite serialises writers and has no SKIP LOCKED, so its figures would mean "
            "nothing).\nSet DATABASE_URL to any database on a PostgreSQL server, e.g.\n"
            "  DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres "
            ".venv/bin/python bench/bench_sweep.py\n"
            f"It creates and uses its own database {BENCH_DB!r} there."
        )
        return 2
    admin_url, bench_url = _bench_url(url)
    t = time.perf_counter()
    reuse = args.reuse and _reusable(admin_url, bench_url)
    if not reuse:
        _create_database(admin_url)
    os.environ["DATABASE_URL"] = bench_url
    os.environ["CELERY_BROKER_URL"] = "memory://"
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.dummy.EmailBackend"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if reuse:
        print(f"database {BENCH_DB} reused (1,000,000 clocks) and migrated")
        return Bench().run_reused()
    print(f"database {BENCH_DB} created and migrated in {time.perf_counter() - t:.1f} s")
    return Bench().run()


class Bench:
    def __init__(self) -> None:
        from django.contrib.contenttypes.models import ContentType
        from django.db import connection
        from django.utils import timezone

        from core.models import BusinessCalendar, User

        self.connection = connection
        self.now = timezone.now()
        self.first_user = None
        self.calendar_id = BusinessCalendar.objects.get(slug="24x7").pk
        self.user_ct = ContentType.objects.get_for_model(User).pk
        self.other_ct = ContentType.objects.get_for_model(BusinessCalendar).pk

    # Data --------------------------------------------------------------------------------
    def sql(self, statement: str, params=None) -> int:
        with self.connection.cursor() as cursor:
            cursor.execute(statement, params)
            return cursor.rowcount

    def insert_users(self) -> None:
        self.sql(
            "INSERT INTO core_user (password, is_superuser, username, first_name, last_name, "
            "email, is_staff, is_active, date_joined, role, time_zone, languages, channels) "
            "SELECT '!', false, 'agent' || g, 'Agent', g::text, 'agent' || g || '@example.com', "
            "false, true, now(), 'agent', 'America/Los_Angeles', '[]', '[]' "
            "FROM generate_series(1, %s) g",
            [SUBJECTS],
        )
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT min(id) FROM core_user")
            self.first_user = cursor.fetchone()[0]

    def insert_clocks(self, *, first: int, count: int, due: bool) -> None:
        """Running 24x7 clocks; due ones are spread over the last 8 hours.

        Due clocks belong to the users (a notification each); the others to calendar rows
        that are never loaded (they are not due).
        """
        if due:
            subject = f"{self.user_ct}, {self.first_user} + (g %% {SUBJECTS})"
            due_at = "%s::timestamptz - (g %% 28800) * interval '1 second' - interval '1 second'"
        else:
            subject = f"{self.other_ct}, g"
            due_at = "%s::timestamptz + interval '1 day' + (g %% 2592000) * interval '1 second'"
        self.sql("SET session_replication_role = replica")  # bulk load: skip FK triggers
        self.sql(
            "INSERT INTO core_slaclock (content_type_id, object_id, metric, target_seconds, "
            "calendar_id, warn_fraction, state, started_at, due_at, warn_at, created_at, "
            "cancel_reason, acknowledge_reason) "
            f"SELECT {subject}, 'm' || g, 86400, %s, 0.75, 'running', "
            f"({due_at}) - interval '1 day', {due_at}, "
            f"({due_at}) - interval '6 hours', now(), '', '' "
            "FROM generate_series(%s, %s) g",
            [self.calendar_id, self.now, self.now, self.now, first, first + count - 1],
        )
        self.sql("SET session_replication_role = origin")

    def insert_clocks_fast(self, **kwargs) -> None:
        """Drop the secondary indexes, insert, rebuild them (much faster than maintaining)."""
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'core_slaclock' "
                "AND indexname <> 'core_slaclock_pkey'"
            )
            indexes = cursor.fetchall()
            for name, _ in indexes:
                cursor.execute(f'DROP INDEX "{name}"')
        self.insert_clocks(**kwargs)
        with self.connection.cursor() as cursor:
            for _, definition in indexes:
                cursor.execute(definition)

    def vacuum(self) -> None:
        self.connection.ensure_connection()
        raw = self.connection.connection
        previous = raw.autocommit
        raw.autocommit = True
        try:
            raw.execute("VACUUM ANALYZE core_slaclock")
            raw.execute("VACUUM ANALYZE core_notification")
        finally:
            raw.autocommit = previous

    def reset(self) -> None:
        """Put the due clocks back to running; drop what a sweep wrote."""
        self.sql(
            "UPDATE core_slaclock SET state = 'running', breached_at = NULL, warned_at = NULL "
            "WHERE state <> 'running'"
        )
        self.sql("TRUNCATE core_notification")
        self.sql("TRUNCATE core_slafanout")
        # Bench db only: the owner lifts the audit table's TRUNCATE trigger (CORE-5).
        self.sql("ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_no_truncate")
        self.sql("TRUNCATE core_auditevent")
        self.sql("ALTER TABLE core_auditevent ENABLE TRIGGER core_auditevent_no_truncate")
        self.vacuum()

    # Timings -----------------------------------------------------------------------------
    def time_raw_update(self) -> float:
        from django.db import transaction

        t = time.perf_counter()
        with transaction.atomic():
            n = self.sql(
                "UPDATE core_slaclock SET state = 'breached', breached_at = due_at "
                "WHERE state = 'running' AND due_at <= %s",
                [self.now],
            )
        elapsed = time.perf_counter() - t
        assert n == DUE, n
        return elapsed

    def time_raw_update_with_audit(self) -> float:
        """The hand-written floor for what a breach must write: the UPDATE plus its audit rows."""
        from django.contrib.contenttypes.models import ContentType
        from django.db import transaction

        from core.models import SlaClock

        t = time.perf_counter()
        with transaction.atomic():
            n = self.sql(
                "WITH claimed AS (UPDATE core_slaclock SET state = 'breached', "
                "breached_at = due_at WHERE state = 'running' AND due_at <= %s "
                "RETURNING id, metric, due_at) "
                "INSERT INTO core_auditevent (at, actor_id, actor_label, action, target_type_id, "
                "target_id, target_repr, before, after, reason) "
                "SELECT %s, NULL, 'system', 'sla_clock.breached', %s, id::text, "
                "metric || ' clock #' || id, jsonb_build_object('state', 'running'), "
                "jsonb_build_object('state', 'breached', 'breached_at', due_at), 'raw' "
                "FROM claimed",
                [self.now, self.now, ContentType.objects.get_for_model(SlaClock).pk],
            )
        elapsed = time.perf_counter() - t
        assert n == DUE, n
        return elapsed

    def time_sweep(self, *, defer: bool) -> tuple[float, float]:
        """(sweep time, fan-out time): deferred, the worker's fan-out timed after the sweep."""
        import core.sla as sla

        t = time.perf_counter()
        result = sla.sla_sweep(now=self.now, defer=defer)
        elapsed = time.perf_counter() - t
        assert result.breached == DUE, result
        if not defer:
            assert result.notifications == DUE, result
            return elapsed, 0.0
        assert result.notifications == 0 and result.fan_outs, result
        t = time.perf_counter()
        sent = sum(sla.sla_fan_out_send(fan_out_id=pk) for pk in result.fan_outs)
        fan_out = time.perf_counter() - t
        assert sent == DUE, sent
        return elapsed, fan_out

    def measure(self, label: str) -> dict[str, float]:
        figures: dict[str, list[float]] = {
            "raw": [],
            "raw_audit": [],
            "sweep": [],
            "fan_out": [],
            "inline": [],
        }
        for _ in range(REPEAT):
            figures["raw"].append(self.time_raw_update())
            self.reset()
            figures["raw_audit"].append(self.time_raw_update_with_audit())
            self.reset()
            sweep, fan_out = self.time_sweep(defer=True)
            figures["sweep"].append(sweep)
            figures["fan_out"].append(fan_out)
            self.reset()
            figures["inline"].append(self.time_sweep(defer=False)[0])
            self.reset()
        med = {k: statistics.median(v) for k, v in figures.items()}
        print(
            f"{label}: raw UPDATE {med['raw'] * 1000:.0f} ms | raw UPDATE + audit rows "
            f"{med['raw_audit'] * 1000:.0f} ms | sweep {med['sweep'] * 1000:.0f} ms | "
            f"fan-out task {med['fan_out'] * 1000:.0f} ms | sweep inline "
            f"{med['inline'] * 1000:.0f} ms"
        )
        return med

    def explain(self) -> str:
        """EXPLAIN (ANALYZE, BUFFERS) of the sweep's real claim statement, rolled back.

        Constraints are made immediate so the (normally deferred, at commit) foreign-key
        checks of the audit rows show up as trigger times.
        """
        from django.conf import settings
        from django.db import transaction

        import core.sla as sla

        sql = sla._claim_sql("breach", "postgresql")
        clock_type = sla._clock_type_id()
        params = [self.now, settings.SLA_SWEEP_BATCH_SIZE, self.now, clock_type, self.now]
        params += [self.now, self.now]  # the fan-out row's created_at and queued_at
        with transaction.atomic(), self.connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql, params)
            plan = [row[0] for row in cursor.fetchall()]
            transaction.set_rollback(True)
        return "\n".join("    " + line for line in plan)

    def run(self) -> int:
        t = time.perf_counter()
        self.insert_users()
        self.insert_clocks(first=1, count=DUE, due=True)
        self.insert_clocks(first=DUE + 1, count=SMALL - DUE, due=False)
        self.vacuum()
        print(f"inserted {SMALL:,} running clocks ({DUE:,} due) in {time.perf_counter() - t:.1f} s")
        print("claim statement (one batch, rolled back):\n" + self.explain())
        small = self.measure(f"{SMALL:,} running")
        t = time.perf_counter()
        self.insert_clocks_fast(first=SMALL + 1, count=LARGE - SMALL, due=False)
        self.vacuum()
        print(f"inserted {LARGE - SMALL:,} more clocks in {time.perf_counter() - t:.1f} s")
        large = self.measure(f"{LARGE:,} running")
        self.summary(large)
        for key, name in (("sweep", "sweep"), ("inline", "sweep inline")):
            print(
                f"{name:<12} {SMALL:,} -> {LARGE:,} clocks: {small[key] * 1000:.1f} ms -> "
                f"{large[key] * 1000:.1f} ms ({large[key] / small[key]:.2f}x; goal: flat)"
            )
        return 0

    def run_reused(self) -> int:
        self.reset()
        print("claim statement (one batch, rolled back):\n" + self.explain())
        large = self.measure(f"{LARGE:,} running")
        self.summary(large)
        print("(--reuse measures at 1,000,000 only; run without it for the 100,000 figures)")
        return 0

    def summary(self, large: dict[str, float]) -> None:
        raw = large["raw"]
        rows = [
            ("raw UPDATE (same WHERE, same SET)", "raw", ""),
            ("raw UPDATE + the same audit rows", "raw_audit", "CORE-5: one audit row per breach"),
            ("sweep (what beat runs)", "sweep", "goal <= 2x; notifications queued"),
            ("fan-out task (the worker, after)", "fan_out", f"{DUE:,} in-app notifications"),
            ("sweep inline (both in one call)", "inline", "sla_sweep() without defer"),
        ]
        print()
        print(f"at {LARGE:,} running clocks, {DUE:,} due (median of {REPEAT}), vs raw UPDATE:")
        for label, key, note in rows:
            ratio = large[key] / raw
            print(f"  {label:<36} {large[key] * 1000:7.0f} ms  {ratio:5.2f}x  {note}".rstrip())


if __name__ == "__main__":
    sys.exit(main())
