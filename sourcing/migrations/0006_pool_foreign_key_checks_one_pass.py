from django.db import migrations

from sourcing import integrity


def replace_functions(apps, schema_editor):
    # PostgreSQL only: the statement-level foreign-key checks of 0005, one pass a column
    # (the parents locked and counted) instead of a lock pass and an anti-join per row.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(integrity.create_sql())


class Migration(migrations.Migration):
    dependencies = [
        ("sourcing", "0005_pool_set_based_foreign_keys"),
    ]

    operations = [
        migrations.RunPython(replace_functions, migrations.RunPython.noop, elidable=True),
    ]
