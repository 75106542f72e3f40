"""Who may see and do what (CORE-8): the kernel's named access predicates.

Every app builds its own ``<app>/access.py`` on these: scoped querysets for lists
(``cases_visible_to``) and predicates for one object (``can_work_case``). Views, API
endpoints, exports, services and the admin call them; nobody re-derives a role check.

The model: an agent belongs to one team; a lead leads one or more teams (``Team.lead``)
and belongs to one; an admin sees and decides everything. Objects of no team are the
shared intake, visible to every member of staff. With the admin switch
``AccessSettings.cross_team_read`` everyone may *read* other teams' objects, never change
them. REST integrations authenticate with a ``ServiceToken`` and act as its service user,
limited to the token's scopes (``service_scopes`` on a view says which it needs).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Model, Q, QuerySet
from rest_framework.permissions import SAFE_METHODS, BasePermission

from .models import AccessSettings, ServiceToken, Team

security_log = logging.getLogger("desk.security")

# The named scopes a service token can hold.
SCOPES = {
    "cases:read": "Read cases, their timelines, notes and SLA clocks.",
    "cases:write": "Open and update cases; add notes, calls and contact attempts.",
    "calendars:read": "Read business calendars and compute deadlines.",
    "sourcing:read": "Read the talent pool and shortlists.",
    "sourcing:write": "Import freelancers and agencies into the talent pool.",
    "webhooks": "Receive and manage outbound webhook deliveries.",
}


# Who is asking ---------------------------------------------------------------------------
def service_token_of(user) -> ServiceToken | None:
    """The service token a request authenticated with (set by ServiceTokenAuthentication)."""
    return getattr(user, "_service_token", None)


def is_service(user) -> bool:
    return service_token_of(user) is not None


def has_scope(user, scope: str) -> bool:
    token = service_token_of(user)
    return token is not None and scope in (token.scopes or [])


def is_staff_member(user) -> bool:
    """A signed-in, active person (not a service principal)."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and service_token_of(user) is None
    )


def is_admin(user) -> bool:
    return is_staff_member(user) and bool(user.is_admin)


def team_ids_led_by(user) -> frozenset[int]:
    """Teams this person leads (``Team.lead``), plus their own team if their role is lead."""
    if not is_staff_member(user) or not user.is_lead:
        return frozenset()
    cached = getattr(user, "_desk_led_team_ids", None)
    if cached is None:
        leading = getattr(user, "_desk_teams_leading", None)  # see remember_scope
        ids = set(leading if leading is not None else _one_column(_LED_TEAMS_SQL, [user.pk]))
        if user.team_id is not None:
            ids.add(user.team_id)
        cached = user._desk_led_team_ids = frozenset(ids)
    return cached


def team_ids_of(user) -> frozenset[int]:
    """The teams whose work this person sees and works: their own and those they lead."""
    if not is_staff_member(user):
        return frozenset()
    ids = set(team_ids_led_by(user))
    if user.team_id is not None:
        ids.add(user.team_id)
    return frozenset(ids)


def cross_team_read_enabled(user=None) -> bool:
    """The admin switch for read-only cross-team visibility (cached per user object)."""
    if user is not None:
        cached = getattr(user, "_desk_cross_team_read", None)
        if cached is None:
            cached = user._desk_cross_team_read = _cross_team_read()
        return cached
    return _cross_team_read()


# Every API request and page asks these two (issue 16): plain statements, not the ORM, whose
# building and compiling cost 0.4-0.5 ms each, three times the round trip (bench_peer.py).
_LED_TEAMS_SQL = "SELECT {id} FROM {team} WHERE {lead_id} = %s"
_CROSS_TEAM_READ_SQL = "SELECT {cross_team_read} FROM {settings} WHERE {id} = 1"


def scope_columns_sql(user_id_sql: str) -> str | None:
    """Two columns a statement that reads a user can carry on PostgreSQL (the token check
    does): the cross-team switch and the ids of the teams the user leads, for
    ``remember_scope``. Two round trips fewer on every API request; None elsewhere."""
    if connection.vendor != "postgresql":
        return None
    lead_ids = _LED_TEAMS_SQL.replace("%s", user_id_sql)
    return f"({_CROSS_TEAM_READ_SQL}), ARRAY({lead_ids})".format(**_sql_names())


def remember_scope(user, cross_team_read, teams_leading) -> None:
    """What ``scope_columns_sql`` read, kept on the user object for this request (as the
    checks keep what they read themselves)."""
    user._desk_cross_team_read = bool(cross_team_read)
    user._desk_teams_leading = frozenset(teams_leading or ())


def _cross_team_read() -> bool:
    """``AccessSettings.current().cross_team_read``: off while the row does not exist."""
    return any(_one_column(_CROSS_TEAM_READ_SQL, []))


def _sql_names() -> dict[str, str]:
    quote = connection.ops.quote_name
    return {
        "id": quote("id"),
        "team": quote(Team._meta.db_table),
        "lead_id": quote(Team._meta.get_field("lead").column),
        "cross_team_read": quote("cross_team_read"),
        "settings": quote(AccessSettings._meta.db_table),
    }


def _one_column(template: str, params: list) -> list:
    with connection.cursor() as cursor:
        cursor.execute(template.format(**_sql_names()), params)
        return [row[0] for row in cursor.fetchall()]


