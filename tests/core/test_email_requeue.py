"""No notification email is lost, none is sent twice (CORE-7).

The broker is the only thing mocked here: ``notifications_email.apply_async`` raises
kombu's OperationalError, as it does when Redis is down at commit. A real broker outage
with a real worker is tests/faults/test_broker_outage.py.
"""

import datetime as dt
import threading
import time
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import connection, connections
from django.utils import timezone
from django_celery_beat.models import PeriodicTask
from kombu.exceptions import OperationalError

from core import tasks
from core.models import Notification
from core.notifications import (
    EMAIL_MAX_QUEUED,
    EMAIL_REQUEUE_AFTER,
    notification_emails_requeue,
    notification_emails_send,
    notify,
)

from ..factories import UserFactory

pytestmark = pytest.mark.django_db


def broker_down():
    return mock.patch.object(
        tasks.notifications_email, "apply_async", side_effect=OperationalError("broker down")
    )


def notify_while_broker_down(users, capture, title="Case update"):
    with broker_down() as queued, capture(execute=True):
        notify(recipients=users, kind="test", title=title)
    assert queued.called  # the task was queued on commit, and the broker refused it
    return list(Notification.objects.filter(recipient__in=users).order_by("pk"))


def later(minutes: float):
    return time_machine.travel(timezone.now() + dt.timedelta(minutes=minutes), tick=False)


def test_broker_down_at_commit_emails_stay_pending_and_are_requeued_once_core_7(
    django_capture_on_commit_callbacks,
):
    users = [UserFactory(email=f"user{i}@example.com") for i in range(5)]
    rows = notify_while_broker_down(users, django_capture_on_commit_callbacks)
    assert {n.email_status for n in rows} == {"pending"}
    assert {n.email_queue_count for n in rows} == {1}
    assert mail.outbox == []

    # Not yet EMAIL_REQUEUE_AFTER: nothing to do.
    with django_capture_on_commit_callbacks(execute=True):
        assert notification_emails_requeue().requeued == 0
    assert mail.outbox == []

    # Later, the broker is back: the beat task queues each email again, once.
    with (
        mock.patch.object(
            tasks.notifications_email, "apply_async", wraps=tasks.notifications_email.apply_async
        ) as queued,
        later(6),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert tasks.notification_emails_requeue.apply().get() == {"requeued": 5, "failed": 0}
        assert tasks.notification_emails_requeue.apply().get() == {"requeued": 0, "failed": 0}
    queued_ids = [pk for call in queued.call_args_list for pk in call.args[0][0]]
    assert sorted(queued_ids) == [n.pk for n in rows]  # each exactly once
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in users)
    assert set(Notification.objects.values_list("email_status", flat=True)) == {"sent"}

    # Sent emails are never queued again.
    with later(30), django_capture_on_commit_callbacks(execute=True):
        assert notification_emails_requeue().requeued == 0
    assert len(mail.outbox) == 5


def test_requeue_while_broker_still_down_waits_then_gives_up_with_reason_core_7(
    django_capture_on_commit_callbacks,
):
    user = UserFactory(email="patient@example.com")
    (row,) = notify_while_broker_down([user], django_capture_on_commit_callbacks)
    minutes = 0
    for queued_times in range(2, EMAIL_MAX_QUEUED + 1):
        minutes += 6
        with later(minutes), broker_down(), django_capture_on_commit_callbacks(execute=True):
            assert notification_emails_requeue().requeued == 1
            # The same run, a minute later: not again until EMAIL_REQUEUE_AFTER has passed.
        with later(minutes + 1), broker_down(), django_capture_on_commit_callbacks(execute=True):
            assert notification_emails_requeue().requeued == 0
        row.refresh_from_db()
        assert (row.email_status, row.email_queue_count) == ("pending", queued_times)
    with later(minutes + 6), django_capture_on_commit_callbacks(execute=True):
        result = notification_emails_requeue()
    assert (result.requeued, result.failed) == (0, 1)
    row.refresh_from_db()
    assert row.email_status == "failed"
    assert f"still not sent after {EMAIL_MAX_QUEUED} queued deliveries" in row.email_error
    assert mail.outbox == []


def test_a_task_delivered_twice_sends_once_core_7(agent, django_capture_on_commit_callbacks):
    (row,) = notify_while_broker_down([agent], django_capture_on_commit_callbacks)
    tasks.notifications_email.apply(args=[[row.pk]])
    tasks.notifications_email.apply(args=[[row.pk]])  # the re-queued copy
    assert len(mail.outbox) == 1


def test_the_requeue_task_is_a_declared_periodic_task_core_7():
    task = PeriodicTask.objects.get(name="email-requeue")  # created by post_migrate
    assert task.task == "core.notification_emails_requeue"
    assert task.interval.every == 60
    assert dt.timedelta(minutes=5) == EMAIL_REQUEUE_AFTER


class SlowEmailBackend(LocmemBackend):
    """The locmem outbox, slow enough for two senders to overlap."""

    def send_messages(self, messages):
        time.sleep(0.3)
        return super().send_messages(messages)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_two_senders_at_once_send_each_email_once_core_7(settings):
    settings.EMAIL_BACKEND = "tests.core.test_email_requeue.SlowEmailBackend"
    users = [UserFactory(email=f"racer{i}@example.com") for i in range(4)]
    with broker_down():
        rows = notify(recipients=users, kind="test", title="Race")
    ids = [n.pk for n in rows]
    assert Notification.objects.filter(pk__in=ids, email_status="pending").count() == 4
    barrier = threading.Barrier(2)
    failures = []

    def send():
        try:
            barrier.wait(timeout=10)
            failures.extend(notification_emails_send(ids=ids))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in users)
    assert set(Notification.objects.values_list("email_status", flat=True)) == {"sent"}
