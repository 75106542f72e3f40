"""Login lockout (django-axes) and the security log (CORE-8).

One client-IP rule for the lockout and the API throttles, the lockout page, and the one
log line per denial on the ``desk.security`` logger. Log lines carry short keyed hashes
of the username and the IP (enough to correlate repeated denials), never a password, a
token or the plain username.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import math
from datetime import datetime, timedelta

from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Sum
from django.shortcuts import render
from django.utils import timezone

log = logging.getLogger("desk.security")


def client_ip(request) -> str | None:
    """REMOTE_ADDR, or the address the nearest trusted proxy saw (``TRUSTED_PROXY_COUNT``).

    A client-sent ``X-Forwarded-For`` is never trusted on its own: rotating it would
    otherwise reset every per-IP counter.
    """
    meta = request.META
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if count:
        forwarded = [p.strip() for p in meta.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [p for p in forwarded if p]
        if len(forwarded) >= count:
            return forwarded[-count]
    return meta.get("REMOTE_ADDR") or None  # None: a request built in code (force_login)


def pseudonym(value) -> str:
    """A short keyed hash: the same input gives the same tag, the tag gives nothing back."""
    if value in (None, ""):
        return "-"
    digest = hmac.new(settings.SECRET_KEY.encode(), str(value).encode(), hashlib.sha256)
    return digest.hexdigest()[:12]


def security_denial_log(
    *, kind: str, request, username: str | None = None, retry_after: int | None = None
) -> None:
    """The one log line of a refused login or throttled request."""
    log.warning(
        "denied kind=%s method=%s path=%s ip=%s user=%s retry_after=%s",
        kind,
        request.method,
        request.path,
        pseudonym(client_ip(request)),
        pseudonym(username),
        retry_after if retry_after is not None else "-",
    )


class LockoutBackend(AxesStandaloneBackend):
    """Axes' lockout check; ``authenticate()`` without a request (internal code, the test
    client's ``login``) has no client to lock out and goes straight to the next backend."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)


class LockoutHandler(AxesDatabaseHandler):
    """Axes' database handler (row locks and ``F()`` counters, so concurrent failures all
    count); a successful login clears that username's failures only, so one valid account
    cannot wipe the failures its IP piled up against other usernames."""

    def reset_user_attempts(self, request, credentials=None) -> int:
        username = get_client_username(request, credentials)
        if not username:
            return 0
        count, _ = AccessAttempt.objects.filter(username=username).delete()
        return count


def lockout_ends_at(request, credentials=None) -> datetime:
    """When the lockout of this request's username or IP lifts (the latest of the two)."""
    cool_off = get_cool_off(request) or timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    limit = get_failure_limit(request, credentials)
    ends = None
    handler = LockoutHandler()
    for attempts in handler.get_user_attempts(request, credentials):
        totals = attempts.aggregate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        if (totals["failures"] or 0) >= limit and totals["last"] is not None:
            candidate = totals["last"] + cool_off
            ends = candidate if ends is None or candidate > ends else ends
    return ends or timezone.now() + cool_off


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the locked-out page in the site's layout, HTTP 429."""
    ends = lockout_ends_at(request, credentials)
    seconds = max(1, math.ceil((ends - timezone.now()).total_seconds()))
    username = get_client_username(request, credentials)
    security_denial_log(
        kind="login_lockout", request=request, username=username, retry_after=seconds
    )
    response = render(
        request,
        "registration/locked_out.html",
        {
            "retry_at": ends,
            "retry_minutes": math.ceil(seconds / 60),
            "failure_limit": get_failure_limit(request, credentials),
        },
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return response
