"""Benchmark: the case list API over 100,000 cases on PostgreSQL (issue 4, TEAM-1, API-1).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python bench/bench_case_list.py

Uses its own database ``escdesk_bench_cases`` on the server named by ``DATABASE_URL``
(override with ``BENCH_DB``): creates and migrates it, then bulk-inserts 100,000 cases with
their SLA clocks (``bulk_create`` in batches; reused on the next run unless ``--fresh``).
Then it

* counts SQL queries per request in-process (``CaptureQueriesContext`` through the test
  client) for page sizes 10, 50 and 200 -- goal: 6 or fewer whatever the page size;
* starts gunicorn (2 workers, ``DEBUG=false``) on a free port and runs ``wrk`` with 8
  connections for 20 s against
  ``/api/v1/cases/?status=in_progress&kind=unresponsive_freelancer&page_size=50`` with a
  token header, printing median and p95 latency and requests/s -- goal: p95 <= 100 ms.

Without ``wrk`` (``apt-get install wrk``) a Python thread pool with 8 workers does the load.
Refuses to run on SQLite. Takes about 1-2 minutes (first run) on a 2-core machine.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BENCH_DB = os.environ.get("BENCH_DB", "escdesk_bench_cases")
CASES = 100_000
BATCH = 5_000
DURATION = int(os.environ.get("BENCH_SECONDS", "20"))
CONNECTIONS = 8
FILTERS = "status=in_progress&kind=unresponsive_freelancer"
PATH = f"/api/v1/cases/?{FILTERS}&page_size=50"
SEED = 4
GOAL_QUERIES = 6
GOAL_P95_MS = 100.0

WRK_SCRIPT = """
done = function(summary, latency, requests)
  io.write(string.format("BENCH p50_us=%d p95_us=%d p99_us=%d requests=%d errors=%d\\n",
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    summary.requests, summary.errors.status + summary.errors.connect
      + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
"""


def _urls(url: str) -> tuple[str, str]:
    parts = urlparse(url)
    return (
        urlunparse(parts._replace(path="/postgres")),
        urlunparse(parts._replace(path=f"/{BENCH_DB}")),
    )


def _ensure_database(admin_url: str, fresh: bool) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        if fresh:
            conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DB]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{BENCH_DB}"')


def _manage(*args: str, env: dict) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


# Data ------------------------------------------------------------------------------------
def _populate() -> None:
    """100,000 cases across kinds, statuses and 20 agents, with their clocks."""
    from django.contrib.contenttypes.models import ContentType

    from core.models import BusinessCalendar, SlaClock, Team, User
    from escalations.models import Case, Kind, Priority, Segment, SourceChannel, Status

    have = Case.objects.count()
    if have >= CASES:
        print(f"data: reusing {have:,} cases (pass --fresh to rebuild)")
        return
    started = time.perf_counter()
    rng = random.Random(SEED)
    teams = [Team.objects.get_or_create(name=f"Bench team {i}")[0] for i in range(2)]
    agents = []
    for i in range(20):
        user, _ = User.objects.get_or_create(
            username=f"bench_agent_{i}", defaults={"role": "agent", "team": teams[i % 2]}
        )
        agents.append(user)
    calendar = BusinessCalendar.objects.order_by("id").first()
    statuses = [
        (Status.NEW, 10),
        (Status.CLAIMED, 10),
        (Status.IN_PROGRESS, 20),
        (Status.WAITING_ON_CLIENT, 10),
        (Status.WAITING_ON_FREELANCER, 10),
        (Status.HANDED_OFF, 5),
        (Status.RESOLVED, 20),
        (Status.CLOSED, 15),
    ]
    status_pool = [s for s, weight in statuses for _ in range(weight)]
    kinds = list(Kind.values)
    now = datetime.now(UTC)
    ct = ContentType.objects.get_for_model(Case)
    # Keep the spread-out creation times (auto_now_add would stamp them all "now").
    Case._meta.get_field("created_at").auto_now_add = False
    done = have
    while done < CASES:
        n = min(BATCH, CASES - done)
        rows = []
        for i in range(n):
            status = rng.choice(status_pool)
            created = now - timedelta(minutes=rng.randrange(60, 60 * 24 * 365))
            assignee = None if status == Status.NEW else rng.choice(agents)
            rows.append(
                Case(
                    title=f"Bench case {done + i}",
                    kind=rng.choice(kinds),
                    priority=rng.choice(Priority.values),
                    status=status,
                    client_name=f"Client {rng.randrange(50_000)}",
                    client_email=f"client{done + i}@example.com",
                    client_segment=rng.choice(Segment.values),
                    source_channel=rng.choice(SourceChannel.values),
                    assignee=assignee,
                    team=assignee.team if assignee else rng.choice(teams),
                    claimed_at=created + timedelta(minutes=5) if assignee else None,
                    contract_ids=[],
                    created_at=created,
                )
            )
        cases = Case.objects.bulk_create(rows)
        clocks = []
        for case in cases:
            created = case.created_at
            open_case = case.status not in (Status.RESOLVED, Status.CLOSED)
            if case.status == Status.NEW:
                due = now + timedelta(minutes=rng.randrange(-600, 3000))
                state = "running"
            else:
                due = created + timedelta(hours=24)
                state = "met" if rng.random() < 0.9 else "breached"
            clocks.append(
                SlaClock(
                    content_type=ct,
                    object_id=case.pk,
                    metric="first_response",
                    target_seconds=86_400,
                    calendar=calendar,
                    state=state,
                    started_at=created,
                    due_at=due,
                    warn_at=due - timedelta(hours=6),
                    met_at=created + timedelta(minutes=5) if state == "met" else None,
                    breached_at=due if state == "breached" else None,
                )
            )
            if open_case and case.kind in (Kind.UNRESPONSIVE_FREELANCER, Kind.REFUND_REQUEST):
                follow_due = now + timedelta(minutes=rng.randrange(-300, 2880))
                paused = case.status == Status.WAITING_ON_CLIENT
                clocks.append(
                    SlaClock(
                        content_type=ct,
                        object_id=case.pk,
                        metric="client_follow_up",
                        target_seconds=172_800,
                        calendar=calendar,
                        state="paused" if paused else "running",
                        started_at=created,
                        due_at=follow_due,
                        warn_at=follow_due - timedelta(hours=12),
                        paused_at=now if paused else None,
                        remaining_at_pause=timedelta(hours=10) if paused else None,
                    )
                )
        SlaClock.objects.bulk_create(clocks, batch_size=BATCH)
        done += n
        print(f"\rdata: {done:,} cases", end="", flush=True)
    Case._meta.get_field("created_at").auto_now_add = True
    Case.objects.fill_references()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(
        f"\rdata: {CASES:,} cases and {SlaClock.objects.count():,} clocks "
        f"in {time.perf_counter() - started:.0f} s"
    )


# Queries per request -----------------------------------------------------------------------
def _queries_per_request(token: str) -> dict[int, int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_AUTHORIZATION=f"Token {token}")
    client.get(f"/api/v1/cases/?{FILTERS}&page_size=10")  # warm caches (content types)
    counts = {}
    for size in (10, 50, 200):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(f"/api/v1/cases/?{FILTERS}&page_size={size}")
        assert response.status_code == 200, response.content[:300]
        assert len(response.json()["results"]) == size, "not enough matching cases"
        counts[size] = len(ctx.captured_queries)
    return counts


# Load --------------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_gunicorn(bench_url: str, port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": bench_url,
        "DEBUG": "false",
        "SECRET_KEY": "bench-" + "k" * 60,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "LOG_LEVEL": "WARNING",
        "CELERY_BROKER_URL": "memory://",
    }
    proc = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "config.wsgi",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz/", timeout=2)
            return proc
        except OSError:
            if proc.poll() is not None:
                sys.exit("gunicorn exited during start-up")
            time.sleep(0.3)
    _stop(proc)
    sys.exit("gunicorn did not answer within 60 s")


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def _warm(url: str, token: str) -> None:
    for _ in range(20):
        request = urllib.request.Request(url, headers={"Authorization": f"Token {token}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200


def _wrk(url: str, token: str) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    try:
        out = subprocess.run(
            [
                "wrk",
                "-t2",
                f"-c{CONNECTIONS}",
                f"-d{DURATION}s",
                "--latency",
                "-s",
                script.name,
                "-H",
                f"Authorization: Token {token}",
                url,
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(script.name)
    print("\n".join("    " + line for line in out.strip().splitlines()))
    fields = dict(
        part.split("=")
        for line in out.splitlines()
        if line.startswith("BENCH")
        for part in line.split()[1:]
    )
    rps = next(float(line.split()[1]) for line in out.splitlines() if "Requests/sec" in line)
    if int(fields["errors"]):
        print(f"    warning: {fields['errors']} failed requests")
    return {
        "tool": "wrk",
        "p50": int(fields["p50_us"]) / 1000,
        "p95": int(fields["p95_us"]) / 1000,
        "p99": int(fields["p99_us"]) / 1000,
        "rps": rps,
        "requests": int(fields["requests"]),
    }


def _threads(url: str, token: str) -> dict:
    """Fallback load generator: 8 threads with keep-alive-less urllib requests."""
    latencies: list[float] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + DURATION

    def worker():
        mine = []
        while time.monotonic() < stop_at:
            request = urllib.request.Request(url, headers={"Authorization": f"Token {token}"})
            t = time.perf_counter()
            with urllib.request.urlopen(request, timeout=30) as response:
                response.read()
            mine.append((time.perf_counter() - t) * 1000)
        with lock:
            latencies.extend(mine)

    started = time.monotonic()
    with ThreadPoolExecutor(CONNECTIONS) as pool:
        for _ in range(CONNECTIONS):
            pool.submit(worker)
    elapsed = time.monotonic() - started
    latencies.sort()
    return {
        "tool": "python threads",
        "p50": statistics.median(latencies),
        "p95": latencies[int(len(latencies) * 0.95) - 1],
        "p99": latencies[int(len(latencies) * 0.99) - 1],
        "rps": len(latencies) / elapsed,
        "requests": len(latencies),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fresh", action="store_true", help="drop and rebuild the database")
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        print(
            "bench_case_list.py measures the case list on PostgreSQL and refuses to run on "
            "SQLite (its query plans and concurrency say nothing about production).\n"
            "Set DATABASE_URL to any database on a PostgreSQL server, e.g.\n"
            "  DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres "
            ".venv/bin/python bench/bench_case_list.py\n"
            f"It creates and uses its own database {BENCH_DB!r} there."
        )
        return 2
    admin_url, bench_url = _urls(url)
    _ensure_database(admin_url, args.fresh)
    env = {**os.environ, "DATABASE_URL": bench_url, "LOG_LEVEL": "WARNING"}
    _manage("migrate", "--no-input", "-v0", env=env)
    token = (
        _manage(
            "createuser", "bench_lead", "--role", "team_lead", "--team", "Bench team 0", env=env
        )
        .strip()
        .splitlines()[-1]
    )

    os.environ.update(
        DATABASE_URL=bench_url,
        ALLOWED_HOSTS="127.0.0.1,testserver",
        CELERY_BROKER_URL="memory://",
        LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    import django

    django.setup()
    _populate()

    from escalations.models import Case

    matching = Case.objects.filter(status="in_progress", kind="unresponsive_freelancer").count()
    counts = _queries_per_request(token)
    print(f"list: {FILTERS} matches {matching:,} of {Case.objects.count():,} cases")
    for size, n in counts.items():
        flag = "ok" if n <= GOAL_QUERIES else f"OVER the goal of {GOAL_QUERIES}"
        print(f"queries per request, page_size={size:<3}: {n} ({flag})")

    port = _free_port()
    server = _start_gunicorn(bench_url, port)
    try:
        target = f"http://127.0.0.1:{port}{PATH}"
        _warm(target, token)
        print(f"load: {CONNECTIONS} connections for {DURATION} s on GET {PATH}")
        if shutil.which("wrk"):
            result = _wrk(target, token)
        else:
            print("    wrk not found (apt-get install wrk); using a Python thread pool instead")
            result = _threads(target, token)
    finally:
        _stop(server)

    ok = result["p95"] <= GOAL_P95_MS and max(counts.values()) <= GOAL_QUERIES
    print()
    print(
        f"RESULT case list, 100,000 cases, gunicorn 2 workers, {result['tool']}, "
        f"{CONNECTIONS} connections, {DURATION} s"
    )
    print(f"  median latency   {result['p50']:8.1f} ms")
    print(f"  p95 latency      {result['p95']:8.1f} ms   (goal <= {GOAL_P95_MS:.0f} ms)")
    print(f"  p99 latency      {result['p99']:8.1f} ms")
    print(f"  requests/s       {result['rps']:8.1f}   ({result['requests']:,} requests)")
    print(
        f"  SQL per request  {', '.join(f'{n} (page {s})' for s, n in counts.items())}"
        f"   (goal <= {GOAL_QUERIES})"
    )
    print(f"  goals {'met' if ok else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
