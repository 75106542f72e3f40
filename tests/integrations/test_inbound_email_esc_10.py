"""ESC-10 client replies by email: signed like the ticket webhook, raw RFC 822 in, the case
found from the reply address or the references, quoted history stripped, paused clocks
resumed, unknown senders open a general case, a replayed Message-ID changes nothing."""

from __future__ import annotations

import time
from email.message import EmailMessage

import pytest
from django.core import mail

from core.models import ClockState, SlaClock
from escalations.models import Case, CaseEvent, EventKind, Macro
from escalations.services import (
    case_claim,
    case_create,
    case_record_contact_attempt,
    case_transition,
    macro_send,
)
from escalations.webhooks import sign
from integrations.inbound import strip_quoted
from integrations.messages import reply_address
from integrations.models import InboundEmail

pytestmark = pytest.mark.django_db

SECRET = "inbound-relay-secret-0123456789"
URL = "/api/v1/webhooks/email/"


@pytest.fixture(autouse=True)
def inbound_secret(settings):
    settings.INBOUND_EMAIL_SECRET = SECRET


def raw_email(*, to, subject="Re: About your case", body="Thanks!", message_id=None, **headers):
    message = EmailMessage()
    message["From"] = headers.pop("sender", "Dana Client <dana.client@example.com>")
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = message_id or f"<{time.time_ns()}@mail.example.com>"
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message.as_bytes()


def post(api_client, body: bytes, *, secret=SECRET, timestamp=None):
    timestamp = int(time.time()) if timestamp is None else timestamp
    return api_client.generic(
        "POST",
        URL,
        body,
        content_type="message/rfc822",
        HTTP_X_DESK_TIMESTAMP=str(timestamp),
        HTTP_X_DESK_SIGNATURE=sign(secret=secret, timestamp=timestamp, body=body),
    )


@pytest.fixture
def waiting_case(agent, django_capture_on_commit_callbacks):
    """A claimed case the agent answered, now waiting on the client (clocks paused)."""
    case = case_create(
        actor=agent,
        title="Freelancer went silent",
        client_name="Dana Client",
        client_email="dana.client@example.com",
        kind="unresponsive_freelancer",
    )
    case = case_claim(case=case, agent=agent)
    # The first freelancer contact attempt starts the client follow-up clock.
    case_record_contact_attempt(
        case=case, agent=agent, channel="email", research_incomplete_ok=True
    )
    macro = Macro.objects.create(
        name="Ask", slug="ask", subject="About {{ case_reference }}", body="Which contract?"
    )
    with django_capture_on_commit_callbacks(execute=True):
        macro_send(macro=macro, case=case, agent=agent)
    case = case_transition(case=case, to_status="in_progress", actor=agent)
    case = case_transition(case=case, to_status="waiting_on_client", actor=agent)
    return case


def _clocks(case):
    return SlaClock.objects.filter(case=case)


def test_reply_to_case_address_lands_on_case_and_resumes_its_clock_esc_10(
    waiting_case, api_client, agent
):
    paused = list(_clocks(waiting_case).filter(state=ClockState.PAUSED))
    assert paused, "the case's open clocks are paused while it waits on the client"
    body = raw_email(
        to=reply_address(waiting_case),
        body="It is contract 4411.\n\nOn Mon, 30 Nov 2026 at 10:02, Desk wrote:\n> Which contract?",
    )
    response = post(api_client, body)
    assert response.status_code == 200, response.content
    result = response.json()
    assert result["case"] == waiting_case.reference
    assert result["matched_by"] == "address" and result["replayed"] is False
    waiting_case.refresh_from_db()
    assert waiting_case.status == "in_progress"
    assert all(
        c.state == ClockState.RUNNING
        for c in _clocks(waiting_case).filter(pk__in=[c.pk for c in paused])
    )
    reply = CaseEvent.objects.get(case=waiting_case, kind=EventKind.CLIENT_MESSAGE)
    assert reply.body == "It is contract 4411."
    assert reply.visibility == "client_visible"
    assert len(mail.outbox) == 1  # the agent's reply went out (and nothing else)
    assert agent.notifications.filter(kind="client_replied").exists()  # the agent hears


def test_reply_found_from_references_esc_10(waiting_case, api_client):
    sent_id = mail.outbox[0].extra_headers["Message-ID"]
    body = raw_email(to="support@desk.example", In_Reply_To=sent_id, References=sent_id)
    response = post(api_client, body)
    assert response.status_code == 200
    assert response.json()["case"] == waiting_case.reference
    assert response.json()["matched_by"] == "thread"


