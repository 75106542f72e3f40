"""The credit ledger is append-only in the database too (CRD-5), like the audit trail.

PostgreSQL: a row trigger refuses UPDATE and DELETE (core's audit trigger, copied).
SQLite: two triggers RAISE(ABORT) on UPDATE and DELETE. Emptying a test database
(``flush``) lifts them for its one statement (see tests/conftest.py).
"""

from django.db import migrations

from ._ledger_triggers import PG_CREATE, PG_DROP, SQLITE_CREATE, SQLITE_DROP


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_CREATE, params=None)
    elif vendor == "sqlite":
        for sql in SQLITE_CREATE:
            schema_editor.execute(sql, params=None)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_DROP, params=None)
    elif vendor == "sqlite":
        for sql in SQLITE_DROP:
            schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [("credits", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
