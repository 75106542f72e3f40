"""API-3 outbound webhooks: signed, retried with back-off for 24 h with the same event id,
logged per attempt, disabled after sustained failure, replayable, never into a private
network unless allowed, and never carrying notes, credit reasoning or contact details."""

from __future__ import annotations

import datetime as dt
import socket

import pytest
import time_machine
from django.utils import timezone

from core.errors import InvalidInput
from core.models import Notification
from escalations.models import Visibility
from escalations.services import case_claim, case_transition, note_add
from integrations import delivery
from integrations.delivery import event_body, retry_delay, webhook_sweep
from integrations.events import publish_event
from integrations.models import OutboundEvent, WebhookDelivery, WebhookEndpoint
from integrations.services import endpoint_save
from tests.factories import TeamFactory

from .conftest import SECRET

pytestmark = pytest.mark.django_db


@pytest.fixture
def make_case(agent):
    from escalations.services import case_create

    def make(**fields):
        values = {
            "title": "Freelancer went silent",
            "client_name": "Dana Client",
            "client_email": "dana.client@example.com",
            "client_phone": "+1 415 555 0199",
        }
        return case_create(actor=agent, **{**values, **fields})

    return make


def _sweep_at(moment, capture=None):
    """The beat sweep at ``moment``; with ``capture``, the tasks it queues run then too."""
    with time_machine.travel(moment, tick=False):
        if capture is None:
            webhook_sweep()
            return
        with capture(execute=True):
            webhook_sweep()


