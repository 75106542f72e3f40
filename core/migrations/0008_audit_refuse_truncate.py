"""On PostgreSQL, refuse TRUNCATE of the audit trail too (CORE-5).

Row triggers (0002) do not fire on TRUNCATE; a statement-level BEFORE TRUNCATE trigger
does, for every role, the owner included (only the owner can disable it, and the
application's role is not the owner: see ``manage.py grant_app_role``).
"""

from django.db import migrations

CREATE = """
DROP TRIGGER IF EXISTS core_auditevent_no_truncate ON core_auditevent;
CREATE TRIGGER core_auditevent_no_truncate
    BEFORE TRUNCATE ON core_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION core_auditevent_append_only();
"""
DROP = "DROP TRIGGER IF EXISTS core_auditevent_no_truncate ON core_auditevent;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("core", "0007_access_settings_service_tokens")]
    operations = [migrations.RunPython(forwards, backwards)]
