"""CORE-8 access matrix: every API operation and page, every persona, one expected outcome.

Routes come from the OpenAPI schema and the URL conf (tests/access_matrix/routes.py), so a
new endpoint fails here until it says below who may use it. Personas and objects are built
once per module (tests/access_matrix/world.py); each request runs in a transaction that is
rolled back. Outcomes: OK, DENY (403), HIDE (404), AUTH (401 / login redirect); see
tests/access_matrix/rules.py. Pages: service tokens are no credential there, so service
personas expect what ``anonymous`` expects.
"""

from __future__ import annotations

import json

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.test import override_settings
from rest_framework.test import APIClient

from core.models import AuditEvent
from escalations.models import Case, ContactInfoRequest
from tests.access_matrix import world as world_module
from tests.access_matrix.routes import all_routes
from tests.access_matrix.rules import (
    AUTH,
    DENY,
    HIDE,
    OK,
    expected_for,
    fill,
    outcome_of,
    request,
    rule,
)
from tests.access_matrix.world import PEOPLE, PERSONAS, SERVICES, build_world

# A scope is a space-separated set: write tokens are issued with their read scope too.
READ, WRITE = "cases:read", "cases:read cases:write"
SOURCING_WRITE = "sourcing:read sourcing:write"

# Each test runs in a savepoint of the module's transaction (and the mark makes pytest-django
# create the test database before the module fixture needs it).
pytestmark = pytest.mark.django_db


# Row constructors (CORE-8, ESC-7, ESC-8) -------------------------------------------------
def view_case(**kw):
    """Read a case of team A: its team, its lead, admins; other teams get 404 (CORE-8)."""
    base = {
        "agent_assignee": OK,
        "agent_same": OK,
        "agent_other": HIDE,
        "lead_own": OK,
        "lead_other": HIDE,
        "admin": OK,
        "service_scoped": OK,
        "scope": READ,
    }
    return rule(**{**base, **kw})


def work_case(**kw):
    """Change team A's case: the assignee, team A's lead, admins; a teammate gets 403."""
    base = {
        "agent_assignee": OK,
        "agent_same": DENY,
        "agent_other": HIDE,
        "lead_own": OK,
        "lead_other": HIDE,
        "admin": OK,
        "service_scoped": OK,
        "scope": WRITE,
    }
    return rule(**{**base, **kw})


def claim_case(case: str, **kw):
    """ESC-4: whoever may see it claims (409 on a claimed case is OK); never a service."""
    return view_case(
        service_scoped=DENY, scope=WRITE, objects={"reference": case}, label=case, **kw
    )


def lead_decides(**kw):
    """A decision of team A's lead (assign, acknowledge, approve): agents of A get 403."""
    return work_case(agent_assignee=DENY, service_scoped=DENY, **kw)


def contact_info(**kw):
    """ESC-7: released details go to the requester (the assignee) only."""
    return view_case(
        agent_same=DENY,
        lead_own=DENY,
        admin=DENY,
        service_scoped=DENY,
        objects={"id": "approved_request"},
        **kw,
    )


def any_staff(scope="", **kw):
    """Every signed-in person; a service token only with ``scope`` (if any)."""
    people = dict.fromkeys(PEOPLE, OK)
    return rule(**{**people, "service_scoped": OK if scope else DENY, "scope": scope, **kw})


def lead_only(scope="", **kw):
    """Leads and admins; agents get 403."""
    agents = dict.fromkeys(("agent_assignee", "agent_same", "agent_other"), DENY)
    return any_staff(scope, **{**agents, **kw})


def admin_only(**kw):
    return lead_only(**{"lead_own": DENY, "lead_other": DENY, **kw})


def admin_site():
    """The admin index: admins; everyone else is sent to the admin's login."""
    return rule(**{**dict.fromkeys(PERSONAS, AUTH), "admin": OK})


def own_only(**kw):
    """The recipient's own notification; anyone else's id is a 404."""
    return rule(
        agent_assignee=OK,
        agent_same=HIDE,
        agent_other=HIDE,
        lead_own=HIDE,
        lead_other=HIDE,
        admin=HIDE,
        **kw,
    )


def everyone(outcome):
    return rule(**dict.fromkeys(PERSONAS, outcome))


