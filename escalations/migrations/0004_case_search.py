"""ESC-9 case search: pg_trgm and the search indexes, on PostgreSQL only.

SQLite (development, tests) has no GIN indexes and searches with ``icontains``
(escalations/search.py), so these operations do nothing there. They change no model
state: the indexes are not in ``Case.Meta`` (Django would try to build them on SQLite).
The trigram indexes are on ``UPPER(field::text)``, the expression ``escalations.search``
compares (tests/escalations/test_search_esc_9.py checks the plans on PostgreSQL); 0005
replaces the full-text expression index with a stored column.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.operations import TrigramExtension
from django.contrib.postgres.search import SearchVector
from django.db import migrations

TRIGRAM_FIELDS = ("title", "client_name", "client_email", "client_company", "freelancer_name")


class PostgresTrigramExtension(TrigramExtension):
    """CREATE EXTENSION pg_trgm; nothing on other databases, either way."""

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class PostgresOnlyIndexes(migrations.operations.base.Operation):
    """Add (and on reverse, drop) indexes on PostgreSQL; no state change, no-op elsewhere."""

    reversible = True

    def __init__(self, model_name, indexes):
        self.model_name = model_name
        self.indexes = indexes

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        model = to_state.apps.get_model(app_label, self.model_name)
        for index in self.indexes:
            schema_editor.add_index(model, index)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        model = from_state.apps.get_model(app_label, self.model_name)
        for index in self.indexes:
            schema_editor.remove_index(model, index)

    def describe(self):
        return f"Create {len(self.indexes)} search indexes on {self.model_name} (PostgreSQL)"


class PostgresOnlySQL(migrations.RunSQL):
    """RunSQL that runs on PostgreSQL only."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def search_vector():
    return SearchVector(
        "client_name", "client_company", "freelancer_name", config="simple", weight="A"
    ) + SearchVector("title", "client_email", config="simple", weight="B")


class Migration(migrations.Migration):
    dependencies = [
        ("escalations", "0003_case_list_index"),
    ]

    operations = [
        PostgresTrigramExtension(),
        PostgresOnlyIndexes(
            "case",
            [
                GinIndex(search_vector(), name="esc_case_search_fts"),
                GinIndex(
                    fields=["contract_ids"],
                    name="esc_case_contract_ids",
                    opclasses=["jsonb_path_ops"],
                ),
            ],
        ),
        # UPPER(field::text): the expression Django's icontains compares on PostgreSQL.
        *[
            PostgresOnlySQL(
                f"CREATE INDEX esc_case_trgm_{field} ON escalations_case "
                f"USING gin ((UPPER({field}::text)) gin_trgm_ops)",
                f"DROP INDEX IF EXISTS esc_case_trgm_{field}",
            )
            for field in TRIGRAM_FIELDS
        ],
    ]
