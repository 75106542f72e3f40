"""Outcomes, rows of the access table, and one request per (route, persona).

Outcomes (what a persona must get):

- ``OK``: anything but 401/403/404/405/500 (an allowed user may still get 400 for the
  empty body, or 409 for a state conflict); on a page, not a redirect to a login page.
- ``DENY``: 403. ``HIDE``: 404. ``AUTH``: 401 on the API, a redirect to a login page on
  pages (the admin index redirects to the admin's login).

On pages a service token is no credential: service personas expect what ``anonymous``
expects. No response may be a 500, whatever was expected.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.db import transaction
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from escalations.models import Case

from .world import SERVICES, World

OK, DENY, HIDE, AUTH = "OK", "DENY", "HIDE", "AUTH"
NOT_OK = {401, 403, 404, 405, 500}


@dataclass(frozen=True)
class Rule:
    """Who gets what on one route, for one set of objects."""

    expect: dict  # persona -> outcome
    scope: str = ""  # the scope the ``service_scoped`` token holds for this route
    objects: dict = field(default_factory=dict)  # path parameter -> world object name
    query: dict = field(default_factory=dict)  # "@name" values are world objects
    body: dict = field(default_factory=dict)
    label: str = ""  # which objects, when a route has several rows


def rule(
    *,
    anonymous=AUTH,
    agent_assignee,
    agent_same,
    agent_other,
    lead_own,
    lead_other,
    admin,
    service_scoped=DENY,
    service_unscoped=DENY,
    scope="",
    **details,
) -> Rule:
    expect = {
        "anonymous": anonymous,
        "agent_assignee": agent_assignee,
        "agent_same": agent_same,
        "agent_other": agent_other,
        "lead_own": lead_own,
        "lead_other": lead_other,
        "admin": admin,
        "service_scoped": service_scoped,
        "service_unscoped": service_unscoped,
    }
    return Rule(expect=expect, scope=scope, **details)


# Parameter values ------------------------------------------------------------------------
# ``{id}``/``{pk}`` mean different objects under different collections.
ID_BY_COLLECTION = {
    "audit": "audit_event",
    "calendars": "calendar_slug",
    "claims": "ufl_claim",  # issue 11: /cases/{reference}/ufl/claims/{id}/
    "contact-requests": "pending_request",
    "freelancers": "freelancer",
    "agencies": "agency",
    "imports": "import_job",
    "import": "import_job",
    "macros": "macro",
    "notifications": "notification",
    "rules": "rules",
    "shortlists": "shortlist",
    "sla-clocks": "clock",
    "teams": "team_a",
    # Hiring (issue 13)
    "rounds": "hiring_round",
    "applicants": "hiring_applicant",
    "postings": "hiring_posting",
    # Workforce (issue 14): /workforce/agents/{pk}/manual-time/
    "agents": "user:agent_assignee",
    "users": "user:agent_assignee",
    # Integrations (issue 15)
    "webhook-endpoints": "webhook_endpoint",
    "webhook-deliveries": "webhook_delivery",
    "resources": "resource",
    "client-messages": "client_message",
}
PARAM_OBJECTS = {
    "reference": "case_a",
    "key": "checklist_item.key",
    "item_id": "checklist_item",
    "claim_id": "ufl_claim",  # issue 11
    "clock_id": "clock",
    "slug": "calendar_slug",
    "kind": "=freelancers",
    # Hiring (issue 13): the applicant's signed link and the first drawn question
    "token": "hiring_token",
    "number": "=1",
    # Workforce (issue 14): the client's signed rating link
    "signed": "csat_link",
    "message_id": "client_message",  # integrations (issue 15)
}


def world_value(world: World, name: str):
    if name.startswith("="):
        return name[1:]
    if name.startswith("user:"):
        return world.users[name[5:]].pk
    name, _, attr = name.partition(".")
    obj = world.objects[name]
    if attr:
        return getattr(obj, attr)
    if isinstance(obj, Case):
        return obj.reference
    return getattr(obj, "pk", obj)


def fill(path: str, rule: Rule, world: World) -> str:
    segments = path.split("/")
    for i, segment in enumerate(segments):
        if not (segment.startswith("{") and "}" in segment):
            continue
        name, rest = segment[1:].split("}", 1)
        source = rule.objects.get(name) or PARAM_OBJECTS.get(name)
        if source is None:  # {id} / {pk}: the collection before it says which object
            source = ID_BY_COLLECTION[segments[i - 1]]
        segments[i] = f"{world_value(world, source)}{rest}"
    return "/".join(segments)


def _resolved(values: dict, world: World) -> dict:
    return {
        k: world_value(world, v[1:]) if str(v).startswith("@") else v for k, v in values.items()
    }


# One request -----------------------------------------------------------------------------
@dataclass
class Answer:
    status: int
    location: str
    content: bytes


def request(world: World, route, rule: Rule, persona: str) -> Answer:
    """Send the route's request as ``persona``, in a transaction that is rolled back."""
    path = fill(route.path, rule, world)
    query = _resolved(rule.query, world)
    body = _resolved(rule.body, world)
    headers = {}
    client = APIClient() if route.api else Client()
    client.raise_request_exception = False
    if persona in SERVICES:
        key = world.service_keys[rule.scope if persona == "service_scoped" else ""]
        headers["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    elif persona != "anonymous":
        if route.api:
            headers["HTTP_AUTHORIZATION"] = f"Token {world.api_tokens[persona]}"
        else:
            client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[persona]
    with transaction.atomic():
        if route.method == "GET":
            response = client.get(path, query, **headers)
        elif route.api:
            target = f"{path}?{urlencode(query)}" if query else path
            response = client.generic(
                route.method, target, json.dumps(body), "application/json", **headers
            )
        else:
            response = client.post(path, body, **headers)
        content = b"".join(response.streaming_content) if response.streaming else response.content
        transaction.set_rollback(True)
    return Answer(response.status_code, response.get("Location", ""), content)


def _login_paths() -> set[str]:
    return {resolve_url(settings.LOGIN_URL), reverse("admin:login")}


def outcome_of(answer: Answer, *, api: bool) -> str:
    """Which outcome an answer is (a status number when it is none of them)."""
    status = answer.status
    if status == 403:
        return DENY
    if status == 404:
        return HIDE
    if api and status == 401:
        return AUTH
    if not api and status in (301, 302) and urlsplit(answer.location).path in _login_paths():
        return AUTH
    if status not in NOT_OK:
        return OK
    return str(status)


def expected_for(rule: Rule, persona: str, *, api: bool) -> str:
    if not api and persona in SERVICES:
        return rule.expect["anonymous"]
    return rule.expect[persona]
