"""Service tokens for REST integrations (CORE-8): create, revoke, authenticate.

A raw key looks like ``desk_<prefix>_<secret>``; only its SHA-256 is stored, so a leaked
database does not leak working keys. Clients send ``Authorization: Bearer <key>``.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from .access import SCOPES, deny
from .errors import Conflict, InvalidInput
from .models import Role, ServiceToken, User
from .services import audit_record, snapshot

KEYWORD = b"bearer"
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,60}$")
LAST_USED_GRANULARITY = timedelta(minutes=1)


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def service_token_create(
    *, name: str, scopes: list[str], actor: User | None = None
) -> tuple[ServiceToken, str]:
    """Create a token and its service user; return the token and the raw key (shown once)."""
    name = (name or "").strip().lower()
    if not NAME_RE.match(name):
        raise InvalidInput(
            "A token name is 2-61 lowercase letters, digits, dots, dashes or underscores.",
            field="name",
        )
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown:
        raise InvalidInput(
            f"Unknown scope {unknown[0]!r}; choose from {', '.join(SCOPES)}.", field="scopes"
        )
    prefix = secrets.token_hex(4)
    key = f"desk_{prefix}_{secrets.token_urlsafe(32)}"
    try:
        with transaction.atomic():
            user = User(username=f"svc-{name}", role=Role.AGENT, first_name=f"Service {name}")
            user.set_unusable_password()
            user.save()
            token = ServiceToken.objects.create(
                name=name,
                user=user,
                key_prefix=prefix,
                key_hash=_hash(key),
                scopes=sorted(set(scopes)),
                created_by=actor if actor is not None and actor.pk else None,
            )
    except IntegrityError:
        raise Conflict(f"A service token or user named {name!r} already exists.") from None
    audit_record(
        actor=actor,
        action="service_token.created",
        target=token,
        after=snapshot(token, ["name", "scopes", "key_prefix"]),
    )
    return token, key


@transaction.atomic
def service_token_revoke(*, token: ServiceToken, actor: User | None = None) -> ServiceToken:
    token = ServiceToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        User.objects.filter(pk=token.user_id).update(is_active=False)
        audit_record(actor=actor, action="service_token.revoked", target=token)
    return token


class ServiceTokenAuthentication(BaseAuthentication):
    """``Authorization: Bearer <key>`` for service tokens; the request acts as its user."""

    def authenticate(self, request):
        auth = get_authorization_header(request).split()
        if not auth or auth[0].lower() != KEYWORD:
            return None
        if len(auth) != 2:
            raise exceptions.AuthenticationFailed("Invalid bearer header: give one key.")
        try:
            key = auth[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("Invalid bearer key.") from None
        token = ServiceToken.objects.select_related("user").filter(key_hash=_hash(key)).first()
        if token is None or token.revoked_at is not None or not token.user.is_active:
            deny(None, "bearer token refused")
            raise exceptions.AuthenticationFailed("Invalid or revoked service token.")
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_GRANULARITY:
            ServiceToken.objects.filter(pk=token.pk).update(last_used_at=now)
        user = token.user
        user._service_token = token
        return user, token

    def authenticate_header(self, request) -> str:
        return "Bearer"


class ServiceTokenScheme(OpenApiAuthenticationExtension):
    """The schema's ``serviceToken`` security scheme (HTTP bearer)."""

    target_class = "core.tokens.ServiceTokenAuthentication"
    match_subclasses = True
    name = "serviceToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A service token (`manage.py create_service_token`) with scopes: "
            + ", ".join(SCOPES),
        }
