"""Demo escalation cases: every kind, status and segment, clocks running, near breach, breached.

Idempotent: each demo case carries an external ticket id ``DEMO-nn`` and is created once,
through the same services users go through. Each step happens at its own instant in the
past (``time_machine.travel``), so the case is opened, claimed, contacted and moved the way
a person would have done it then: clocks start when their events happen (a first response
at the opening, the 48-hour follow-up at the first contact attempt), and no instant is
back-dated onto a row after the fact.
"""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager

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
    ufl_attempt_record,
    ufl_plan_update,
    ufl_reply_record,
)


def _user(username):
    return User.objects.filter(username=username).first()


@contextmanager
def _at(when: dt.datetime):
    """Run the services as if it were ``when`` (the clock stands still meanwhile)."""
    import time_machine  # a dev dependency: seed_demo is a development command

    with time_machine.travel(when, tick=False):
        yield


def _move(case, actor, status, reason):
    return case_transition(case=case, to_status=status, actor=actor, reason=reason)


def seed(out) -> list[Case]:
    alice, bob, lead = _user("alice"), _user("bob"), _user("lead")
    reporter = lead or alice
    if not (alice and bob and reporter):
        out.write("escalations demo: demo users missing, skipped")
        return []
    now = timezone.now().replace(microsecond=0)
    ago = lambda **kw: now - dt.timedelta(**kw)  # noqa: E731
    minutes = lambda n: dt.timedelta(minutes=n)  # noqa: E731
    made = []

    def once(ticket, build):
        existing = Case.objects.filter(external_ticket_id=ticket).first()
        if existing is not None:
            return existing
        case = build(ticket)
        made.append(case)
        return case

    def opened(when, service, **kwargs):
        with _at(when):
            return service(**kwargs)

    # 1. Enterprise prospect from social media, unclaimed: the 15-working-minute clock runs.
    once(
        "DEMO-01",
        lambda t: opened(
            ago(minutes=8),
            nco_intake,
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
        ),
    )

    # 2. Small-business prospect claimed by Alice, checklist under way.
    def nco_alice(t):
        start = ago(minutes=6)
        case = opened(
            start,
            nco_intake,
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
        )
        with _at(start + minutes(2)):
            case = case_claim(case=case, agent=alice)
        for n, key in enumerate(("reply_to_reporter", "enter_in_tracker"), start=3):
            with _at(start + minutes(n)):
                checklist_tick(item=case.checklist.get(key=key), actor=alice)
        return case

    once("DEMO-02", nco_alice)

    # 3. Individual with a web presence only: the 2-working-hour response.
    once(
        "DEMO-03",
        lambda t: opened(
            ago(minutes=50),
            nco_intake,
            reporter=reporter,
            external_ticket_id=t,
            client_name="Sam Okafor",
            client_email="sam@okafor.example",
            segment=Segment.INDIVIDUAL,
            job_post_value="900",
            web_presence=True,
            issue_summary="finding a mobile developer",
        ),
    )

    # 4. Meets no criterion: routed as a general case (and titled as one).
    once(
        "DEMO-04",
        lambda t: opened(
            ago(minutes=35),
            nco_intake,
            reporter=reporter,
            external_ticket_id=t,
            title="Question about posting a small logo job",
            client_name="Lee Chen",
            segment=Segment.INDIVIDUAL,
            job_post_value="150",
            issue_summary="a small logo job",
        ),
    )

    # 5. Unresponsive freelancer, Bob, first contact 40 h ago: follow-up due in 8 h (at risk).
    def ufl_bob(t):
        start = ago(hours=41)
        case = opened(
            start,
            case_create,
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
            tags=["api", "hourly"],
        )
        with _at(start + minutes(20)):
            case = case_claim(case=case, agent=bob)
        with _at(ago(hours=40)):
            # UFL-4: research still open; the agent confirms recording the attempt anyway.
            case_record_contact_attempt(
                case=case,
                agent=bob,
                channel="email",
                outcome="no reply",
                research_incomplete_ok=True,
            )
        with _at(ago(hours=16)):
            case_record_contact_attempt(case=case, agent=bob, channel="phone", outcome="voicemail")
        with _at(ago(hours=16) + minutes(2)):
            return _move(
                case,
                bob,
                Status.WAITING_ON_FREELANCER,
                "Voicemail left for the freelancer; waiting for a call back.",
            )

    once("DEMO-05", ufl_bob)

    # 6. Unresponsive freelancer, Alice, waiting on the client (clocks paused), a call logged.
    def ufl_waiting(t):
        start = ago(hours=6)
        case = opened(
            start,
            case_create,
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
        )
        with _at(start + minutes(10)):
            case = case_claim(case=case, agent=alice)
        with _at(ago(hours=5)):
            case_record_contact_attempt(
                case=case, agent=alice, channel="message", research_incomplete_ok=True
            )
        with _at(ago(hours=4, minutes=30)):
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
        with _at(ago(hours=4, minutes=15)):
            note_add(case=case, author=alice, body="Agency had two similar complaints last year.")
        with _at(ago(hours=4)):
            return _move(
                case,
                alice,
                Status.WAITING_ON_CLIENT,
                "Waiting for the client's list of paid milestones.",
            )

    once("DEMO-06", ufl_waiting)

    # 7. Refund request, Alice, first contact 50 h ago: the follow-up has breached.
    def refund_breached(t):
        start = ago(hours=52)
        case = opened(
            start,
            case_create,
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
            tags=["refund", "mobile"],
        )
        with _at(start + minutes(30)):
            case = case_claim(case=case, agent=alice)
        with _at(ago(hours=50)):
            case_record_contact_attempt(
                case=case, agent=alice, channel="email", research_incomplete_ok=True
            )
        with _at(ago(hours=50) + minutes(5)):
            case = _move(
                case,
                alice,
                Status.IN_PROGRESS,
                "Reviewing the milestones and what the agency delivered.",
            )
        with _at(ago(hours=49)):
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
        lambda t: opened(
            ago(minutes=25),
            case_create,
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
        ),
    )

    # 9. General case opened five business days ago and never answered: breached.
    once(
        "DEMO-09",
        lambda t: opened(
            ago(days=7),
            case_create,
            actor=bob,
            external_ticket_id=t,
            title="Cannot withdraw funds after identity check",
            kind=Kind.GENERAL,
            client_name="Grace Mensah",
            client_email="grace@mensah.example",
            client_segment=Segment.SMALL_BUSINESS,
            issue_summary="withdrawing your funds after the identity check",
            source_channel="support_ticket",
        ),
    )

    # 10. General, Bob, resolved.
    def general_resolved(t):
        start = ago(hours=3)
        case = opened(
            start,
            case_create,
            actor=bob,
            external_ticket_id=t,
            title="Feedback removal request",
            client_name="Tom Becker",
            client_email="tom@becker.example",
            client_segment=Segment.INDIVIDUAL,
            issue_summary="removing unfair feedback",
        )
        with _at(start + minutes(10)):
            case = case_claim(case=case, agent=bob)
        with _at(start + minutes(15)):
            case = _move(case, bob, Status.IN_PROGRESS, "Checking the feedback against the policy.")
        with _at(ago(hours=1)):
            return _move(
                case,
                bob,
                Status.RESOLVED,
                "The feedback broke the policy and was removed; client informed.",
            )

    once("DEMO-10", general_resolved)

    # 11. Mid-market prospect handed off to Talent Solutions by Bob.
    def nco_handoff(t):
        start = ago(hours=26)
        case = opened(
            start,
            nco_intake,
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
        )
        with _at(start + minutes(5)):
            case = case_claim(case=case, agent=bob)
        with _at(start + minutes(20)):
            case = _move(
                case, bob, Status.IN_PROGRESS, "Called the client to scope the team they need."
            )
        with _at(ago(hours=24)):
            return _move(
                case,
                bob,
                Status.HANDED_OFF,
                "A multi-hire team plan: Talent Solutions takes it from here.",
            )

    once("DEMO-11", nco_handoff)

    # 12. General, closed after resolution.
    def general_closed(t):
        start = ago(days=2)
        case = opened(
            start,
            case_create,
            actor=alice,
            external_ticket_id=t,
            title="Question about contract end date",
            client_name="Noah Smith",
            client_email="noah@smith.example",
            client_segment=Segment.INDIVIDUAL,
            issue_summary="your contract's end date",
        )
        with _at(start + minutes(15)):
            case = case_claim(case=case, agent=alice)
        with _at(start + minutes(40)):
            case = _move(
                case,
                alice,
                Status.RESOLVED,
                "Explained how the end date follows the last milestone.",
            )
        with _at(ago(days=1)):
            return _move(case, alice, Status.CLOSED, "The client confirmed; nothing left to do.")

    once("DEMO-12", general_closed)

    _seed_ufl(once, opened, ago, minutes, alice, bob)  # issue 11: UFL-1 to UFL-7

    result = sla_sweep()
    pending = ContactInfoRequest.objects.filter(status="pending").count()
    out.write(
        f"escalations demo: {len(made)} new cases ({Case.objects.count()} in all), "
        f"contact requests pending: {pending}; "
        f"SLA sweep: {result.breached} breached, {result.warned} warned"
    )
    return made