def reads_every_team(user, *, service_scope: str | None = None) -> bool:
    """Admins, services holding ``service_scope``, and everyone when cross-team read is on."""
    if service_token_of(user) is not None:
        return service_scope is not None and has_scope(user, service_scope)
    if not is_staff_member(user):
        return False
    return is_admin(user) or cross_team_read_enabled(user)


def works_in_team(user, team_id: int | None) -> bool:
    """May this person work objects of ``team_id`` (own team, led team, or the intake)?"""
    if not is_staff_member(user):
        return False
    return is_admin(user) or team_id is None or team_id in team_ids_of(user)


def can_decide_for(user, team_id: int | None) -> bool:
    """Decisions (assign, acknowledge, approve) are a lead's, in the teams they lead.

    The shared intake (no team) may be decided by any lead; admins decide everywhere.
    """
    if not is_staff_member(user):
        return False
    if is_admin(user):
        return True
    return bool(user.is_lead) and (team_id is None or team_id in team_ids_led_by(user))


def deny(user, what: str, *, target: object = None) -> None:
    """Log a refusal once: who (id and role only), what, on which object id. No secrets."""
    token = service_token_of(user)
    who = (
        f"service:{token.name}"
        if token is not None
        else (f"user:{user.pk}:{user.role}" if getattr(user, "pk", None) else "anonymous")
    )
    security_log.info("access denied: %s %s %s", who, what, getattr(target, "pk", target) or "")


# Objects of other apps that SLA clocks (or others) refer to ----------------------------
@dataclass(frozen=True)
class SubjectAccess:
    visible_ids: Callable[[object], QuerySet]  # user -> queryset of visible subject ids
    team_id: Callable[[int], int | None]  # subject id -> its team id
    service_scope: str | None


_SUBJECTS: dict[type[Model], SubjectAccess] = {}


def register_subject(
    model: type[Model],
    *,
    visible_ids: Callable[[object], QuerySet],
    team_id: Callable[[int], int | None],
    service_scope: str | None,
) -> None:
    """Apps declare how to scope their objects, so the kernel can scope what points at them."""
    _SUBJECTS[model] = SubjectAccess(visible_ids, team_id, service_scope)


def subjects_visible_q(user, *, ct_field: str = "content_type", id_field: str = "object_id"):
    """A Q over generic (content type, object id) pairs limited to what ``user`` sees."""
    q = Q(pk__in=[])
    for model, access in _SUBJECTS.items():
        ct = ContentType.objects.get_for_model(model)
        if reads_every_team(user, service_scope=access.service_scope):
            q |= Q(**{ct_field: ct})
        elif is_staff_member(user):
            q |= Q(**{ct_field: ct, f"{id_field}__in": access.visible_ids(user)})
    return q


def subject_team_id(content_type_id: int, object_id: int) -> int | None:
    model = ContentType.objects.get_for_id(content_type_id).model_class()
    access = _SUBJECTS.get(model)
    return access.team_id(object_id) if access else None


# Named scopes other apps need without importing the app that owns them ---------------
_SCOPES: dict[str, Callable[[object], QuerySet]] = {}


def register_scope(name: str, fn: Callable[[object], QuerySet]) -> None:
    """E.g. escalations registers "case_references": user -> the references they see."""
    _SCOPES[name] = fn


def scoped(name: str, user) -> QuerySet:
    return _SCOPES[name](user)


def register_kernel_subjects() -> None:
    """Clocks on a person (e.g. an agent's own targets) belong to that person's team."""
    from .models import User

    def visible_users(user):
        teams = team_ids_of(user)
        return User.objects.filter(Q(team_id__in=teams) | Q(pk=user.pk)).values("pk")

    register_subject(
        User,
        visible_ids=visible_users,
        team_id=lambda pk: User.objects.filter(pk=pk).values_list("team_id", flat=True).first(),
        service_scope=None,
    )


# SLA clocks ------------------------------------------------------------------------------
def clocks_visible_to(user, queryset: QuerySet | None = None) -> QuerySet:
    from .models import SlaClock

    qs = queryset if queryset is not None else SlaClock.objects.all()
    if is_admin(user):
        return qs
    return qs.filter(subjects_visible_q(user))


def can_acknowledge_clock(user, clock) -> bool:
    return can_decide_for(user, subject_team_id(clock.content_type_id, clock.object_id))


# REST: service tokens declare what they may do -------------------------------------------
class ServiceScopePermission(BasePermission):
    """Service tokens reach only views that name the scopes they need.

    A view sets ``service_scopes = ("cases:read", "cases:write")``: the first for safe
    methods, the second for writes (``None`` to refuse writes). A view without it refuses
    every service token. People are not affected (other permission classes decide).
    """

    message = "This service token does not hold the scope this endpoint needs."

    def has_permission(self, request, view) -> bool:
        token = service_token_of(request.user)
        if token is None:
            return True
        read, write = (tuple(getattr(view, "service_scopes", ())) + (None, None))[:2]
        needed = read if request.method in SAFE_METHODS else write
        if needed and needed in (token.scopes or []):
            return True
        self.message = (
            f"This service token lacks the scope {needed!r}."
            if needed
            else "Service tokens cannot use this endpoint."
        )
        deny(request.user, f"{request.method} {request.path}")
        return False