def test_replayed_message_id_changes_nothing_esc_10(waiting_case, api_client):
    body = raw_email(to=reply_address(waiting_case), message_id="<once@mail.example.com>")
    first = post(api_client, body)
    again = post(api_client, body)
    assert first.status_code == again.status_code == 200
    assert again.json()["replayed"] is True and again["Idempotent-Replay"] == "true"
    assert again.json()["case"] == first.json()["case"]
    assert CaseEvent.objects.filter(kind=EventKind.CLIENT_MESSAGE).count() == 1
    assert InboundEmail.objects.count() == 1


def test_message_for_no_case_opens_a_general_case_esc_10(db, api_client):
    body = raw_email(
        to="help@desk.example",
        subject="My freelancer disappeared",
        sender="Pat Newcomer <pat@newco.example>",
        body="Nobody answers since Friday.",
    )
    response = post(api_client, body)
    assert response.status_code == 201, response.content
    case = Case.objects.get(reference=response.json()["case"])
    assert case.kind == "general" and case.source_channel == "email"
    assert case.client_email == "pat@newco.example" and case.client_name == "Pat Newcomer"
    assert case.title == "My freelancer disappeared"
    assert case.events.get(kind=EventKind.CLIENT_MESSAGE).body == "Nobody answers since Friday."
    assert post(api_client, body).json()["replayed"] is True
    assert Case.objects.count() == 1


def test_forged_reply_address_is_not_trusted_esc_10(waiting_case, api_client):
    forged = reply_address(waiting_case).replace(".", ".0", 1)
    response = post(api_client, raw_email(to=forged))
    assert response.status_code == 201  # not the case: a new one
    assert response.json()["case"] != waiting_case.reference


def test_signature_required_and_checked_esc_10(db, api_client, settings):
    body = raw_email(to="help@desk.example")
    assert post(api_client, body, secret="wrong-secret-0123456789").status_code == 401
    stale = post(api_client, body, timestamp=int(time.time()) - 3600)
    assert stale.status_code == 401
    unsigned = api_client.generic("POST", URL, body, content_type="message/rfc822")
    assert unsigned.status_code == 401
    settings.INBOUND_EMAIL_SECRET = ""
    assert post(api_client, body).status_code == 503
    assert not Case.objects.exists()


@pytest.mark.parametrize("junk", [b"", b"not an email at all", b"\x00\x01\x02"])
def test_junk_bodies_are_400_esc_10(db, api_client, junk):
    response = post(api_client, junk)
    assert response.status_code == 400, response.content
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "Yes, thanks.\n\nOn Mon, Nov 30, 2026 at 9:14 AM Desk <case+esc-1.ab@x>\nwrote:\n> hi",
            "Yes, thanks.",
        ),
        ("Done.\n\n-----Original Message-----\nFrom: Desk\nSent: Monday\n\nold", "Done."),
        (
            "Got it\n\nFrom: Escalations <desk@example.com>\nSent: 30 November 2026\nTo: me\n",
            "Got it",
        ),
        ("See below\n> quoted line\n>> older\nand my answer", "See below\nand my answer"),
        ("Merci\n\nLe lun. 30 nov. 2026 à 10:00, Desk a écrit :\n> salut", "Merci"),
        ("Thanks\n-- \nDana Client\nCEO, Example Co", "Thanks"),
        ("From: my side all is fine", "From: my side all is fine"),
    ],
)
def test_quoted_history_is_stripped_esc_10(text, expected):
    assert strip_quoted(text) == expected


def test_html_only_reply_drops_blockquote_esc_10(waiting_case, api_client):
    message = EmailMessage()
    message["From"] = "dana.client@example.com"
    message["To"] = reply_address(waiting_case)
    message["Subject"] = "Re: About it"
    message["Message-ID"] = "<html-1@mail.example.com>"
    message.set_content(
        "<div>Contract <b>4411</b>.</div><blockquote>Which contract?</blockquote>",
        subtype="html",
    )
    response = post(api_client, message.as_bytes())
    assert response.status_code == 200
    reply = CaseEvent.objects.get(case=waiting_case, kind=EventKind.CLIENT_MESSAGE)
    assert reply.body == "Contract 4411."


def test_control_characters_never_reach_the_case_esc_10(db, api_client):
    body = (
        b"From: Nul\x00Name <nul@example.com>\r\nTo: help@desk.example\r\n"
        b"Subject: Hello\x07there\r\nMessage-ID: <ctl-1@mail.example.com>\r\n\r\n"
        b"Line one\x00 and\x1b more\r\nLine two\r\n"
    )
    response = post(api_client, body)
    assert response.status_code == 201, response.content
    case = Case.objects.get(reference=response.json()["case"])
    text = case.events.get(kind=EventKind.CLIENT_MESSAGE).body
    assert "\x00" not in text and "\x1b" not in text and "Line two" in text
    assert "\x00" not in case.client_name and "\x07" not in case.title
