"""The application's PostgreSQL role: everything it needs, nothing that edits history (CORE-5).

Migrations run as the owner of the tables; web, worker and beat connect as a separate
login role that is neither owner nor superuser. ``app_role_grant`` (``manage.py
grant_app_role ROLE``, run by the owner after ``migrate``) gives that role SELECT,
INSERT, UPDATE and DELETE on every table of the schema except the audit trail, which
gets SELECT and INSERT only, plus USAGE and SELECT on the sequences, and sets the
owner's default privileges so tables created by later migrations get the same grants.
It never grants TRUNCATE, REFERENCES or TRIGGER, and only an owner may ``ALTER TABLE ...
DISABLE TRIGGER``: the append-only triggers of ``core_auditevent`` stay in force for the
application. Idempotent: run it after every ``migrate``.
"""

from __future__ import annotations

from django.db import connection, transaction

from .errors import InvalidInput
from .models import AuditEvent

TABLE_PRIVILEGES = "SELECT, INSERT, UPDATE, DELETE"
AUDIT_PRIVILEGES = "SELECT, INSERT"


def _role_exists(cursor, role: str) -> bool:
    cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
    return cursor.fetchone() is not None


def app_role_grant_sql(*, role: str, owner: str, schema: str) -> list[str]:
    """The statements ``app_role_grant`` runs (quoted identifiers; no parameters)."""
    q = connection.ops.quote_name
    r, o, s = q(role), q(owner), q(schema)
    audit = q(AuditEvent._meta.db_table)
    return [
        f"GRANT USAGE ON SCHEMA {s} TO {r}",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA {s} FROM {r}",
        f"GRANT {TABLE_PRIVILEGES} ON ALL TABLES IN SCHEMA {s} TO {r}",
        f"REVOKE ALL ON {s}.{audit} FROM {r}",
        f"GRANT {AUDIT_PRIVILEGES} ON {s}.{audit} TO {r}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {s} TO {r}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {o} IN SCHEMA {s} "
        f"GRANT {TABLE_PRIVILEGES} ON TABLES TO {r}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {o} IN SCHEMA {s} "
        f"GRANT USAGE, SELECT ON SEQUENCES TO {r}",
    ]


def app_role_grant(*, role: str) -> list[str]:
    """Grant ``role`` the application's privileges; return the statements run.

    Run it as the owner of the tables (the migrating role). Refuses SQLite, an unknown
    role, the owner itself and superusers (a superuser bypasses every privilege check).
    """
    if connection.vendor != "postgresql":
        raise InvalidInput("Database roles need PostgreSQL (this database is not).")
    role = (role or "").strip()
    if not role:
        raise InvalidInput("Name the application's database role.", field="role")
    with transaction.atomic(), connection.cursor() as cursor:
        if not _role_exists(cursor, role):
            raise InvalidInput(
                f"No database role {role!r}: create it first (CREATE ROLE ... LOGIN).",
                field="role",
            )
        cursor.execute(
            "SELECT current_user, current_schema(), "
            "(SELECT rolsuper FROM pg_roles WHERE rolname = %s), "
            "(SELECT tableowner FROM pg_tables WHERE schemaname = current_schema() "
            "AND tablename = %s)",
            [role, AuditEvent._meta.db_table],
        )
        current, schema, superuser, table_owner = cursor.fetchone()
        owner = table_owner or current
        if superuser:
            raise InvalidInput(
                f"{role!r} is a superuser, which bypasses every privilege: use an ordinary role.",
                field="role",
            )
        if role in (owner, current):
            raise InvalidInput(
                f"{role!r} owns the tables (or runs this command); the application needs "
                "a role of its own.",
                field="role",
            )
        statements = app_role_grant_sql(role=role, owner=owner, schema=schema)
        for statement in statements:
            cursor.execute(statement)
    return statements
