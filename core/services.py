"""Write paths of the kernel: audit entries, people, heartbeats."""

from __future__ import annotations

import datetime as dt
import decimal
import socket
import uuid
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import F, Model
from django.utils import timezone
from rest_framework.authtoken.models import Token

from .errors import InvalidInput
from .models import AuditEvent, Heartbeat, Role, Team, User
from .models.people import validate_time_zone


def _jsonable(value):
    if isinstance(value, Model):
        return value.pk
    if isinstance(value, dt.datetime | dt.date | dt.time | decimal.Decimal | uuid.UUID):
        return value.isoformat() if hasattr(value, "isoformat") else str(value)
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


def snapshot(instance: Model, fields: Iterable[str]) -> dict:
    """A JSON-ready picture of ``fields`` of ``instance`` (foreign keys as ids)."""
    data = {}
    for name in fields:
        field = instance._meta.get_field(name)
        attname = getattr(field, "attname", name)
        data[name] = _jsonable(getattr(instance, attname))
    return data


def audit_record(
    *,
    actor: User | None,
    action: str,
    target: Model,
    before: dict | None = None,
    after: dict | None = None,
    reason: str = "",
) -> AuditEvent:
    """Append one audit entry (CORE-5). Call it inside the service's transaction."""
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        actor_label=actor.username if actor is not None and actor.pk else "system",
        action=action,
        target_type=ContentType.objects.get_for_model(target, for_concrete_model=False),
        target_id=str(target.pk),
        target_repr=str(target)[:255],
        before=_jsonable(before) if before is not None else None,
        after=_jsonable(after) if after is not None else None,
        reason=reason,
    )


USER_AUDIT_FIELDS = ("username", "email", "role", "team", "time_zone", "is_active")


@transaction.atomic
def user_create_or_update(
    *,
    username: str,
    role: str,
    team_name: str | None = None,
    password: str | None = None,
    email: str | None = None,
    time_zone: str | None = None,
    first_name: str | None = None,
    last_name: str | None = None,
    actor: User | None = None,
) -> tuple[User, bool]:
    """Create or update a user with one role (CORE-6); a lead given a team leads it."""
    username = (username or "").strip()
    if not username:
        raise InvalidInput("A username is required.", field="username")
    if role not in Role.values:
        raise InvalidInput(
            f"Unknown role {role!r}; choose one of {', '.join(Role.values)}.", field="role"
        )
    if time_zone:
        try:
            validate_time_zone(time_zone)
        except Exception as exc:
            raise InvalidInput(str(exc.messages[0]), field="time_zone") from None

    user = User.objects.select_for_update().filter(username=username).first()
    created = user is None
    before = None if created else snapshot(user, USER_AUDIT_FIELDS)
    if created:
        user = User(username=username)
    user.role = role
    if email is not None:
        user.email = email
    if time_zone:
        user.time_zone = time_zone
    if first_name is not None:
        user.first_name = first_name
    if last_name is not None:
        user.last_name = last_name
    team = None
    if team_name:
        team, _ = Team.objects.get_or_create(name=team_name.strip())
        user.team = team
    if password:
        user.set_password(password)
    elif created:
        user.set_unusable_password()
    try:
        user.save()
    except IntegrityError as exc:
        raise InvalidInput(f"Could not save user {username!r}: {exc}") from None
    if team is not None and role == Role.TEAM_LEAD and team.lead_id != user.pk:
        team_before = snapshot(team, ["lead"])
        team.lead = user
        team.save(update_fields=["lead"])
        audit_record(
            actor=actor,
            action="team.lead_set",
            target=team,
            before=team_before,
            after=snapshot(team, ["lead"]),
        )
    audit_record(
        actor=actor,
        action="user.created" if created else "user.updated",
        target=user,
        before=before,
        after=snapshot(user, USER_AUDIT_FIELDS),
    )
    return user, created


def user_api_token(*, user: User) -> str:
    token, _ = Token.objects.get_or_create(user=user)
    return token.key


@transaction.atomic
def user_api_tokens_revoke(*, user: User, actor: User | None = None, reason: str) -> int:
    """Delete the user's API tokens (CORE-8), audited when there were any; return how many."""
    count, _ = Token.objects.filter(user=user).delete()
    if count:
        audit_record(
            actor=actor,
            action="user.api_tokens_revoked",
            target=user,
            after={"api_tokens_revoked": count},
            reason=reason,
        )
    return count


def heartbeat_record(*, name: str = "celery") -> Heartbeat:
    """Record that a periodic task ran; a conditional UPDATE, safe to run twice."""
    now = timezone.now()
    hostname = socket.gethostname()
    updated = Heartbeat.objects.filter(name=name).update(
        last_run_at=now, hostname=hostname, runs=F("runs") + 1
    )
    if not updated:
        try:
            with transaction.atomic():
                Heartbeat.objects.create(name=name, last_run_at=now, hostname=hostname, runs=1)
        except IntegrityError:
            Heartbeat.objects.filter(name=name).update(
                last_run_at=now, hostname=hostname, runs=F("runs") + 1
            )
    return Heartbeat.objects.get(name=name)
