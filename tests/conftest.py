"""Shared fixtures: personas, API clients, a real Celery worker, Playwright on Debian Chromium.

Environment switches:
- ``CI=true``: tests that need a service or Chromium fail instead of skipping.
- ``EXPECT_DB_VENDOR`` / ``EXPECT_BROKER``: assert the suite really runs on PostgreSQL/Redis.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from rest_framework.test import APIClient

from config.celery import app as celery_app
from core.services import user_api_token

from .factories import TeamFactory, UserFactory

ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() == "true"

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # live_server + Playwright


def require(condition: bool, reason: str) -> None:
    """Skip locally, fail loudly in CI."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"required in CI: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(autouse=True, scope="session")
def _celery_eager():
    """Tasks run inline unless a test starts a real worker."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture(autouse=True, scope="session")
def _flush_lifts_audit_truncate_trigger():
    """CORE-5: on PostgreSQL a trigger refuses TRUNCATE of the audit table, its owner's too.

    Django empties the test database between transactional tests with one TRUNCATE of
    every table; the test database's owner disables that trigger for the statement, in
    the same transaction (so the trigger is back whatever happens).
    """
    try:
        from django.db.backends.postgresql.operations import DatabaseOperations
    except ImportError:  # pragma: no cover - no PostgreSQL driver installed
        yield
        return
    original = DatabaseOperations.sql_flush
    toggle = (
        "DO $$ BEGIN IF EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = "
        "'core_auditevent_no_truncate') THEN ALTER TABLE core_auditevent {} TRIGGER "
        "core_auditevent_no_truncate; END IF; END $$;"
    )

    def sql_flush(self, style, tables, **kwargs):
        sql = original(self, style, tables, **kwargs)
        if sql and "core_auditevent" in tables:
            return [toggle.format("DISABLE"), *sql, toggle.format("ENABLE")]
        return sql

    DatabaseOperations.sql_flush = sql_flush
    yield
    DatabaseOperations.sql_flush = original


# --- credits (CRD-5): emptying a SQLite test database lifts the ledger's DELETE trigger ---
@pytest.fixture(autouse=True, scope="session")
def _flush_lifts_sqlite_ledger_trigger():
    """SQLite empties tables with DELETE, which the append-only ledger refuses; the flush
    drops that trigger and creates it again in the same transaction."""
    from django.db.backends.sqlite3.base import DatabaseOperations

    from credits.migrations import _ledger_triggers as triggers

    original = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, **kwargs):
        sql = original(self, style, tables, **kwargs)
        if sql and "credits_ledgerentry" in tables:
            return [triggers.SQLITE_DROP[1], *sql, triggers.SQLITE_CREATE[1]]
        return sql

    DatabaseOperations.sql_flush = sql_flush
    yield
    DatabaseOperations.sql_flush = original


# --- end credits ---


@pytest.fixture(autouse=True)
def _fresh_throttle_counters(settings):
    """API rate counters live in a shared cache (Redis on CI): each test counts from zero."""
    settings.THROTTLE_NAMESPACE = uuid.uuid4().hex


@pytest.fixture(autouse=True)
def _locmem_email(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


# Personas --------------------------------------------------------------------------------
@pytest.fixture
def team(db):
    return TeamFactory(name="Executive Escalations")


@pytest.fixture
def lead(team):
    user = UserFactory(username="lead", role="team_lead", team=team)
    team.lead = user
    team.save(update_fields=["lead"])
    return user


@pytest.fixture
def agent(team, lead):
    return UserFactory(username="agent", role="agent", team=team)


@pytest.fixture
def other_agent(team, lead):
    return UserFactory(username="other_agent", role="agent", team=team)


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin", role="admin")


def _api_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {user_api_token(user=user)}")
    return client


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def agent_api(agent):
    return _api_client(agent)


@pytest.fixture
def other_agent_api(other_agent):
    return _api_client(other_agent)


@pytest.fixture
def lead_api(lead):
    return _api_client(lead)


@pytest.fixture
def admin_api(admin_user):
    return _api_client(admin_user)


# A real Celery worker --------------------------------------------------------------------
def database_url_for_current_test_db() -> str:
    from django.db import connection

    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    auth = quote(s["USER"] or "")
    if s.get("PASSWORD"):
        auth += ":" + quote(s["PASSWORD"])
    host = s.get("HOST") or "127.0.0.1"
    port = s.get("PORT") or "5432"
    return f"postgres://{auth}@{host}:{port}/{s['NAME']}"


class CeleryProcess:
    def __init__(self, args: list[str], env: dict, log: Path):
        self.log = log
        self.proc = subprocess.Popen(
            args,
            cwd=ROOT,
            env=env,
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


@pytest.fixture
def celery_processes(transactional_db, tmp_path):
    """Start real ``celery worker`` (and optionally ``beat``) processes on the test database.

    Usage: ``worker = celery_processes(queues=["q"])``; add ``beat=True`` for beat. The
    test process stops running tasks eagerly so they go through the real broker.
    """
    celery_app.conf.task_always_eager = False
    started: list[CeleryProcess] = []
    celery_bin = str(Path(sys.executable).with_name("celery"))

    def start(*, queues: list[str] | None = None, beat: bool = False, extra_env=None):
        env = {
            **os.environ,
            "DATABASE_URL": database_url_for_current_test_db(),
            "CELERY_TASK_ALWAYS_EAGER": "false",
            **(extra_env or {}),
        }
        name = uuid.uuid4().hex[:8]
        args = [
            celery_bin,
            "-A",
            "config",
            "worker",
            "-l",
            "info",
            "--pool",
            "solo",
            "-n",
            f"test-{name}@%h",
            "--without-gossip",
            "--without-mingle",
        ]
        if queues:
            args += ["-Q", ",".join(queues)]
        started.append(CeleryProcess(args, env, tmp_path / f"worker-{name}.log"))
        if beat:
            beat_args = [
                celery_bin,
                "-A",
                "config",
                "beat",
                "-l",
                "info",
                "-s",
                str(tmp_path / "beat-schedule"),
                "--max-interval",
                "1",
            ]
            started.append(CeleryProcess(beat_args, env, tmp_path / f"beat-{name}.log"))
        return started[-1] if not beat else started[-2:]

    yield start
    celery_app.conf.task_always_eager = True
    for proc in started:
        proc.stop()


def wait_until(predicate, timeout: float = 60, interval: float = 0.25, message: str = ""):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {message or predicate}")


# Playwright on Debian's Chromium -------------------------------------------------------
CHROMIUM_MISSING = "Debian's chromium is not installed (apt-get install chromium)"


def chromium_path() -> str | None:
    """Debian's Chromium, or ``DESK_CHROMIUM`` (a path, or ``none`` to act as if absent)."""
    override = os.environ.get("DESK_CHROMIUM", "").strip()
    if override.lower() == "none":
        return None
    if override:
        return shutil.which(override)
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    """Decided before pytest-playwright launches anything: skip locally, fail in CI."""
    path = chromium_path()
    require(path is not None, CHROMIUM_MISSING)
    return path