# Hiring (issue 13, CORE-8): a lead's work. Agents get 403 before any lookup; team B's lead
# gets 404 for team A's round; no service scope. The applicant's pages answer a valid
# signed link for everyone (no account) and a forged one with 404 for everyone.
def hiring_lead(**kw):
    return lead_decides(agent_other=DENY, **kw)


def apply_link(**kw):
    return [
        rule(**{**dict.fromkeys(PERSONAS, OK), **kw}, label="valid link"),
        rule(**dict.fromkeys(PERSONAS, HIDE), objects={"token": "=1:forged:link"}, label="forged"),
    ]


# Integrations (issue 15, API-3, ESC-10, ESC-11): endpoints and deliveries are the admins'
# (and a service token's with the webhooks scope); client messages follow their case; the
# resource library is read by any staff; the inbound-email webhook answers its signature.
WEBHOOKS_ADMIN = admin_only(service_scoped=OK, scope="webhooks")
INTEGRATIONS = {
    "GET /api/v1/webhook-endpoints/": WEBHOOKS_ADMIN,
    "POST /api/v1/webhook-endpoints/": WEBHOOKS_ADMIN,
    "GET /api/v1/webhook-endpoints/{id}/": WEBHOOKS_ADMIN,
    "PATCH /api/v1/webhook-endpoints/{id}/": WEBHOOKS_ADMIN,
    "POST /api/v1/webhook-endpoints/{id}/replay/": WEBHOOKS_ADMIN,
    "GET /api/v1/webhook-deliveries/": WEBHOOKS_ADMIN,
    "GET /api/v1/webhook-deliveries/{id}/": WEBHOOKS_ADMIN,
    "POST /api/v1/webhook-deliveries/{id}/replay/": WEBHOOKS_ADMIN,
    "GET /api/v1/resources/": any_staff(READ),
    "GET /api/v1/resources/{id}/": any_staff(READ),
    "GET /api/v1/client-messages/": any_staff(READ),
    "GET /api/v1/client-messages/{id}/": view_case(),
    "POST /api/v1/client-messages/{id}/resend/": work_case(),
    "POST /api/v1/webhooks/email/": everyone(AUTH),
    "POST /cases/{reference}/messages/{message_id}/resend/": work_case(),
}


HIRING = {
    "GET /api/v1/hiring/rounds/": lead_only(),
    "POST /api/v1/hiring/rounds/": lead_only(),
    "GET /api/v1/hiring/rounds/{id}/": hiring_lead(),
    "GET /api/v1/hiring/rounds/{id}/applicants/": hiring_lead(),
    "POST /api/v1/hiring/rounds/{id}/applicants/": hiring_lead(),
    "GET /api/v1/hiring/rounds/{id}/funnel/": hiring_lead(),
    "GET /api/v1/hiring/applicants/{id}/": hiring_lead(),
    "POST /api/v1/hiring/applicants/{id}/transition/": hiring_lead(),
    "POST /api/v1/hiring/applicants/{id}/score/": hiring_lead(),
    "POST /api/v1/hiring/applicants/{id}/hire/": hiring_lead(),
    "GET /api/v1/hiring/questions/": lead_only(),
    "POST /api/v1/hiring/questions/": lead_only(),
    "GET /hiring/": lead_only(),
    "POST /hiring/": lead_only(),
    "GET /hiring/questions/": lead_only(),
    "POST /hiring/questions/": lead_only(),
    "GET /hiring/rounds/{pk}/": hiring_lead(),
    "POST /hiring/rounds/{pk}/applicants/": hiring_lead(),
    "POST /hiring/rounds/{pk}/import/": hiring_lead(),
    "GET /hiring/rounds/{pk}/review/": hiring_lead(),
    "GET /hiring/rounds/{pk}/funnel/": hiring_lead(),
    "GET /hiring/rounds/{pk}/funnel.csv": hiring_lead(),
    "POST /hiring/postings/{pk}/reviewed/": hiring_lead(),
    "GET /hiring/applicants/{pk}/": hiring_lead(),
    "POST /hiring/applicants/{pk}/move/": hiring_lead(),
    "POST /hiring/applicants/{pk}/score/": hiring_lead(),
    "POST /hiring/applicants/{pk}/notes/": hiring_lead(),
    "POST /hiring/applicants/{pk}/hire/": hiring_lead(),
    "GET /apply/{token}/": apply_link(),
    "POST /apply/{token}/submit/": apply_link(),
    "GET /apply/{token}/assessment/": apply_link(),
    "POST /apply/{token}/assessment/": apply_link(),
    "GET /apply/{token}/assessment/{number}.png": apply_link(),
    "GET /apply/{token}/speed-test/": apply_link(),
    "POST /apply/{token}/speed-test/": apply_link(),
    "GET /apply/{token}/system/": apply_link(),
    "POST /apply/{token}/system/": apply_link(),
    "GET /apply/{token}/availability/": apply_link(),
    "POST /apply/{token}/availability/": apply_link(),
}


