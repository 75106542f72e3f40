"""Notifications (CORE-7): in-app rows, email and team chat.

``notify`` writes in-app rows in one bulk insert and queues the email deliveries on commit;
``chat_announce`` writes a ``ChatMessage`` outbox row and queues its webhook post on
commit. Deliveries run in Celery tasks with retries and exponential backoff; queueing is
``robust`` (a broker outage is logged, never raised), and a failing email server or chat
webhook only marks its own delivery failed. So a channel outage never blocks the action
that caused the notification, nor the SLA sweep.

No email is lost (CORE-7): a pending email remembers when its task was last queued, and
the beat task ``core.notification_emails_requeue`` queues again every email still pending
``EMAIL_REQUEUE_AFTER`` later (broker down at commit, worker killed mid-task), at most
``EMAIL_MAX_QUEUED`` times, then marks it failed with the reason. The sender sends each
email under its row lock (``SELECT ... FOR UPDATE SKIP LOCKED``) and marks it sent in the
same transaction, so an original and a re-queued task never both send it.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

import requests
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import send_mail
from django.db import connection, transaction
from django.db.models import Case, F, Model, Q, TextField, Value, When
from django.db.models.functions import Concat
from django.utils import timezone

from .errors import InvalidInput, NotFound
from .models import ChatMessage, EmailStatus, Notification, NotificationSettings, Team, User
from .validation import email_subject

log = logging.getLogger(__name__)

EMAIL_BATCH = 200
CHAT_TIMEOUT_SECONDS = 10
# An email still pending this long after its task was queued is queued again (CORE-7).
EMAIL_REQUEUE_AFTER = dt.timedelta(minutes=5)
# Queued this many times (the first included) and still pending: marked failed.
EMAIL_MAX_QUEUED = 6
# At most this many emails re-queued per run of the beat task (the next run goes on).
EMAIL_REQUEUE_LIMIT = 10_000


@dataclass
class NotificationSpec:
    """One notification to create; ``notifications_create_bulk`` inserts many at once."""

    recipient: User
    kind: str
    title: str
    body: str = ""
    url: str = ""
    target_type_id: int | None = None
    target_id: str = ""
    email: bool = True
    extra: dict = field(default_factory=dict)


def _on_commit(func) -> None:
    """Queue a side effect after commit; failures are logged, never raised."""
    transaction.on_commit(func, robust=True)


def _target_of(target: Model | None) -> tuple[int | None, str]:
    if target is None or target.pk is None:
        return None, ""
    return ContentType.objects.get_for_model(target).pk, str(target.pk)


_COLUMNS = (
    "recipient_id",
    "kind",
    "title",
    "body",
    "url",
    "target_type_id",
    "target_id",
    "created_at",
    "email_status",
    "email_error",
    "email_queued_at",
    "email_queue_count",
)


def _rows(specs: Iterable[NotificationSpec], users: dict | None = None) -> list[tuple]:
    """Plain tuples in ``_COLUMNS`` order: active recipients only, lengths capped.

    ``users``, if given, collects the recipients by primary key.
    """
    email_on = NotificationSettings.current().email_enabled
    now = timezone.now()
    pending, none = EmailStatus.PENDING.value, EmailStatus.NONE.value
    rows = []
    for spec in specs:
        recipient = spec.recipient
        if recipient is None or recipient.pk is None or not recipient.is_active:
            continue
        wants_email = spec.email and email_on and bool(recipient.email)
        if users is not None:
            users[recipient.pk] = recipient
        rows.append(
            (
                recipient.pk,
                spec.kind[:50],
                spec.title[:255],
                spec.body,
                spec.url[:500],
                spec.target_type_id,
                spec.target_id,
                now,
                pending if wants_email else none,
                "",
                now if wants_email else None,  # its task is queued as this commits
                1 if wants_email else 0,
            )
        )
    return rows


def _queue_pending_emails(ids: list[int]) -> None:
    for start in range(0, len(ids), EMAIL_BATCH):
        chunk = ids[start : start + EMAIL_BATCH]
        _on_commit(lambda chunk=chunk: _queue_emails(chunk))


def _copy_rows(rows: list[tuple]) -> list[int]:
    """PostgreSQL: take ids from the sequence, then COPY the rows in (two round trips)."""
    table = Notification._meta.db_table
    names = ", ".join(connection.ops.quote_name(c) for c in ("id", *_COLUMNS))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, len(rows)],
        )
        ids = [row[0] for row in cursor.fetchall()]
        quoted = connection.ops.quote_name(table)
        with cursor.cursor.copy(f"COPY {quoted} ({names}) FROM STDIN") as copy:
            for pk, row in zip(ids, rows, strict=True):
                copy.write_row((pk, *row))
    return ids


def notifications_insert_bulk(specs: Iterable[NotificationSpec]) -> int:
    """Insert many notifications without building model instances; return how many.

    For large fan-outs (the SLA sweep): COPY on PostgreSQL, ``bulk_create`` elsewhere.
    Emails are queued on commit as ``notifications_create_bulk`` does. Call inside the
    caller's transaction; nothing is sent unless it commits.
    """
    rows = _rows(specs)
    if not rows:
        return 0
    if connection.vendor != "postgresql":
        return len(_create(rows, {}))
    ids = _copy_rows(rows)
    status = _COLUMNS.index("email_status")
    _queue_pending_emails(
        [pk for pk, row in zip(ids, rows, strict=True) if row[status] == EmailStatus.PENDING]
    )
    return len(rows)


def _create(rows: list[tuple], users: dict) -> list[Notification]:
    objects = []
    for row in rows:
        notification = Notification(**dict(zip(_COLUMNS, row, strict=True)))
        if row[0] in users:
            notification.recipient = users[row[0]]
        objects.append(notification)
    Notification.objects.bulk_create(objects, batch_size=2000)
    pending = [n.pk for n in objects if n.email_status == EmailStatus.PENDING]
    if pending and all(pk is not None for pk in pending):
        _queue_pending_emails(pending)
    return objects


def notifications_create_bulk(specs: Iterable[NotificationSpec]) -> list[Notification]:
    """Insert notifications in one statement and queue their emails on commit.

    Call inside the caller's transaction; nothing is sent unless it commits.
    """
    users: dict = {}
    rows = _rows(specs, users)
    return _create(rows, users) if rows else []


def _queue_emails(ids: list[int]) -> None:
    from .tasks import notifications_email

    notifications_email.delay(ids)


@transaction.atomic
def notify(
    *,
    recipients: Iterable[User],
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    target: Model | None = None,
    email: bool = True,
) -> list[Notification]:
    """Notify each recipient once (in-app, and by email unless ``email=False``)."""
    if not kind:
        raise InvalidInput("A notification needs a kind.", field="kind")
    if not title:
        raise InvalidInput("A notification needs a title.", field="title")
    target_type_id, target_id = _target_of(target)
    seen: set[int] = set()
    specs = []
    for user in recipients:
        if user is None or user.pk in seen:
            continue
        seen.add(user.pk)
        specs.append(
            NotificationSpec(
                recipient=user,
                kind=kind,
                title=title,
                body=body,
                url=url,
                target_type_id=target_type_id,
                target_id=target_id,
                email=email,
            )
        )
    return notifications_create_bulk(specs)


@transaction.atomic
def notification_mark_read(*, user: User, notification_id: int) -> Notification:
    notification = (
        Notification.objects.select_for_update().filter(pk=notification_id, recipient=user).first()
    )
    if notification is None:
        raise NotFound("No such notification.")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, user: User) -> int:
    """Mark every unread notification of ``user`` read; one conditional UPDATE."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def unread_count(user: User) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notifications_for(user: User, *, unread: bool | None = None):
    qs = Notification.objects.filter(recipient=user).order_by("-created_at", "-id")
    if unread is True:
        qs = qs.filter(read_at__isnull=True)
    elif unread is False:
        qs = qs.filter(read_at__isnull=False)
    return qs


