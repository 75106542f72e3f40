"""Demo of the integrations: a team mailbox, a client who writes in by email, gets the
agent's reply with help-center links (delivered), and answers by email into the case.

Idempotent: the inbound messages carry fixed Message-IDs (a replay changes nothing) and
the rest happens only when the case is new. Webhook endpoints are registered only when
``WEBHOOK_ALLOW_PRIVATE_TARGETS`` is on (the demo's receiver is on this machine, which is
a private target; a public documentation address would not be deliverable either).
"""

from __future__ import annotations

import datetime as dt
import importlib
from contextlib import contextmanager
from email.message import EmailMessage

from django.apps import apps as django_apps
from django.conf import settings
from django.utils import timezone

from core.models import Team, User
from escalations.models import Macro, Status
from escalations.services import case_claim, case_transition, case_update, macro_send

from .inbound import inbound_email_receive
from .messages import client_message_deliver, reply_address
from .models import ClientMessage, MessageStatus, TeamMailbox, WebhookEndpoint
from .resources import default_resources, resources_text
from .services import endpoint_save

FIRST_ID = "<hourly-summary-1@avery-studio.example>"
REPLY_ID = "<hourly-summary-2@avery-studio.example>"
DEMO_RECEIVER = "http://127.0.0.1:8199"


@contextmanager
def _at(when: dt.datetime):
    import time_machine  # a dev dependency: seed_demo is a development command

    with time_machine.travel(when, tick=False):
        yield


def _email(*, message_id: str, to: str, subject: str, body: str, **headers) -> bytes:
    message = EmailMessage()
    message["From"] = "Avery Stone <avery@avery-studio.example>"
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = message_id
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message.as_bytes()


def _endpoints(admin) -> int:
    if not getattr(settings, "WEBHOOK_ALLOW_PRIVATE_TARGETS", False):
        return 0
    made = 0
    for name, path, types, active in (
        ("Helpdesk sync", "/helpdesk", ["case.*", "clock.*"], True),
        ("Finance reporting", "/finance", ["credit.*"], False),
    ):
        if WebhookEndpoint.objects.filter(name=name).exists():
            continue
        endpoint_save(
            actor=admin,
            name=name,
            url=DEMO_RECEIVER + path,
            secret=f"{name.lower().replace(' ', '-')}-shared-secret",
            event_types=types,
            source_system="tickets" if active else "",
            active=active,
        )
        made += 1
    return made


def _ensure_default_packs() -> None:
    """The packs and macro of migration 0003, again: a flushed database (transactional tests)
    has lost what the migration wrote. Its ``forwards`` is idempotent."""
    migration = importlib.import_module("integrations.migrations.0003_default_resource_packs")
    migration.forwards(django_apps, None)


def seed(out) -> list:
    alice = User.objects.filter(username="alice").first()
    admin = User.objects.filter(username="admin").first()
    team = Team.objects.filter(name="Executive Escalations").first()
    if not (alice and admin and team):
        out.write("integrations demo: demo users missing, skipped")
        return []
    TeamMailbox.objects.get_or_create(
        team=team,
        defaults={"from_email": "escalations@example.com", "from_name": "Executive Escalations"},
    )
    endpoints = _endpoints(admin)
    now = timezone.now().replace(microsecond=0)

    with _at(now - dt.timedelta(hours=5)):
        result, replayed = inbound_email_receive(
            raw=_email(
                message_id=FIRST_ID,
                to="help@example.com",
                subject="Where do I see the hours my freelancer logged?",
                body="Hi, I hired a developer on an hourly contract last week. How do I "
                "know what they worked on before I pay?\n\nAvery",
            )
        )
    if replayed:
        out.write("integrations demo: already seeded")
        return []
    from escalations.models import Case

    case = Case.objects.get(reference=result["case"])
    with _at(now - dt.timedelta(hours=4, minutes=40)):
        case = case_update(
            case=case, actor=None, contract_type="hourly", reason="Hourly contract on file"
        )
        case = case_claim(case=case, agent=alice)
    _ensure_default_packs()
    macro = Macro.objects.get(slug="helpful-resources")
    with _at(now - dt.timedelta(hours=4, minutes=30)):
        event = macro_send(
            macro=macro,
            case=case,
            agent=alice,
            extra={"resources": resources_text(default_resources(case)[:3])},
        )
        for message in ClientMessage.objects.filter(event=event, status=MessageStatus.QUEUED):
            client_message_deliver(message_id=message.pk)
        case = case_transition(
            case=case,
            to_status=Status.WAITING_ON_CLIENT,
            actor=alice,
            reason="Sent the weekly summary links; waiting for the client to check.",
        )
    sent = ClientMessage.objects.get(event=event)
    with _at(now - dt.timedelta(hours=2)):
        inbound_email_receive(
            raw=_email(
                message_id=REPLY_ID,
                to=reply_address(case),
                subject=f"Re: {sent.subject}",
                body="Found it, the Monday summary was in my promotions folder. Thanks!\n\n"
                f"On {(now - dt.timedelta(hours=4)):%a, %d %b %Y}, Alice wrote:\n"
                "> Thanks for your patience",
                In_Reply_To=sent.message_id,
                References=sent.message_id,
            )
        )
    out.write(
        f"integrations demo: {case.reference} (email in, reply delivered, client answered), "
        f"{endpoints} webhook endpoints"
        + ("" if endpoints else " (private targets not allowed: none registered)")
    )
    return [case]
