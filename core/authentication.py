"""API authentication with failure throttling (CORE-8).

``AuthFailureThrottleMixin`` wraps any DRF authentication class: failed credentials are
counted per client IP in the cache (``API_AUTH_FAILURE_RATE``, e.g. 20/min); past the
limit every request from that IP that carries credentials answers 429 with
``Retry-After`` until the window ends, a right token included. All classes that use the
mixin share one counter per IP.
"""

from __future__ import annotations

from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication, get_authorization_header

from core.api.throttling import failures_throttled
from core.tokens import ServiceTokenAuthentication

AUTH_FAILURE_SCOPE = "auth_failure"


class AuthFailureThrottleMixin:
    """Put first in the bases: ``class X(AuthFailureThrottleMixin, SomeAuthentication)``."""

    def authenticate(self, request):
        with failures_throttled(
            request,
            scope=AUTH_FAILURE_SCOPE,
            rate_setting="API_AUTH_FAILURE_RATE",
            errors=exceptions.AuthenticationFailed,
            check_first=bool(get_authorization_header(request)),
        ):
            return super().authenticate(request)


class ThrottledTokenAuthentication(AuthFailureThrottleMixin, TokenAuthentication):
    """DRF's ``Authorization: Token <key>`` with failures throttled per IP."""


class ThrottledServiceTokenAuthentication(AuthFailureThrottleMixin, ServiceTokenAuthentication):
    """Service tokens (``Authorization: Bearer <key>``) with failures throttled per IP."""
