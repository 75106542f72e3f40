"""Client messages by email (ESC-10).

A client-visible reply (a sent macro or a client-visible note) recorded on a case's
timeline gets a ``ClientMessage`` in the same transaction; the email is sent after commit
by a Celery task through Django's email backend: From the team's mailbox, Reply-To an
address that carries the case (``case+esc-000123.<signature>@<reply domain>``), and a
Message-ID with In-Reply-To/References threading every message of the case. Internal
notes never produce a message (only client-visible notes and replies do).

Delivery is never silently dropped: the sender marks a message sent under its row lock
in the transaction that sends it (a second task skips it; a worker killed mid-send rolls
back and leaves it queued); a failing email server is retried with back-off; a message
still queued ``REQUEUE_AFTER`` after its task was queued (broker down, worker dead) is
queued again by the beat task ``integrations.client_messages_requeue``, at most
``MAX_QUEUED`` times, then marked failed with the reason, which the timeline shows with a
"Send again" button.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import html
import logging
import re
import smtplib
import uuid
from dataclasses import dataclass
from email.utils import formataddr

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from core.errors import InvalidInput, NotFound
from core.services import audit_record
from escalations.models import Case, CaseEvent, EventKind, InboundEvent, Visibility

from .events import publish_event
from .models import ClientMessage, InboundEmail, MessageStatus, TeamMailbox
from .payloads import case_data

log = logging.getLogger(__name__)

MESSAGE_KINDS = frozenset({EventKind.NOTE, EventKind.REPLY})
REQUEUE_AFTER = dt.timedelta(minutes=2)
MAX_QUEUED = 6
REQUEUE_LIMIT = 1000
REFERENCES_KEPT = 20
REPLY_ADDRESS = re.compile(r"case\+(esc-\d+)\.([0-9a-f]{12})@", re.IGNORECASE)


# Addresses -----------------------------------------------------------------------------
def reply_domain() -> str:
    return getattr(settings, "CLIENT_REPLY_DOMAIN", "") or "replies.localhost"


def _signature(reference: str) -> str:
    key = f"{settings.SECRET_KEY}:client-reply".encode()
    return hmac.new(key, reference.lower().encode(), hashlib.sha256).hexdigest()[:12]


def reply_address(case: Case) -> str:
    """The Reply-To of a case's emails: carries the reference, signed (not guessable)."""
    reference = case.reference.lower()
    return f"case+{reference}.{_signature(reference)}@{reply_domain()}"


def case_reference_in(address: str) -> str | None:
    """The case reference a reply address carries, if its signature is right."""
    match = REPLY_ADDRESS.search(address or "")
    if match is None:
        return None
    reference, given = match.group(1).lower(), match.group(2).lower()
    if not hmac.compare_digest(_signature(reference), given):
        return None
    return reference.upper()


def from_address(case: Case) -> str:
    mailbox = TeamMailbox.objects.filter(team_id=case.team_id).first() if case.team_id else None
    if mailbox is not None:
        return formataddr((mailbox.from_name or str(case.team), mailbox.from_email))
    default = getattr(settings, "CLIENT_EMAIL_FROM", "") or settings.DEFAULT_FROM_EMAIL
    return default


def _new_message_id(case: Case) -> str:
    return f"<{case.reference.lower()}.{uuid.uuid4().hex}@{reply_domain()}>"


def thread_ids(case: Case) -> list[str]:
    """Every Message-ID of the case's conversation so far, oldest first."""
    sent = ClientMessage.objects.filter(case=case).values_list("created_at", "message_id")
    received = InboundEmail.objects.filter(case=case).values_list("received_at", "message_id")
    return [mid for _, mid in sorted([*sent, *received])]


# Creating ------------------------------------------------------------------------------
def _subject(event: CaseEvent, case: Case) -> str:
    subject = html.unescape(str((event.data or {}).get("subject") or "")).strip()
    if not subject:
        subject = f"Update on your case {case.reference}"
    if case.reference not in subject:
        subject = f"{subject} [{case.reference}]"
    return " ".join(subject.split())[:300]


def _body(event: CaseEvent, case: Case) -> str:
    footer = (
        f"\n\n--\nReply to this email to add to your case {case.reference}. "
        "Please keep the reference in the subject."
    )
    return html.unescape(event.body) + footer


def client_message_create(*, event: CaseEvent) -> ClientMessage | None:
    """Queue the email of a client-visible reply; call in the reply's transaction."""
    if event.visibility != Visibility.CLIENT_VISIBLE or event.kind not in MESSAGE_KINDS:
        return None  # internal notes never leave
    case = Case.objects.select_related("team").get(pk=event.case_id)
    thread = thread_ids(case)
    email = (case.client_email or "").strip()
    now = timezone.now()
    message = ClientMessage.objects.create(
        case=case,
        event=event,
        to_email=email,
        from_email=from_address(case),
        reply_to=reply_address(case),
        subject=_subject(event, case),
        body=_body(event, case),
        message_id=_new_message_id(case),
        in_reply_to=thread[-1] if thread else "",
        references=" ".join(thread[-REFERENCES_KEPT:]),
        status=MessageStatus.QUEUED if email else MessageStatus.FAILED,
        last_error="" if email else "The case has no client email address.",
        queued_at=now if email else None,
        queue_count=1 if email else 0,
    )
    if email:
        pk = message.pk
        transaction.on_commit(lambda: _queue(pk), robust=True)
    if case.external_ticket_id:
        _publish_to_ticketing(case, event, message)
    return message