# Workforce (issue 14, CORE-8): team figures are a lead's; agents get 403 before any
# lookup, team B's lead gets 404 for team A, admins see all; no service scope. Time entries
# and outages are listed for every signed-in person (scoped); imports, outages and the
# manual-time switch are a lead's. The client's rating page answers a valid signed link
# for everyone (no account) and a forged one with 404 for everyone.
def team_figures(**kw):
    return hiring_lead(query={"team": "@team_a", **kw.pop("query", {})}, **kw)


def rating_link(**kw):
    return [
        rule(**{**dict.fromkeys(PERSONAS, OK), **kw}, label="valid link"),
        rule(**dict.fromkeys(PERSONAS, HIDE), objects={"signed": "=forged-link"}, label="forged"),
    ]


WORKFORCE = {
    "GET /api/v1/workforce/coverage/": team_figures(query={"week": "2027-01-04"}),
    "GET /api/v1/workforce/time-entries/": any_staff(),
    "POST /api/v1/workforce/time-entries/": lead_only(),
    "GET /api/v1/workforce/outages/": any_staff(),
    "POST /api/v1/workforce/outages/": lead_only(),
    "POST /api/v1/workforce/agents/{id}/manual-time/": hiring_lead(),
    "GET /api/v1/workforce/weekly-report/": team_figures(),
    "GET /api/v1/csat/summary/": team_figures(),
    "GET /api/v1/recognition/": team_figures(),
    "GET /api/v1/dashboard/team/": team_figures(),
    "GET /workforce/coverage/": team_figures(),
    "GET /workforce/coverage.csv": team_figures(),
    "GET /workforce/time/": any_staff(),
    "GET /workforce/availability/": any_staff(),
    "POST /workforce/availability/": any_staff(),
    "POST /workforce/time/import/": lead_only(),
    "POST /workforce/outages/new/": lead_only(),
    "POST /workforce/agents/{pk}/manual-time/": hiring_lead(),
    "GET /workforce/report/": team_figures(),
    "GET /workforce/report.csv": team_figures(),
    "GET /workforce/csat/": team_figures(),
    "GET /workforce/csat.csv": team_figures(),
    "GET /workforce/recognition/": team_figures(),
    "GET /workforce/team/": team_figures(),
    "GET /rate/{signed}/": rating_link(),
    "POST /rate/{signed}/": rating_link(),
}


# The table -------------------------------------------------------------------------------
CASE = "/api/v1/cases/{reference}"
CLAIM_ROWS = [
    claim_case("intake", agent_other=OK, lead_other=OK),
    claim_case("case_a_new"),
    claim_case("case_a"),  # already claimed: 409 for those who see it
]
MACRO_CASE = {"case": "@case_a"}
CREDIT_QUOTE = {"id": "credit_quote"}  # credits (issue 12)
# Notes: teammates may add internal notes (README "Access"); a client-visible one is a
# reply to the client, which stays the assignee's (403 for a teammate).
SEARCH = {"q": "client"}  # both teams' cases match: the scoping test needs a hit
NOTE_ROWS = [
    work_case(agent_same=OK, label="internal"),
    work_case(body={"visibility": "client_visible"}, label="client-visible"),
]

