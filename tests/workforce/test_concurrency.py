"""TEAM-2 and HIR-8 under real concurrency (PostgreSQL): one rating per case however many
clients submit at once; the Monday report is emailed once by simultaneous beat runs."""

import threading

import pytest
from django.core import mail
from django.db import connection, connections

from integrations.models import OutboundEvent
from workforce.models import CsatRating, WeeklyReportRun
from workforce.services.csat import csat_submit, token_for

THREADS = 12


def _race(target, count=THREADS):
    barrier = threading.Barrier(count)
    results, errors = [], []

    def run(i):
        try:
            barrier.wait(timeout=30)
            results.append(target(i))
        except Exception as exc:  # collected: the assertion names it
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results, errors


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="real concurrency needs PostgreSQL")
def test_simultaneous_ratings_of_one_case_record_one_team_2(make_case, resolve, agent):
    case = resolve(make_case(actor=agent), agent)
    token = token_for(CsatRating.objects.get(case=case))
    results, errors = _race(lambda i: csat_submit(token=token, rating=1 + i % 5)[1])
    assert not errors, errors
    assert sorted(results) == [False] * (THREADS - 1) + [True]
    row = CsatRating.objects.get(case=case)
    assert row.rating is not None
    assert OutboundEvent.objects.filter(event_type="csat.rated").count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="real concurrency needs PostgreSQL")
def test_simultaneous_beat_runs_email_the_report_once_hir_8(lead, agent):
    from workforce.reports import weekly_reports_send

    results, errors = _race(lambda i: weekly_reports_send(), count=6)
    assert not errors, errors
    assert sum(results) == 1
    assert WeeklyReportRun.objects.count() == 1
    assert len([m for m in mail.outbox if lead.email in m.to]) == 1
