"""HIR-2 under concurrency (PostgreSQL, real threads): the same person offered the paid
assessment in two rounds at the same instant is paid once."""

import threading

import pytest
from django.db import connection, connections

from core.errors import Conflict
from hiring import services
from hiring.models import Applicant

ATTEMPTS = 4


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="real concurrency needs PostgreSQL")
def test_simultaneous_offers_to_one_person_pay_once_hir_2(lead, team):
    rounds = [
        services.round_create(
            actor=lead,
            team=team,
            name=f"Round {i}",
            assessment_title="Test",
            assessment_text="Text",
            hourly_title="Hourly",
            hourly_text="Text",
        )
        for i in range(ATTEMPTS)
    ]
    applications = [
        services.applicant_add(
            round=rnd, actor=lead, name="Same Person", email="same@example.com", country="PH"
        )
        for rnd in rounds
    ]
    barrier = threading.Barrier(ATTEMPTS)
    outcomes = []

    def offer(applicant):
        try:
            barrier.wait(timeout=30)
            services.applicant_move(applicant=applicant, to_stage="assessment_offered", actor=lead)
            outcomes.append("paid")
        except Conflict:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=offer, args=(a,)) for a in applications]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["paid"] + ["refused"] * (ATTEMPTS - 1)
    assert Applicant.objects.filter(assessment_paid_at__isnull=False).count() == 1
