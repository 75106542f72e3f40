"""Demo escalation cases: every kind, status and segment, clocks running, near breach, breached.

Idempotent: each demo case carries an external ticket id ``DEMO-nn`` and is created once,
through the same services users go through.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from core.models import User
from core.sla import sla_sweep

from .models import Case, ContactInfoRequest, Kind, Segment, Status
from .services import (
    call_log_create,
    case_claim,
    case_create,
    case_record_contact_attempt,
    case_transition,
    checklist_tick,
    contact_request_create,
    nco_intake,
    note_add,
)


def _user(username):
    return User.objects.filter(username=username).first()


def _move(case, actor, *statuses, reason="demo"):
    for status in statuses:
        case = case_transition(case=case, to_status=status, actor=actor, reason=reason)
    return case


def seed(out) -> list[Case]:
    alice, bob, lead = _user("alice"), _user("bob"), _user("lead")
    reporter = lead or alice
    if not (alice and bob and reporter):
        out.write("escalations demo: demo users missing, skipped")
        return []
    now = timezone.now()
    ago = lambda **kw: now - dt.timedelta(**kw)  # noqa: E731
    made = []

    def once(ticket, build):
        existing = Case.objects.filter(external_ticket_id=ticket).first()
        if existing is not None:
            return existing
        case = build(ticket)
        made.append(case)
        return case

    # 1. Enterprise prospect from social media, unclaimed: the 15-working-minute clock runs.
    once(
        "DEMO-01",
        lambda t: nco_intake(
            reporter=reporter,
            external_ticket_id=t,
            client_name="Priya Raman",
            client_email="priya@northwind.example",
            client_company="Northwind Traders",
            segment=Segment.ENTERPRISE,
            job_post_value="18000",
            web_presence=True,
            long_term_or_multiple=True,
            source_channel="social_media",
            report_url="https://social.example.com/northwind/status/1",
            reporting_team="Social Care",
            issue_summary="hiring a data engineering team on the marketplace",
            created_at=ago(minutes=8),
        ),
    )

    # 2. Small-business prospect claimed by Alice, checklist under way.
    def nco_alice(t):
        case = nco_intake(
            reporter=reporter,
            external_ticket_id=t,
            client_name="Marco Bellini",
            client_email="marco@bellini-design.example",
            client_company="Bellini Design Studio",
            segment=Segment.SMALL_BUSINESS,
            job_post_value="3200",
            source_channel="community",
            reporting_team="Community",
            issue_summary="your first Shopify redesign project",
            created_at=ago(minutes=4),
        )
        case = case_claim(case=case, agent=alice)
        for key in ("reply_to_reporter", "enter_in_tracker"):
            checklist_tick(item=case.checklist.get(key=key), actor=alice)
        return case

    once("DEMO-02", nco_alice)

    # 3. Individual with a web presence only: the 2-working-hour response.
    once(
        "DEMO-03",
        lambda t: nco_intake(
            reporter=reporter,
            external_ticket_id=t,
            client_name="Sam Okafor",
            client_email="sam@okafor.example",
            segment=Segment.INDIVIDUAL,
            job_post_value="900",
            web_presence=True,
            issue_summary="finding a mobile developer",
            created_at=ago(minutes=50),
        ),
    )

    # 4. Meets no criterion: routed as a general case.
    once(
        "DEMO-04",
        lambda t: nco_intake(
            reporter=reporter,
            external_ticket_id=t,
            client_name="Lee Chen",
            segment=Segment.INDIVIDUAL,
            job_post_value="150",
            issue_summary="a small logo job",
        ),
    )

    # 5. Unresponsive freelancer, Bob, first contact 40 h ago: follow-up due in 8 h (at risk).
    def ufl_bob(t):
        case = case_create(
            actor=bob,
            external_ticket_id=t,
            title="Freelancer silent for two weeks on API integration",
            kind=Kind.UNRESPONSIVE_FREELANCER,
            priority="high",
            client_name="Hannah Weiss",
            client_email="hannah@weiss-labs.example",
            client_phone="+1 415 555 0142",
            client_company="Weiss Labs",
            client_segment=Segment.MID_MARKET,
            freelancer_name="Ivan Petrov",
            freelancer_id="FL-20931",
            contract_ids=["CT-88123"],
            contract_type="hourly",
            contract_spend="4820.00",
            issue_summary="your freelancer not responding on the API integration",
            created_at=ago(hours=41),
            tags=["api", "hourly"],
        )
        case = case_claim(case=case, agent=bob)
        case_record_contact_attempt(
            case=case, agent=bob, channel="email", outcome="no reply", at=ago(hours=40)
        )
        case_record_contact_attempt(
            case=case, agent=bob, channel="phone", outcome="voicemail", at=ago(hours=16)
        )
        return _move(case, bob, Status.WAITING_ON_FREELANCER)

    once("DEMO-05", ufl_bob)

    # 6. Unresponsive freelancer, Alice, waiting on the client (clocks paused), a call logged.
    def ufl_waiting(t):
        case = case_create(
            actor=alice,
            external_ticket_id=t,
            title="Agency stopped delivering weekly reports",
            kind=Kind.UNRESPONSIVE_FREELANCER,
            client_name="Olivia Grant",
            client_email="olivia@grantco.example",
            client_phone="+1 212 555 0199",
            client_company="Grant & Co",
            client_segment=Segment.SMALL_BUSINESS,
            freelancer_name="BrightPixel Agency",
            freelancer_id="AG-4410",
            is_agency=True,
            contract_ids=["CT-77001"],
            contract_type="fixed_price",
            contract_spend="2150.00",
            issue_summary="the agency no longer sending your weekly reports",
            created_at=ago(hours=6),
        )
        case = case_claim(case=case, agent=alice)
        case_record_contact_attempt(case=case, agent=alice, channel="message", at=ago(hours=5))
        call_log_create(
            case=case,
            agent=alice,
            party="client",
            outcome="connected",
            duration_seconds=640,
            phone_number="+1 212 555 0199",
            answers={
                "last_communication": "Last message 12 days ago, last payment 3 weeks ago",
                "desired_resolution": "Delivery of the reports already paid for",
            },
            summary="Client will send the milestone list.",
        )
        note_add(case=case, author=alice, body="Agency had two similar complaints last year.")
        return _move(case, alice, Status.WAITING_ON_CLIENT)

    once("DEMO-06", ufl_waiting)

    # 7. Refund request, Alice, first contact 50 h ago: the follow-up has breached.
    def refund_breached(t):
        case = case_create(
            actor=alice,
            external_ticket_id=t,
            title="Refund for an unfinished mobile app",
            kind=Kind.REFUND_REQUEST,
            priority="urgent",
            client_name="Diego Alvarez",
            client_email="diego@alvarez.example",
            client_company="Alvarez Logistics",
            client_segment=Segment.ENTERPRISE,
            freelancer_name="Codeforge Ltd",
            freelancer_id="AG-1207",
            freelancer_email="contact@codeforge.example",
            is_agency=True,
            contract_ids=["CT-66012", "CT-66013"],
            contract_type="fixed_price",
            contract_spend="12500.00",
            issue_summary="a refund for the unfinished mobile app",
            created_at=ago(hours=52),
            tags=["refund", "mobile"],
        )
        case = case_claim(case=case, agent=alice)
        case_record_contact_attempt(case=case, agent=alice, channel="email", at=ago(hours=50))
        case = _move(case, alice, Status.IN_PROGRESS)
        contact_request_create(
            case=case,
            requester=alice,
            requested_for="client",
            reason="The client wants the agency's email for a legal notice.",
        )
        return case

    once("DEMO-07", refund_breached)

    # 8. Refund request, unassigned, no phone on file: the scheduling macro is suggested.
    once(
        "DEMO-08",
        lambda t: case_create(
            actor=bob,
            external_ticket_id=t,
            title="Charged twice for a translation job",
            kind=Kind.REFUND_REQUEST,
            client_name="Aiko Tanaka",
            client_email="aiko@tanaka.example",
            client_segment=Segment.INDIVIDUAL,
            freelancer_name="Lena Fischer",
            contract_ids=["CT-50210"],
            contract_type="fixed_price",
            contract_spend="340.00",
            issue_summary="being charged twice for your translation job",
            source_channel="email",
            created_at=ago(minutes=25),
        ),
    )

    # 9. General case opened five business days ago and never answered: breached.
    once(
        "DEMO-09",
        lambda t: case_create(
            actor=bob,
            external_ticket_id=t,
            title="Cannot withdraw funds after identity check",
            kind=Kind.GENERAL,
            client_name="Grace Mensah",
            client_email="grace@mensah.example",
            client_segment=Segment.SMALL_BUSINESS,
            issue_summary="withdrawing your funds after the identity check",
            source_channel="support_ticket",
            created_at=ago(days=7),
        ),
    )

    # 10. General, Bob, resolved.
    def general_resolved(t):
        case = case_create(
            actor=bob,
            external_ticket_id=t,
            title="Feedback removal request",
            client_name="Tom Becker",
            client_email="tom@becker.example",
            client_segment=Segment.INDIVIDUAL,
            issue_summary="removing unfair feedback",
            created_at=ago(hours=3),
        )
        case = case_claim(case=case, agent=bob)
        return _move(case, bob, Status.IN_PROGRESS, Status.RESOLVED)

    once("DEMO-10", general_resolved)

    # 11. Mid-market prospect handed off to Talent Solutions by Bob.
    def nco_handoff(t):
        case = nco_intake(
            reporter=reporter,
            external_ticket_id=t,
            client_name="Fatima Noor",
            client_email="fatima@noor-health.example",
            client_company="Noor Health",
            segment=Segment.MID_MARKET,
            job_post_value="45000",
            web_presence=True,
            long_term_or_multiple=True,
            issue_summary="building a telehealth engineering team",
            created_at=ago(hours=26),
        )
        case = case_claim(case=case, agent=bob)
        return _move(case, bob, Status.IN_PROGRESS, Status.HANDED_OFF)

    once("DEMO-11", nco_handoff)

    # 12. General, closed after resolution.
    def general_closed(t):
        case = case_create(
            actor=alice,
            external_ticket_id=t,
            title="Question about contract end date",
            client_name="Noah Smith",
            client_email="noah@smith.example",
            client_segment=Segment.INDIVIDUAL,
            issue_summary="your contract's end date",
            created_at=ago(days=2),
        )
        case = case_claim(case=case, agent=alice)
        return _move(case, alice, Status.RESOLVED, Status.CLOSED)

    once("DEMO-12", general_closed)

    result = sla_sweep()
    pending = ContactInfoRequest.objects.filter(status="pending").count()
    out.write(
        f"escalations demo: {len(made)} new cases ({Case.objects.count()} in all), "
        f"{pending} contact request(s) pending; sweep: {result}"
    )
    return made