def _publish_to_ticketing(case: Case, event: CaseEvent, message: ClientMessage) -> None:
    """ESC-10: a case from a ticketing system hears the reply as case.client_message."""
    source = (
        InboundEvent.objects.filter(case=case)
        .order_by("received_at")
        .values_list("source", flat=True)
    ).first() or "tickets"
    publish_event(
        "case.client_message",
        {
            **case_data(case),
            "message": {
                "id": message.pk,
                "subject": message.subject,
                "body": html.unescape(event.body),
                "at": event.at,
            },
        },
        team_id=case.team_id,
        source_system=source,
    )


def _queue(message_id: int) -> None:
    from .tasks import client_message_send

    client_message_send.delay(message_id)


def on_case_event_saved(sender, instance: CaseEvent, created: bool, raw=False, **kwargs) -> None:
    """post_save of CaseEvent: runs in the transaction that recorded the reply."""
    if created and not raw:
        client_message_create(event=instance)


# Sending -------------------------------------------------------------------------------
def _email(message: ClientMessage) -> EmailMessage:
    headers = {"Message-ID": message.message_id}
    if message.in_reply_to:
        headers["In-Reply-To"] = message.in_reply_to
    if message.references:
        headers["References"] = message.references
    return EmailMessage(
        subject=message.subject,
        body=message.body,
        from_email=message.from_email,
        to=[message.to_email],
        reply_to=[message.reply_to],
        headers=headers,
    )


def _reason(exc: Exception) -> str:
    """Why an email was not sent, in words for the agent who sees it on the timeline."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "The mail server refused the client's address."[:500]
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return "The mail server refused our sign-in."
    if isinstance(exc, ConnectionRefusedError):
        return f"The mail server refused the connection ({exc.strerror or exc})."[:500]
    if isinstance(exc, TimeoutError):
        return "The mail server did not answer in time."
    return f"The mail server answered: {exc}"[:500]


def client_message_deliver(*, message_id: int, final: bool = False) -> bool | None:
    """Send one queued message; True sent, False failed (retry), None not this task's.

    The row is locked (SKIP LOCKED) and marked sent in the transaction that sends it.
    """
    with transaction.atomic():
        message = (
            ClientMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id, status=MessageStatus.QUEUED)
            .first()
        )
        if message is None:
            return None
        mine = ClientMessage.objects.filter(pk=message_id, status=MessageStatus.QUEUED)
        if not mine.update(
            status=MessageStatus.SENT,
            sent_at=timezone.now(),
            last_error="",
            attempts=F("attempts") + 1,
        ):
            return None
        try:
            _email(message).send(fail_silently=False)
        except Exception as exc:  # any backend error: record it, retry or give up
            log.warning("client message %s: email failed: %s", message_id, exc)
            error = _reason(exc)
            ClientMessage.objects.filter(pk=message_id).update(
                status=MessageStatus.FAILED if final else MessageStatus.QUEUED,
                sent_at=None,
                last_error=error,
                queued_at=timezone.now(),
            )
            return False
    return True


@dataclass
class RequeueResult:
    requeued: int = 0
    failed: int = 0


def client_messages_requeue(*, now: dt.datetime | None = None) -> RequeueResult:
    """Queue again the messages whose task was lost; give up on those queued too often."""
    now = now or timezone.now()
    result = RequeueResult()
    with transaction.atomic():
        stale = list(
            ClientMessage.objects.select_for_update(skip_locked=True)
            .filter(status=MessageStatus.QUEUED, queued_at__lte=now - REQUEUE_AFTER)
            .order_by("queued_at", "pk")
            .values_list("pk", "queue_count")[:REQUEUE_LIMIT]
        )
        give_up = [pk for pk, count in stale if count >= MAX_QUEUED]
        again = [pk for pk, count in stale if count < MAX_QUEUED]
        if give_up:
            result.failed = ClientMessage.objects.filter(pk__in=give_up).update(
                status=MessageStatus.FAILED,
                last_error=f"Gave up: not sent after {MAX_QUEUED} tries (mail server, broker "
                "or worker unavailable).",
            )
        if again:
            result.requeued = ClientMessage.objects.filter(pk__in=again).update(
                queued_at=now, queue_count=F("queue_count") + 1
            )
            for pk in again:
                transaction.on_commit(lambda pk=pk: _queue(pk), robust=True)
    return result


@transaction.atomic
def client_message_resend(*, message_id: int, case: Case, actor) -> ClientMessage:
    """Queue a failed message again (same Message-ID, so the thread stays one)."""
    from escalations.access import require_can_work

    require_can_work(actor, case, "send the reply again")
    message = ClientMessage.objects.select_for_update().filter(pk=message_id, case=case).first()
    if message is None:
        raise NotFound("No such message on this case.")
    if message.status != MessageStatus.FAILED:
        raise InvalidInput("Only a failed message can be sent again.", field="message")
    email = (case.client_email or "").strip()
    if not email:
        raise InvalidInput("Add the client's email address to the case first.", field="to")
    message.to_email = email
    message.status = MessageStatus.QUEUED
    message.queued_at = timezone.now()
    message.queue_count = 1
    message.resent_by = actor
    message.last_error = ""
    message.save(
        update_fields=["to_email", "status", "queued_at", "queue_count", "resent_by", "last_error"]
    )
    audit_record(
        actor=actor,
        action="client_message.resent",
        target=case,
        after={"message": message.pk, "event": message.event_id},
    )
    pk = message.pk
    transaction.on_commit(lambda: _queue(pk), robust=True)
    return message


def client_messages_for(events) -> dict[int, ClientMessage]:
    """The messages of these timeline entries, by event id (one query)."""
    ids = [e.pk for e in events if e.visibility == Visibility.CLIENT_VISIBLE]
    if not ids:
        return {}
    return {m.event_id: m for m in ClientMessage.objects.filter(event_id__in=ids)}