# Email -----------------------------------------------------------------------------------
def _absolute(url: str) -> str:
    if not url or url.startswith(("http://", "https://")):
        return url
    return settings.SITE_URL.rstrip("/") + "/" + url.lstrip("/")


def _email_body(notification: Notification) -> str:
    body = notification.body
    link = _absolute(notification.url)
    if link:
        body = f"{body}\n\n{link}" if body else link
    return body or notification.title


def _email_send_one(notification_id: int, *, final: bool) -> bool | None:
    """Send one pending email; True sent, False failed, None not this task's to send.

    The row stays locked (FOR UPDATE SKIP LOCKED: a concurrent task skips it at once)
    from the check to the commit that marks it sent, and the conditional UPDATE claims
    it on SQLite too; a worker that dies mid-send rolls back and leaves it pending for
    the requeue sweep.
    """
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("recipient")
            .filter(pk=notification_id, email_status=EmailStatus.PENDING)
            .first()
        )
        if notification is None:  # sent, failed, being sent right now, or gone
            return None
        mine = Notification.objects.filter(pk=notification_id, email_status=EmailStatus.PENDING)
        if not mine.update(
            email_status=EmailStatus.SENT, emailed_at=timezone.now(), email_error=""
        ):
            return None
        try:
            send_mail(
                # CORE-7: a title stored with CR/LF (or control chars) must not fail the
                # email for good ("Header values can't contain newlines").
                subject=email_subject(notification.title),
                message=_email_body(notification),
                from_email=None,
                recipient_list=[notification.recipient.email],
            )
        except Exception as exc:  # any backend error: record it, retry later
            log.warning("notification %s: email failed: %s", notification_id, exc)
            Notification.objects.filter(pk=notification_id).update(
                email_error=str(exc)[:1000],
                emailed_at=None,
                email_status=EmailStatus.FAILED if final else EmailStatus.PENDING,
                # The task's retry is the next queued delivery.
                email_queued_at=timezone.now(),
            )
            return False
    return True