# The 48-hour unresponsive-freelancer process (issue 11) -----------------------------------
def _research(case, agent, notes: dict[str, str]) -> None:
    for item in case.checklist.filter(key__startswith="ufl_").order_by("position"):
        checklist_tick(item=item, actor=agent, note=notes.get(item.key, ""))


def _seed_ufl(once, opened, ago, minutes, alice, bob) -> None:
    # 13. Refund request mid-schedule: research done, attempts 1 and 2 made, 3 due soon.
    def refund_mid_schedule(t):
        start = ago(hours=31)
        case = opened(
            start,
            case_create,
            actor=alice,
            external_ticket_id=t,
            title="Refund for a half-built Shopify store",
            kind=Kind.REFUND_REQUEST,
            priority="high",
            client_name="Maya Chen",
            client_email="maya@chenhome.example",
            client_phone="+1 646 555 0110",
            client_company="Chen Home Goods",
            client_segment=Segment.SMALL_BUSINESS,
            freelancer_name="Ravi Kumar",
            freelancer_id="FL-55120",
            contract_ids=["CT-90411"],
            contract_type="fixed_price",
            contract_spend="1800.00",
            issue_summary="a refund for the unfinished online store",
            tags=["refund", "ecommerce"],
        )
        with _at(start + minutes(10)):
            case = case_claim(case=case, agent=alice)
            ufl_plan_update(
                case=case,
                actor=alice,
                freelancer_time_zone="Asia/Kolkata",
                client_time_zone="America/New_York",
                client_wishes="A refund of the last milestone ($900), or the theme files.",
                job_category="Web/Mobile Development",
                job_subcategory="E-commerce Development",
                job_skills="shopify, liquid",
                job_budget="1800.00",
                client_countries="US",
            )
        with _at(start + minutes(40)):
            _research(
                case,
                alice,
                {
                    "ufl_contact_info": "Phone in the freelancer's ticket signature (ZD-55120)",
                    "ufl_tone": "Civil until the second milestone, then no replies",
                    "ufl_expected_vs_delivered": "Theme installed; products and checkout missing",
                },
            )
        with _at(ago(hours=29)):
            ufl_attempt_record(
                case=case,
                agent=alice,
                channel="message",
                delivery_status="read",
                outcome="no_response",
            )
        with _at(ago(hours=29) + minutes(15)):
            call_log_create(
                case=case,
                agent=alice,
                party="client",
                outcome="connected",
                duration_seconds=720,
                phone_number="+1 646 555 0110",
                answers={
                    "last_communication": "Last message 9 days ago; milestone 2 paid 3 weeks ago",
                    "desired_resolution": "Refund of milestone 2, or the theme files",
                },
                summary="The client wants to relaunch before the holidays.",
            )
        with _at(ago(hours=5)):
            ufl_attempt_record(
                case=case,
                agent=alice,
                channel="email",
                delivery_status="delivered",
                outcome="no_response",
            )
        return case

    once("DEMO-13", refund_mid_schedule)

    # 14. Unresponsive freelancer who replied: mediation with the client's wishes beside.
    def ufl_mediation(t):
        start = ago(hours=22)
        case = opened(
            start,
            case_create,
            actor=bob,
            external_ticket_id=t,
            title="Logo designer went quiet after the first drafts",
            kind=Kind.UNRESPONSIVE_FREELANCER,
            client_name="Tom Becker",
            client_email="tom@beckerbikes.example",
            client_company="Becker Bikes",
            client_segment=Segment.INDIVIDUAL,
            freelancer_name="Lina Morales",
            freelancer_id="FL-30877",
            contract_ids=["CT-71220"],
            contract_type="fixed_price",
            contract_spend="450.00",
            issue_summary="your designer not sending the final logo files",
        )
        with _at(start + minutes(15)):
            case = case_claim(case=case, agent=bob)
            ufl_plan_update(
                case=case,
                actor=bob,
                freelancer_time_zone="America/Bogota",
                client_time_zone="Europe/Berlin",
                client_wishes="The final logo files in vector format; no refund needed.",
                job_category="Design",
                job_subcategory="Brand Identity",
                job_skills="logo design, illustrator",
            )
        with _at(start + minutes(45)):
            _research(case, bob, {"ufl_contact_info": "Email on her profile only"})
        with _at(ago(hours=20)):
            ufl_attempt_record(
                case=case,
                agent=bob,
                channel="email",
                delivery_status="delivered",
                outcome="no_response",
            )
        with _at(ago(hours=3)):
            ufl_reply_record(
                case=case,
                actor=bob,
                summary="She was travelling; she can send the vector files by Friday.",
            )
        return case

    once("DEMO-14", ufl_mediation)
