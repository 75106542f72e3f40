"""CORE-8: login lockout, API auth-failure throttling, token revocation; API-4: 429 as JSON.

Each test sends from its own made-up client address (REMOTE_ADDR), so counters kept in a
shared cache (Redis on CI) never leak from one test into another.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection, connections
from django.db.models import Sum
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from core.models import AuditEvent, User
from core.services import user_api_token
from escalations.webhooks import sign
from tests.factories import UserFactory

PASSWORD = "pass-word-123"  # tests.factories.UserFactory
LOGIN_URL = "/accounts/login/"
ADMIN_LOGIN_URL = "/admin/login/"
ME_URL = "/api/v1/me/"
WEBHOOK_URL = "/api/v1/webhooks/tickets/"


def fresh_ip() -> str:
    n = uuid.uuid4().int
    return f"10.{n % 250 + 1}.{(n >> 8) % 250 + 1}.{(n >> 16) % 250 + 1}"


def window_start():
    """Second 1 of a random future minute: a rate window no other test or run has used."""
    minutes = uuid.uuid4().int % (5 * 365 * 24 * 60)
    return timezone.now().replace(second=1, microsecond=0) + timedelta(minutes=minutes + 1)


def fresh_window():
    return time_machine.travel(window_start(), tick=False)


def web(ip: str | None = None) -> Client:
    return Client(REMOTE_ADDR=ip or fresh_ip())


def api(ip: str | None = None, token: str | None = None) -> APIClient:
    client = APIClient(REMOTE_ADDR=ip or fresh_ip())
    if token:
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def login(client: Client, username: str, password: str, url: str = LOGIN_URL):
    return client.post(url, {"username": username, "password": password})


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def assert_json_429(response) -> dict:
    assert response.status_code == 429, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["error"]["code"] == "throttled"
    assert body["error"]["message"]
    assert int(response["Retry-After"]) >= 1
    return body


@pytest.fixture(autouse=True)
def _fast_hashers(settings):
    """Every wrong password costs a full hash: keep them cheap here (PBKDF2 still verifies)."""
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]


@pytest.fixture
def dana(db):
    return UserFactory(username="dana", role="agent")


@pytest.fixture
def limit(settings):
    return settings.AXES_FAILURE_LIMIT


# Login lockout (django-axes) -------------------------------------------------------------
def test_login_lockout_after_limit_then_cool_off_core_8(dana, limit, settings):
    assert limit == settings.LOGIN_FAILURE_LIMIT == 5
    client = web()
    for _ in range(limit - 1):
        assert login(client, "dana", "wrong").status_code == 200
    locked = login(client, "dana", "wrong")
    assert locked.status_code == 429

    refused = login(client, "dana", PASSWORD)
    assert refused.status_code == 429
    assert not logged_in(client)
    page = refused.content.decode()
    assert "Sign-in paused" in page and "try again at" in page
    assert "Escalations Desk" in page  # the site's layout (base.html)
    retry_after = int(refused["Retry-After"])
    assert 60 * settings.LOGIN_LOCKOUT_MINUTES - 5 <= retry_after <= 60 * 15

    with time_machine.travel(timezone.now() + timedelta(minutes=14)):
        assert login(client, "dana", PASSWORD).status_code == 429
    with time_machine.travel(timezone.now() + timedelta(minutes=15, seconds=5)):
        response = login(client, "dana", PASSWORD)
        assert response.status_code == 302
        assert logged_in(client)


def test_attempts_during_lockout_do_not_extend_it_core_8(dana, limit):
    client = web()
    for _ in range(limit):
        login(client, "dana", "wrong")
    start = timezone.now()
    with time_machine.travel(start + timedelta(minutes=10)):
        assert login(client, "dana", "wrong").status_code == 429
    with time_machine.travel(start + timedelta(minutes=15, seconds=5)):
        assert login(client, "dana", PASSWORD).status_code == 302


def test_username_locked_from_any_ip_core_8(dana, limit):
    for _ in range(limit):
        login(web(), "dana", "wrong")  # a new address each time
    other = web()
    assert login(other, "dana", PASSWORD).status_code == 429
    assert not logged_in(other)


def test_ip_trying_many_usernames_is_locked_core_8(dana, limit):
    ip = fresh_ip()
    for i in range(limit):
        login(web(ip), f"guess{i}", "wrong")
    assert login(web(ip), "dana", PASSWORD).status_code == 429
    elsewhere = web()
    assert login(elsewhere, "dana", PASSWORD).status_code == 302  # dana herself is not locked


def test_success_resets_the_usernames_failures_core_8(dana, limit):
    client = web()
    for _ in range(limit - 1):
        login(client, "dana", "wrong")
    assert login(client, "dana", PASSWORD).status_code == 302
    client.post("/accounts/logout/")
    for _ in range(limit - 1):
        assert login(client, "dana", "wrong").status_code == 200
    assert login(client, "dana", PASSWORD).status_code == 302


def test_admin_login_is_locked_out_too_core_8(db, limit):
    UserFactory(username="root", role="admin", is_staff=True, is_superuser=True)
    client = web()
    for _ in range(limit - 1):
        assert login(client, "root", "wrong", ADMIN_LOGIN_URL).status_code == 200
    assert login(client, "root", "wrong", ADMIN_LOGIN_URL).status_code == 429
    refused = login(client, "root", PASSWORD, ADMIN_LOGIN_URL)
    assert refused.status_code == 429 and "try again at" in refused.content.decode()
    assert not logged_in(client)


def test_lockout_denial_logged_once_without_secrets_core_8(dana, limit, caplog):
    client = web()
    for _ in range(limit - 1):
        login(client, "dana", "wrong-secret-pw")
    with caplog.at_level(logging.INFO, logger="desk.security"):
        login(client, "dana", "wrong-secret-pw")  # the failure that locks
        login(client, "dana", PASSWORD)  # refused while locked
    records = [r for r in caplog.records if r.name == "desk.security"]
    assert len(records) == 2, [r.getMessage() for r in records]
    for record in records:
        message = record.getMessage()
        assert "kind=login_lockout" in message
        assert "wrong-secret-pw" not in message and PASSWORD not in message
        assert "dana" not in message
    stored = AccessAttempt.objects.get(username="dana")
    assert "wrong-secret-pw" not in stored.post_data and stored.failures_since_start == limit


def test_request_less_authenticate_and_force_login_still_work_core_8(dana, client):
    from django.contrib.auth import authenticate

    assert authenticate(username="dana", password=PASSWORD) == dana
    assert client.login(username="dana", password=PASSWORD)
    client.force_login(dana)
    assert client.get("/").status_code == 200


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locking")
def test_concurrent_wrong_logins_all_count_and_lock_core_8(settings):
    """N+k wrong passwords at once from N+k addresses: every one is counted, the user is
    locked (axes' row lock + F() counter on PostgreSQL)."""
    UserFactory(username="racer", role="agent")
    limit, extra = settings.AXES_FAILURE_LIMIT, 3
    barrier = threading.Barrier(limit + extra)
    codes = []

    def attempt():
        try:
            client = web()
            barrier.wait(timeout=10)
            codes.append(login(client, "racer", "wrong").status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt) for _ in range(limit + extra)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert len(codes) == limit + extra
    counted = AccessAttempt.objects.filter(username="racer").aggregate(
        n=Sum("failures_since_start")
    )
    assert counted["n"] == limit + extra
    assert login(web(), "racer", PASSWORD).status_code == 429


# API: failed tokens, anonymous and per-user rates ----------------------------------------
def test_failed_tokens_throttled_per_ip_core_8_api_4(dana, settings, caplog):
    settings.API_AUTH_FAILURE_RATE = "5/min"
    good = user_api_token(user=dana)
    ip = fresh_ip()
    start = window_start()
    with time_machine.travel(start, tick=False):
        for i in range(5):
            assert api(ip, f"bad-token-{i}").get(ME_URL).status_code == 401
        with caplog.at_level(logging.INFO, logger="desk.security"):
            body = assert_json_429(api(ip, "bad-token-6").get(ME_URL))
            assert_json_429(api(ip, good).get(ME_URL))  # even the right token, from there
        assert api(fresh_ip(), good).get(ME_URL).status_code == 200  # other addresses are fine
        assert api(ip).get(ME_URL).status_code == 401  # no credentials: nothing to throttle
    assert "seconds" in body["error"]["message"]
    records = [r.getMessage() for r in caplog.records if r.name == "desk.security"]
    assert len(records) == 2 and all("kind=throttle_auth_failure" in m for m in records)
    assert not any("bad-token" in m or good in m for m in records)

    with time_machine.travel(start + timedelta(minutes=1)):
        assert api(ip, good).get(ME_URL).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_concurrent_bad_tokens_each_counted_core_8(settings):
    """12 bad tokens at once against a limit of 5: exactly 5 answer 401, the rest 429."""
    settings.API_AUTH_FAILURE_RATE = "5/min"
    ip, n = fresh_ip(), 12
    barrier = threading.Barrier(n)
    codes = []

    def attempt(i):
        try:
            client = api(ip, f"bad-{i}")
            barrier.wait(timeout=10)
            codes.append(client.get(ME_URL).status_code)
        finally:
            connections.close_all()

    with fresh_window():
        threads = [threading.Thread(target=attempt, args=(i,)) for i in range(n)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
    assert sorted(codes) == [401] * 5 + [429] * (n - 5)


def bearer_throttled() -> bool:
    from rest_framework.views import APIView

    from core.authentication import ThrottledServiceTokenAuthentication

    return ThrottledServiceTokenAuthentication in APIView.authentication_classes


@pytest.mark.skipif(not bearer_throttled(), reason="service tokens not wired in settings yet")
def test_failed_service_tokens_share_the_throttle_core_8_api_4(db, settings):
    from core.tokens import service_token_create

    settings.API_AUTH_FAILURE_RATE = "3/min"
    _, key = service_token_create(name="zendesk", scopes=["cases:read"])
    ip = fresh_ip()

    def bearer(k):
        client = APIClient(REMOTE_ADDR=ip)
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {k}")
        return client.get(ME_URL)

    with fresh_window():
        assert api(ip, "bad-token").get(ME_URL).status_code == 401  # DRF token, same counter
        assert [bearer(f"desk_x_{i}").status_code for i in range(2)] == [401, 401]
        assert_json_429(bearer("desk_x_3"))
        assert_json_429(bearer(key))


@pytest.mark.parametrize(
    ("variable", "value"), [("API_AUTH_FAILURE_RATE", "lots"), ("LOGIN_FAILURE_LIMIT", "0")]
)
def test_bad_rate_or_limit_stops_start_up_core_8(variable, value):
    root = Path(__file__).resolve().parents[2]
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SECRET_KEY"}}
    env.update({"VAR_DIR": tempfile.mkdtemp(prefix="escdesk-check-"), variable: value})
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=root,
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0 and variable in result.stderr


def test_user_rate_throttle_core_8_api_4(dana, settings):
    settings.API_THROTTLE_USER_RATE = "3/min"
    client = api(token=user_api_token(user=dana))
    with fresh_window():
        assert [client.get(ME_URL).status_code for _ in range(3)] == [200, 200, 200]
        assert_json_429(client.get(ME_URL))
        assert api(token=user_api_token(user=UserFactory())).get(ME_URL).status_code == 200


def test_default_user_rate_is_generous_core_8(settings):
    limit, per = settings.API_THROTTLE_USER_RATE.split("/")
    assert int(limit) >= 10000 and per == "min"


def signed_post(client, *, secret: str, event_id: str, signature: str | None = None):
    payload = {
        "event_id": event_id,
        "type": "ticket.created",
        "ticket": {"id": f"T-{event_id}", "subject": "Help", "requester": {"name": "Client"}},
    }
    body = json.dumps(payload).encode()
    ts = int(time.time())
    return client.post(
        WEBHOOK_URL,
        data=body,
        content_type="application/json",
        HTTP_X_DESK_TIMESTAMP=str(ts),
        HTTP_X_DESK_SIGNATURE=signature or sign(secret=secret, timestamp=ts, body=body),
    )


def test_webhook_failed_signatures_throttled_core_8_api_4(db, settings):
    settings.TICKET_WEBHOOK_SECRET = secret = "test-webhook-secret-123"
    settings.WEBHOOK_SIGNATURE_FAILURE_RATE = "3/min"
    ip = fresh_ip()
    with fresh_window():
        for i in range(3):
            forged = signed_post(api(ip), secret=secret, event_id=f"e{i}", signature="sha256=00")
            assert forged.status_code == 401
        assert_json_429(signed_post(api(ip), secret=secret, event_id="e3", signature="sha256=0"))
        assert_json_429(signed_post(api(ip), secret=secret, event_id="good-1"))
        assert signed_post(api(), secret=secret, event_id="good-2").status_code == 201


def test_anonymous_requests_throttled_core_8_api_4(db, settings):
    settings.TICKET_WEBHOOK_SECRET = secret = "test-webhook-secret-123"
    settings.API_THROTTLE_ANON_RATE = "2/min"
    ip = fresh_ip()
    with fresh_window():
        assert signed_post(api(ip), secret=secret, event_id="a1").status_code == 201
        assert signed_post(api(ip), secret=secret, event_id="a2").status_code == 201
        assert_json_429(signed_post(api(ip), secret=secret, event_id="a3"))


def test_forwarded_for_is_not_trusted_without_a_proxy_core_8(dana, settings):
    settings.API_AUTH_FAILURE_RATE = "2/min"
    ip = fresh_ip()
    with fresh_window():
        for i in range(2):
            client = api(ip, f"bad-{i}")
            assert client.get(ME_URL, HTTP_X_FORWARDED_FOR=fresh_ip()).status_code == 401
        spoofed = api(ip, "bad-3").get(ME_URL, HTTP_X_FORWARDED_FOR=fresh_ip())
        assert_json_429(spoofed)


# Changing a password revokes API tokens -------------------------------------------------
def test_set_password_revokes_api_tokens_core_8(dana):
    token = user_api_token(user=dana)
    assert api(token=token).get(ME_URL).status_code == 200
    dana.set_password("a-new-pass-word-456")
    dana.save()
    assert api(token=token).get(ME_URL).status_code == 401
    event = AuditEvent.objects.for_object(dana).get(action="user.api_tokens_revoked")
    assert event.after == {"api_tokens_revoked": 1} and event.reason == "password changed"
    assert "a-new-pass-word-456" not in json.dumps([event.before, event.after, event.reason])


def test_admin_password_form_revokes_api_tokens_core_8(dana, admin_user, client):
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    token = user_api_token(user=dana)
    client.force_login(admin_user)
    response = client.post(
        f"/admin/core/user/{dana.pk}/password/",
        {"password1": "Another-pass-789", "password2": "Another-pass-789"},
    )
    assert response.status_code == 302, response.content
    assert api(token=token).get(ME_URL).status_code == 401
    assert AuditEvent.objects.for_object(dana).filter(action="user.api_tokens_revoked").exists()


def test_other_saves_and_password_rehash_keep_tokens_core_8(dana):
    token = user_api_token(user=dana)
    dana.first_name = "Dana"
    dana.save()
    # A hash from an older iteration count is upgraded silently on the next login.
    hasher = PBKDF2PasswordHasher()
    old_hash = hasher.encode(PASSWORD, hasher.salt(), iterations=1000)
    User.objects.filter(pk=dana.pk).update(password=old_hash)
    assert web().post(LOGIN_URL, {"username": "dana", "password": PASSWORD}).status_code == 302
    dana.refresh_from_db()
    assert dana.password != old_hash  # re-hashed on login
    assert api(token=token).get(ME_URL).status_code == 200
    assert not AuditEvent.objects.for_object(dana).filter(action="user.api_tokens_revoked")
