"""API-2: concurrent deliveries of one new event id (PostgreSQL, real threads)."""

import threading

import pytest
from django.db import connection, connections
from rest_framework.test import APIClient

from escalations.models import Case, InboundEvent

from .test_webhook import created, post

ROUNDS = 3
DELIVERIES = 20


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="real concurrency needs PostgreSQL")
def test_twenty_simultaneous_deliveries_one_201_the_rest_replays_api_2(webhook_secret):
    for round_ in range(ROUNDS):
        payload = created(event_id=f"evt-race-{round_}", ticket_id=f"ZD-RACE-{round_}")
        barrier = threading.Barrier(DELIVERIES)
        answers = []

        def deliver(payload=payload, barrier=barrier, answers=answers):
            try:
                client = APIClient()
                barrier.wait(timeout=30)
                response = post(client, payload)
                answers.append((response.status_code, response.json()))
            finally:
                connections.close_all()

        threads = [threading.Thread(target=deliver) for _ in range(DELIVERIES)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)

        statuses = sorted(code for code, _ in answers)
        assert statuses == [200] * (DELIVERIES - 1) + [201], answers
        first = next(body for code, body in answers if code == 201)
        assert first["replayed"] is False and first["action"] == "created"
        for code, body in answers:
            if code == 200:
                assert body == {**first, "replayed": True}
        assert Case.objects.filter(external_ticket_id=f"ZD-RACE-{round_}").count() == 1
        assert InboundEvent.objects.filter(event_id=f"evt-race-{round_}").count() == 1
