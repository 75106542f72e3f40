"""The objects and personas of the access matrix, built once through the services.

Team A's case is reached the way users reach it: reported (NCO intake, so it has a
checklist and an outreach row), assigned by team A's lead, its first-response clock
swept into a breach, a note, a pending and an approved contact-info request by the
assignee, and a shortlist. Team B mirrors it (the foreign case of the list-scoping test).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import time_machine
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.test import Client

from core.models import AuditEvent, Notification, SlaClock
from core.services import audit_record, user_api_token
from core.sla import sla_sweep
from escalations.models import Case, ChecklistItem, EventKind, Kind, Segment
from escalations.services import (
    case_assign,
    case_create,
    contact_request_create,
    contact_request_decide,
    nco_intake,
    note_add,
    ufl_claim_record,
)
from sourcing.models import Freelancer, ImportJob, SourcingRules
from sourcing.services import freelancers_import, job_criteria_build, shortlist_create
from tests.factories import AgencyFactory, MacroFactory, TeamFactory, UserFactory
from tests.sourcing.pool import row

MONDAY_9AM_PT = dt.datetime(2026, 3, 9, 16, 0, tzinfo=dt.UTC)
CALENDAR_SLUG = "us-pacific-support"

PEOPLE = (
    "agent_assignee",
    "agent_same",
    "agent_other",
    "lead_own",
    "lead_other",
    "admin",
)
SERVICES = ("service_scoped", "service_unscoped")
PERSONAS = ("anonymous", *PEOPLE, *SERVICES)

try:  # CORE-8 service tokens (core/tokens.py) are being written; the matrix waits for them
    from core.tokens import service_token_create
except ImportError:  # pragma: no cover - until it lands
    service_token_create = None


@dataclass
class World:
    users: dict = field(default_factory=dict)  # persona -> User
    api_tokens: dict = field(default_factory=dict)  # persona -> DRF token key
    sessions: dict = field(default_factory=dict)  # persona -> session cookie value
    service_keys: dict = field(default_factory=dict)  # scope ("" = none) -> raw bearer key
    objects: dict = field(default_factory=dict)  # name -> model instance or value


def _session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _team_with_lead(name: str, lead_name: str):
    team = TeamFactory(name=name)
    lead = UserFactory(username=lead_name, role="team_lead", team=team)
    team.lead = lead
    team.save(update_fields=["lead"])
    return team, lead


def _reported_case(*, reporter, team, client_name: str) -> Case:
    """An enterprise new-client report: NCO kind, checklist, 15-working-minute clock."""
    return nco_intake(
        reporter=reporter,
        team=team,
        title=f"Possible new client {client_name}",
        client_name=client_name,
        client_email=f"{client_name.lower().replace(' ', '.')}@example.com",
        client_company=f"{client_name} Inc.",
        segment=Segment.ENTERPRISE,
        job_post_value="5000",
        web_presence=True,
        long_term_or_multiple=True,
        issue_summary="wants to hire several designers",
    )


def _hiring_world(lead, team) -> dict:
    """Hiring (issue 13): a round of team A and an applicant with the assessment open."""
    from hiring import services as hiring_services

    rnd = hiring_services.round_create(
        actor=lead,
        team=team,
        name="Access round",
        assessment_title="Assessment",
        assessment_text="Five-dollar assessment.",
        hourly_title="Hourly",
        hourly_text="Long-term hourly.",
    )
    hiring_services.question_create(
        actor=lead, kind="choice", text="Pick one.", options=["a", "b"], correct_option=0
    )
    applicant = hiring_services.applicant_add(
        round=rnd, actor=lead, name="Matrix Applicant", email="matrix@example.com", country="PH"
    )
    applicant = hiring_services.applicant_move(
        applicant=applicant, to_stage="assessment_offered", actor=lead
    )
    hiring_services.assessment_open(applicant=applicant)
    return {
        "hiring_round": rnd,
        "hiring_posting": rnd.postings.order_by("id").first(),
        "hiring_applicant": applicant,
        "hiring_token": hiring_services.token_for(applicant),
    }


def _credits_world(case_a, agent, lead_own) -> dict:
    """Credits (issue 12): team A's case quoted above the threshold, approved by team A's
    lead, issued by the assignee (so it is in the ledger)."""
    from credits.services import (
        credit_facts_record,
        credit_issue,
        credit_quote_approve,
        credit_quote_create,
    )

    credit_facts_record(
        case=case_a,
        actor=agent,
        values={"contract_id": "C-ACCESS-A", "non_refunded_payments": "1000.00"},
        source="page",
    )
    quote = credit_quote_create(case=case_a, actor=agent)
    quote = credit_quote_approve(quote=quote, lead=lead_own, content_hash=quote.content_hash)
    return {"credit_quote": quote, "credit": credit_issue(quote=quote, actor=agent)}


def _integrations_world(case_a, agent, admin) -> dict:
    """Integrations (issue 15): the assignee's reply to team A's client (an email queued),
    a public webhook endpoint, one delivery of an event, a library resource."""
    from escalations.models import Visibility
    from integrations.delivery import events_route
    from integrations.events import publish_event
    from integrations.models import ClientMessage, OutboundEvent, Resource, WebhookDelivery
    from integrations.services import endpoint_save

    reply = note_add(
        case=case_a, author=agent, body="We are on it.", visibility=Visibility.CLIENT_VISIBLE
    )
    endpoint = endpoint_save(
        actor=admin,
        name="Access matrix receiver",
        url="https://93.184.215.14/desk-hooks",  # a public address: no DNS, no private net
        secret="access-matrix-endpoint-secret",
        event_types=["*"],
    )
    publish_event("case.reviewed", {"case": {"reference": case_a.reference}})
    events_route(event_ids=list(OutboundEvent.objects.values_list("pk", flat=True)))
    return {
        "client_message": ClientMessage.objects.get(event=reply),
        "webhook_endpoint": endpoint,
        "webhook_delivery": WebhookDelivery.objects.filter(endpoint=endpoint).first(),
        "resource": Resource.objects.filter(active=True).first(),
    }


def _workforce_world(team, agent) -> dict:
    """Workforce (issue 14): a resolved case of team A whose client got a rating link."""
    from escalations.services import case_transition
    from escalations.services.claiming import case_claim
    from workforce.services.csat import token_for

    case = case_create(
        actor=agent,
        team=team,
        title="Resolved case of team A",
        client_name="Rita",
        client_email="rita@example.com",
    )
    case = case_claim(case=case, agent=agent)
    case = case_transition(case=case, to_status="resolved", actor=agent)
    return {"csat_link": token_for(case.csat)}


def build_world(scopes: list[str]) -> World:
    world = World()
    team_a, lead_own = _team_with_lead("Access Team A", "lead_own")
    team_b, lead_other = _team_with_lead("Access Team B", "lead_other")
    users = world.users
    users.update(
        lead_own=lead_own,
        lead_other=lead_other,
        agent_assignee=UserFactory(username="agent_assignee", role="agent", team=team_a),
        agent_same=UserFactory(username="agent_same", role="agent", team=team_a),
        agent_other=UserFactory(username="agent_other", role="agent", team=team_b),
        admin=UserFactory(username="admin_matrix", role="admin"),
    )

    # Team A's case and team B's mirror: assigned, first-response clock breached ---------
    with time_machine.travel(MONDAY_9AM_PT, tick=False):
        case_a = _reported_case(reporter=lead_own, team=team_a, client_name="Alpha Client")
        case_b = _reported_case(reporter=lead_other, team=team_b, client_name="Bravo Client")
        case_assign(case=case_a, assignee=users["agent_assignee"], lead=lead_own)
        case_assign(case=case_b, assignee=users["agent_other"], lead=lead_other)
    with time_machine.travel(MONDAY_9AM_PT + dt.timedelta(minutes=16), tick=False):
        sla_sweep()
    case_a = Case.objects.get(pk=case_a.pk)
    case_b = Case.objects.get(pk=case_b.pk)
    case_ct = ContentType.objects.get_for_model(Case)
    clock = SlaClock.objects.get(content_type=case_ct, object_id=case_a.pk, state="breached")

    agent = users["agent_assignee"]
    note_add(case=case_a, author=agent, body="Called the client's office.", kind=EventKind.NOTE)
    pending = contact_request_create(
        case=case_a, requester=agent, requested_for="client", reason="The client asks for it."
    )
    approved = contact_request_create(
        case=case_a, requester=agent, requested_for="freelancer", reason="Needs to reach them."
    )
    approved = contact_request_decide(
        request=approved, lead=lead_own, approve=True, reason="Shared for the handover."
    )
    notification = Notification.objects.filter(recipient=agent).order_by("id").first()
    assert notification is not None, "assigning the case notifies the assignee"

    # Team A's unclaimed case and the shared intake (no team, unassigned, new) -----------
    case_a_new = case_create(
        actor=lead_own, team=team_a, title="Unclaimed case of team A", client_name="Cora"
    )
    intake = case_create(
        actor=None, title="Shared intake case", client_name="Ivy", kind=Kind.GENERAL
    )

    # Sourcing: a pool of one freelancer (through an import job), an agency, a shortlist -
    job = freelancers_import(rows=[row("FL-ACCESS-1")], actor=lead_own)
    criteria = job_criteria_build(
        category="Design",
        subcategory="UX/UI Design",
        skills=["figma"],
        job_reference="JOB-ACCESS-1",
        case_reference=case_a.reference,
    )
    shortlist = shortlist_create(actor=agent, criteria=criteria)

    # Hiring (issue 13): team A's round, an applicant whose submission is open ----------
    hiring = _hiring_world(lead_own, team_a)
    workforce = _workforce_world(team_a, agent)  # issue 14

    # UFL-5 (issue 11): a claim recorded on team A's case -------------------------------
    ufl_claim = ufl_claim_record(
        case=case_a, actor=agent, kind="fraud", claimed_by="client", description="Fake files."
    )

    credits = _credits_world(case_a, agent, lead_own)  # issue 12
    integrations = _integrations_world(case_a, agent, users["admin"])  # issue 15

    macro = MacroFactory(slug="access-matrix-macro", name="Access matrix macro")
    audit = audit_record(actor=agent, action="access_matrix.fixture", target=case_a)

    world.objects.update(
        team_a=team_a,
        team_b=team_b,
        case_a=case_a,
        case_b=case_b,
        case_a_new=case_a_new,
        intake=intake,
        clock=clock,
        checklist_item=ChecklistItem.objects.filter(case=case_a, done=False).order_by("id")[0],
        pending_request=pending,
        approved_request=approved,
        notification=notification,
        shortlist=shortlist,
        freelancer=Freelancer.objects.get(external_id="FL-ACCESS-1"),
        agency=AgencyFactory(external_id="AG-ACCESS-1"),
        import_job=ImportJob.objects.get(pk=job.pk),
        rules=SourcingRules.objects.order_by("-id").first(),
        macro=macro,
        audit_event=AuditEvent.objects.get(pk=audit.pk),
        calendar_slug=CALENDAR_SLUG,
        **credits,  # issue 12
        ufl_claim=ufl_claim,  # issue 11
        **hiring,
        **workforce,  # issue 14
        **integrations,  # issue 15
    )

    for persona, user in users.items():
        world.api_tokens[persona] = user_api_token(user=user)
        world.sessions[persona] = _session_cookie(user)
    if service_token_create is not None:
        for i, scope in enumerate(["", *scopes]):  # a scope is a space-separated set
            _, key = service_token_create(name=f"matrix-{i}", scopes=scope.split())
            world.service_keys[scope] = key
    return world
