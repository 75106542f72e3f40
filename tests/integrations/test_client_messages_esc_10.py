"""ESC-10: a sent macro or a client-visible note is emailed to the client (threaded, with
a reply address that carries the case), its delivery status is on the timeline, a
failure is retried and can be sent again; internal notes never leave; a ticket case
also tells its ticketing system (case.client_message)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from escalations.models import CaseEvent, Macro, Visibility
from escalations.services import case_claim, case_create, macro_send, note_add
from integrations.messages import (
    case_reference_in,
    client_message_deliver,
    client_messages_requeue,
    reply_address,
)
from integrations.models import ClientMessage, OutboundEvent, TeamMailbox

pytestmark = pytest.mark.django_db


@pytest.fixture
def claimed_case(agent):
    case = case_create(
        actor=agent,
        title="Freelancer went silent",
        client_name="Dana Client",
        client_email="dana.client@example.com",
        issue_summary="your freelancer not responding",
    )
    return case_claim(case=case, agent=agent)


@pytest.fixture
def macro(db):
    return Macro.objects.create(
        name="Checking in",
        slug="checking-in",
        subject="About {{ case_reference }}",
        body="Hi {{ client_first_name }}, we are on it.\n{{ agent_name }}",
    )


def test_macro_send_emails_the_client_once_with_reply_address_and_sent_status_esc_10(
    claimed_case, macro, agent, team, django_capture_on_commit_callbacks
):
    TeamMailbox.objects.create(team=team, from_email="escalations@desk.example", from_name="Exec")
    with django_capture_on_commit_callbacks(execute=True):
        event = macro_send(macro=macro, case=claimed_case, agent=agent)
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["dana.client@example.com"]
    assert email.from_email == "Exec <escalations@desk.example>"
    assert email.reply_to == [reply_address(claimed_case)]
    assert email.reply_to[0].startswith(f"case+{claimed_case.reference.lower()}.")
    assert case_reference_in(email.reply_to[0]) == claimed_case.reference
    assert claimed_case.reference in email.subject
    assert "we are on it" in email.body
    message = ClientMessage.objects.get(event=event)
    assert message.status == "sent" and message.attempts == 1
    assert email.extra_headers["Message-ID"] == message.message_id
    # The timeline entry shows it was emailed.
    assert CaseEvent.objects.get(pk=event.pk).client_message.status == "sent"


def test_messages_are_threaded_per_case_esc_10(
    claimed_case, macro, agent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        macro_send(macro=macro, case=claimed_case, agent=agent)
        note_add(
            case=claimed_case,
            author=agent,
            body="Update: the freelancer answered.",
            visibility=Visibility.CLIENT_VISIBLE,
        )
    first, second = mail.outbox
    first_id = first.extra_headers["Message-ID"]
    assert "In-Reply-To" not in first.extra_headers
    assert second.extra_headers["In-Reply-To"] == first_id
    assert first_id in second.extra_headers["References"]
    assert second.extra_headers["Message-ID"] != first_id


def test_internal_notes_never_leave_esc_10(claimed_case, agent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        note_add(case=claimed_case, author=agent, body="Client is difficult; offer nothing.")
    assert mail.outbox == []
    assert not ClientMessage.objects.exists()
    payloads = " ".join(str(e.payload) for e in OutboundEvent.objects.all())
    assert "difficult" not in payloads


def test_failed_email_is_retried_then_marked_failed_and_can_be_sent_again_esc_10(
    claimed_case, macro, agent, settings, client, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.integrations.failing_email.FailingBackend"
    with django_capture_on_commit_callbacks(execute=True):  # its task retries later
        event = macro_send(macro=macro, case=claimed_case, agent=agent)
    message = ClientMessage.objects.get(event=event)
    assert message.status == "queued" and "mail server down" in message.last_error
    client.force_login(agent)
    page = client.get(claimed_case.get_absolute_url())
    assert (
        b"Email queued" in page.content
        and b"Retrying: The mail server refused the connection" in page.content
    )
    for retry in range(1, 6):  # what the task's five retries do; the last one gives up
        assert client_message_deliver(message_id=message.pk, final=retry == 5) is False
    message.refresh_from_db()
    assert message.status == "failed"  # never silently dropped: failed, with the reason
    assert "mail server down" in message.last_error
    assert message.attempts == 6  # the first try and five retries
    page = client.get(claimed_case.get_absolute_url())
    assert b"Email not sent" in page.content and b"mail server down" in page.content
    assert b"Send again" in page.content

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/cases/{claimed_case.reference}/messages/{message.pk}/resend/", follow=True
        )
    assert response.status_code == 200
    message.refresh_from_db()
    assert message.status == "sent" and message.attempts == 7
    assert len(mail.outbox) == 1
    assert mail.outbox[0].extra_headers["Message-ID"] == message.message_id
    assert b"queued to be emailed again" in response.content
    page = client.get(claimed_case.get_absolute_url())
    assert b"Emailed" in page.content and b"after 7 tries" in page.content


def test_teammate_cannot_resend_and_other_team_gets_404_esc_10(
    claimed_case, macro, agent, other_agent, settings, client, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.integrations.failing_email.FailingBackend"
    with django_capture_on_commit_callbacks(execute=True):  # its task retries later
        event = macro_send(macro=macro, case=claimed_case, agent=agent)
    message = ClientMessage.objects.get(event=event)
    client_message_deliver(message_id=message.pk, final=True)
    client.force_login(other_agent)
    url = f"/cases/{claimed_case.reference}/messages/{message.pk}/resend/"
    assert client.post(url).status_code == 403
    from tests.factories import TeamFactory, UserFactory

    stranger = UserFactory(username="stranger", role="agent", team=TeamFactory(name="Other"))
    client.force_login(stranger)
    assert client.post(url).status_code == 404
    message.refresh_from_db()
    assert message.status == "failed"


def test_lost_task_is_queued_again_by_the_requeue_sweep_esc_10(
    claimed_case, macro, agent, django_capture_on_commit_callbacks
):
    macro_send(macro=macro, case=claimed_case, agent=agent)  # on-commit lost: broker down
    message = ClientMessage.objects.get()
    assert message.status == "queued" and mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        assert client_messages_requeue().requeued == 0  # too early
        later = timezone.now() + dt.timedelta(minutes=3)
        assert client_messages_requeue(now=later).requeued == 1
    message.refresh_from_db()
    assert message.status == "sent" and len(mail.outbox) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert client_messages_requeue(now=later + dt.timedelta(minutes=5)).requeued == 0
    assert len(mail.outbox) == 1


def test_no_client_email_is_a_visible_failure_esc_10(
    agent, macro, django_capture_on_commit_callbacks
):
    case = case_claim(
        case=case_create(actor=agent, title="Phone-only client", client_name="Sam"), agent=agent
    )
    with django_capture_on_commit_callbacks(execute=True):
        event = macro_send(macro=macro, case=case, agent=agent)
    message = ClientMessage.objects.get(event=event)
    assert message.status == "failed"
    assert "no client email" in message.last_error
    assert mail.outbox == []


def test_ticket_case_reply_becomes_case_client_message_event_esc_10(
    agent, macro, django_capture_on_commit_callbacks
):
    case = case_create(
        actor=agent,
        title="From the helpdesk",
        client_name="Lee",
        client_email="lee@example.com",
        external_ticket_id="T-1001",
    )
    case = case_claim(case=case, agent=agent)
    with django_capture_on_commit_callbacks(execute=True):
        macro_send(macro=macro, case=case, agent=agent)
    event = OutboundEvent.objects.get(event_type="case.client_message")
    assert event.source_system == "tickets"
    assert event.payload["case"]["external_ticket_id"] == "T-1001"
    assert "we are on it" in event.payload["message"]["body"]
    assert "lee@example.com" not in str(event.payload)


def test_message_status_api_lists_without_addresses_esc_10(
    claimed_case, macro, agent, agent_api, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        macro_send(macro=macro, case=claimed_case, agent=agent)
    response = agent_api.get(f"/api/v1/client-messages/?case={claimed_case.reference}")
    assert response.status_code == 200
    (row,) = response.json()["results"]
    assert row["status"] == "sent" and row["case"] == claimed_case.reference
    assert "dana.client@example.com" not in response.content.decode()