EXPECTATIONS = {
    # Cases (CORE-8, ESC-3, ESC-4) -------------------------------------------------------
    "GET /api/v1/cases/": any_staff(READ),
    "POST /api/v1/cases/": any_staff(WRITE),
    f"GET {CASE}/": view_case(),
    f"PATCH {CASE}/": work_case(),
    f"POST {CASE}/transition/": work_case(),
    f"POST {CASE}/claim/": CLAIM_ROWS,
    f"POST {CASE}/assign/": lead_decides(),
    f"GET {CASE}/timeline/": view_case(),
    f"GET {CASE}/notes/": view_case(),
    f"POST {CASE}/notes/": NOTE_ROWS,
    f"GET {CASE}/calls/": view_case(),
    f"POST {CASE}/calls/": work_case(),
    f"POST {CASE}/contact-attempts/": work_case(),
    f"GET {CASE}/checklist/": view_case(),
    # The unresponsive-freelancer plan (UFL-1 to UFL-7, issue 11): team A's case is an
    # outreach case, so what those who may act get is a 409 (not a UFL case) or a 400 ----
    f"GET {CASE}/ufl/": view_case(),
    f"PATCH {CASE}/ufl/": work_case(),
    f"POST {CASE}/ufl/attempts/": work_case(),
    f"POST {CASE}/ufl/freelancer-reply/": work_case(),
    f"POST {CASE}/ufl/outcome/": work_case(),
    f"GET {CASE}/ufl/evidence/": view_case(),
    f"GET {CASE}/ufl/claims/": view_case(),
    f"POST {CASE}/ufl/claims/": work_case(),
    f"PATCH {CASE}/ufl/claims/{{id}}/": work_case(),
    f"POST {CASE}/ufl/ndf/": work_case(),
    f"POST {CASE}/checklist/{{key}}/": work_case(),
    # Contact info (ESC-7) ----------------------------------------------------------------
    f"GET {CASE}/contact-requests/": view_case(),
    f"POST {CASE}/contact-requests/": work_case(),
    "POST /api/v1/contact-requests/{id}/decide/": lead_decides(),
    "GET /api/v1/contact-requests/{id}/contact-info/": contact_info(),
    # Macros (ESC-6): the list is anyone's, rendering and sending follow the case -------
    # Macros are for people: no service scope names them.
    "GET /api/v1/macros/": any_staff(),
    "GET /api/v1/macros/{id}/": any_staff(),
    "GET /api/v1/macros/{id}/render/": view_case(query=MACRO_CASE, service_scoped=DENY),
    "POST /api/v1/macros/{id}/send/": work_case(body=MACRO_CASE, service_scoped=DENY),
    # Search (ESC-9): within the viewer's access --------------------------------------------
    "GET /api/v1/search/": any_staff(READ, query=SEARCH),
    # Courtesy credits (issue 12, CRD-1..CRD-5): team A's case has a credit ------------
    # (so those who may act get 400 for the empty body or 409 "already issued")
    f"GET {CASE}/credit-facts/": view_case(),
    f"POST {CASE}/credit-facts/": work_case(),
    f"POST {CASE}/credit-quotes/": work_case(service_scoped=DENY),
    "GET /api/v1/credit-quotes/{id}/": view_case(service_scoped=DENY, objects=CREDIT_QUOTE),
    "POST /api/v1/credit-quotes/{id}/approve/": lead_decides(objects=CREDIT_QUOTE),
    "POST /api/v1/credit-quotes/{id}/reject/": lead_decides(objects=CREDIT_QUOTE),
    "POST /api/v1/credit-quotes/{id}/issue/": work_case(service_scoped=DENY, objects=CREDIT_QUOTE),
    "POST /api/v1/credits/{id}/reverse/": lead_decides(objects={"id": "credit"}),
    "GET /api/v1/credits/ledger/": lead_only(),
    "POST /credits/cases/{reference}/facts/": work_case(),
    "POST /credits/cases/{reference}/quote/": work_case(),
    "POST /credits/quotes/{pk}/approve/": lead_decides(objects={"pk": "credit_quote"}),
    "POST /credits/quotes/{pk}/reject/": lead_decides(objects={"pk": "credit_quote"}),
    "POST /credits/quotes/{pk}/issue/": work_case(objects={"pk": "credit_quote"}),
    "POST /credits/entries/{pk}/offer/": work_case(objects={"pk": "credit"}),
    "POST /credits/entries/{pk}/reverse/": lead_decides(objects={"pk": "credit"}),
    "GET /credits/approvals/": lead_only(),
    "GET /credits/ledger/": lead_only(),
    "GET /credits/ledger.csv": lead_only(),
    # (end credits)
    # Outreach (NCO-1, NCO-4): lists scoped in the query ---------------------------------
    "GET /api/v1/outreach/": any_staff(READ),
    "GET /api/v1/outreach/export/": any_staff(READ),
    "POST /api/v1/outreach/intake/": any_staff(WRITE),
    # SLA clocks (CORE-3, ESC-8): scoped like their case ---------------------------------
    "GET /api/v1/sla-clocks/": any_staff(READ),
    "GET /api/v1/sla-clocks/{id}/": view_case(),
    "POST /api/v1/sla-clocks/{id}/acknowledge/": lead_decides(),
    # Notifications (CORE-7): one's own ---------------------------------------------------
    "GET /api/v1/notifications/": any_staff(),
    "GET /api/v1/notifications/unread-count/": any_staff(),
    "POST /api/v1/notifications/read-all/": any_staff(),
    "GET /api/v1/notifications/{id}/": own_only(),
    "POST /api/v1/notifications/{id}/read/": own_only(),
    # Kernel: calendars for any staff (and calendars:read); people; audit (CORE-5) --------
    "GET /api/v1/calendars/": any_staff("calendars:read"),
    "GET /api/v1/calendars/{slug}/": any_staff("calendars:read"),
    "GET /api/v1/calendars/{slug}/deadline/": any_staff("calendars:read"),
    "GET /api/v1/calendars/{slug}/elapsed/": any_staff("calendars:read"),
    "GET /api/v1/me/": any_staff(),
    "GET /api/v1/users/": any_staff(),
    "GET /api/v1/users/{id}/": any_staff(),
    "GET /api/v1/teams/": any_staff(),
    "GET /api/v1/teams/{id}/": any_staff(),
    "GET /api/v1/audit/": lead_only(),
    # an entry by team A's assignee: team A's lead reads it, team B's lead gets 404
    "GET /api/v1/audit/{id}/": lead_only(lead_other=HIDE),
    # Sourcing (SRC): pool and rules read by staff, imports by leads, shortlists by case --
    "GET /api/v1/sourcing/freelancers/": any_staff("sourcing:read"),
    "GET /api/v1/sourcing/freelancers/{id}/": any_staff("sourcing:read"),
    "POST /api/v1/sourcing/freelancers/import/": lead_only(SOURCING_WRITE),
    "GET /api/v1/sourcing/agencies/": any_staff("sourcing:read"),
    "GET /api/v1/sourcing/agencies/{id}/": any_staff("sourcing:read"),
    "POST /api/v1/sourcing/agencies/import/": lead_only(SOURCING_WRITE),
    "GET /api/v1/sourcing/imports/": lead_only("sourcing:read"),
    "GET /api/v1/sourcing/imports/{id}/": lead_only("sourcing:read"),
    "GET /api/v1/sourcing/rules/": any_staff("sourcing:read"),
    "GET /api/v1/sourcing/rules/current/": any_staff("sourcing:read"),
    "GET /api/v1/sourcing/rules/{id}/": any_staff("sourcing:read"),
    "POST /api/v1/sourcing/rules/": admin_only(),
    "GET /api/v1/sourcing/shortlists/": any_staff("sourcing:read"),
    "POST /api/v1/sourcing/shortlists/": any_staff(),
    "GET /api/v1/sourcing/shortlists/{id}/": view_case(scope="sourcing:read"),
    "GET /api/v1/sourcing/shortlists/{id}/explain/": view_case(scope="sourcing:read"),
    "GET /api/v1/sourcing/shortlists/{id}/near-misses/": view_case(scope="sourcing:read"),
    "POST /api/v1/sourcing/shortlists/{id}/invite/": view_case(service_scoped=DENY),
    # Inbound ticket webhook (API-2): no credential but its signature; unsigned is 401 ---
    "POST /api/v1/webhooks/tickets/": everyone(AUTH),
    # Pages --------------------------------------------------------------------------------
    "GET /": any_staff(),
    "POST /": any_staff(),  # the dashboard restricts no method: it renders
    "GET /accounts/login/": everyone(OK),
    "POST /accounts/login/": everyone(OK),
    "POST /accounts/logout/": everyone(AUTH),  # everyone lands on the login page
    "GET /admin/": admin_site(),
    "POST /admin/": admin_site(),  # the admin index restricts no method
    "GET /queue/": any_staff(),
    "GET /search/": any_staff(query=SEARCH),
    "POST /queue/bulk/": lead_only(),  # each row is then checked by the services
    "GET /cases/new/": any_staff(),
    "POST /cases/new/": any_staff(),
    "GET /cases/{reference}/": view_case(),
    "POST /cases/{reference}/claim/": CLAIM_ROWS,
    "POST /cases/{reference}/transition/": work_case(),
    "POST /cases/{reference}/assign/": lead_decides(),
    "POST /cases/{reference}/notes/": NOTE_ROWS,
    "POST /cases/{reference}/calls/": work_case(),
    "POST /cases/{reference}/checklist/{item_id}/": work_case(),
    "GET /cases/{reference}/macros/preview/": view_case(query={"macro": "@macro"}),
    "POST /cases/{reference}/macros/send/": work_case(),
    "POST /cases/{reference}/contact-requests/": work_case(),
    # The UFL panel's actions and pages (issue 11); 409 on team A's outreach case is "OK"
    "POST /cases/{reference}/ufl/attempts/": work_case(),
    "POST /cases/{reference}/ufl/reply/": work_case(),
    "POST /cases/{reference}/ufl/outcome/": work_case(),
    "POST /cases/{reference}/ufl/claims/": work_case(),
    "POST /cases/{reference}/ufl/claims/{claim_id}/": work_case(),
    "POST /cases/{reference}/ufl/ndf/": work_case(),
    "POST /cases/{reference}/ufl/research/{item_id}/": work_case(),
    "POST /cases/{reference}/ufl/plan/": work_case(),
    "POST /cases/{reference}/ufl/stringent/": work_case(),
    "GET /cases/{reference}/ufl/evidence/": view_case(),
    "GET /cases/{reference}/ufl/evidence.csv": view_case(),
    "GET /cases/{reference}/ufl/move-forward/": view_case(),
    "POST /contact-requests/{pk}/decide/": lead_decides(),
    "GET /breaches/": lead_only(),
    # The breach review is a lead's page: any agent is refused before the clock is looked up.
    "POST /breaches/{clock_id}/acknowledge/": lead_decides(agent_other=DENY),
    "GET /outreach/": any_staff(),
    "GET /outreach/export.csv": any_staff(),
    "POST /outreach/export.csv": any_staff(),  # no method restriction: the same CSV
    "GET /notifications/": any_staff(),
    "GET /notifications/badge/": any_staff(),
    "POST /notifications/read-all/": any_staff(),
    "POST /notifications/{pk}/read/": own_only(),
    "GET /notifications/{pk}/open/": own_only(),
    "GET /sourcing/": everyone(OK),  # a redirect to the builder, which asks for login
    "POST /sourcing/": everyone(OK),
    "GET /sourcing/shortlists/": any_staff(),
    "POST /sourcing/shortlists/": any_staff(),
    "GET /sourcing/shortlists/{pk}/": view_case(),
    "GET /sourcing/shortlists/{pk}/explain/": view_case(),
    "POST /sourcing/shortlists/{pk}/invite/": view_case(),
    "GET /sourcing/thresholds/": lead_only(),
    "POST /sourcing/thresholds/": admin_only(),
    "GET /sourcing/import/": lead_only(),
    "POST /sourcing/import/": lead_only(),
    "GET /sourcing/import/{pk}/status/": lead_only(),
    "GET /sourcing/import/recent/": lead_only(),
    "GET /sourcing/import/template/{kind}.csv": any_staff(),
    **HIRING,  # issue 13
    **WORKFORCE,  # issue 14
    **INTEGRATIONS,  # issue 15
}

