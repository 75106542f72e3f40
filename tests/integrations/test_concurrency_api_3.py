"""API-3/ESC-10 under concurrency (PostgreSQL, real threads and a barrier): workers racing
for one due delivery send it once; routers racing for one event create its deliveries
once; senders racing for one client email send it once."""

from __future__ import annotations

import threading

import pytest
from django.core import mail
from django.db import connection, connections

from escalations.models import Macro
from escalations.services import case_claim, case_create, macro_send
from integrations.delivery import delivery_attempt, events_route
from integrations.events import publish_event
from integrations.messages import client_message_deliver
from integrations.models import ClientMessage, OutboundEvent, WebhookDelivery

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="real concurrency needs PostgreSQL"
    ),
]
THREADS = 8


def race(work) -> list:
    barrier = threading.Barrier(THREADS)
    results = []

    def run():
        try:
            barrier.wait(timeout=30)
            results.append(work())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_racing_workers_send_one_due_try_once_api_3(endpoint, receiver):
    publish_event("case.created", {"case": {"reference": "ESC-000100"}})  # sent once
    receiver.answer(503)  # ...and failed: now make it due again and race for it
    WebhookDelivery.objects.update(status="pending", next_attempt_at="2000-01-01T00:00Z")
    received_before = len(receiver.received)
    item = WebhookDelivery.objects.get()
    results = race(lambda: delivery_attempt(delivery_id=item.pk))
    assert sum(r is not None for r in results) == 1  # one worker took the try
    assert len(receiver.received) == received_before + 1


def test_racing_routers_create_deliveries_once_api_3(endpoint, receiver):
    publish_event("case.claimed", {"case": {"reference": "ESC-000101"}})
    event = OutboundEvent.objects.get(event_type="case.claimed")
    # As if the process died between the commit and the routing: unrouted again.
    WebhookDelivery.objects.filter(event=event).delete()
    OutboundEvent.objects.filter(pk=event.pk).update(routed_at=None)
    race(lambda: events_route(event_ids=[event.pk]))
    assert WebhookDelivery.objects.filter(event=event).count() == 1


def test_racing_senders_email_the_client_once_esc_10(agent):
    case = case_claim(
        case=case_create(
            actor=agent, title="Race", client_name="Rae", client_email="rae@example.com"
        ),
        agent=agent,
    )
    macro = Macro.objects.create(name="Race", slug="race", subject="Hi", body="On it.")
    macro_send(macro=macro, case=case, agent=agent)  # sent on commit
    message = ClientMessage.objects.get()
    # Queued again (a re-queued task and the original both hold it): race to send it.
    ClientMessage.objects.filter(pk=message.pk).update(status="queued")
    mail.outbox.clear()
    results = race(lambda: client_message_deliver(message_id=message.pk))
    assert results.count(True) == 1 and results.count(None) == THREADS - 1
    message.refresh_from_db()
    assert message.status == "sent"
    assert len(mail.outbox) == 1
