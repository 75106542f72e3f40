"""Fault test: PostgreSQL restarted under load; worker and beat recover without a restart
(CORE-4, CORE-7).

A throwaway PostgreSQL cluster (``initdb`` in a temp folder, its own free port and socket
folder; the machine's PostgreSQL on 5432 is never touched) holds a migrated database; a
real worker and beat (broker: a throwaway redis-server) run on it while SLA clocks come
due, and PostgreSQL is restarted (``pg_ctl restart -m fast``) twice meanwhile. Every
breach is recorded, notified and emailed once, and the worker and beat are the same
processes throughout. Skipped locally (one line) without initdb/runuser; required in CI.
"""

from __future__ import annotations

import contextlib
import glob
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import pytest

from ..conftest import ROOT, require, wait_until
from .test_broker_outage import ThrowawayRedis

pytestmark = [pytest.mark.faults, pytest.mark.celery_worker]

CLOCKS = 8

SEED = """
import datetime as dt
from core.models import Team, User
from core.sla import clock_start
from escalations.services import case_claim, case_create
team = Team.objects.create(name="Restart team")
agent = User.objects.create_user(
    username="restart_agent", role="agent", team=team, email="restart@example.com"
)
for n in range(CLOCKS):
    case = case_claim(
        case=case_create(actor=agent, title=f"Restart {n}", client_name="R"), agent=agent
    )
    clock_start(subject=case, metric="client_follow_up",
                duration=dt.timedelta(seconds=4 + 3 * n), calendar="24x7")
from django_celery_beat.models import IntervalSchedule, PeriodicTask
every_2s, _ = IntervalSchedule.objects.get_or_create(every=2, period="seconds")
PeriodicTask.objects.filter(task="core.sla_sweep").update(interval=every_2s)
""".replace("CLOCKS", str(CLOCKS))

REPORT = """
import json
from collections import Counter
from core.models import Notification, SlaClock
print("REPORT " + json.dumps({
    "breached": SlaClock.objects.filter(state="breached").count(),
    "notified": list(Counter(
        f"{n.target_id}:{n.recipient_id}" for n in Notification.objects.filter(kind="sla_breach")
    ).values()),
}))
"""


def _pg_bin(name: str) -> str | None:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ThrowawayPostgres:
    """A PostgreSQL cluster in its own folder and port, run as the postgres user."""

    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="desk-faults-pg-"))
        self.data = self.dir / "data"
        self.port = _free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/desk_faults"
        shutil.chown(self.dir, "postgres")

    def _as_postgres(self, *args: str, timeout: float = 120) -> None:
        subprocess.run(
            ["runuser", "-u", "postgres", "--", *args],
            check=True,
            timeout=timeout,
            capture_output=True,
        )

    def start(self) -> None:
        self._as_postgres(_pg_bin("initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres")
        self._ctl("start")
        self._as_postgres(
            _pg_bin("createdb"),
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-U",
            "postgres",
            "desk_faults",
        )

    def _ctl(self, *verb: str) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1"
        self._as_postgres(
            _pg_bin("pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            options,
            "-w",
            "-l",
            str(self.dir / "pg.log"),
            *verb,
        )

    def restart(self) -> None:
        self._ctl("restart", "-m", "fast")

    def stop(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self._ctl("stop", "-m", "immediate")
        shutil.rmtree(self.dir, ignore_errors=True)


def _manage(env: dict, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    return done.stdout


def test_postgres_restarted_under_load_worker_and_beat_recover_core_4_core_7(
    celery_processes, tmp_path
):
    require(
        bool(_pg_bin("initdb") and shutil.which("runuser") and shutil.which("redis-server")),
        "initdb, runuser or redis-server is missing (apt-get install postgresql redis-server)",
    )
    postgres, redis = ThrowawayPostgres(), ThrowawayRedis(tmp_path)
    postgres.start()
    redis.start()
    try:
        _restart_under_load(postgres, redis, celery_processes, tmp_path)
    finally:
        redis.stop()
        postgres.stop()


def _restart_under_load(postgres, redis, celery_processes, tmp_path) -> None:
    email_log = tmp_path / "emails.jsonl"
    env = {
        **os.environ,
        "DATABASE_URL": postgres.url,
        "CELERY_BROKER_URL": redis.url,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "EMAIL_BACKEND": "tests.faults.email_backend.JsonLinesEmailBackend",
        "DESK_TEST_EMAIL_LOG": str(email_log),
    }
    extra = {key: env[key] for key in ("DATABASE_URL", "CELERY_BROKER_URL", "EMAIL_BACKEND")}
    extra["DESK_TEST_EMAIL_LOG"] = str(email_log)
    _manage(env, "migrate", "--no-input")
    _manage(env, "shell", "-c", SEED)
    worker, beat = celery_processes(extra_env=extra, beat=True)
    pids = (worker.proc.pid, beat.proc.pid)
    started = time.monotonic()
    time.sleep(6)  # the first clocks come due, the sweeps run
    postgres.restart()
    time.sleep(6)
    postgres.restart()  # again, while the later clocks come due
    restarted = time.monotonic()

    def report() -> dict:
        line = _manage(env, "shell", "-c", REPORT).strip().splitlines()[-1]
        return json.loads(line.removeprefix("REPORT "))

    def emailed() -> Counter:
        if not email_log.exists():
            return Counter()
        return Counter(
            (entry["subject"], entry["to"][0])
            for entry in map(json.loads, email_log.read_text().splitlines())
            if "SLA breached" in entry["subject"]
        )

    assert report()["breached"] < CLOCKS  # some clocks come due only after the restarts
    wait_until(
        lambda: report()["breached"] == CLOCKS and sum(emailed().values()) >= CLOCKS,
        timeout=180,
        interval=2,
        message=f"breaches after the restarts\n{worker.output()[-3000:]}\n{beat.output()[-2000:]}",
    )
    recovered = time.monotonic() - restarted
    errors = (worker.output() + beat.output()).count("OperationalError")
    time.sleep(6)  # more sweeps: nothing is notified twice
    final = report()
    assert final["breached"] == CLOCKS
    assert len(final["notified"]) == CLOCKS and set(final["notified"]) == {1}
    assert len(emailed()) == CLOCKS and set(emailed().values()) == {1}
    assert (worker.proc.poll(), beat.proc.poll()) == (None, None)  # still running
    assert (worker.proc.pid, beat.proc.pid) == pids  # never restarted
    print(
        f"\nFAULT FIGURES: PostgreSQL restarted twice under load; {CLOCKS} breaches recorded, "
        f"notified and emailed once each, {recovered:.1f} s after the last restart; "
        f"worker and beat kept their PIDs ({errors} database errors logged and survived, "
        f"{time.monotonic() - started:.0f} s in all)"
    )
