"""API rate limits in Django's cache (CORE-8, API-4).

Fixed windows counted with ``cache.add`` + ``cache.incr`` (atomic on Redis, under a lock
in the local-memory cache), so concurrent requests each get their own count: O(1) per
request whatever the rate, unlike DRF's own throttles, which keep a list of timestamps.
Rates are read from settings on every request (``"20/min"``; ``None`` turns one off).
A cache outage lets requests through (logged) rather than answer 500s.
"""

from __future__ import annotations

import logging
import math
import re
import time
from contextlib import contextmanager

from django.conf import settings
from django.core.cache import cache
from rest_framework.exceptions import Throttled
from rest_framework.throttling import BaseThrottle

from core.security import client_ip, security_denial_log

log = logging.getLogger("desk.security")

RATE_RE = re.compile(r"^\s*(\d+)\s*/\s*(s|sec|second|m|min|minute|h|hour|d|day)\s*$")
PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str | None) -> tuple[int, int] | None:
    """``"20/min"`` -> ``(20, 60)``; ``None`` or ``""`` -> no limit."""
    if not rate:
        return None
    match = RATE_RE.match(str(rate))
    if not match:
        raise ValueError(f"A rate looks like 20/min (per s, min, hour or day), got {rate!r}")
    return int(match.group(1)), PERIODS[match.group(2)[0]]


def _window(key: str, period: int) -> tuple[str, float]:
    now = time.time()
    start = now - now % period
    # THROTTLE_NAMESPACE (unset in production) gives each test its own counters.
    namespace = getattr(settings, "THROTTLE_NAMESPACE", "")
    return f"throttle:{namespace}:{key}:{int(start)}", start + period - now


def window_hit(*, key: str, period: int) -> tuple[int, float]:
    """Count one event in the current window; return (count so far, seconds left)."""
    full, left = _window(key, period)
    try:
        if cache.add(full, 1, timeout=period + 1):
            return 1, left
        try:
            return cache.incr(full), left
        except ValueError:  # expired between add and incr
            cache.add(full, 1, timeout=period + 1)
            return 1, left
    except Exception:  # the cache is down: fail open, loudly
        log.exception("throttle cache unavailable; letting the request through")
        return 0, left


def window_count(*, key: str, period: int) -> tuple[int, float]:
    full, left = _window(key, period)
    try:
        return int(cache.get(full) or 0), left
    except Exception:
        log.exception("throttle cache unavailable; letting the request through")
        return 0, left


def _rate(setting: str) -> tuple[int, int] | None:
    return parse_rate(getattr(settings, setting, None))


@contextmanager
def failures_throttled(request, *, scope: str, rate_setting: str, errors, check_first=True):
    """Count ``errors`` raised in the block per client IP; past the rate, answer 429.

    With ``check_first`` an IP already over the limit is refused before the block runs,
    so a right guess after too many wrong ones is refused as well. Concurrent failures
    each get their own count: exactly ``limit`` of them come back as the original error.
    """
    rate = _rate(rate_setting)
    key = f"{scope}:{client_ip(request) or 'unknown'}"
    if rate is not None and check_first:
        limit, period = rate
        count, left = window_count(key=key, period=period)
        if count >= limit:
            _refuse(request, scope=scope, left=left)
    try:
        yield
    except errors:
        if rate is not None:
            limit, period = rate
            count, left = window_hit(key=key, period=period)
            if count > limit:
                _refuse(request, scope=scope, left=left)
        raise


def _refuse(request, *, scope: str, left: float):
    wait = max(1, math.ceil(left))
    security_denial_log(kind=f"throttle_{scope}", request=request, retry_after=wait)
    raise Throttled(wait=wait)


class WindowRateThrottle(BaseThrottle):
    """Requests per window per identity; ``rate_setting`` names the Django setting."""

    scope = ""
    rate_setting = ""

    def identity(self, request) -> str | None:
        raise NotImplementedError

    def allow_request(self, request, view) -> bool:
        rate = _rate(self.rate_setting)
        ident = self.identity(request) if rate is not None else None
        if ident is None:
            return True
        limit, period = rate
        count, left = window_hit(key=f"{self.scope}:{ident}", period=period)
        if count <= limit:
            return True
        self._wait = max(1, math.ceil(left))
        security_denial_log(kind=f"throttle_{self.scope}", request=request, retry_after=self._wait)
        return False

    def wait(self) -> float | None:
        return getattr(self, "_wait", None)


class AnonThrottle(WindowRateThrottle):
    """Anonymous requests per client IP (``API_THROTTLE_ANON_RATE``)."""

    scope = "anon"
    rate_setting = "API_THROTTLE_ANON_RATE"

    def identity(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return None
        return client_ip(request) or "unknown"


class UserThrottle(WindowRateThrottle):
    """Authenticated requests per user (``API_THROTTLE_USER_RATE``, generous)."""

    scope = "user"
    rate_setting = "API_THROTTLE_USER_RATE"

    def identity(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        return str(user.pk)
