"""Benchmark: issuing credits under contention (issue 12, CRD-5) on PostgreSQL + gunicorn.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/bench_credits.py

Uses its own database ``escdesk_bench_credits`` (``BENCH_DB``), rebuilt on every run.
Prepares, through the services, ROUNDS x 50 approved quotes of $100.00:

* contended: 50 quotes on cases of ONE contract whose non-refunded payments are $1,000.00
  (room for exactly 10 credits), issued by 50 simultaneous requests (a barrier releases
  them), each with its own ``Idempotency-Key``;
* baseline (same run, same server): 50 quotes on 50 different contracts, issued the same
  way (no shared row lock);
* retries: 50 simultaneous requests issuing one quote with one key.

Prints p50/p95/max latency per round, the contended/baseline p95 ratio, and the checks:
exactly 10 credits and $1,000.00 on the contended contract (zero overshoot), 40 answers
409 ``over_contract_cap``; one credit and 50 identical answers for the retries.
gunicorn: 2 workers x 16 threads (gthread), ``DEBUG=false``. Refuses to run on SQLite.
Goal: correctness always (zero overshoot, one credit per key) and the contended p95 within
2x the baseline p95 (on 2 cores 50 simultaneous requests queue for CPU either way).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import bench_case_list as base  # noqa: E402  (database and server helpers)

BENCH_DB = base.BENCH_DB = os.environ.get("BENCH_DB", "escdesk_bench_credits")
CONCURRENT = 50
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
CAP = "1000.00"
EACH = "100.00"
GOAL_RATIO = 2.0  # contended p95 / baseline p95: the contract lock costs at most 2x


def _fresh_database(admin_url: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{BENCH_DB}"')


def _django_on(bench_url: str) -> None:
    """This process talks to the bench database directly (to prepare and to check)."""
    settings = {"DATABASE_URL": bench_url, "CELERY_BROKER_URL": "memory://"}
    os.environ.update(settings, LOG_LEVEL="WARNING", DJANGO_SETTINGS_MODULE="config.settings")
    import django

    django.setup()


# Data (through the services) -----------------------------------------------------------
def _people():
    from core.services import user_api_token, user_create_or_update

    lead, _ = user_create_or_update(username="bench_lead", role="team_lead", team_name="Bench")
    agent, _ = user_create_or_update(username="bench_agent", role="agent", team_name="Bench")
    admin, _ = user_create_or_update(username="bench_admin", role="admin")
    return agent, lead, admin, user_api_token(user=agent)


def _approved_quote(agent, lead, *, contract: str, payments: str, n: int):
    from credits.services import credit_facts_record, credit_quote_approve, credit_quote_create
    from escalations.services import case_claim, case_create

    case = case_create(
        actor=agent,
        title=f"Refund dispute {n}",
        client_name=f"Client {n}",
        client_email=f"client{n}@bench.example",
        kind="refund_request",
    )
    case = case_claim(case=case, agent=agent)
    credit_facts_record(
        case=case,
        actor=agent,
        values={"contract_id": contract, "non_refunded_payments": payments},
        source="page",
    )
    quote = credit_quote_create(case=case, actor=agent)
    return credit_quote_approve(
        quote=quote, lead=lead, content_hash=quote.content_hash, amount=EACH, reason="Agreed"
    )


# Server ---------------------------------------------------------------------------------
def _start_gunicorn(bench_url: str, port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": bench_url,
        "DEBUG": "false",
        "SECRET_KEY": "bench-" + "k" * 60,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "LOG_LEVEL": "ERROR",  # the 40 expected 409s would log a warning each
        "CELERY_BROKER_URL": "memory://",
    }
    proc = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "config.wsgi",
            "--workers",
            "2",
            "--worker-class",
            "gthread",
            "--threads",
            "16",
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
    base._stop(proc)
    sys.exit("gunicorn did not answer within 60 s")


# Load -----------------------------------------------------------------------------------
def _post(url: str, token: str, key: str) -> tuple[int, dict, float]:
    request = urllib.request.Request(
        url,
        data=b"{}",
        method="POST",
        headers={
            "Authorization": f"Token {token}",
            "Content-Type": "application/json",
            "Idempotency-Key": key,
        },
    )
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            status, body = response.status, response.read()
    except urllib.error.HTTPError as exc:
        status, body = exc.code, exc.read()
    return status, json.loads(body or b"{}"), (time.perf_counter() - started) * 1000


def _burst(base: str, token: str, requests: list[tuple[int, str]]) -> list[tuple[int, dict, float]]:
    """All requests at once: one thread each, released together by a barrier."""
    barrier = threading.Barrier(len(requests))
    answers: list = []
    lock = threading.Lock()

    def send(quote_id, key):
        barrier.wait(timeout=60)
        answer = _post(f"{base}/api/v1/credit-quotes/{quote_id}/issue/", token, key)
        with lock:
            answers.append(answer)

    threads = [threading.Thread(target=send, args=r) for r in requests]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return answers


def _figures(latencies: list[float]) -> dict:
    latencies = sorted(latencies)
    return {
        "p50": statistics.median(latencies),
        "p95": latencies[max(int(len(latencies) * 0.95) - 1, 0)],
        "max": latencies[-1],
    }


def main() -> int:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        print(
            "bench_credits.py measures row locks under contention on PostgreSQL and refuses "
            "to run on SQLite. Set DATABASE_URL to any database on a PostgreSQL server, e.g.\n"
            "  DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres "
            ".venv/bin/python bench/bench_credits.py\n"
            f"It creates and uses its own database {BENCH_DB!r} there."
        )
        return 2
    admin_url, bench_url = base._urls(url)
    _fresh_database(admin_url)
    base._manage("migrate", "--no-input", "-v0", env={**os.environ, "DATABASE_URL": bench_url})
    _django_on(bench_url)
    from decimal import Decimal

    from credits.models import Contract, LedgerEntry
    from credits.services import contract_credited_total, credit_rules_update

    agent, lead, admin, token = _people()
    # Every quote goes to the lead, who sets $100.00: 50 of them overfill a $1,000 contract.
    credit_rules_update(actor=admin, values={"approval_threshold": "0.00"}, note="bench")
    started = time.perf_counter()
    plan = []
    for r in range(ROUNDS):
        contended = [
            _approved_quote(agent, lead, contract=f"BENCH-C{r}", payments=CAP, n=r * 1000 + i)
            for i in range(CONCURRENT)
        ]
        baseline = [
            _approved_quote(
                agent, lead, contract=f"BENCH-B{r}-{i}", payments=CAP, n=r * 1000 + 500 + i
            )
            for i in range(CONCURRENT)
        ]
        plan.append((contended, baseline))
    retry = _approved_quote(agent, lead, contract="BENCH-R", payments=CAP, n=99999)
    print(
        f"data: {ROUNDS * 2 * CONCURRENT + 1} approved quotes in "
        f"{time.perf_counter() - started:.1f} s"
    )

    port = base._free_port()
    proc = _start_gunicorn(bench_url, port)
    server = f"http://127.0.0.1:{port}"
    ok = True
    try:
        contended_ms, baseline_ms = [], []
        for r, (contended, baseline) in enumerate(plan):
            # alternate which goes first, so neither always meets a colder server
            order = [("contended", contended), ("baseline", baseline)]
            for label, quotes in order if r % 2 == 0 else order[::-1]:
                answers = _burst(server, token, [(q.pk, f"{label}-{q.pk}") for q in quotes])
                (contended_ms if label == "contended" else baseline_ms).extend(
                    a[2] for a in answers
                )
                codes = sorted(a[0] for a in answers)
                if label == "contended":
                    contract = Contract.objects.get(external_id=f"BENCH-C{r}")
                    total = contract_credited_total(contract)
                    credits = LedgerEntry.objects.filter(contract=contract).count()
                    refused = {a[1].get("error", {}).get("code") for a in answers if a[0] == 409}
                    good = (
                        codes == [201] * 10 + [409] * 40
                        and total == Decimal(CAP)
                        and credits == 10
                        and refused == {"over_contract_cap"}
                    )
                    print(
                        f"round {r + 1} contended: {codes.count(201)} issued, {codes.count(409)} "
                        f"refused ({', '.join(sorted(c for c in refused if c))}); credited "
                        f"${total} of ${CAP}; overshoot ${max(total - Decimal(CAP), 0)}"
                        f" -> {'OK' if good else 'FAILED'}"
                    )
                else:
                    good = codes == [201] * CONCURRENT
                    print(
                        f"round {r + 1} baseline: {codes.count(201)} of {CONCURRENT} issued "
                        f"-> {'OK' if good else 'FAILED'}"
                    )
                ok &= good
        answers = _burst(server, token, [(retry.pk, "one-key")] * CONCURRENT)
        bodies = {json.dumps(a[1], sort_keys=True) for a in answers}
        retry_credits = LedgerEntry.objects.filter(quote=retry).count()
        good = {a[0] for a in answers} == {201} and len(bodies) == 1 and retry_credits == 1
        ok &= good
        print(
            f"retries: {CONCURRENT} requests, one key -> {retry_credits} credit, "
            f"{len(bodies)} distinct answer(s) -> {'OK' if good else 'FAILED'}"
        )
        retry_fig = _figures([a[2] for a in answers])
    finally:
        base._stop(proc)

    c, b = _figures(contended_ms), _figures(baseline_ms)
    print()
    print(f"issue latency over {ROUNDS} bursts of {CONCURRENT} simultaneous requests (ms):")
    print(
        f"  contended (one contract): p50 {c['p50']:7.1f}  p95 {c['p95']:7.1f}  max {c['max']:7.1f}"
    )
    print(
        f"  baseline (50 contracts):  p50 {b['p50']:7.1f}  p95 {b['p95']:7.1f}  max {b['max']:7.1f}"
    )
    r = retry_fig
    print(
        f"  retries (one key):        p50 {r['p50']:7.1f}  p95 {r['p95']:7.1f}  max {r['max']:7.1f}"
    )
    print(f"  contended / baseline p95: {c['p95'] / b['p95']:.2f}x")
    print(
        f"goal: zero overshoot, one credit per key, contended p95 <= {GOAL_RATIO:.1f}x baseline: ",
        end="",
    )
    met = ok and c["p95"] <= GOAL_RATIO * b["p95"]
    print("met" if met else "NOT met")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
