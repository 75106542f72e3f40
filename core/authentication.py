"""API authentication with failure throttling (CORE-8).

``AuthFailureThrottleMixin`` wraps any DRF authentication class: failed credentials are
counted per client IP in the cache (``API_AUTH_FAILURE_RATE``, e.g. 20/min); past the
limit every request from that IP that carries credentials answers 429 with
``Retry-After`` until the window ends, a right token included. All classes that use the
mixin share one counter per IP.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import connection
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication, get_authorization_header
from rest_framework.authtoken.models import Token

from core.access import remember_scope, scope_columns_sql
from core.api.throttling import failures_throttled
from core.db import prepared_cursor
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

    def authenticate_credentials(self, key):
        """DRF's checks and answers (unknown key, inactive user), with the user and the
        token read by one plain statement: the ORM's ``select_related('user').get(key=)``
        cost 0.9 ms of every token request, the statement 0.3 ms (issue 16)."""
        scope = scope_columns_sql("u.id")
        row = _token_row(key, scope) if isinstance(key, str) else None
        if row is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        columns = _user_columns()
        values = _from_db(row[: len(columns) + 1])
        user = get_user_model().from_db(connection.alias, columns, values[:-1])
        created = values[-1]
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        if scope is not None:
            remember_scope(user, *row[len(columns) + 1 :])
        token = Token(key=key, user_id=user.pk, created=created)
        token.user = user
        token._state.adding, token._state.db = False, connection.alias
        return user, token


def _user_columns() -> list[str]:
    return [field.attname for field in get_user_model()._meta.concrete_fields]


def _from_db(values) -> list:
    """The user's columns and the token's ``created`` as the ORM gives them: the backend's
    and the fields' converters applied (JSON text to lists, SQLite's text to datetimes,
    0/1 to booleans), as the compiler does for a queryset."""
    converters = _CONVERTERS.get(connection.vendor)
    if converters is None:
        fields = [*get_user_model()._meta.concrete_fields, Token._meta.get_field("created")]
        converters = _CONVERTERS[connection.vendor] = [
            (
                column := field.get_col(field.model._meta.db_table),
                [
                    *connection.ops.get_db_converters(column),
                    *column.get_db_converters(connection),
                ],
            )
            for field in fields
        ]
    converted = []
    for (column, functions), value in zip(converters, values, strict=True):
        for convert in functions:
            value = convert(value, column, connection)
        converted.append(value)
    return converted


# Per database vendor: (column, its converters) for each value _from_db converts.
_CONVERTERS: dict[str, list] = {}


def _token_row(key: str, scope: str | None):
    """(the user's concrete columns..., the token's created[, the scope columns]) of the
    token ``key``, or None."""
    quote = connection.ops.quote_name
    user_meta = get_user_model()._meta
    columns = ", ".join(f"u.{quote(field.column)}" for field in user_meta.concrete_fields)
    extra = f", {scope}" if scope else ""
    sql = (
        f"SELECT {columns}, t.{quote('created')}{extra} FROM {quote(Token._meta.db_table)} t "
        f"INNER JOIN {quote(user_meta.db_table)} u ON u.{quote(user_meta.pk.column)} = "
        f"t.{quote(Token._meta.get_field('user').column)} WHERE t.{quote('key')} = %s"
    )
    with prepared_cursor(connection) as cursor:  # planned once per connection
        cursor.execute(sql, [key])
        return cursor.fetchone()


class ThrottledServiceTokenAuthentication(AuthFailureThrottleMixin, ServiceTokenAuthentication):
    """Service tokens (``Authorization: Bearer <key>``) with failures throttled per IP."""
