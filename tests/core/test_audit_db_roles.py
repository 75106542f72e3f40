"""The database itself keeps the audit trail append-only (CORE-5).

The application connects as a role that is neither owner nor superuser and holds only
what ``manage.py grant_app_role`` gives it; a statement trigger refuses TRUNCATE of the
audit table to every role, the owner included.
"""

import uuid

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from core.models import AuditEvent
from core.services import audit_record

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL roles and triggers"),
]


@pytest.fixture
def app_role():
    """A throwaway login role (trust auth on the test server), dropped afterwards."""
    role = f"core5_app_{uuid.uuid4().hex[:10]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE ROLE "{role}" LOGIN NOSUPERUSER')
    yield role
    with connection.cursor() as cursor:
        cursor.execute(f'DROP OWNED BY "{role}"')  # its grants and default privileges
        cursor.execute(f'DROP ROLE "{role}"')


def connect_as(role: str) -> psycopg.Connection:
    s = connection.settings_dict
    return psycopg.connect(
        host=s["HOST"] or "127.0.0.1",
        port=s["PORT"] or 5432,
        dbname=s["NAME"],
        user=role,
        autocommit=True,
    )


def refused(conn: psycopg.Connection, sql: str, params=None) -> bool:
    try:
        conn.execute(sql, params)
    except psycopg.errors.InsufficientPrivilege:
        return True
    return False


def test_app_role_cannot_change_truncate_or_unprotect_the_audit_table_core_5(app_role, team):
    entry = audit_record(actor=None, action="team.renamed", target=team, after={"name": "B"})
    call_command("grant_app_role", app_role, verbosity=0)

    with connect_as(app_role) as app:
        # INSERT and SELECT work: the application writes and reads the trail.
        app.execute(
            "INSERT INTO core_auditevent (at, actor_label, action, target_type_id, target_id, "
            "target_repr, reason) SELECT now(), 'app', 'probe', target_type_id, target_id, "
            "'', '' FROM core_auditevent WHERE id = %s",
            [entry.pk],
        )
        count = app.execute("SELECT count(*) FROM core_auditevent").fetchone()[0]
        assert count == 2
        # Everything that edits history is refused by privileges, before any trigger.
        assert refused(app, "UPDATE core_auditevent SET reason = 'x' WHERE id = %s", [entry.pk])
        assert refused(app, "DELETE FROM core_auditevent WHERE id = %s", [entry.pk])
        assert refused(app, "TRUNCATE core_auditevent")
        assert refused(app, "ALTER TABLE core_auditevent DISABLE TRIGGER ALL")
        assert refused(
            app, "ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_append_only"
        )
        # The rest of the schema is the application's to change.
        app.execute("UPDATE core_team SET name = name WHERE id = %s", [team.pk])
        assert app.execute("SELECT nextval(pg_get_serial_sequence('core_team', 'id'))")

    assert AuditEvent.objects.filter(pk=entry.pk, reason="").exists()
    assert AuditEvent.objects.count() == 2


def test_owner_truncate_is_refused_by_the_trigger_core_5(team):
    audit_record(actor=None, action="team.renamed", target=team, after={"name": "B"})
    refused = pytest.raises(DatabaseError, match="append-only")
    with refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE core_auditevent")
    assert AuditEvent.objects.count() == 1


def test_tables_of_later_migrations_get_the_grants_core_5(app_role):
    """Default privileges: a table the owner creates after the grant is usable at once."""
    call_command("grant_app_role", app_role, verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE core5_later (id bigserial PRIMARY KEY, note text)")
    try:
        with connect_as(app_role) as app:
            app.execute("INSERT INTO core5_later (note) VALUES ('x')")
            app.execute("UPDATE core5_later SET note = 'y'")
            app.execute("DELETE FROM core5_later")
            assert refused(app, "TRUNCATE core5_later")
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE core5_later")


def test_grant_refuses_unknown_superuser_and_owner_roles_core_5():
    with pytest.raises(CommandError, match="No database role"):
        call_command("grant_app_role", f"core5_missing_{uuid.uuid4().hex[:8]}")
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user")
        me, superuser = cursor.fetchone()
    with pytest.raises(CommandError, match="superuser" if superuser else "owns"):
        call_command("grant_app_role", me)