# Lists whose rows belong to teams: no foreign reference in the body (CORE-8) ------------
SCOPED_LISTS = [
    "GET /api/v1/client-messages/",  # integrations (issue 15)
    "GET /api/v1/credits/ledger/",  # credits (issue 12)
    "GET /credits/ledger/",  # credits (issue 12)
    "GET /credits/ledger.csv",  # credits (issue 12)
    "GET /api/v1/cases/",
    "GET /api/v1/sla-clocks/",
    "GET /api/v1/outreach/",
    "GET /api/v1/outreach/export/",
    "GET /api/v1/notifications/",
    "GET /api/v1/sourcing/shortlists/",
    "GET /api/v1/search/",
    "GET /queue/",
    "GET /search/",
    "GET /breaches/",
    "GET /outreach/",
    "GET /outreach/export.csv",
]

ROUTES = all_routes()


def _rows(declared) -> list:
    return declared if isinstance(declared, list) else [declared]


SCOPES = sorted({r.scope for d in EXPECTATIONS.values() for r in _rows(d)} - {""})


# Fixtures: the world once per module, rolled back at the end -----------------------------
@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    fast = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        TICKET_WEBHOOK_SECRET="access-matrix-webhook-secret",
        INBOUND_EMAIL_SECRET="access-matrix-inbound-secret",  # integrations (issue 15)
    )
    with fast, django_db_blocker.unblock(), transaction.atomic():
        assert "test" in str(connection.settings_dict["NAME"]), "not on the test database"
        yield build_world(SCOPES)
        transaction.set_rollback(True)


