"""API-2: the signed, idempotent inbound ticket webhook."""

import json
import time

import pytest

from escalations.models import Case, InboundEvent, Status
from escalations.services import case_claim, case_transition
from escalations.webhooks import sign

URL = "/api/v1/webhooks/tickets/"


def post(client, payload, *, secret="test-webhook-secret-123", ts=None, signature=None):
    body = json.dumps(payload).encode()
    ts = int(time.time()) if ts is None else ts
    headers = {
        "HTTP_X_DESK_TIMESTAMP": str(ts),
        "HTTP_X_DESK_SIGNATURE": signature or sign(secret=secret, timestamp=ts, body=body),
    }
    return client.post(URL, data=body, content_type="application/json", **headers)


def created(event_id="evt-1", ticket_id="ZD-100", **ticket):
    return {
        "event_id": event_id,
        "type": "ticket.created",
        "ticket": {
            "id": ticket_id,
            "subject": "Freelancer vanished",
            "summary": "your freelancer not replying",
            "priority": "high",
            "kind": "unresponsive_freelancer",
            "tags": ["zendesk"],
            "requester": {
                "name": "Tia Client",
                "email": "tia@example.com",
                "segment": "mid_market",
            },
            **ticket,
        },
    }


def test_good_signature_creates_case_api_2(api_client, webhook_secret):
    r = post(api_client, created())
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["action"] == "created" and body["replayed"] is False
    case = Case.objects.get(external_ticket_id="ZD-100")
    assert body["case"] == case.reference
    assert case.priority == "high" and case.client_segment == "mid_market"
    assert case.kind == "unresponsive_freelancer" and case.source_channel == "support_ticket"
    assert case.sla_clocks.filter(metric="first_response").exists()


def test_replay_creates_nothing_and_returns_original_api_2(api_client, webhook_secret):
    first = post(api_client, created()).json()
    again = post(api_client, created(subject="changed"))
    assert again.status_code == 200
    assert again["Idempotent-Replay"] == "true"
    assert again.json() == {**first, "replayed": True}
    assert Case.objects.count() == 1 and InboundEvent.objects.count() == 1
    assert Case.objects.get().title == "Freelancer vanished"


def test_update_by_external_ticket_id_api_2(api_client, webhook_secret):
    post(api_client, created())
    r = post(
        api_client,
        {
            "event_id": "evt-2",
            "type": "ticket.updated",
            "ticket": {"id": "ZD-100", "priority": "urgent"},
        },
    )
    assert r.status_code == 200 and r.json()["action"] == "updated"
    assert Case.objects.get().priority == "urgent"
    assert Case.objects.count() == 1


def test_client_reply_resumes_waiting_case_api_2(api_client, webhook_secret, agent):
    post(api_client, created())
    case = case_claim(case=Case.objects.get(), agent=agent)
    case_transition(case=case, to_status=Status.WAITING_ON_CLIENT, actor=agent)
    r = post(
        api_client,
        {
            "event_id": "evt-3",
            "type": "ticket.client_replied",
            "ticket": {"id": "ZD-100", "comment": "Here are the contract ids"},
        },
    )
    assert r.status_code == 200 and r.json()["status"] == Status.IN_PROGRESS
    assert case.events.filter(kind="client_message", visibility="client_visible").exists()


@pytest.mark.parametrize(
    "kwargs,code",
    [
        ({"secret": "wrong-secret"}, "invalid_signature"),
        ({"signature": "sha256=" + "0" * 64}, "invalid_signature"),
        ({"ts_offset": -301}, "stale_signature"),
        ({"ts_offset": 330}, "stale_signature"),
    ],
)
def test_forged_or_stale_signature_is_401_and_changes_nothing_api_2(
    api_client, webhook_secret, kwargs, code
):
    kwargs = dict(kwargs)
    if "ts_offset" in kwargs:  # computed now: collection may be minutes before the run
        kwargs["ts"] = int(time.time()) + kwargs.pop("ts_offset")
    r = post(api_client, created(), **kwargs)
    assert r.status_code == 401
    assert r.json()["error"]["code"] == code
    assert Case.objects.count() == 0 and InboundEvent.objects.count() == 0


def test_tampered_body_is_refused_api_2(api_client, webhook_secret):
    ts = int(time.time())
    good = json.dumps(created()).encode()
    signature = sign(secret=webhook_secret, timestamp=ts, body=good)
    tampered = good.replace(b"high", b"low")
    r = api_client.post(
        URL,
        data=tampered,
        content_type="application/json",
        HTTP_X_DESK_TIMESTAMP=str(ts),
        HTTP_X_DESK_SIGNATURE=signature,
    )
    assert r.status_code == 401 and Case.objects.count() == 0


def test_missing_headers_api_2(api_client, webhook_secret):
    r = api_client.post(URL, data=b"{}", content_type="application/json")
    assert r.status_code == 401 and r.json()["error"]["code"] == "missing_signature"


def test_bad_payload_is_400_naming_field_and_stores_nothing_api_2(api_client, webhook_secret):
    r = post(api_client, {"event_id": "e", "type": "ticket.created", "ticket": {"id": "Z"}})
    assert r.status_code == 400 and "fields" in r.json()["error"]
    r = post(api_client, {"event_id": "e", "type": "ticket.exploded", "ticket": {"id": "Z"}})
    assert r.status_code == 400 and r.json()["error"]["fields"] == {
        "type": [r.json()["error"]["message"]]
    }
    r = post(api_client, created(priority="whenever"))
    assert r.status_code == 400
    assert InboundEvent.objects.count() == 0 and Case.objects.count() == 0


def test_not_configured_is_503_api_2(api_client, settings, monkeypatch, db):
    settings.TICKET_WEBHOOK_SECRET = ""
    monkeypatch.delenv("TICKET_WEBHOOK_SECRET", raising=False)
    r = post(api_client, created())
    assert r.status_code == 503 and r.json()["error"]["code"] == "webhook_not_configured"
