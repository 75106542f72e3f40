"""The SLA sweep (CORE-4) and its notifications (CORE-7)."""

import datetime as dt
import smtplib
import threading

import pytest
import requests
from celery.exceptions import Retry
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import DatabaseError, connection, connections
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from core.models import (
    AuditEvent,
    ChatMessage,
    ClockState,
    Notification,
    SlaClock,
    SlaFanOut,
    Team,
    User,
)
from core.sla import (
    FAN_OUT_REQUEUE_AFTER,
    clock_pause,
    clock_start,
    sla_clocks_breached,
    sla_fan_out_send,
    sla_sweep,
)
from core.tasks import chat_message_send, notifications_email, sla_fan_out

T0 = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)
M = dt.timedelta(minutes=1)


class BrokenEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("mail server down")


def start(subject, *, minutes=60, at=T0, metric="first_response"):
    return clock_start(
        subject=subject,
        metric=metric,
        duration=dt.timedelta(minutes=minutes),
        calendar="24x7",
        started_at=at,
    )


@pytest.fixture
def recipients_protocol(monkeypatch):
    """Teams answer the sla_recipients protocol like an escalation case would."""
    calls = []

    def sla_recipients(self, clock):
        calls.append((self.pk, clock.pk))
        return list(self.members.order_by("username"))

    monkeypatch.setattr(Team, "sla_recipients", sla_recipients, raising=False)
    monkeypatch.setattr(Team, "get_absolute_url", lambda self: f"/teams/{self.pk}/", raising=False)
    return calls


@pytest.mark.django_db
def test_warning_once_at_warn_at_and_breach_once_at_due_at_core_4(team, lead, agent):
    clock = start(agent, minutes=60)  # warn at +45 min, due at +60 min
    assert sla_sweep(now=T0 + 44 * M).warned == 0
    result = sla_sweep(now=T0 + 45 * M)
    assert (result.warned, result.breached) == (1, 0)
    assert sla_sweep(now=T0 + 50 * M).warned == 0  # once
    result = sla_sweep(now=T0 + 60 * M)
    assert (result.warned, result.breached) == (0, 1)
    assert sla_sweep(now=T0 + 61 * M).breached == 0  # once
    clock.refresh_from_db()
    assert clock.state == ClockState.BREACHED
    assert clock.warned_at == T0 + 45 * M
    assert clock.breached_at == T0 + 60 * M
    kinds = list(agent.notifications.order_by("id").values_list("kind", flat=True))
    assert kinds == ["sla_warn", "sla_breach"]  # a User subject is told itself
    actions = set(AuditEvent.objects.for_object(clock).values_list("action", flat=True))
    assert {"sla_clock.warned", "sla_clock.breached"} <= actions


@pytest.mark.django_db
def test_sweep_after_outage_catches_up_with_true_breach_instants_core_4(team, lead):
    clocks = [start(team, minutes=10 * (i + 1), metric=f"m{i}") for i in range(5)]
    result = sla_sweep(now=T0 + dt.timedelta(days=3), batch_size=2)  # long after every due
    assert result.breached == 5
    assert result.warned == 0  # breached, not warned
    for clock in clocks:
        clock.refresh_from_db()
        assert clock.state == ClockState.BREACHED
        assert clock.breached_at == clock.due_at  # not the sweep time
        assert clock.warned_at is None
    assert lead.notifications.filter(kind="sla_breach").count() == 5  # Team subject -> lead


@pytest.mark.django_db
def test_sweep_ignores_paused_met_and_future_clocks_core_4(team, agent):
    paused = start(agent, minutes=10, metric="a")
    clock_pause(clock=paused, at=T0 + M)
    future = start(agent, minutes=600, metric="b")
    result = sla_sweep(now=T0 + 30 * M)
    assert (result.breached, result.warned) == (0, 0)
    assert SlaClock.objects.get(pk=paused.pk).state == ClockState.PAUSED
    assert SlaClock.objects.get(pk=future.pk).state == ClockState.RUNNING