def notification_emails_send(*, ids: list[int], final: bool = False) -> list[int]:
    """Send the pending emails among ``ids``; return the ids that failed (to retry).

    Each email is sent at most once however many tasks carry it (see
    ``_email_send_one``). With ``final`` the failures are marked failed, not pending.
    """
    pending = (
        Notification.objects.filter(pk__in=ids, email_status=EmailStatus.PENDING)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return [pk for pk in list(pending) if _email_send_one(pk, final=final) is False]


@dataclass
class EmailRequeueResult:
    requeued: int = 0
    failed: int = 0


def notification_emails_requeue(*, now: dt.datetime | None = None) -> EmailRequeueResult:
    """Queue again the emails whose task was lost; give up on those queued too often.

    An email still pending ``EMAIL_REQUEUE_AFTER`` after it was last queued is queued
    again once (its ``email_queued_at`` moves to now, so the next run leaves it alone
    until the delay has passed again); one queued ``EMAIL_MAX_QUEUED`` times already is
    marked failed with the reason. Rows a sender holds locked are skipped, and so are
    rows an overlapping run holds (SKIP LOCKED). Emails are queued on commit.
    """
    now = now or timezone.now()
    result = EmailRequeueResult()
    with transaction.atomic():
        stale = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(email_status=EmailStatus.PENDING)
            .filter(
                Q(email_queued_at__isnull=True) | Q(email_queued_at__lte=now - EMAIL_REQUEUE_AFTER)
            )
            .order_by("email_queued_at", "pk")
            .values_list("pk", "email_queue_count")[:EMAIL_REQUEUE_LIMIT]
        )
        give_up = [pk for pk, count in stale if count >= EMAIL_MAX_QUEUED]
        again = [pk for pk, count in stale if count < EMAIL_MAX_QUEUED]
        if give_up:
            reason = (
                f"Gave up: still not sent after {EMAIL_MAX_QUEUED} queued deliveries "
                "(broker or worker unavailable?)."
            )
            result.failed = Notification.objects.filter(
                pk__in=give_up, email_status=EmailStatus.PENDING
            ).update(
                email_status=EmailStatus.FAILED,
                email_error=Case(
                    When(email_error="", then=Value(reason)),
                    default=Concat(
                        Value(reason + " Last error: "), F("email_error"), output_field=TextField()
                    ),
                    output_field=TextField(),
                ),
            )
            log.warning("gave up on %s notification emails still pending", result.failed)
        if again:
            result.requeued = Notification.objects.filter(pk__in=again).update(
                email_queued_at=now, email_queue_count=F("email_queue_count") + 1
            )
            log.warning("notification emails still pending: queued %s again", len(again))
            _queue_pending_emails(again)
    return result


# Team chat -------------------------------------------------------------------------------
def chat_webhook_url_for(team: Team | None) -> str:
    if team is not None and team.chat_webhook_url:
        return team.chat_webhook_url
    return NotificationSettings.current().fallback_chat_webhook_url


def chat_announce(*, team: Team | None, text: str) -> None:
    """Post ``text`` to the team's Slack-compatible webhook after commit (no URL: no-op).

    Teams without their own URL use the admin-set fallback URL.
    """
    url = chat_webhook_url_for(team)
    if not url or not text:
        return None
    with transaction.atomic():
        message = ChatMessage.objects.create(team=team, url=url, text=text)
        _on_commit(lambda: _queue_chat(message.pk))
    return None


def _queue_chat(message_id: int) -> None:
    from .tasks import chat_message_send

    chat_message_send.delay(message_id)


class ChatDeliveryError(Exception):
    def __init__(self, message: str, *, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


def chat_message_deliver(*, message_id: int) -> ChatMessage | None:
    """POST one outbox message as ``{"text": ...}``; raise ChatDeliveryError on failure."""
    message = ChatMessage.objects.filter(pk=message_id).first()
    if message is None or message.status == ChatMessage.Status.SENT:
        return message
    ChatMessage.objects.filter(pk=message.pk).update(attempts=message.attempts + 1)
    try:
        response = requests.post(
            message.url, json={"text": message.text}, timeout=CHAT_TIMEOUT_SECONDS
        )
    except requests.RequestException as exc:
        ChatMessage.objects.filter(pk=message.pk).update(last_error=str(exc)[:1000])
        raise ChatDeliveryError(str(exc)) from exc
    if response.status_code >= 400:
        error = f"HTTP {response.status_code}: {response.text[:500]}"
        ChatMessage.objects.filter(pk=message.pk).update(last_error=error)
        # 4xx other than 429 will not get better by retrying (bad URL, revoked hook).
        permanent = 400 <= response.status_code < 500 and response.status_code != 429
        raise ChatDeliveryError(error, permanent=permanent)
    ChatMessage.objects.filter(pk=message.pk).update(
        status=ChatMessage.Status.SENT, sent_at=timezone.now(), last_error=""
    )
    message.refresh_from_db()
    return message


def chat_message_mark_failed(*, message_id: int, error: str) -> None:
    ChatMessage.objects.filter(pk=message_id).exclude(status=ChatMessage.Status.SENT).update(
        status=ChatMessage.Status.FAILED, last_error=error[:1000]
    )
