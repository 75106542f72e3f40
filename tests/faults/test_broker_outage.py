"""Fault test: the broker goes down while notifications are created (CORE-7).

A throwaway ``redis-server`` (its own port and directory; the machine's Redis on 6379 is
never touched) is the broker of a real Celery worker and of this test process. It is
stopped, notifications are created (their emails stay pending: the broker refused the
tasks at commit), it is started again, and the requeue task goes through the real broker
to the worker: every email is then sent exactly once, and running the requeue task again
sends nothing more. Skipped locally (one line) when redis-server is missing; required in CI.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db.models import F

from config.celery import app as celery_app
from core import tasks
from core.models import Notification
from core.notifications import EMAIL_REQUEUE_AFTER, notify

from ..conftest import require, wait_until
from ..factories import UserFactory

pytestmark = [pytest.mark.faults, pytest.mark.celery_worker]

PREFERRED_PORT = 6390


def _free_port() -> int:
    with socket.socket() as sock:
        if sock.connect_ex(("127.0.0.1", PREFERRED_PORT)) != 0:
            return PREFERRED_PORT
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ThrowawayRedis:
    """A redis-server this test starts and stops by its own process id."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        args = [shutil.which("redis-server"), "--port", str(self.port), "--bind", "127.0.0.1"]
        args += ["--dir", str(self.directory), "--save", "", "--appendonly", "no"]
        self.proc = subprocess.Popen(
            args,
            stdout=(self.directory / "redis.log").open("ab"),
            stderr=subprocess.STDOUT,
        )
        wait_until(self.answers, timeout=20, message=f"redis-server on port {self.port}")

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=20)
        self.proc = None


@pytest.fixture
def redis_broker(tmp_path):
    require(
        bool(shutil.which("redis-server")),
        "redis-server is not installed (apt-get install redis-server)",
    )
    server = ThrowawayRedis(tmp_path)
    server.start()
    yield server
    server.stop()


@contextmanager
def publishing_to(url: str):
    """Point this process's Celery app at ``url`` (fresh connection pools), then back."""
    conf = celery_app.conf
    saved = (conf.broker_url, conf.broker_transport_options)

    def reset_pools():
        celery_app._pool = None
        celery_app.amqp._producer_pool = None

    conf.broker_url, conf.broker_transport_options = url, {"visibility_timeout": 3600}
    reset_pools()
    try:
        yield
    finally:
        conf.broker_url, conf.broker_transport_options = saved
        reset_pools()


def sent_emails(log: Path) -> Counter:
    if not log.exists():
        return Counter()
    lines = log.read_text(encoding="utf-8").splitlines()
    return Counter((entry["subject"], entry["to"][0]) for entry in map(json.loads, lines))


def test_broker_outage_every_email_sent_exactly_once_core_7(
    redis_broker, celery_processes, tmp_path
):
    email_log = tmp_path / "emails.jsonl"
    worker = celery_processes(
        extra_env={
            "CELERY_BROKER_URL": redis_broker.url,
            "EMAIL_BACKEND": "tests.faults.email_backend.JsonLinesEmailBackend",
            "DESK_TEST_EMAIL_LOG": str(email_log),
        }
    )
    users = [UserFactory(email=f"outage{i}@example.com") for i in range(12)]
    expected = Counter((f"Outage notice {i}", user.email) for i, user in enumerate(users))

    def worker_log() -> str:
        return "\nworker log:\n" + worker.output()[-4000:]

    with publishing_to(redis_broker.url):
        # The path works before the outage (and the worker is connected).
        tasks.ping.delay("before-outage")
        wait_until(lambda: "core.ping" in worker.output(), timeout=90, message="worker up")

        redis_broker.stop()
        for i, user in enumerate(users):  # one transaction each, as actions happen
            notify(recipients=[user], kind="test", title=f"Outage notice {i}")
        ids = list(Notification.objects.filter(recipient__in=users).values_list("pk", flat=True))
        assert len(ids) == len(users)
        time.sleep(2)
        pending = Notification.objects.filter(pk__in=ids, email_status="pending")
        assert pending.count() == len(users), worker_log()
        assert sent_emails(email_log) == Counter()

        redis_broker.start()
        # Time passes: EMAIL_REQUEUE_AFTER since they were queued (and refused).
        Notification.objects.filter(pk__in=ids).update(
            email_queued_at=F("email_queued_at") - EMAIL_REQUEUE_AFTER
        )
        tasks.notification_emails_requeue.delay()  # what beat sends every minute
        try:
            wait_until(
                lambda: not pending.exists() and sum(sent_emails(email_log).values()) >= 12,
                timeout=120,
                message="the requeued emails to be sent by the worker",
            )
        except AssertionError as exc:
            raise AssertionError(str(exc) + worker_log()) from None
        assert sent_emails(email_log) == expected, worker_log()
        assert set(
            Notification.objects.filter(pk__in=ids).values_list("email_status", flat=True)
        ) == {"sent"}

        # Beat's next runs find nothing to queue; nothing is sent twice.
        tasks.notification_emails_requeue.delay()
        wait_until(
            lambda: worker.output().count("'requeued': 0") >= 1,
            timeout=60,
            message="the second requeue run",
        )
    assert sent_emails(email_log) == expected, worker_log()
    assert "'requeued': 12" in worker.output()
