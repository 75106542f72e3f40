"""ESC-9: the case's full-text document as a stored generated column (PostgreSQL only).

Replaces 0004's expression index: with the document stored, ranking and rechecking a match
read it instead of recomputing ``to_tsvector`` per row (bench/bench_search.py). Django's
model does not declare the column (SQLite has none, and Django must never write it);
``escalations.search`` reads it in its PostgreSQL SQL. No-op on other databases.
"""

from django.db import migrations

DOCUMENT = (
    "setweight(to_tsvector('simple'::regconfig, COALESCE(client_name, '') || ' ' || "
    "COALESCE(client_company, '') || ' ' || COALESCE(freelancer_name, '')), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, COALESCE(title, '') || ' ' || "
    "COALESCE(client_email, '')), 'B')"
)


class PostgresOnlySQL(migrations.RunSQL):
    """RunSQL that runs on PostgreSQL only."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [
        ("escalations", "0004_case_search"),
    ]

    operations = [
        PostgresOnlySQL(
            [
                "DROP INDEX IF EXISTS esc_case_search_fts",
                "ALTER TABLE escalations_case ADD COLUMN search_document tsvector "
                f"GENERATED ALWAYS AS ({DOCUMENT}) STORED",
                "CREATE INDEX esc_case_search_document ON escalations_case "
                "USING gin (search_document)",
            ],
            [
                "ALTER TABLE escalations_case DROP COLUMN IF EXISTS search_document",
                f"CREATE INDEX esc_case_search_fts ON escalations_case USING gin (({DOCUMENT}))",
            ],
        ),
    ]