def _check(world, key: str, personas) -> list[str]:
    route = ROUTES[key]
    problems = []
    for row in _rows(EXPECTATIONS[key]):
        where = f" ({row.label})" if row.label else ""
        for persona in personas:
            answer = request(world, route, row, persona)
            expected = expected_for(row, persona, api=route.api)
            got = outcome_of(answer, api=route.api)
            if answer.status >= 500:
                problems.append(f"{key}{where} {persona}: server error {answer.status}")
            elif got != expected:
                problems.append(f"{key}{where} {persona}: expected {expected} got {answer.status}")
    return problems


# The matrix ------------------------------------------------------------------------------
@pytest.mark.parametrize("who", ["people", "services"])
@pytest.mark.parametrize("key", sorted(set(ROUTES) | set(EXPECTATIONS)))
def test_access_matrix_core_8(key, who, world):
    if key not in EXPECTATIONS:
        pytest.fail(f"declare who may use {key} in tests/test_access_matrix.py", pytrace=False)
    if key not in ROUTES:
        pytest.fail(
            f"{key} is declared in tests/test_access_matrix.py but no longer exists",
            pytrace=False,
        )
    if who == "services" and world_module.service_token_create is None:
        pytest.skip("service tokens (core.tokens.service_token_create) have not landed yet")
    personas = ("anonymous", *PEOPLE) if who == "people" else SERVICES
    problems = _check(world, key, personas)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("key", SCOPED_LISTS)
