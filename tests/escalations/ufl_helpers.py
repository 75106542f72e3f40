"""Shared steps of the UFL tests: a refund case at a known instant, research, sweeps."""

from __future__ import annotations

import datetime as dt

import time_machine

from core.sla import sla_sweep
from escalations.models import UFL_RESEARCH_KEYS, Case, Kind
from escalations.services import case_claim, case_create, checklist_tick, ufl_attempt_record

T0 = dt.datetime(2026, 6, 1, 15, 0, tzinfo=dt.UTC)  # the first attempt
H = dt.timedelta(hours=1)


def open_refund_case(agent, *, opened=T0 - H, **fields) -> Case:
    """A refund case opened an hour before T0 and claimed by ``agent``."""
    values = {
        "title": "Refund for an unfinished landing page",
        "client_name": "Dana Client",
        "client_email": "dana@example.com",
        "kind": Kind.REFUND_REQUEST,
        "issue_summary": "your freelancer not delivering the landing page",
        "freelancer_name": "Sam Builder",
        "freelancer_id": "~01sam",
    }
    values.update(fields)
    with time_machine.travel(opened, tick=False):
        case = case_create(actor=agent, **values)
        case_claim(case=case, agent=agent)
    return Case.objects.get(pk=case.pk)


def research_done(case: Case, agent, at=T0 - H / 2) -> None:
    with time_machine.travel(at, tick=False):
        for item in case.checklist.filter(key__in=UFL_RESEARCH_KEYS):
            checklist_tick(item=item, actor=agent, note="checked")


def attempt(case: Case, agent, at=T0, **kw):
    values = {
        "channel": "message",
        "delivery_status": "delivered",
        "outcome": "no_response",
        "research_incomplete_ok": True,
    }
    values.update(kw)
    with time_machine.travel(at, tick=False):
        return ufl_attempt_record(case=case, agent=agent, **values)


def sweep(at, capture) -> None:
    """One beat sweep at ``at``, with the on-commit work (signals, emails) run."""
    with time_machine.travel(at, tick=False), capture(execute=True):
        sla_sweep()
