"""Notifications (CORE-7): in-app rows, badge, page, API, email and team chat."""

import datetime as dt

import pytest
import requests
from django.core import mail
from django.urls import reverse

from core.errors import InvalidInput
from core.models import ChatMessage, Notification, NotificationSettings
from core.notifications import NotificationSpec, chat_announce, notifications_insert_bulk, notify
from core.sla import clock_start, sla_sweep

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)


class FakeResponse:
    def __init__(self, status_code=200, text="ok"):
        self.status_code = status_code
        self.text = text


def test_notify_once_per_recipient_and_emails_on_commit_core_7(
    agent, lead, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        rows = notify(
            recipients=[agent, lead, agent, None],
            kind="test",
            title="Hello",
            body="Body",
            url="/somewhere/",
        )
    assert [n.recipient for n in rows] == [agent, lead]
    assert sorted(m.to[0] for m in mail.outbox) == [agent.email, lead.email]
    assert "http://127.0.0.1:8000/somewhere/" in mail.outbox[0].body
    assert set(Notification.objects.values_list("email_status", flat=True)) == {"sent"}


def test_notify_without_email_and_with_email_disabled_core_7(
    agent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[agent], kind="test", title="In-app only", email=False)
        NotificationSettings.objects.create(email_enabled=False)
        notify(recipients=[agent], kind="test", title="Also in-app only")
    assert mail.outbox == []
    assert Notification.objects.filter(recipient=agent).count() == 2


def test_notify_skips_inactive_users_and_validates_core_7(agent):
    agent.is_active = False
    agent.save()
    assert notify(recipients=[agent], kind="test", title="x") == []
    with pytest.raises(InvalidInput) as err:
        notify(recipients=[agent], kind="test", title="")
    assert err.value.field == "title"


def test_notify_is_rolled_back_with_the_action_core_7(agent, django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                notify(recipients=[agent], kind="test", title="never")
                raise RuntimeError("the action failed")
        except RuntimeError:
            pass
    assert callbacks == []
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_bulk_insert_for_large_fan_outs_core_7(
    agent, lead, other_agent, django_capture_on_commit_callbacks
):
    """The sweep's path: COPY on PostgreSQL, bulk_create elsewhere; same rows, same emails."""
    other_agent.is_active = False
    other_agent.save()
    lead.email = ""
    lead.save()
    specs = [
        NotificationSpec(recipient=agent, kind="sla_breach", title="T" * 300, body="B", url="/x/"),
        NotificationSpec(recipient=lead, kind="sla_breach", title="No address"),
        NotificationSpec(recipient=agent, kind="sla_warn", title="In-app", email=False),
        NotificationSpec(recipient=other_agent, kind="sla_breach", title="Inactive"),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        assert notifications_insert_bulk(specs) == 3
    rows = list(Notification.objects.order_by("id"))
    assert [(n.recipient, n.kind, n.email_status) for n in rows] == [
        (agent, "sla_breach", "sent"),
        (lead, "sla_breach", "none"),
        (agent, "sla_warn", "none"),
    ]
    assert rows[0].title == "T" * 255
    assert (rows[0].body, rows[0].url, rows[0].read_at) == ("B", "/x/", None)
    assert [m.to for m in mail.outbox] == [[agent.email]]
    assert notifications_insert_bulk([]) == 0
    n = notify(recipients=[agent], kind="x", title="after", email=False)[0]
    assert n.pk > rows[-1].pk  # the sequence moved on past the copied ids


# Chat --------------------------------------------------------------------------------------
def test_chat_announce_posts_slack_json_on_commit_core_7(
    team, monkeypatch, django_capture_on_commit_callbacks
):
    team.chat_webhook_url = "https://hooks.example.com/team"
    team.save()
    posts = []
    monkeypatch.setattr(
        requests, "post", lambda url, json, timeout: posts.append((url, json)) or FakeResponse()
    )
    with django_capture_on_commit_callbacks(execute=True):
        chat_announce(team=team, text="Case ESC-000001 claimed by Alice")
    assert posts == [
        ("https://hooks.example.com/team", {"text": "Case ESC-000001 claimed by Alice"})
    ]
    message = ChatMessage.objects.get()
    assert message.status == ChatMessage.Status.SENT and message.attempts == 1


def test_chat_announce_without_url_is_a_no_op_and_fallback_url_is_used_core_7(
    team, monkeypatch, django_capture_on_commit_callbacks
):
    posts = []
    monkeypatch.setattr(
        requests, "post", lambda url, json, timeout: posts.append(url) or FakeResponse()
    )
    with django_capture_on_commit_callbacks(execute=True):
        chat_announce(team=team, text="nobody hears this")
    assert posts == [] and not ChatMessage.objects.exists()
    NotificationSettings.objects.create(fallback_chat_webhook_url="https://hooks.example.com/all")
    with django_capture_on_commit_callbacks(execute=True):
        chat_announce(team=team, text="heard")
        chat_announce(team=None, text="heard too")
    assert posts == ["https://hooks.example.com/all"] * 2


def test_chat_webhook_rejecting_the_message_is_not_retried_core_7(
    team, monkeypatch, django_capture_on_commit_callbacks
):
    team.chat_webhook_url = "https://hooks.example.com/revoked"
    team.save()
    monkeypatch.setattr(
        requests, "post", lambda url, json, timeout: FakeResponse(404, "no_service")
    )
    with django_capture_on_commit_callbacks(execute=True):
        chat_announce(team=team, text="hello")
    message = ChatMessage.objects.get()
    assert message.status == ChatMessage.Status.FAILED
    assert message.last_error == "HTTP 404: no_service"


def test_chat_outage_never_blocks_the_action_core_7(
    team, monkeypatch, django_capture_on_commit_callbacks
):
    team.chat_webhook_url = "https://hooks.example.com/team"
    team.save()

    def down(url, json, timeout):
        raise requests.Timeout("timed out")

    monkeypatch.setattr(requests, "post", down)
    with django_capture_on_commit_callbacks(execute=True):
        chat_announce(team=team, text="hello")  # does not raise
    assert ChatMessage.objects.get().last_error == "timed out"


# API ---------------------------------------------------------------------------------------
def _some(agent, lead):
    a = notify(recipients=[agent], kind="sla_breach", title="A", email=False)[0]
    b = notify(recipients=[agent], kind="other", title="B", email=False)[0]
    c = notify(recipients=[lead], kind="other", title="C", email=False)[0]
    return a, b, c


def test_api_lists_only_my_notifications_with_unread_filter_core_7(agent, lead, agent_api):
    a, b, c = _some(agent, lead)
    body = agent_api.get("/api/v1/notifications/").json()
    assert {n["title"] for n in body["results"]} == {"A", "B"}
    assert agent_api.get("/api/v1/notifications/unread-count/").json() == {"unread": 2}
    response = agent_api.post(f"/api/v1/notifications/{a.pk}/read/")
    assert response.status_code == 200 and response.json()["is_read"] is True
    unread = agent_api.get("/api/v1/notifications/", {"unread": "true"}).json()["results"]
    assert [n["title"] for n in unread] == ["B"]
    kind = agent_api.get("/api/v1/notifications/", {"kind": "sla_breach"}).json()["results"]
    assert [n["title"] for n in kind] == ["A"]
    assert agent_api.post(f"/api/v1/notifications/{c.pk}/read/").status_code == 404
    assert agent_api.post("/api/v1/notifications/read-all/").json() == {"marked": 1}
    assert agent_api.get("/api/v1/notifications/unread-count/").json() == {"unread": 0}
    c.refresh_from_db()
    assert c.read_at is None  # someone else's stays unread


# Pages -------------------------------------------------------------------------------------
def test_badge_page_and_mark_as_read_core_7(client, agent, lead):
    a, b, _ = _some(agent, lead)
    client.force_login(agent)
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert 'id="notification-badge"' in dashboard
    assert 'data-unread="2"' in dashboard
    assert "every 30s" in dashboard
    page = client.get(reverse("notifications")).content.decode()
    assert "A" in page and "Mark as read" in page
    row = client.post(reverse("notification-read", args=[a.pk]), HTTP_HX_REQUEST="true")
    assert row.status_code == 200
    assert row["HX-Trigger"] == "notifications-changed"
    assert "Mark as read" not in row.content.decode()
    badge = client.get(reverse("notification-badge")).content.decode()
    assert 'data-unread="1"' in badge
    unread_page = client.get(reverse("notifications"), {"show": "unread"}).content.decode()
    assert "notification-" + str(b.pk) in unread_page
    assert "notification-" + str(a.pk) not in unread_page
    client.post(reverse("notifications-read-all"))
    assert "data-unread" not in client.get(reverse("notification-badge")).content.decode()


def test_opening_a_notification_marks_it_read_and_follows_its_link_core_7(client, agent):
    n = notify(recipients=[agent], kind="x", title="Go", url="/api/docs/", email=False)[0]
    client.force_login(agent)
    response = client.get(reverse("notification-open", args=[n.pk]))
    assert response.status_code == 302 and response["Location"] == "/api/docs/"
    n.refresh_from_db()
    assert n.read_at is not None


def test_cannot_mark_someone_elses_notification_core_7(client, agent, lead):
    n = notify(recipients=[lead], kind="x", title="Lead only", email=False)[0]
    client.force_login(agent)
    client.post(reverse("notification-read", args=[n.pk]))
    n.refresh_from_db()
    assert n.read_at is None


# SLA clocks API ----------------------------------------------------------------------------
def test_sla_clocks_api_filters_and_acknowledge_esc_8(team, agent, lead, agent_api, lead_api):
    breached = clock_start(
        subject=agent, metric="first_response", duration=300, calendar="24x7", started_at=T0
    )
    running = clock_start(
        subject=agent, metric="resolution", duration=86400, calendar="24x7", started_at=T0
    )
    sla_sweep(now=T0 + dt.timedelta(minutes=10))
    body = agent_api.get("/api/v1/sla-clocks/", {"state": "breached"}).json()
    assert [c["id"] for c in body["results"]] == [breached.pk]
    clock = body["results"][0]
    assert clock["subject"]["type"] == "core.user"
    assert clock["subject"]["id"] == agent.pk
    assert clock["calendar"] == "24x7"
    breached_at = dt.datetime.fromisoformat(clock["breached_at"])
    assert breached_at == T0 + dt.timedelta(minutes=5)  # the due instant, not the sweep time
    due_before = agent_api.get(
        "/api/v1/sla-clocks/", {"due_before": "2026-06-02T00:00:00Z"}
    ).json()["results"]
    assert [c["id"] for c in due_before] == [breached.pk]
    by_metric = agent_api.get("/api/v1/sla-clocks/", {"metric": "resolution"}).json()["results"]
    assert [c["id"] for c in by_metric] == [running.pk]
    assert by_metric[0]["remaining_seconds"] >= 0
    by_subject = agent_api.get(
        "/api/v1/sla-clocks/", {"subject_type": "core.user", "object_id": agent.pk}
    ).json()["results"]
    assert len(by_subject) == 2

    url = f"/api/v1/sla-clocks/{breached.pk}/acknowledge/"
    assert agent_api.post(url, {"reason": "mine"}).status_code == 403
    missing = lead_api.post(url, {})
    assert missing.status_code == 400 and "reason" in missing.json()["error"]["fields"]
    done = lead_api.post(url, {"reason": "Phone outage"})
    assert done.status_code == 200
    assert done.json()["acknowledged_by"] == "lead"
    assert lead_api.post(url, {"reason": "again"}).status_code == 409
    not_breached = lead_api.post(f"/api/v1/sla-clocks/{running.pk}/acknowledge/", {"reason": "x"})
    assert not_breached.status_code == 409
