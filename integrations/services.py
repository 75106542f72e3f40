"""Write paths of the integrations app: endpoints and replays (API-3)."""

from __future__ import annotations

import datetime as dt
import re

from django.db import transaction
from django.utils import timezone

from core.errors import InvalidInput, NotFound
from core.models import Role, User
from core.notifications import notify
from core.services import audit_record, snapshot

from .delivery import queue_deliveries, target_check
from .models import DeliveryStatus, OutboundEvent, WebhookDelivery, WebhookEndpoint

ENDPOINT_AUDIT_FIELDS = ("name", "url", "event_types", "team", "source_system", "active")
REPLAY_RANGE_LIMIT = 1000
# "case.created", "case.*" or "credit" (every credit event is "credit.*").
EVENT_PATTERN = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*(\.\*)?$")


def _event_types_clean(event_types) -> list[str]:
    if not isinstance(event_types, list) or not event_types:
        raise InvalidInput("Choose at least one event type (or * for all).", field="event_types")
    cleaned = []
    for value in event_types:
        if not isinstance(value, str):
            raise InvalidInput("Event types are strings.", field="event_types")
        value = value.strip()
        if value != "*" and not EVENT_PATTERN.match(value):
            raise InvalidInput(f"{value!r} is not an event type.", field="event_types")
        if value not in cleaned:
            cleaned.append(value)
    return cleaned


@transaction.atomic
def endpoint_save(
    *,
    actor: User | None,
    endpoint: WebhookEndpoint | None = None,
    name: str,
    url: str,
    secret: str,
    event_types: list[str],
    team_id: int | None = None,
    source_system: str = "",
    active: bool = True,
) -> WebhookEndpoint:
    """Register or change an endpoint; the URL is checked (http(s), no private network)."""
    target_check(url)
    if not name.strip():
        raise InvalidInput("Give the endpoint a name.", field="name")
    if len(secret) < 16:
        raise InvalidInput("The secret must be at least 16 characters.", field="secret")
    event_types = _event_types_clean(event_types)
    before = snapshot(endpoint, ENDPOINT_AUDIT_FIELDS) if endpoint is not None else None
    endpoint = endpoint or WebhookEndpoint()
    endpoint.name = name.strip()[:100]
    endpoint.url = url
    endpoint.secret = secret
    endpoint.event_types = event_types
    endpoint.team_id = team_id
    endpoint.source_system = source_system.strip()[:100]
    if active and not endpoint.active or endpoint.pk is None:
        endpoint.consecutive_failures, endpoint.failing_since = 0, None
        endpoint.disabled_at, endpoint.disabled_reason = None, ""
    endpoint.active = active
    endpoint.save()
    audit_record(
        actor=actor,
        action="webhook_endpoint.changed" if before else "webhook_endpoint.created",
        target=endpoint,
        before=before,
        after=snapshot(endpoint, ENDPOINT_AUDIT_FIELDS),
    )
    return endpoint


@transaction.atomic
def endpoint_disable(*, endpoint: WebhookEndpoint, actor: User | None, reason: str) -> None:
    """Stop deliveries to an endpoint; when the system does it, admins are told."""
    updated = WebhookEndpoint.objects.filter(pk=endpoint.pk, active=True).update(
        active=False, disabled_at=timezone.now(), disabled_reason=reason[:300]
    )
    if not updated:
        return
    audit_record(
        actor=actor,
        action="webhook_endpoint.disabled",
        target=endpoint,
        before={"active": True},
        after={"active": False},
        reason=reason,
    )
    if actor is None:
        notify(
            recipients=User.objects.filter(role=Role.ADMIN, is_active=True),
            kind="webhook_endpoint_disabled",
            title=f"Webhook endpoint {endpoint.name} was turned off",
            body=reason,
            url=f"/admin/integrations/webhookendpoint/{endpoint.pk}/change/",
            target=endpoint,
        )


def _replay(delivery: WebhookDelivery) -> WebhookDelivery:
    return WebhookDelivery.objects.create(
        endpoint=delivery.endpoint,
        event=delivery.event,
        replay_of=delivery,
        next_attempt_at=timezone.now(),
    )


@transaction.atomic
def delivery_replay(*, actor: User, delivery_id: int) -> WebhookDelivery:
    """Send one event again to the same endpoint, with the same event id."""
    original = (
        WebhookDelivery.objects.select_related("endpoint", "event").filter(pk=delivery_id).first()
    )
    if original is None:
        raise NotFound("No such delivery.")
    if not original.endpoint.active:
        raise InvalidInput("The endpoint is turned off; turn it on first.", field="endpoint")
    replay = _replay(original)
    audit_record(
        actor=actor,
        action="webhook_delivery.replayed",
        target=replay,
        after={"event_id": str(original.event.event_id), "replay_of": original.pk},
    )
    transaction.on_commit(lambda: queue_deliveries([replay.pk]), robust=True)
    return replay


@transaction.atomic
def deliveries_replay_range(
    *,
    actor: User,
    endpoint: WebhookEndpoint,
    since: dt.datetime,
    until: dt.datetime,
    failed_only: bool = False,
) -> list[WebhookDelivery]:
    """Send again every event an endpoint was sent between two instants (same ids)."""
    if until <= since:
        raise InvalidInput("The end of the range must come after its start.", field="until")
    if not endpoint.active:
        raise InvalidInput("The endpoint is turned off; turn it on first.", field="endpoint")
    originals = WebhookDelivery.objects.filter(
        endpoint=endpoint,
        replay_of__isnull=True,
        event__occurred_at__gte=since,
        event__occurred_at__lt=until,
    ).select_related("endpoint", "event")
    if failed_only:
        originals = originals.filter(status=DeliveryStatus.FAILED)
    originals = list(originals.order_by("event__occurred_at", "pk")[: REPLAY_RANGE_LIMIT + 1])
    if len(originals) > REPLAY_RANGE_LIMIT:
        raise InvalidInput(
            f"At most {REPLAY_RANGE_LIMIT} events at a time; narrow the range.", field="since"
        )
    replays = [_replay(original) for original in originals]
    audit_record(
        actor=actor,
        action="webhook_deliveries.replayed",
        target=endpoint,
        after={"since": since, "until": until, "count": len(replays)},
    )
    ids = [r.pk for r in replays]
    transaction.on_commit(lambda: queue_deliveries(ids), robust=True)
    return replays


def event_for(event_id) -> OutboundEvent:
    event = OutboundEvent.objects.filter(event_id=event_id).first()
    if event is None:
        raise NotFound("No such event.")
    return event
