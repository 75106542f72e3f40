"""Fault test: the worker SIGKILLed mid-task ``FAULT_KILLS`` times (20 by default) while
SLA reminders go out: zero lost and zero duplicate reminders (CORE-4, CORE-7).

Each round a clock comes due; the sweep (a real task through a throwaway redis-server)
breaches it and its notification is created; the worker is SIGKILLed while the reminder
email is being sent (the email row is marked sent only in the killed transaction), a new
worker starts, the requeue task (what beat sends every minute) queues it again, and it is
sent. In the end each due clock has one notification per recipient and one email.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from collections import Counter

import pytest
from django.utils import timezone

from core import tasks
from core.models import EmailStatus, Notification, SlaClock
from core.notifications import EMAIL_REQUEUE_AFTER
from core.sla import clock_start
from escalations.services import case_claim, case_create

from ..conftest import wait_until
from ..factories import TeamFactory, UserFactory
from .test_broker_outage import publishing_to
from .test_integrations_faults import _kill, redis_broker  # noqa: F401 (fixture)

pytestmark = [pytest.mark.faults, pytest.mark.celery_worker]


def test_worker_sigkilled_mid_reminder_loses_and_duplicates_nothing_core_4_core_7(
    redis_broker,  # noqa: F811
    celery_processes,
    tmp_path,
):
    kills = int(os.environ.get("FAULT_KILLS", "20"))
    email_log, started_log = tmp_path / "emails.jsonl", tmp_path / "started.txt"
    env = {
        "CELERY_BROKER_URL": redis_broker.url,
        "EMAIL_BACKEND": "tests.faults.hanging_email_backend.HangingOnceEmailBackend",
        "DESK_TEST_EMAIL_LOG": str(email_log),
        "DESK_TEST_EMAIL_STARTED": str(started_log),
    }
    team = TeamFactory(name="Reminder team")
    agent = UserFactory(username="reminder_agent", role="agent", team=team, email="r@x.example")
    worker = celery_processes(extra_env=env)
    started = time.monotonic()
    clocks = []
    with publishing_to(redis_broker.url):
        for n in range(kills):
            title = f"Reminder round {n:02d}"
            case = case_claim(
                case=case_create(actor=agent, title=title, client_name="R"), agent=agent
            )
            clocks.append(
                clock_start(
                    subject=case,
                    metric="client_follow_up",
                    duration=dt.timedelta(seconds=60),
                    calendar="24x7",
                    started_at=timezone.now() - dt.timedelta(minutes=5),
                )
            )
            tasks.sla_sweep.delay()  # what beat sends every minute
            wait_until(
                lambda t=title: started_log.exists() and t in started_log.read_text(),
                timeout=90,
                message=f"reminder {n} in flight\n{worker.output()[-3000:]}",
            )
            _kill(worker)  # SIGKILL while the reminder email is being sent
            worker = celery_processes(extra_env=env)
            pending = Notification.objects.filter(kind="sla_breach", title__contains=title)
            assert pending.get().email_status == EmailStatus.PENDING  # rolled back
            pending.update(email_queued_at=timezone.now() - EMAIL_REQUEUE_AFTER)  # time passes
            tasks.notification_emails_requeue.delay()  # what beat sends every minute
            wait_until(
                lambda p=pending: p.filter(email_status=EmailStatus.SENT).exists(),
                timeout=90,
                message=f"reminder {n} after the kill\n{worker.output()[-3000:]}",
            )
    elapsed = time.monotonic() - started
    assert SlaClock.objects.filter(pk__in=[c.pk for c in clocks], state="breached").count() == kills
    per_clock = Counter(
        (n.target_id, n.recipient_id) for n in Notification.objects.filter(kind="sla_breach")
    )
    assert len(per_clock) == kills and set(per_clock.values()) == {1}  # none lost, none twice
    sent = Counter(json.loads(line)["subject"] for line in email_log.read_text().splitlines())
    breach_emails = {subject: count for subject, count in sent.items() if "breached" in subject}
    assert len(breach_emails) == kills and set(sent.values()) == {1}, sent
    print(
        f"\nFAULT FIGURES: {kills} SIGKILLs mid-reminder, {kills} breach notifications and "
        f"emails once each, 0 lost, {elapsed:.0f} s"
    )