def test_receiver_verifies_signature_and_sees_event_id_and_instant_api_3(
    endpoint, receiver, make_case, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case = make_case()
    assert len(receiver.received) == 1
    got = receiver.received[0]
    assert got.signature_ok
    document = got.document
    event = OutboundEvent.objects.get(event_type="case.created")
    assert document["id"] == str(event.event_id) == got.headers["X-Desk-Event-Id"]
    assert document["type"] == "case.created"
    assert document["data"]["case"]["reference"] == case.reference
    assert dt.datetime.fromisoformat(document["occurred_at"]) == event.occurred_at
    header = got.headers["X-Desk-Signature"]
    assert header.startswith("t=") and ",v1=" in header
    # A forged body does not verify with the same header.
    forged = type(got).arrived(got.headers, got.body.replace(b"case.created", b"case.deleted"))
    assert not forged.signature_ok
    delivered = WebhookDelivery.objects.get(event=event)
    assert delivered.status == "delivered"
    attempt = delivered.log.get()
    assert attempt.status_code == 200 and attempt.latency_ms >= 0
    assert "ok" in attempt.response_excerpt


def test_500_then_200_gives_two_attempts_one_logical_delivery_api_3(
    endpoint, receiver, django_capture_on_commit_callbacks
):
    receiver.answer(500)
    with django_capture_on_commit_callbacks(execute=True):
        publish_event("case.created", {"case": {"reference": "ESC-000001"}})
    item = WebhookDelivery.objects.get()
    assert item.status == "pending" and item.attempts == 1
    assert item.last_status_code == 500
    wait = item.next_attempt_at - timezone.now()
    assert dt.timedelta(seconds=10) <= wait <= dt.timedelta(seconds=31)

    _sweep_at(timezone.now() + dt.timedelta(seconds=5))  # not due yet: nothing sent
    assert len(receiver.received) == 1
    _sweep_at(item.next_attempt_at + dt.timedelta(seconds=1), django_capture_on_commit_callbacks)
    item.refresh_from_db()
    assert item.status == "delivered" and item.attempts == 2
    assert len(receiver.received) == 2
    assert len(set(receiver.event_ids)) == 1  # the same event id on the retry
    assert all(r.signature_ok for r in receiver.received)
    assert [a.status_code for a in item.log.order_by("attempted_at")] == [500, 200]
    assert WebhookDelivery.objects.count() == 1


def test_retry_schedule_exponential_with_jitter_then_gives_up_after_24_hours_api_3(
    endpoint, receiver, django_capture_on_commit_callbacks
):
    for attempt in range(1, 12):
        ceiling = min(3600, 30 * 2 ** (attempt - 1))
        delays = {retry_delay(attempt).total_seconds() for _ in range(20)}
        assert all(ceiling / 2 <= d <= ceiling for d in delays)
        assert len(delays) > 1  # jitter
    receiver.answer(*[503] * 200)
    start = timezone.now()
    with (
        time_machine.travel(start, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        publish_event("clock.breached", {"clock": {"id": 1}})
    item = WebhookDelivery.objects.get()
    moment = start
    while item.status == "pending":
        moment = item.next_attempt_at + dt.timedelta(seconds=1)
        _sweep_at(moment, django_capture_on_commit_callbacks)
        item.refresh_from_db()
    assert item.status == "failed"
    assert "Gave up after 24 hours" in item.last_error
    assert moment - start <= dt.timedelta(hours=24, minutes=1)
    assert moment - start >= dt.timedelta(hours=22)
    assert 20 <= item.attempts <= 60
    assert len(set(receiver.event_ids)) == 1
    assert all(r.signature_ok for r in receiver.received)


def test_timeout_and_429_are_retried_other_4xx_fail_at_once_api_3(
    endpoint, receiver, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_TIMEOUT_SECONDS = 0.3
    receiver.answer((200, 1.0), 429, 404)
    with django_capture_on_commit_callbacks(execute=True):
        publish_event("case.claimed", {"case": {"reference": "ESC-000002"}})
    item = WebhookDelivery.objects.get()
    assert item.status == "pending" and item.last_status_code is None
    assert "timed out" in item.last_error.lower()
    for _ in range(2):
        _sweep_at(
            item.next_attempt_at + dt.timedelta(seconds=1), django_capture_on_commit_callbacks
        )
        item.refresh_from_db()
    assert item.status == "failed" and item.last_status_code == 404
    assert [a.status_code for a in item.log.order_by("attempted_at")] == [None, 429, 404]


def test_disabled_endpoint_stops_receiving_api_3(
    endpoint, receiver, admin_user, django_capture_on_commit_callbacks
):
    receiver.answer(500)
    with django_capture_on_commit_callbacks(execute=True):
        publish_event("case.created", {"case": {"reference": "ESC-000003"}})
    pending = WebhookDelivery.objects.get()
    endpoint_save(
        actor=admin_user,
        endpoint=endpoint,
        name=endpoint.name,
        url=endpoint.url,
        secret=SECRET,
        event_types=["*"],
        active=False,
    )
    with django_capture_on_commit_callbacks(execute=True):
        publish_event("case.created", {"case": {"reference": "ESC-000004"}})
    _sweep_at(pending.next_attempt_at + dt.timedelta(seconds=1), django_capture_on_commit_callbacks)
    pending.refresh_from_db()
    assert pending.status == "failed" and "disabled" in pending.last_error
    assert len(receiver.received) == 1  # only the first try, before it was turned off
    assert WebhookDelivery.objects.count() == 1  # no delivery for the later event


def test_sustained_failure_disables_endpoint_and_tells_admins_api_3(
    endpoint, receiver, settings, admin_user, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_DISABLE_AFTER_FAILURES = 3
    settings.WEBHOOK_DISABLE_AFTER_HOURS = 0
    receiver.answer(500, 500, 500)
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(3):
            publish_event("case.created", {"case": {"reference": f"ESC-00001{n}"}})
    endpoint.refresh_from_db()
    assert not endpoint.active and endpoint.disabled_at is not None
    assert "3 failed tries" in endpoint.disabled_reason
    notice = Notification.objects.get(recipient=admin_user, kind="webhook_endpoint_disabled")
    assert endpoint.name in notice.title
    with django_capture_on_commit_callbacks(execute=True):
        publish_event("case.created", {"case": {"reference": "ESC-000020"}})
    assert len(receiver.received) == 3


def test_admin_replays_one_event_with_the_same_id_api_3(
    endpoint, receiver, admin_api, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        publish_event("case.assigned", {"case": {"reference": "ESC-000005"}})
    original = WebhookDelivery.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_api.post(f"/api/v1/webhook-deliveries/{original.pk}/replay/")
    assert response.status_code == 202, response.content
    assert response.json()["replay_of"] == original.pk
    assert len(receiver.received) == 2
    assert receiver.event_ids[0] == receiver.event_ids[1] == str(original.event.event_id)
    assert receiver.received[1].signature_ok


def test_admin_replays_a_range_api_3(
    endpoint, receiver, admin_api, django_capture_on_commit_callbacks
):
    start = timezone.now()
    for hours in (1, 2, 30):
        with (
            time_machine.travel(start + dt.timedelta(hours=hours), tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            publish_event("case.created", {"case": {"reference": f"ESC-0000{hours:02d}"}})
    assert len(receiver.received) == 3
    body = {
        "since": (start + dt.timedelta(minutes=30)).isoformat(),
        "until": (start + dt.timedelta(hours=3)).isoformat(),
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_api.post(
            f"/api/v1/webhook-endpoints/{endpoint.pk}/replay/", body, format="json"
        )
    assert response.status_code == 202, response.content
    assert response.json()["replayed"] == 2
    assert receiver.event_ids[3:] == receiver.event_ids[:2]
    bad = admin_api.post(
        f"/api/v1/webhook-endpoints/{endpoint.pk}/replay/",
        {"since": body["until"], "until": body["since"]},
        format="json",
    )
    assert bad.status_code == 400 and "until" in bad.json()["error"]["fields"]


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/hook",
        "http://10.1.2.3/hook",
        "http://192.168.0.10/hook",
        "http://172.16.5.4/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/hook",
        "http://[::ffff:10.0.0.1]/hook",
        "http://0.0.0.0/hook",
        "http://224.0.0.1/hook",
        "http://localhost/hook",
        "ftp://example.com/hook",
        "file:///etc/passwd",
        "http://user:pass@example.com/hook",
        "http://[::1/hook",
        "http://example.com:99999/hook",
    ],
)
def test_private_or_non_http_targets_refused_at_registration_api_3(admin_api, url):
    response = admin_api.post(
        "/api/v1/webhook-endpoints/",
        {"name": "Probe", "url": url, "secret": SECRET, "event_types": ["*"]},
        format="json",
    )
    assert response.status_code == 400, response.content
    assert "url" in response.json()["error"]["fields"]
    assert not WebhookEndpoint.objects.exists()


def test_host_resolving_to_any_private_address_refused_api_3(admin_api, monkeypatch):
    def resolve(host, port, *args, **kwargs):  # DNS is the outside world: mocked
        addresses = ["93.184.215.14", "10.0.0.7"] if host == "mixed.example" else ["93.184.215.14"]
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port)) for a in addresses]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    body = {"name": "Mixed", "secret": SECRET, "event_types": ["case.*"]}
    refused = admin_api.post(
        "/api/v1/webhook-endpoints/", {**body, "url": "https://mixed.example/h"}, format="json"
    )
    assert refused.status_code == 400 and "10.0.0.7" in refused.json()["error"]["message"]
    accepted = admin_api.post(
        "/api/v1/webhook-endpoints/", {**body, "url": "https://public.example/h"}, format="json"
    )
    assert accepted.status_code == 201, accepted.content
    assert "secret" not in accepted.json()


def test_private_target_refused_again_at_delivery_time_api_3(
    endpoint, receiver, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False  # an admin turned the permission off
    with django_capture_on_commit_callbacks(execute=True):
        publish_event("case.created", {"case": {"reference": "ESC-000006"}})
    item = WebhookDelivery.objects.get()
    assert item.status == "failed" and item.last_error.startswith("Refused")
    assert receiver.received == []
    with pytest.raises(InvalidInput):
        endpoint_save(
            actor=None,
            name="Again",
            url=receiver.url,
            secret=SECRET,
            event_types=["*"],
        )


def test_no_internal_note_credit_reasoning_or_contact_details_in_any_payload_api_3(
    endpoint, receiver, agent, make_case, django_capture_on_commit_callbacks
):
    secret_note = "Internal: client threatened chargeback, see card 4242"
    with django_capture_on_commit_callbacks(execute=True):
        case = case_claim(case=make_case(contract_type="hourly"), agent=agent)
        note_add(case=case, author=agent, body=secret_note)
        note_add(
            case=case, author=agent, body="We are on it.", visibility=Visibility.CLIENT_VISIBLE
        )
        case_transition(case=case, to_status="in_progress", actor=agent)
        publish_event(
            "credit.issued",
            {
                "credit": {"amount": "25.00", "reasoning": "loyal client", "factors": ["tenure"]},
                "client_email": "dana.client@example.com",
                "contact": {"phone": "+1 415 555 0199", "email": "x@example.org"},
                "summary": "Refund agreed with dana.client@example.com",
                "internal_notes": [secret_note],
            },
            team_id=case.team_id,
        )
    bodies = [event_body(e).decode() for e in OutboundEvent.objects.all()]
    bodies += [r.body.decode() for r in receiver.received]
    assert len(bodies) >= 10
    for body in bodies:
        for forbidden in (
            "dana.client@example.com",
            "x@example.org",
            "555 0199",
            secret_note,
            "loyal client",
            "tenure",
            "reasoning",
        ):
            assert forbidden not in body
    credit = OutboundEvent.objects.get(event_type="credit.issued").payload
    assert credit["credit"] == {"amount": "25.00"}
    assert credit["summary"] == "Refund agreed with [hidden]"


def test_event_types_filter_and_team_scope_api_3(
    endpoint, receiver, admin_user, team, django_capture_on_commit_callbacks
):
    endpoint_save(
        actor=admin_user,
        endpoint=endpoint,
        name=endpoint.name,
        url=endpoint.url,
        secret=SECRET,
        event_types=["clock.*", "case.created"],
        team_id=team.pk,
    )
    with django_capture_on_commit_callbacks(execute=True):
        publish_event("clock.breached", {"clock": {"id": 1}}, team_id=team.pk)
        publish_event("case.created", {"case": {}}, team_id=team.pk)
        publish_event("case.claimed", {"case": {}}, team_id=team.pk)  # not subscribed
        other = TeamFactory(name="Another team")
        publish_event("clock.met", {"clock": {"id": 2}}, team_id=other.pk)  # other team
    assert sorted(r.document["type"] for r in receiver.received) == [
        "case.created",
        "clock.breached",
    ]


def test_event_lost_before_routing_is_routed_by_the_sweep_api_3(
    endpoint, receiver, django_capture_on_commit_callbacks
):
    publish_event("case.created", {"case": {"reference": "ESC-000007"}})  # on-commit lost
    assert receiver.received == [] and not WebhookDelivery.objects.exists()
    _sweep_at(timezone.now() + dt.timedelta(minutes=1), django_capture_on_commit_callbacks)
    assert len(receiver.received) == 1 and receiver.received[0].signature_ok
    _sweep_at(timezone.now() + dt.timedelta(minutes=2), django_capture_on_commit_callbacks)
    assert len(receiver.received) == 1  # routed once, delivered once


def test_worker_death_mid_try_leaves_delivery_due_for_the_sweep_api_3(
    endpoint, receiver, monkeypatch, django_capture_on_commit_callbacks
):
    def killed(*args, **kwargs):
        raise SystemExit("worker killed")  # the process dies while the request is out

    monkeypatch.setattr(delivery, "_post", killed)
    with pytest.raises(SystemExit), django_capture_on_commit_callbacks(execute=True):
        publish_event("case.created", {"case": {"reference": "ESC-000008"}})
    monkeypatch.undo()
    item = WebhookDelivery.objects.get()
    assert item.status == "pending" and item.attempts == 1
    _sweep_at(timezone.now() + dt.timedelta(seconds=5))  # the lease still holds it
    assert receiver.received == []
    _sweep_at(item.next_attempt_at + dt.timedelta(seconds=1), django_capture_on_commit_callbacks)
    item.refresh_from_db()
    assert item.status == "delivered" and len(receiver.received) == 1


def test_event_data_must_be_json_and_types_dotted_api_3(db):
    with pytest.raises(InvalidInput):
        publish_event("CaseCreated", {})
    with pytest.raises(InvalidInput):
        publish_event("case.created", {"at": object()})
    with pytest.raises(InvalidInput):
        publish_event("case.created", ["not", "a", "dict"])


def test_clock_breach_published_once_in_the_sweep_only_when_subscribed_api_3(
    endpoint, receiver, agent, django_capture_on_commit_callbacks
):
    from core.sla import clock_start, sla_sweep
    from escalations.services import case_create

    case = case_create(actor=agent, title="Clocked", client_name="Cy")
    clock = clock_start(
        subject=case, metric="client_follow_up", duration=dt.timedelta(minutes=5), calendar="24x7"
    )
    later = timezone.now() + dt.timedelta(minutes=10)
    with time_machine.travel(later, tick=False), django_capture_on_commit_callbacks(execute=True):
        sla_sweep()
        sla_sweep()  # a second sweep finds nothing new
    breached = OutboundEvent.objects.filter(event_type="clock.breached")
    assert breached.count() == 1
    assert breached.get().payload["clock"]["id"] == clock.pk
    assert breached.get().payload["subject"]["reference"] == case.reference
    assert [r.document["type"] for r in receiver.received].count("clock.breached") == 1


def test_sweep_batch_not_recorded_without_a_subscriber_api_3(db, agent):
    from core.sla import clock_start, sla_sweep
    from escalations.services import case_create

    case = case_create(actor=agent, title="Clocked", client_name="Cy")
    clock_start(subject=case, metric="client_follow_up", duration=300, calendar="24x7")
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=10), tick=False):
        sla_sweep()
    assert not OutboundEvent.objects.filter(event_type__startswith="clock.").exists()
