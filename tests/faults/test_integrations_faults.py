"""Fault tests of outbound webhooks, client email and the SLA sweep (API-3, ESC-10,
CORE-4, CORE-7), with real processes: a throwaway ``redis-server`` as the broker (its own
port and folder, started and stopped by the test), real Celery workers (and beat) on the
test database, and a receiving HTTP server in this process. ``make fault-tests`` runs them.

- The worker is SIGKILLed while a delivery's request is in flight, ``FAULT_KILLS`` times
  (20 by default): every event is delivered, acknowledged (200) exactly once per event id.
- The worker is SIGKILLed while a client email is being sent, ``FAULT_KILLS`` times: each
  email is sent exactly once.
- The broker is down while events and a client email are queued: nothing is lost; once it
  is back, the beat tasks (sweep, requeue) queue them again and each is delivered once.
- The receiver is down, then up: the deliveries wait with back-off and arrive.
- Redis is down ``FAULT_OUTAGE_SECONDS`` (60) while clocks come due, with worker and beat:
  pages answer within 2 s, every breach is found after, each notified and emailed once.
- Two beat processes at once: dispatches double, one per period does the work (CORE-4).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import signal
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from escalations.models import Macro
from escalations.services import case_claim, case_create, macro_send
from integrations import tasks
from integrations.events import publish_event
from integrations.messages import REQUEUE_AFTER
from integrations.models import ClientMessage, WebhookDelivery
from integrations.services import endpoint_save

from ..conftest import require, wait_until
from ..factories import TeamFactory, UserFactory
from .test_broker_outage import ThrowawayRedis, publishing_to

pytestmark = [pytest.mark.faults, pytest.mark.celery_worker]

SECRET = "fault-receiver-shared-secret-01"
TIMEOUT = 1  # WEBHOOK_TIMEOUT_SECONDS in the workers: a killed try is due again after 3 s


class Receiver:
    """Records every POST; hangs on the event ids in ``hang_once`` the first time."""

    def __init__(self, port: int = 0):
        self.lock = threading.Lock()
        self.requests: list[tuple[str, int]] = []  # (event id, status answered)
        self.hang_once: set[str] = set()
        self.hung: set[str] = set()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                event_id = json.loads(body)["id"]
                with receiver.lock:
                    hang = event_id in receiver.hang_once and event_id not in receiver.hung
                    receiver.hung.add(event_id) if hang else None
                    receiver.requests.append((event_id, 0 if hang else 200))
                if hang:
                    time.sleep(8)  # the worker is killed meanwhile; nobody reads the answer
                try:
                    self.send_response(200)
                    self.send_header("Content-Length", "2")
                    self.end_headers()
                    self.wfile.write(b"ok")
                except OSError:
                    pass

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/desk"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def acknowledged(self) -> Counter:
        with self.lock:
            return Counter(event_id for event_id, status in self.requests if status == 200)

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def redis_broker(tmp_path):
    """A throwaway redis-server on its own port, stopped by its process id at the end."""
    require(bool(shutil.which("redis-server")), "redis-server is not installed")
    server = ThrowawayRedis(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.stop()


def _worker_env(broker_url: str, **extra) -> dict:
    return {
        "CELERY_BROKER_URL": broker_url,
        "WEBHOOK_ALLOW_PRIVATE_TARGETS": "true",
        "WEBHOOK_TIMEOUT_SECONDS": str(TIMEOUT),
        **extra,
    }


def _endpoint(url: str):
    from django.test import override_settings

    with override_settings(WEBHOOK_ALLOW_PRIVATE_TARGETS=True):
        return endpoint_save(
            actor=None, name="Fault receiver", url=url, secret=SECRET, event_types=["*"]
        )


def _kill(worker) -> None:
    os.killpg(worker.proc.pid, signal.SIGKILL)
    worker.proc.wait(timeout=20)


def test_worker_sigkilled_mid_delivery_loses_and_duplicates_nothing_api_3_core_4(
    redis_broker, celery_processes, receiver, settings
):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    kills = int(os.environ.get("FAULT_KILLS", "20"))
    env = _worker_env(redis_broker.url)
    _endpoint(receiver.url)
    worker = celery_processes(extra_env=env)
    started = time.monotonic()
    with publishing_to(redis_broker.url):
        event_ids = []
        for n in range(kills):
            with receiver.lock:
                receiver.hang_once.add("pending")
            publish_event("case.created", {"case": {"reference": f"ESC-{n:06d}"}})
            delivery = WebhookDelivery.objects.select_related("event").latest("pk")
            event_id = str(delivery.event.event_id)
            event_ids.append(event_id)
            with receiver.lock:
                receiver.hang_once = {event_id}
            if not any(e == event_id for e, _ in receiver.requests):
                wait_until(
                    lambda e=event_id: any(x == e for x, _ in receiver.requests),
                    timeout=90,
                    message=f"try {n} in flight\n{worker.output()[-3000:]}",
                )
            _kill(worker)  # SIGKILL while the request is in flight
            worker = celery_processes(extra_env=env)
            time.sleep(TIMEOUT * 3 + 0.5)  # the lease of the killed try runs out
            tasks.webhook_sweep.delay()  # what beat sends every 30 s
            wait_until(
                lambda pk=delivery.pk: WebhookDelivery.objects.filter(
                    pk=pk, status="delivered"
                ).exists(),
                timeout=90,
                message=f"delivery {n} after the kill\n{worker.output()[-3000:]}",
            )
    elapsed = time.monotonic() - started
    acknowledged = receiver.acknowledged()
    assert set(acknowledged) == set(event_ids)
    assert all(count == 1 for count in acknowledged.values()), acknowledged  # no duplicate
    assert WebhookDelivery.objects.filter(status="delivered").count() == kills  # none lost
    assert WebhookDelivery.objects.count() == kills  # one logical delivery per event
    tries = Counter(event_id for event_id, _ in receiver.requests)
    assert all(tries[e] == 2 for e in event_ids)  # the killed try and the one after it
    print(
        f"\nFAULT FIGURES: {kills} SIGKILLs mid-delivery, 0 lost, 0 duplicate "
        f"acknowledgements, {elapsed:.0f} s"
    )


def test_broker_down_while_events_and_email_are_queued_nothing_lost_api_3_esc_10(
    redis_broker, celery_processes, receiver, settings, tmp_path
):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    email_log = tmp_path / "emails.jsonl"
    worker = celery_processes(
        extra_env=_worker_env(
            redis_broker.url,
            EMAIL_BACKEND="tests.faults.email_backend.JsonLinesEmailBackend",
            DESK_TEST_EMAIL_LOG=str(email_log),
        )
    )
    _endpoint(receiver.url)
    team = TeamFactory(name="Fault team")
    agent = UserFactory(username="fault_agent", role="agent", team=team)
    case = case_claim(
        case=case_create(
            actor=agent, title="Outage case", client_name="Ola", client_email="ola@example.com"
        ),
        agent=agent,
    )
    macro = Macro.objects.create(name="Fault", slug="fault", subject="Hello", body="On it.")
    with publishing_to(redis_broker.url):
        tasks.webhook_sweep.delay()
        wait_until(lambda: "webhook_sweep" in worker.output(), timeout=90, message="worker up")
        redis_broker.stop()
        started = time.monotonic()
        for n in range(5):
            publish_event("case.updated", {"case": {"reference": f"ESC-9{n:05d}"}})
        macro_send(macro=macro, case=case, agent=agent)
        enqueue_seconds = time.monotonic() - started
        assert WebhookDelivery.objects.filter(status="pending").count() >= 5
        assert ClientMessage.objects.get().status == "queued"
        redis_broker.start()
        # Time passes: the message's task was queued REQUEUE_AFTER ago (and refused).
        ClientMessage.objects.update(queued_at=timezone.now() - REQUEUE_AFTER)
        tasks.webhook_sweep.delay()
        tasks.client_messages_requeue.delay()
        wait_until(
            lambda: (
                not WebhookDelivery.objects.exclude(status="delivered").exists()
                and ClientMessage.objects.filter(status="sent").exists()
            ),
            timeout=120,
            message=f"deliveries after the outage\n{worker.output()[-3000:]}",
        )
        tasks.webhook_sweep.delay()  # beat's next runs send nothing more
        tasks.client_messages_requeue.delay()
        time.sleep(3)
    acknowledged = receiver.acknowledged()
    assert len(acknowledged) == WebhookDelivery.objects.count()
    assert all(count == 1 for count in acknowledged.values())
    lines = email_log.read_text().splitlines()
    assert len(lines) == 1 and json.loads(lines[0])["to"] == ["ola@example.com"]
    print(
        f"\nFAULT FIGURES: broker down, {len(acknowledged)} events and 1 email queued in "
        f"{enqueue_seconds:.1f} s, all delivered once after it returned"
    )


def test_receiver_down_then_up_deliveries_arrive_api_3(redis_broker, celery_processes, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    probe = Receiver()
    port = probe.port
    probe.stop()  # nobody listens on the port now
    worker = celery_processes(extra_env=_worker_env(redis_broker.url))
    _endpoint(f"http://127.0.0.1:{port}/desk")
    with publishing_to(redis_broker.url):
        publish_event("clock.breached", {"clock": {"id": 7}})
        # The try is over when its answer is recorded: the claim (attempts + 1 and a lease)
        # commits before the request is made.
        wait_until(
            lambda: (
                WebhookDelivery.objects.filter(attempts__gte=1, status="pending")
                .exclude(last_error="")
                .exists()
            ),
            timeout=90,
            message=f"the refused try\n{worker.output()[-3000:]}",
        )
        item = WebhookDelivery.objects.get()
        assert item.next_attempt_at > timezone.now()  # backing off, not dropped
        assert "Connection refused" in item.last_error or "Errno" in item.last_error
        receiver = Receiver(port)
        try:
            WebhookDelivery.objects.update(next_attempt_at=timezone.now())  # time passes
            tasks.webhook_sweep.delay()
            wait_until(
                lambda: WebhookDelivery.objects.filter(status="delivered").exists(),
                timeout=90,
                message=f"the delivery after the receiver came back\n{worker.output()[-3000:]}",
            )
        finally:
            receiver.stop()
    assert list(receiver.acknowledged().values()) == [1]
    assert WebhookDelivery.objects.get().log.count() == 2


def test_redis_down_while_clocks_come_due_nothing_missed_or_doubled_core_4_core_7(
    redis_broker, celery_processes, receiver, settings, tmp_path, client
):
    """Redis stops for ``FAULT_OUTAGE_SECONDS`` (60) while clocks come due, with a real
    worker and beat: pages still answer within 2 s; after Redis returns the worker resumes
    by itself, every clock is breached once, each recipient is notified once, every email
    and webhook delivery arrives once."""
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    from core.models import Notification, SlaClock
    from core.sla import clock_start

    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    outage = int(os.environ.get("FAULT_OUTAGE_SECONDS", "60"))
    email_log = tmp_path / "emails.jsonl"
    # Beat sends the sweeps every 2 s here (admins can edit the interval the same way).
    every_2s, _ = IntervalSchedule.objects.get_or_create(every=2, period="seconds")
    PeriodicTask.objects.filter(
        task__in=[
            "core.sla_sweep",
            "integrations.webhook_sweep",
            "core.notification_emails_requeue",
            "integrations.client_messages_requeue",
        ]
    ).update(interval=every_2s)
    _endpoint(receiver.url)
    team = TeamFactory(name="Outage team")
    lead = UserFactory(username="outage_lead", role="team_lead", team=team, email="l@x.example")
    team.lead = lead
    team.save(update_fields=["lead"])
    agent = UserFactory(username="outage_agent", role="agent", team=team, email="a@x.example")
    cases = []
    for n in range(6):
        case = case_claim(
            case=case_create(actor=agent, title=f"Outage {n}", client_name=f"C{n}"), agent=agent
        )
        cases.append(case)
    env = _worker_env(
        redis_broker.url,
        EMAIL_BACKEND="tests.faults.email_backend.JsonLinesEmailBackend",
        DESK_TEST_EMAIL_LOG=str(email_log),
    )
    worker, beat = celery_processes(extra_env=env, beat=True)
    with publishing_to(redis_broker.url):
        wait_until(lambda: "sla_sweep" in worker.output(), timeout=90, message="worker and beat")
        redis_broker.stop()
        down_at = time.monotonic()
        # Clocks that come due during the outage (a few seconds in).
        clocks = [
            clock_start(
                subject=case,
                metric="client_follow_up",
                duration=dt.timedelta(seconds=3),
                calendar="24x7",
            )
            for case in cases
        ]
        client.force_login(agent)
        slowest = 0.0
        while time.monotonic() - down_at < outage:
            started = time.monotonic()
            response = client.get("/queue/")
            slowest = max(slowest, time.monotonic() - started)
            assert response.status_code == 200
            time.sleep(2)
        assert slowest < 2.0, f"a page took {slowest:.2f} s with Redis down"
        assert not SlaClock.objects.filter(pk__in=[c.pk for c in clocks], state="breached")
        redis_broker.start()
        up_at = time.monotonic()
        wait_until(
            lambda: (
                SlaClock.objects.filter(pk__in=[c.pk for c in clocks], state="breached").count()
                == len(clocks)
            ),
            timeout=120,
            message=f"breaches after Redis returned\n{worker.output()[-3000:]}",
        )
        resumed = time.monotonic() - up_at
        assert resumed < 60
        expected = len(clocks) * 2  # the assignee and the lead, once per clock
        wait_until(
            lambda: (
                Notification.objects.filter(kind="sla_breach").count() >= expected
                and not WebhookDelivery.objects.exclude(status="delivered").exists()
                and len(email_log.read_text().splitlines() if email_log.exists() else [])
                >= expected
            ),
            timeout=120,
            message=f"notifications, emails and deliveries\n{worker.output()[-3000:]}",
        )
        time.sleep(6)  # beat's next runs add nothing
    breaches = Notification.objects.filter(kind="sla_breach")
    per_clock = Counter((n.target_id, n.recipient_id) for n in breaches)
    assert len(per_clock) == expected and set(per_clock.values()) == {1}
    emails = Counter(email_log.read_text().splitlines())
    assert sum(emails.values()) == expected and set(emails.values()) == {1}
    acknowledged = receiver.acknowledged()
    breached_events = WebhookDelivery.objects.filter(event__event_type="clock.breached")
    assert breached_events.count() == len(clocks)
    assert all(count == 1 for count in acknowledged.values())
    print(
        f"\nFAULT FIGURES: Redis down {outage} s, slowest page {slowest:.2f} s, worker "
        f"breached all {len(clocks)} clocks {resumed:.1f} s after Redis returned, "
        f"{expected} notifications and emails once each, {len(acknowledged)} webhook events "
        "acknowledged once each"
    )


def test_two_beats_at_once_notify_and_deliver_once_core_4(
    redis_broker, celery_processes, receiver, settings, tmp_path
):
    """Two beat processes run at once (a deploy overlap): both dispatch the sweeps, one
    dispatch per period does the work (the period claim), and every breach, notification,
    email and webhook delivery stays single."""
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    from core.models import Notification, SlaClock
    from core.sla import clock_start

    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    email_log = tmp_path / "emails.jsonl"
    every_2s, _ = IntervalSchedule.objects.get_or_create(every=2, period="seconds")
    PeriodicTask.objects.filter(task__in=["core.sla_sweep", "integrations.webhook_sweep"]).update(
        interval=every_2s
    )
    _endpoint(receiver.url)
    team = TeamFactory(name="Two beats team")
    agent = UserFactory(username="beats_agent", role="agent", team=team, email="b@x.example")
    env = _worker_env(
        redis_broker.url,
        EMAIL_BACKEND="tests.faults.email_backend.JsonLinesEmailBackend",
        DESK_TEST_EMAIL_LOG=str(email_log),
    )
    worker, first_beat = celery_processes(extra_env=env, beat=True)
    second_beat_worker, second_beat = celery_processes(extra_env=env, beat=True)
    cases = [
        case_claim(case=case_create(actor=agent, title=f"Beats {n}", client_name="B"), agent=agent)
        for n in range(5)
    ]
    with publishing_to(redis_broker.url):
        clocks = [
            clock_start(
                subject=case,
                metric="client_follow_up",
                duration=dt.timedelta(seconds=4),
                calendar="24x7",
            )
            for case in cases
        ]
        wait_until(
            lambda: (
                SlaClock.objects.filter(pk__in=[c.pk for c in clocks], state="breached").count()
                == len(clocks)
            ),
            timeout=120,
            message=f"breaches\n{worker.output()[-3000:]}",
        )
        wait_until(
            lambda: (
                not WebhookDelivery.objects.exclude(status="delivered").exists()
                and email_log.exists()
                and email_log.read_text().count("SLA breached") >= len(clocks)
            ),
            timeout=120,
            message=f"emails and deliveries\n{worker.output()[-3000:]}",
        )
        time.sleep(8)  # both beats keep sending sweeps
    sends = [b.output().count("Sending due task sla-sweep") for b in (first_beat, second_beat)]
    assert all(sends), sends  # both beats really dispatched
    # CORE-4, one dispatch per period (core.periodic.period_claim): each period of the
    # sweep's interval has one claim; the other beat's dispatches in it were no-ops.
    from core.models import PeriodicClaim

    claims = Counter(
        PeriodicClaim.objects.filter(name="sla-sweep").values_list("period_start", flat=True)
    )
    skipped = (worker.output() + second_beat_worker.output()).count("'skipped': True")
    assert claims and set(claims.values()) == {1}, claims
    assert all(start.timestamp() % 2 == 0 for start in claims)
    assert skipped >= 1 and len(claims) + skipped <= sum(sends)
    per_clock = Counter(
        (n.target_id, n.recipient_id) for n in Notification.objects.filter(kind="sla_breach")
    )
    assert len(per_clock) == len(clocks) and set(per_clock.values()) == {1}
    emails = Counter(email_log.read_text().splitlines())
    assert set(emails.values()) == {1}  # warnings (if a sweep came in time) and breaches
    assert sum("SLA breached" in line for line in emails) == len(clocks)
    assert all(count == 1 for count in receiver.acknowledged().values())
    print(
        f"\nFAULT FIGURES: two beats dispatched the SLA sweep {sends[0]} + {sends[1]} times; "
        f"{len(claims)} did the work (one per {len(claims)} periods), {skipped} were no-ops; "
        f"{len(clocks)} clocks breached, notified and emailed once each"
    )


def test_worker_sigkilled_mid_email_sends_each_client_message_once_esc_10_core_7(
    redis_broker, celery_processes, tmp_path
):
    """The worker is SIGKILLed while a client email is being sent, ``FAULT_KILLS`` times:
    the message stays queued (its row was marked sent only in the killed transaction), the
    requeue task sends it again, and the client gets each message exactly once."""
    kills = int(os.environ.get("FAULT_KILLS", "20"))
    email_log, started_log = tmp_path / "emails.jsonl", tmp_path / "started.txt"
    env = _worker_env(
        redis_broker.url,
        EMAIL_BACKEND="tests.faults.hanging_email_backend.HangingOnceEmailBackend",
        DESK_TEST_EMAIL_LOG=str(email_log),
        DESK_TEST_EMAIL_STARTED=str(started_log),
    )
    team = TeamFactory(name="Kill team")
    agent = UserFactory(username="kill_agent", role="agent", team=team)
    case = case_claim(
        case=case_create(
            actor=agent, title="Kill case", client_name="Kim", client_email="kim@example.com"
        ),
        agent=agent,
    )
    worker = celery_processes(extra_env=env)
    started = time.monotonic()
    with publishing_to(redis_broker.url):
        for n in range(kills):
            macro = Macro.objects.create(
                name=f"Kill {n}", slug=f"kill-{n}", subject=f"Update {n}", body="On it."
            )
            macro_send(macro=macro, case=case, agent=agent)
            subject = ClientMessage.objects.latest("pk").subject
            wait_until(
                lambda s=subject: started_log.exists() and s in started_log.read_text(),
                timeout=90,
                message=f"send {n} in flight\n{worker.output()[-3000:]}",
            )
            _kill(worker)  # SIGKILL while the email is being sent
            worker = celery_processes(extra_env=env)
            message = ClientMessage.objects.latest("pk")
            assert message.status == "queued"  # the killed transaction rolled back
            ClientMessage.objects.filter(pk=message.pk).update(
                queued_at=timezone.now() - REQUEUE_AFTER  # time passes
            )
            tasks.client_messages_requeue.delay()  # what beat sends every minute
            wait_until(
                lambda pk=message.pk: ClientMessage.objects.filter(pk=pk, status="sent").exists(),
                timeout=90,
                message=f"message {n} after the kill\n{worker.output()[-3000:]}",
            )
    elapsed = time.monotonic() - started
    sent = Counter(json.loads(line)["subject"] for line in email_log.read_text().splitlines())
    assert len(sent) == kills and set(sent.values()) == {1}, sent  # none lost, none twice
    assert ClientMessage.objects.filter(status="sent").count() == kills
    print(
        f"\nFAULT FIGURES: {kills} SIGKILLs mid-email, {kills} client emails sent once "
        f"each, 0 lost, {elapsed:.0f} s"
    )