@pytest.mark.django_db
def test_recipients_protocol_title_and_url_core_4(
    team, lead, agent, other_agent, recipients_protocol
):
    clock = start(team, minutes=10)
    sla_sweep(now=T0 + 11 * M)
    rows = Notification.objects.filter(kind="sla_breach").order_by("recipient__username")
    assert [n.recipient.username for n in rows] == ["agent", "lead", "other_agent"]
    n = rows[0]
    assert n.title == "SLA breached: first response on Executive Escalations"
    assert n.url == f"/teams/{team.pk}/"
    assert n.target_id == str(clock.pk)
    assert "was due" in n.body
    assert recipients_protocol == [(team.pk, clock.pk)]


@pytest.mark.django_db
def test_subject_hook_failure_does_not_block_the_sweep_core_4(team, agent, monkeypatch):
    def broken(self, clock):
        raise RuntimeError("boom")

    monkeypatch.setattr(Team, "sla_recipients", broken, raising=False)
    start(team, minutes=5, metric="a")
    other = start(agent, minutes=5, metric="b")
    result = sla_sweep(now=T0 + 6 * M)
    assert result.breached == 2
    assert Notification.objects.get().target_id == str(other.pk)


@pytest.mark.django_db
def test_breach_emails_sent_on_commit_core_7(agent, django_capture_on_commit_callbacks):
    start(agent, minutes=5)
    with django_capture_on_commit_callbacks(execute=True):
        sla_sweep(now=T0 + 6 * M)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [agent.email]
    assert mail.outbox[0].subject.startswith("SLA breached")
    assert Notification.objects.get().email_status == "sent"


