"""Signature checks for the inbound ticket webhook (API-2).

A sender signs ``f"{timestamp}.{raw body}"`` with HMAC-SHA256 and the shared secret and
sends ``X-Desk-Timestamp: <unix seconds>`` and ``X-Desk-Signature: sha256=<hex>``.
Requests outside a 5-minute window either way are refused (replay of a captured request),
and the comparison is constant-time.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import time

from django.conf import settings

from core.errors import DomainError

TOLERANCE_SECONDS = 300
TIMESTAMP_HEADER = "X-Desk-Timestamp"
SIGNATURE_HEADER = "X-Desk-Signature"


class WebhookAuthError(DomainError):
    code = "invalid_signature"
    status = 401


class WebhookNotConfigured(DomainError):
    code = "webhook_not_configured"
    status = 503


def webhook_secrets() -> list[str]:
    """``TICKET_WEBHOOK_SECRET`` from settings or the environment; commas allow rotation."""
    raw = getattr(settings, "TICKET_WEBHOOK_SECRET", None) or os.environ.get(
        "TICKET_WEBHOOK_SECRET", ""
    )
    return [s.strip() for s in str(raw).split(",") if s.strip()]


def sign(*, secret: str, timestamp: int | str, body: bytes) -> str:
    message = f"{timestamp}.".encode() + body
    return "sha256=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def verified_body(request, *, secrets=None, secret_name="TICKET_WEBHOOK_SECRET") -> bytes:
    """The body of a signed webhook request, once its signature checks out.

    Failed signatures are counted per address (CORE-8): past the limit, 429. Used by the
    ticket webhook and the inbound-email webhook (``secrets``/``secret_name``).
    """
    from core.api.throttling import failures_throttled

    body = request.body
    with failures_throttled(
        request,
        scope="webhook_signature",
        rate_setting="WEBHOOK_SIGNATURE_FAILURE_RATE",
        errors=WebhookAuthError,
    ):
        verify_signature(
            timestamp=request.headers.get(TIMESTAMP_HEADER),
            signature=request.headers.get(SIGNATURE_HEADER),
            body=body,
            secrets=secrets,
            secret_name=secret_name,
        )
    return body


def verify_signature(
    *,
    timestamp: str | None,
    signature: str | None,
    body: bytes,
    now: float | None = None,
    secrets: list[str] | None = None,
    secret_name: str = "TICKET_WEBHOOK_SECRET",
) -> None:
    """``secrets``/``secret_name``: another webhook signed the same way (inbound email)."""
    secrets = webhook_secrets() if secrets is None else secrets
    if not secrets:
        raise WebhookNotConfigured(f"The webhook has no secret ({secret_name}).")
    if not timestamp or not signature:
        raise WebhookAuthError(
            f"Both {TIMESTAMP_HEADER} and {SIGNATURE_HEADER} headers are required.",
            code="missing_signature",
        )
    try:
        ts = int(timestamp.strip())
    except ValueError:
        raise WebhookAuthError(
            f"{TIMESTAMP_HEADER} must be unix seconds.", code="invalid_timestamp"
        ) from None
    now = time.time() if now is None else now
    if abs(now - ts) > TOLERANCE_SECONDS:
        raise WebhookAuthError(
            "The signature timestamp is outside the 5-minute window.", code="stale_signature"
        )
    given = signature.strip().encode()
    if not any(
        hmac.compare_digest(sign(secret=s, timestamp=ts, body=body).encode(), given)
        for s in secrets
    ):
        raise WebhookAuthError("The signature does not match the request body.")
