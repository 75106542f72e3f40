"""Credits on two refund cases, seeded through the services at their own instants:

- Diana Okafor's case: facts recorded, quoted above the threshold, Charlene (the lead)
  changes the amount with a reason and approves, Alice issues it and sends the offer.
- Tom Becker's case: quoted by Bob, waiting in the leads' approval queue.

Idempotent: each case carries an external ticket id and is built once.
"""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager

from django.utils import timezone

from core.models import User
from escalations.models import Case, Kind, Segment, Status
from escalations.services import case_claim, case_create, case_transition

from .models import FactSource
from .services import (
    credit_facts_record,
    credit_issue,
    credit_offer_send,
    credit_quote_approve,
    credit_quote_create,
)


@contextmanager
def _at(when: dt.datetime):
    import time_machine  # a dev dependency: seed_demo is a development command

    with time_machine.travel(when, tick=False):
        yield


def _refund_case(*, at, actor, ticket, **fields) -> Case:
    with _at(at):
        case = case_create(
            actor=actor,
            external_ticket_id=ticket,
            kind=Kind.REFUND_REQUEST,
            contract_type="hourly",
            **fields,
        )
    with _at(at + dt.timedelta(minutes=12)):
        return case_claim(case=case, agent=actor)


def seed(out) -> list[Case]:
    users = {u.username: u for u in User.objects.filter(username__in=["alice", "bob", "lead"])}
    alice, bob, lead = users.get("alice"), users.get("bob"), users.get("lead")
    if not (alice and bob and lead):
        out.write("credits: the sample users are missing, skipped")
        return []
    now = timezone.now().replace(microsecond=0)
    made = []

    if not Case.objects.filter(external_ticket_id="DEMO-CR1").exists():
        start = now - dt.timedelta(days=3, hours=2)
        case = _refund_case(
            at=start,
            actor=alice,
            ticket="DEMO-CR1",
            title="Refund: hourly contract billed for work never delivered",
            client_name="Diana Okafor",
            client_email="diana@okafor-studio.example",
            client_company="Okafor Studio",
            client_account_id="CL-88213",
            client_segment=Segment.SMALL_BUSINESS,
            freelancer_name="Viktor Hale",
            contract_ids=["CT-71004"],
            contract_spend="2400.00",
            issue_summary="the hours billed on your design contract without delivered work",
        )
        with _at(start + dt.timedelta(hours=2)):
            case = case_transition(
                case=case,
                to_status=Status.IN_PROGRESS,
                actor=alice,
                reason="Reviewing the work diary and the billed hours.",
            )
            credit_facts_record(
                case=case,
                actor=alice,
                source=FactSource.PAGE,
                values={
                    "contract_id": "CT-71004",
                    "non_refunded_payments": "1840.00",
                    "contract_spend": "2400.00",
                    "spend_12m": "9800.00",
                    "lifetime_spend": "46000.00",
                    "tenure_months": "38",
                    "growth_potential": "high",
                    "received_product": "no",
                    "work_diary": "supports_client",
                    "code_review": "not_requested",
                    "ndf_found": "no",
                    "past_ndf_count": "0",
                },
            )
        with _at(start + dt.timedelta(hours=2, minutes=10)):
            quote = credit_quote_create(case=case, actor=alice)
        with _at(start + dt.timedelta(days=1, hours=1)):
            quote = credit_quote_approve(
                quote=quote,
                lead=lead,
                content_hash=quote.content_hash,
                amount="150.00",
                reason="Most of the billed hours were refunded by the freelancer already; "
                "a round courtesy amount fits better.",
            )
        with _at(start + dt.timedelta(days=1, hours=1, minutes=30)):
            credit = credit_issue(quote=quote, actor=alice)
        with _at(start + dt.timedelta(days=1, hours=1, minutes=35)):
            credit_offer_send(credit=credit, agent=alice)
        made.append(case)

    if not Case.objects.filter(external_ticket_id="DEMO-CR2").exists():
        start = now - dt.timedelta(hours=5)
        case = _refund_case(
            at=start,
            actor=bob,
            ticket="DEMO-CR2",
            title="Refund: fixed-price logo job abandoned halfway",
            client_name="Tom Becker",
            client_email="tom@becker-bakery.example",
            client_company="Becker Bakery",
            client_account_id="CL-90417",
            client_segment=Segment.INDIVIDUAL,
            freelancer_name="Mia Sandoval",
            contract_ids=["CT-73310"],
            contract_spend="620.00",
            issue_summary="the logo job the freelancer left halfway",
        )
        with _at(start + dt.timedelta(hours=1)):
            credit_facts_record(
                case=case,
                actor=bob,
                source=FactSource.PAGE,
                values={
                    "contract_id": "CT-73310",
                    "non_refunded_payments": "620.00",
                    "contract_spend": "620.00",
                    "spend_12m": "620.00",
                    "lifetime_spend": "1450.00",
                    "tenure_months": "7",
                    "growth_potential": "medium",
                    "received_product": "yes",
                    "work_diary": "not_reviewed",
                    "code_review": "not_requested",
                    "ndf_found": "no",
                    "past_ndf_count": "0",
                },
            )
        with _at(start + dt.timedelta(hours=1, minutes=5)):
            credit_quote_create(case=case, actor=bob)
        made.append(case)
    if made:
        out.write(f"credits: {len(made)} refund case(s) with credits")
    return made