@pytest.fixture(scope="session")
def browser_type_launch_args(chromium_executable, browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": chromium_executable,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture(scope="session")
def browser(chromium_executable, launch_browser):
    """pytest-playwright's ``browser``, but only once Chromium is known to be there."""
    browser = launch_browser()
    yield browser
    browser.close()


@pytest.fixture
def chromium_required(chromium_executable):
    return chromium_executable


def pytest_terminal_summary(terminalreporter):
    """One line instead of a skip per browser test."""
    skipped = [
        report
        for report in terminalreporter.stats.get("skipped", [])
        if isinstance(report.longrepr, tuple) and CHROMIUM_MISSING in report.longrepr[2]
    ]
    if skipped:
        terminalreporter.write_line(
            f"{len(skipped)} browser tests skipped: {CHROMIUM_MISSING}; "
            "they fail instead when CI=true",
            yellow=True,
        )


def pytest_collection_modifyitems(config, items):
    """CI runs the fault tests and the browser tests once each, on PostgreSQL + Redis:
    ``.ci/run`` sets ``FAULT_TESTS=0 BROWSER_TESTS=0`` for its SQLite run and
    ``FAULT_TESTS=0`` for the PostgreSQL suite, then runs the fault tests alone.
    ``python3 dev.py test`` runs them whenever redis-server and Chromium are installed."""
    for marker, variable in (("faults", "FAULT_TESTS"), ("e2e", "BROWSER_TESTS")):
        if os.environ.get(variable, "1") != "0":
            continue
        skip = pytest.mark.skip(reason=f"{variable}=0: CI runs them in another step")
        for item in items:
            if marker in item.keywords:
                item.add_marker(skip)
