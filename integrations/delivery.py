"""Webhook delivery (API-3): routing, signing, sending, retrying, disabling, replaying.

Every delivery is a row with a due time. A try takes the row with a conditional UPDATE
that moves ``next_attempt_at`` on by a lease, so two workers never send the same try and
a worker killed mid-try leaves the delivery due again when the lease ends; the beat sweep
then queues it again. Retries (5xx, 429, timeouts, connection errors) back off
exponentially with jitter for up to ``WEBHOOK_RETRY_WINDOW`` (24 hours) from the first
try, always with the same event id. Other 4xx answers fail the delivery at once.

Receivers get the same event id on every try and replay and may see one event more than
once (a worker killed after the receiver answered but before the row was marked): the
event id is the key to deduplicate on.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import ipaddress
import json
import logging
import random
import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from core.errors import InvalidInput

from .models import DeliveryStatus, OutboundEvent, WebhookAttempt, WebhookDelivery, WebhookEndpoint

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 10  # the default; WEBHOOK_TIMEOUT_SECONDS overrides it
RETRY_BASE_SECONDS = 30
RETRY_MAX_SECONDS = 3600
RETRY_WINDOW = dt.timedelta(hours=24)
SWEEP_LIMIT = 500
ROUTE_GRACE = dt.timedelta(seconds=30)
EXCERPT = 300
USER_AGENT = "EscalationsDesk-Webhooks/1"


def _timeout() -> float:
    return getattr(settings, "WEBHOOK_TIMEOUT_SECONDS", None) or TIMEOUT_SECONDS


def _lease() -> dt.timedelta:
    """A taken try is due again after this long (the worker died, or its task was lost)."""
    return dt.timedelta(seconds=_timeout() * 3)


# Targets -------------------------------------------------------------------------------
def _private_allowed() -> bool:
    return bool(getattr(settings, "WEBHOOK_ALLOW_PRIVATE_TARGETS", False))


def _address_is_private(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_reserved
        or ip.is_multicast
        or ip.is_unspecified
        or not ip.is_global
    )


def target_check(url: str, *, resolve: bool = True) -> None:
    """Refuse a URL that is not http(s) or points into a private network.

    Every address the host resolves to is checked (a name with one public and one
    private address is refused). Private targets pass only when the setting
    ``WEBHOOK_ALLOW_PRIVATE_TARGETS`` is on. Called at registration and before each try.
    """
    try:
        parts = urlsplit(url or "")
        port = parts.port  # raises on a port out of range
    except ValueError:
        raise InvalidInput("The endpoint URL cannot be read.", field="url") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidInput("The endpoint must be an http:// or https:// URL.", field="url")
    if parts.username or parts.password:
        raise InvalidInput("The endpoint URL must not carry a user name or password.", field="url")
    if _private_allowed():
        return
    host = parts.hostname
    try:
        addresses = {host} if _is_ip(host) else _resolve(host, port) if resolve else set()
    except (OSError, UnicodeError):
        raise InvalidInput(f"The host {host} does not resolve.", field="url") from None
    for address in addresses:
        if _address_is_private(address):
            raise InvalidInput(
                f"The endpoint points into a private network ({address}); an admin must "
                "allow private targets first.",
                field="url",
            )


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    return True


def _resolve(host: str, port: int | None) -> set[str]:
    infos = socket.getaddrinfo(host, port or 443, proto=socket.IPPROTO_TCP)
    return {info[4][0] for info in infos}


# Signing -------------------------------------------------------------------------------
def signature_header(*, secret: str, body: bytes, timestamp: int) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def signature_verify(*, secret: str, body: bytes, header: str, tolerance: int = 300) -> bool:
    """What a receiver does: check the HMAC and that the timestamp is recent."""
    try:
        fields = dict(part.split("=", 1) for part in header.split(","))
        timestamp = int(fields["t"])
        given = fields["v1"]
    except (KeyError, ValueError):
        return False
    if abs(time.time() - timestamp) > tolerance:
        return False
    expected = signature_header(secret=secret, body=body, timestamp=timestamp).split("v1=", 1)[1]
    return hmac.compare_digest(expected, given)


def event_body(event: OutboundEvent) -> bytes:
    document = {
        "id": str(event.event_id),
        "type": event.event_type,
        "occurred_at": event.occurred_at.isoformat(),
        "team_id": event.team_id,
        "data": event.payload,
    }
    return json.dumps(document, separators=(",", ":"), sort_keys=True).encode()


# Routing -------------------------------------------------------------------------------
def _wanted_by(event: OutboundEvent, endpoints: list[WebhookEndpoint]) -> list[WebhookEndpoint]:
    return [
        e
        for e in endpoints
        if (e.team_id is None or e.team_id == event.team_id)
        and (not event.source_system or e.source_system == event.source_system)
        and e.wants(event.event_type)
    ]


def events_route(*, event_ids: list[int]) -> int:
    """Create the deliveries of these events (once each) and queue them; return how many.

    Rows another router holds are skipped (SKIP LOCKED) and rows already routed are left
    alone, so the after-commit routing and the sweep never route an event twice.
    """
    created: list[int] = []
    with transaction.atomic():
        events = list(
            OutboundEvent.objects.select_for_update(skip_locked=True)
            .filter(pk__in=event_ids, routed_at__isnull=True)
            .order_by("pk")
        )
        if not events:
            return 0
        now = timezone.now()
        endpoints = list(WebhookEndpoint.objects.filter(active=True))
        deliveries = [
            WebhookDelivery(endpoint=endpoint, event=event, next_attempt_at=now)
            for event in events
            for endpoint in _wanted_by(event, endpoints)
        ]
        if deliveries:
            WebhookDelivery.objects.bulk_create(deliveries, ignore_conflicts=True)
            created = list(
                WebhookDelivery.objects.filter(
                    event__in=events, status=DeliveryStatus.PENDING, attempts=0
                ).values_list("pk", flat=True)
            )
        OutboundEvent.objects.filter(pk__in=[e.pk for e in events]).update(routed_at=now)
        if created:
            transaction.on_commit(lambda: queue_deliveries(created), robust=True)
    return len(created)


def event_route(*, event_id: int) -> int:
    return events_route(event_ids=[event_id])


def queue_deliveries(ids: list[int]) -> None:
    """Queue one task per delivery; a broker outage is logged (the sweep re-queues)."""
    from .tasks import webhook_deliver

    for pk in ids:
        try:
            webhook_deliver.delay(pk)
        except Exception as exc:  # broker down: the sweep queues it again later
            log.warning("webhook delivery %s not queued: %s", pk, exc)
            return


# Sending -------------------------------------------------------------------------------
def retry_delay(attempt: int) -> dt.timedelta:
    """Exponential back-off with full jitter: 30 s, 60 s, 120 s ... capped at an hour."""
    ceiling = min(RETRY_MAX_SECONDS, RETRY_BASE_SECONDS * 2 ** max(attempt - 1, 0))
    return dt.timedelta(seconds=random.uniform(ceiling / 2, ceiling))


@dataclass
class Answer:
    status_code: int | None
    excerpt: str
    error: str
    latency_ms: int


def _post(url: str, body: bytes, headers: dict) -> Answer:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    started = time.monotonic()
    try:
        with _opener().open(request, timeout=_timeout()) as response:
            text = response.read(EXCERPT).decode(errors="replace")
            code, error = response.status, ""
    except urllib.error.HTTPError as exc:
        text = exc.read(EXCERPT).decode(errors="replace") if exc.fp else ""
        code, error = exc.code, f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        text, code, error = "", None, f"{type(reason).__name__}: {reason}"[:500]
    latency = int((time.monotonic() - started) * 1000)
    return Answer(code, text[:EXCERPT], error, latency)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect could point into the private network: treat it as the answer."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def _opener():
    return urllib.request.build_opener(_NoRedirect)


def _take(delivery_id: int, now: dt.datetime) -> bool:
    return bool(
        WebhookDelivery.objects.filter(
            pk=delivery_id, status=DeliveryStatus.PENDING, next_attempt_at__lte=now
        ).update(next_attempt_at=now + _lease(), attempts=F("attempts") + 1)
    )


def delivery_attempt(*, delivery_id: int) -> WebhookDelivery | None:
    """Make one try of a due delivery; None when it is not due (another worker has it)."""
    now = timezone.now()
    if not _take(delivery_id, now):
        return None
    delivery = WebhookDelivery.objects.select_related("endpoint", "event").get(pk=delivery_id)
    endpoint = delivery.endpoint
    if not endpoint.active:
        _finish(delivery, now, None, failed="The endpoint is disabled.")
        return delivery
    try:
        target_check(endpoint.url)
    except InvalidInput as exc:
        _finish(delivery, now, None, failed=f"Refused: {exc.message}")
        return delivery
    body = event_body(delivery.event)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Desk-Event": delivery.event.event_type,
        "X-Desk-Event-Id": str(delivery.event.event_id),
        "X-Desk-Delivery": str(delivery.pk),
        "X-Desk-Signature": signature_header(
            secret=endpoint.secret, body=body, timestamp=int(time.time())
        ),
    }
    answer = _post(endpoint.url, body, headers)
    _finish(delivery, timezone.now(), answer)
    return delivery


def _retryable(answer: Answer) -> bool:
    code = answer.status_code
    return code is None or code == 429 or code >= 500 or code == 408


def _finish(delivery, now, answer: Answer | None, *, failed: str = "") -> None:
    with transaction.atomic():
        if answer is not None:
            WebhookAttempt.objects.create(
                delivery=delivery,
                attempted_at=now,
                status_code=answer.status_code,
                latency_ms=answer.latency_ms,
                response_excerpt=answer.excerpt,
                error=answer.error,
            )
        fields: dict = {}
        ok = (
            answer is not None
            and answer.status_code is not None
            and 200 <= answer.status_code < 300
        )
        if answer is not None:
            fields["last_status_code"] = answer.status_code
            fields["last_error"] = answer.error
        if ok:
            fields.update(status=DeliveryStatus.DELIVERED, delivered_at=now, next_attempt_at=None)
        elif failed:
            fields.update(
                status=DeliveryStatus.FAILED, last_error=failed[:500], next_attempt_at=None
            )
        elif _retryable(answer) and (
            now + (delay := retry_delay(delivery.attempts)) - delivery.created_at <= RETRY_WINDOW
        ):
            fields["next_attempt_at"] = now + delay
        else:
            reason = answer.error or f"HTTP {answer.status_code}"
            if _retryable(answer):
                reason = f"Gave up after 24 hours of retries; last answer: {reason}"
            fields.update(
                status=DeliveryStatus.FAILED, last_error=reason[:500], next_attempt_at=None
            )
        WebhookDelivery.objects.filter(pk=delivery.pk).update(**fields)
        if answer is not None:
            endpoint_health_record(endpoint_id=delivery.endpoint_id, ok=ok, now=now)


# Endpoint health -----------------------------------------------------------------------
def _disable_after() -> tuple[int, dt.timedelta]:
    count = getattr(settings, "WEBHOOK_DISABLE_AFTER_FAILURES", 20)
    hours = getattr(settings, "WEBHOOK_DISABLE_AFTER_HOURS", 24)
    return count, dt.timedelta(hours=hours)


def endpoint_health_record(*, endpoint_id: int, ok: bool, now: dt.datetime) -> None:
    """Count consecutive failures; disable an endpoint failing for too long, tell admins."""
    if ok:
        WebhookEndpoint.objects.filter(pk=endpoint_id).exclude(consecutive_failures=0).update(
            consecutive_failures=0, failing_since=None
        )
        return
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint_id)
    endpoint.consecutive_failures += 1
    endpoint.failing_since = endpoint.failing_since or now
    fields = ["consecutive_failures", "failing_since"]
    count, period = _disable_after()
    if (
        endpoint.active
        and endpoint.consecutive_failures >= count
        and now - endpoint.failing_since >= period
    ):
        from .services import endpoint_disable

        endpoint.save(update_fields=fields)
        endpoint_disable(
            endpoint=endpoint,
            actor=None,
            reason=f"Disabled after {endpoint.consecutive_failures} failed tries in a row "
            f"since {endpoint.failing_since:%Y-%m-%d %H:%M} UTC.",
        )
        return
    endpoint.save(update_fields=fields)


# Sweep ---------------------------------------------------------------------------------
@dataclass
class SweepResult:
    routed: int = 0
    queued: int = 0


def webhook_sweep(*, now: dt.datetime | None = None) -> SweepResult:
    """Fan out events left unrouted and queue the deliveries that are due.

    Each due delivery is queued at most once per lease (its due time moves on by the
    lease as it is queued), and the worker takes it only if it is still due then.
    """
    now = now or timezone.now()
    result = SweepResult()
    stale = OutboundEvent.objects.filter(
        routed_at__isnull=True, created_at__lte=now - ROUTE_GRACE
    ).values_list("pk", flat=True)[:SWEEP_LIMIT]
    stale = list(stale)
    if stale:
        events_route(event_ids=stale)
        result.routed = len(stale)
    with transaction.atomic():
        due = list(
            WebhookDelivery.objects.select_for_update(skip_locked=True)
            .filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
            .order_by("next_attempt_at")
            .values_list("pk", flat=True)[:SWEEP_LIMIT]
        )
        if due:
            # Due again when the lease ends, unless a worker takes it first: a worker
            # takes a delivery only while due, so queue it as due now and keep it due.
            result.queued = len(due)
            transaction.on_commit(lambda: queue_deliveries(due), robust=True)
    return result
