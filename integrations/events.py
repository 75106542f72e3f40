"""Publishing outbound events (API-3): the one entry point other apps call.

    from integrations.events import publish_event
    publish_event("case.created", {"reference": case.reference, ...}, team_id=case.team_id)

Call it inside the service's transaction. The event row is written in that transaction
(rolled back with it); after commit it is fanned out into one delivery per matching active
endpoint and each delivery's task is queued. If the process dies between the commit and
the fan-out, or the broker is down, the beat sweep (``integrations.webhook_sweep``) fans
out and queues what is left, so no event is lost.

Payloads never carry contact details, internal notes or credit reasoning: keys naming
them are dropped and email addresses in any text are masked, whatever the caller passed.
"""

from __future__ import annotations

import json
import logging
import re

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from core.errors import InvalidInput

from .models import OutboundEvent, WebhookEndpoint

log = logging.getLogger(__name__)

EVENT_TYPE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
# Keys never sent to an endpoint (compared lower-case, as substrings).
FORBIDDEN_KEY_PARTS = (
    "email",
    "phone",
    "contact_detail",
    "internal",
    "reasoning",
    "factor",
    "password",
    "secret",
    "token",
)
FORBIDDEN_KEYS = {"reason", "reasons", "notes", "address", "client_contact"}
EMAIL_IN_TEXT = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
MASK = "[hidden]"


def _forbidden(key: str) -> bool:
    lowered = key.lower()
    return lowered in FORBIDDEN_KEYS or any(part in lowered for part in FORBIDDEN_KEY_PARTS)


def payload_clean(value):
    """Drop forbidden keys and mask email addresses, recursively."""
    if isinstance(value, dict):
        return {str(k): payload_clean(v) for k, v in value.items() if not _forbidden(str(k))}
    if isinstance(value, list):
        return [payload_clean(v) for v in value]
    if isinstance(value, str):
        return EMAIL_IN_TEXT.sub(MASK, value)
    return value


def _jsonable(data: dict) -> dict:
    try:
        return json.loads(json.dumps(data, cls=DjangoJSONEncoder))
    except (TypeError, ValueError) as exc:
        raise InvalidInput(f"Event data must be JSON-serialisable: {exc}", field="data") from None


def _event(event_type: str, data: dict, team_id, source_system: str, now) -> OutboundEvent:
    if not isinstance(event_type, str) or not EVENT_TYPE.match(event_type):
        raise InvalidInput(
            "Event types are dotted lower-case words, e.g. case.created.", field="event_type"
        )
    if not isinstance(data, dict):
        raise InvalidInput("Event data must be an object.", field="data")
    return OutboundEvent(
        event_type=event_type[:100],
        payload=payload_clean(_jsonable(data)),
        team_id=team_id,
        source_system=(source_system or "")[:100],
        occurred_at=now,
    )


def publish_event(
    event_type: str,
    data: dict,
    *,
    team_id: int | None = None,
    source_system: str = "",
) -> None:
    """Record an outbound event in the caller's transaction; deliver it after commit.

    ``source_system`` (for ``case.client_message``) limits delivery to the endpoints of
    that ticketing system.
    """
    event = _event(event_type, data, team_id, source_system, timezone.now())
    with transaction.atomic():
        event.save()
        ids = [event.pk]
        transaction.on_commit(lambda: _route_after_commit(ids), robust=True)


def publish_events(items: list[tuple[str, dict, int | None]]) -> int:
    """``publish_event`` for many events at once (one insert): the SLA sweep's batches.

    A batch no active endpoint subscribes to is not recorded (it would be routed to
    nothing): a sweep of 10,000 breaches costs one query then, not 10,000 rows.
    """
    types = {kind for kind, _, _ in items}
    endpoints = list(WebhookEndpoint.objects.filter(active=True).only("event_types"))
    if not any(e.wants(kind) for e in endpoints for kind in types):
        return 0
    now = timezone.now()
    events = [_event(kind, data, team_id, "", now) for kind, data, team_id in items]
    if not events:
        return 0
    with transaction.atomic():
        OutboundEvent.objects.bulk_create(events, batch_size=1000)
        ids = [e.pk for e in events if e.pk is not None]
        if ids:
            transaction.on_commit(lambda: _route_after_commit(ids), robust=True)
    return len(events)


def _route_after_commit(ids: list[int]) -> None:
    from .delivery import events_route

    events_route(event_ids=ids)