@pytest.mark.django_db
def test_failing_email_never_blocks_the_sweep_core_7(
    agent, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.core.test_sla_sweep.BrokenEmailBackend"
    clock = start(agent, minutes=5)
    with django_capture_on_commit_callbacks(execute=True):
        result = sla_sweep(now=T0 + 6 * M)
    assert result.breached == 1
    assert SlaClock.objects.get(pk=clock.pk).state == ClockState.BREACHED
    notification = Notification.objects.get()
    assert notification.email_status == "pending"  # a retry is scheduled
    assert "mail server down" in notification.email_error
    # The last retry gives up and marks it failed.
    notifications_email.apply(args=[[notification.pk]], retries=notifications_email.max_retries)
    notification.refresh_from_db()
    assert notification.email_status == "failed"


@pytest.mark.django_db
def test_failing_chat_never_blocks_the_sweep_and_is_one_message_per_team_core_7(
    team, agent, other_agent, monkeypatch, django_capture_on_commit_callbacks
):
    team.chat_webhook_url = "https://hooks.example.com/T1"
    team.save()
    posts = []

    def down(url, json=None, timeout=None):
        posts.append((url, json))
        raise requests.ConnectionError("chat down")

    monkeypatch.setattr(requests, "post", down)
    start(agent, minutes=5, metric="a")
    start(other_agent, minutes=5, metric="b")
    with django_capture_on_commit_callbacks(execute=True):
        result = sla_sweep(now=T0 + 6 * M)
    assert result.breached == 2
    message = ChatMessage.objects.get()
    assert message.status == ChatMessage.Status.PENDING  # a retry is scheduled
    assert (message.attempts, message.last_error) == (1, "chat down")
    assert message.text.startswith(":rotating_light: SLA breached (2)")
    assert posts == [("https://hooks.example.com/T1", {"text": message.text})]
    chat_message_send.apply(args=[message.pk], retries=chat_message_send.max_retries)
    message.refresh_from_db()
    assert message.status == ChatMessage.Status.FAILED
    assert Notification.objects.filter(kind="sla_breach").count() == 2


@pytest.mark.django_db
def test_breach_signal_sent_after_commit_core_4(agent, django_capture_on_commit_callbacks):
    received = []

    def handler(sender, clock_ids, **kwargs):
        received.extend(clock_ids)

    sla_clocks_breached.connect(handler)
    try:
        clock = start(agent, minutes=5)
        with django_capture_on_commit_callbacks(execute=True):
            sla_sweep(now=T0 + 6 * M)
    finally:
        sla_clocks_breached.disconnect(handler)
    assert received == [clock.pk]


@pytest.mark.django_db
def test_sweep_in_batches_claims_everything_once_core_4(team):
    users = [User.objects.create(username=f"u{i}", email=f"u{i}@example.com") for i in range(7)]
    for user in users:
        start(user, minutes=5)
    result = sla_sweep(now=T0 + 6 * M, batch_size=3)
    assert result.breached == 7
    assert Notification.objects.count() == 7
    assert AuditEvent.objects.filter(action="sla_clock.breached").count() == 7


@pytest.mark.django_db
def test_sweep_uses_the_partial_index_core_4():
    if connection.vendor != "postgresql":
        pytest.skip("EXPLAIN shape checked on PostgreSQL")
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute(
            "EXPLAIN SELECT id FROM core_slaclock WHERE state = 'running' AND due_at <= now() "
            "ORDER BY due_at LIMIT 100"
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
        # The real claim statement, as the sweep ran it: due rows through the partial
        # index, then looked up by ctid (never a join over the whole table, whatever the
        # row estimates).
        with CaptureQueriesContext(connection) as ran:
            sla_sweep(now=T0, defer=True)
        statement = next(q["sql"] for q in ran.captured_queries if "state = 'breached'" in q["sql"])
        cursor.execute("EXPLAIN " + statement)
        claim = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET enable_seqscan = on")
    assert "core_slaclock_running_due" in plan
    assert "core_slaclock_running_due" in claim
    assert "Join" not in claim, claim  # at scale: a Tid Scan (see bench/bench_sweep.py)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrency needs PostgreSQL (SQLite serialises)"
)
@pytest.mark.django_db(transaction=True)
def test_two_overlapping_sweeps_never_double_notify_core_4():
    users = [User.objects.create(username=f"c{i}", email=f"c{i}@example.com") for i in range(120)]
    for user in users:
        start(user, minutes=5, metric="a")
        start(user, minutes=90, at=T0 - 60 * M, metric="b")  # warn at T0+7.5 min
    barrier = threading.Barrier(3)
    results = []
    errors = []

    def run():
        try:
            barrier.wait()
            results.append(sla_sweep(now=T0 + 10 * M, batch_size=7))
        except Exception as exc:  # pragma: no cover - surfaced below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert sum(r.breached for r in results) == 120
    assert sum(r.warned for r in results) == 120
    assert Notification.objects.filter(kind="sla_breach").count() == 120
    assert Notification.objects.filter(kind="sla_warn").count() == 120
    assert AuditEvent.objects.filter(action="sla_clock.breached").count() == 120
    per_user = Notification.objects.values_list("recipient_id", "kind")
    assert len(set(per_user)) == 240


@pytest.mark.django_db
def test_each_sweep_batch_records_its_clocks_for_the_fan_out_core_4(agent):
    """One fan-out row per claimed batch, listing exactly the clocks that batch claimed."""
    clocks = [start(agent, minutes=5, metric=f"m{i}") for i in range(5)]
    start(agent, minutes=60, metric="later")  # not due
    result = sla_sweep(now=T0 + 6 * M, batch_size=2, defer=True)
    batches = SlaFanOut.objects.filter(pk__in=result.fan_outs).order_by("pk")
    assert [len(b.clock_ids) for b in batches] == [2, 2, 1]
    assert sorted(i for b in batches for i in b.clock_ids) == [c.pk for c in clocks]
    assert {b.kind for b in batches} == {"breach"}
    assert all(b.swept_at == T0 + 6 * M for b in batches)


@pytest.mark.django_db
def test_deferred_sweep_queues_the_fan_out_and_notifies_exactly_once_core_4(
    agent, lead, team, django_capture_on_commit_callbacks, monkeypatch
):
    """What beat runs: the clocks, their audit rows and the batch row commit together; the
    notifications come from the queued task, once, however often it is delivered."""
    queued = []
    monkeypatch.setattr(
        sla_fan_out, "apply_async", lambda args, queue=None: queued.append((args, queue))
    )
    clock = start(agent, minutes=5)
    with django_capture_on_commit_callbacks(execute=True):
        result = sla_sweep(now=T0 + 6 * M, defer=True, queue="sla")
    assert (result.breached, result.notifications) == (1, 0)
    clock.refresh_from_db()
    assert clock.state == ClockState.BREACHED
    assert AuditEvent.objects.filter(action="sla_clock.breached", target_id=str(clock.pk)).count()
    assert not Notification.objects.exists()
    batch = SlaFanOut.objects.get()
    assert batch.done_at is None and batch.queued_at is not None and batch.kind == "breach"
    assert queued == [((batch.pk,), "sla")]

    sla_fan_out.run(batch.pk)
    sla_fan_out.run(batch.pk)  # a redelivered task is a no-op
    assert Notification.objects.filter(kind="sla_breach", recipient=agent).count() == 1
    batch.refresh_from_db()
    assert batch.done_at is not None and batch.notifications == 1
    assert sla_fan_out_send(fan_out_id=batch.pk) == 0


@pytest.mark.django_db
def test_a_lost_fan_out_task_is_sent_by_a_later_sweep_core_4(agent, monkeypatch):
    """The broker was down when the batch committed: the task never ran. A sweep more than
    FAN_OUT_REQUEUE_AFTER later queues it again (and a sweep without deferral sends it)."""

    def broker_down(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(sla_fan_out, "apply_async", broker_down)
    start(agent, minutes=5)
    result = sla_sweep(now=T0 + 6 * M, defer=True)  # on_commit callback fails, logged
    assert result.breached == 1
    batch = SlaFanOut.objects.get()
    assert batch.done_at is None and not Notification.objects.exists()

    assert sla_sweep(now=T0 + 7 * M).fan_outs == []  # not stale yet: its task may be queued
    SlaFanOut.objects.filter(pk=batch.pk).update(
        created_at=F("created_at") - FAN_OUT_REQUEUE_AFTER,
        queued_at=F("queued_at") - FAN_OUT_REQUEUE_AFTER,
    )
    result = sla_sweep(now=T0 + 8 * M)
    assert (result.fan_outs, result.notifications) == ([batch.pk], 1)
    assert Notification.objects.filter(kind="sla_breach", recipient=agent).count() == 1
    assert sla_sweep(now=T0 + 9 * M).fan_outs == []


@pytest.mark.django_db
def test_fan_out_failure_rolls_back_and_leaves_the_batch_pending_core_4(agent, monkeypatch):
    """A database error while notifying creates nothing and keeps the batch for a retry."""
    import core.sla

    start(agent, minutes=5)
    sla_sweep(now=T0 + 6 * M, defer=True)
    batch = SlaFanOut.objects.get()

    def failing(*args, **kwargs):
        Notification.objects.create(recipient=agent, kind="x", title="half-done")
        raise DatabaseError("connection lost")

    monkeypatch.setattr(core.sla, "notifications_insert_bulk", failing)
    with pytest.raises(Retry):
        sla_fan_out.apply(args=(batch.pk,), throw=True)
    assert not Notification.objects.exists()
    batch.refresh_from_db()
    assert batch.done_at is None and len(batch.clock_ids) == 1
    monkeypatch.undo()
    assert sla_fan_out_send(fan_out_id=batch.pk) == 1


@pytest.mark.django_db
def test_admin_lists_and_opens_notification_batches_read_only_core_4(client, admin_user, agent):
    from django.urls import reverse

    start(agent, minutes=5)
    sla_sweep(now=T0 + 6 * M)
    batch = SlaFanOut.objects.get()
    client.force_login(admin_user)
    change = reverse("admin:core_slafanout_change", args=[batch.pk])
    listing = client.get(reverse("admin:core_slafanout_changelist"))
    assert listing.status_code == 200 and change in listing.text
    page = client.get(change)
    assert page.status_code == 200 and f"Breach batch #{batch.pk} (1 clock, sent)" in page.text
    assert 'name="_save"' not in page.text  # nothing to save: a view, not a form
    assert client.get(reverse("admin:core_slafanout_add")).status_code == 403
    posted = client.post(change, {})
    assert posted.status_code == 403