def test_lists_are_scoped_core_8(key, world):
    """Team A's case never shows in team B's lists, and does in the admin's."""
    route = ROUTES[key]
    row = _rows(EXPECTATIONS[key])[0]
    reference = world.objects["case_a"].reference.encode()
    problems = []
    for persona in ("agent_other", "lead_other", "admin"):
        if row.expect[persona] != OK:
            continue
        answer = request(world, route, row, persona)
        if answer.status != 200:
            problems.append(f"{key} {persona}: expected 200 got {answer.status}")
        elif (reference in answer.content) != (persona == "admin"):
            seen = "shows" if reference in answer.content else "does not show"
            problems.append(f"{key} {persona}: {seen} team A's case {reference.decode()}")
    assert not problems, "\n".join(problems)


def test_case_list_counts_only_visible_cases_core_8(world):
    """The API count is scoped in the query too: team B sees its case and the intake."""
    route = ROUTES["GET /api/v1/cases/"]
    row = EXPECTATIONS["GET /api/v1/cases/"]
    objects = world.objects
    expected = {
        "agent_other": {objects["case_b"].reference, objects["intake"].reference},
        "lead_other": {objects["case_b"].reference, objects["intake"].reference},
        "admin": {objects[n].reference for n in ("case_a", "case_b", "case_a_new", "intake")},
    }
    for persona, references in expected.items():
        body = json.loads(request(world, route, row, persona).content)
        got = {r["reference"] for r in body["results"]} & {
            objects[n].reference for n in ("case_a", "case_b", "case_a_new", "intake")
        }
        assert got == references, persona
        if persona != "admin":
            assert body["count"] == len(body["results"]), persona


def test_contact_info_read_audited_esc_7(world):
    """The requester reads the approved contact info, and the read is in the audit trail."""
    key = "GET /api/v1/contact-requests/{id}/contact-info/"
    approved = world.objects["approved_request"]
    reader = world.users["agent_assignee"]
    targets = {
        (ContentType.objects.get_for_model(ContactInfoRequest), str(approved.pk)),
        (ContentType.objects.get_for_model(Case), str(approved.case_id)),
    }
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {world.api_tokens['agent_assignee']}")
    with transaction.atomic():
        last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
        response = client.get(fill(ROUTES[key].path, EXPECTATIONS[key], world))
        assert response.status_code == 200, response.content
        assert response.json()["email"], response.json()
        new = list(AuditEvent.objects.filter(id__gt=last, actor=reader))
        transaction.set_rollback(True)
    assert any((e.target_type, e.target_id) in targets for e in new), (
        f"no audit event by {reader.username} on the contact-info request or its case "
        f"after the read (new events: {[e.action for e in new]})"
    )
