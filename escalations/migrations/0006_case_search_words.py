"""ESC-9: the words of the names, for fuzzy search (PostgreSQL only).

A misspelt query used to be compared with every candidate row by ``word_similarity`` (the
trigram recheck read and scored ~3,600 rows for a common surname). Instead the distinct
words of the names -- the weight-A lexemes of ``search_document``: client name, company,
freelancer or agency -- are kept in a small table with a trigram index; a misspelt word is
looked up there and the cases are then found by full-text search on the words it is close
to (``escalations.search``). A trigger adds the words of every inserted or renamed case
(words are never removed: a stale word only finds nothing). Not a model: Django never
reads or writes it through the ORM, and SQLite (no full-text, no pg_trgm) has none.
"""

from django.db import migrations

WORDS = "escalations_case_search_word"
NAME_WORDS = "SELECT lexeme FROM unnest({doc}) AS d WHERE 'A' = ANY(d.weights)"


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
        ("escalations", "0005_case_search_document"),
    ]

    operations = [
        PostgresOnlySQL(
            [
                f"CREATE TABLE {WORDS} (word text PRIMARY KEY)",
                f"CREATE INDEX esc_case_search_word_trgm ON {WORDS} USING gin (word gin_trgm_ops)",
                f"INSERT INTO {WORDS} (word) SELECT DISTINCT d.lexeme "
                "FROM escalations_case c, unnest(c.search_document) AS d "
                "WHERE 'A' = ANY(d.weights) ON CONFLICT DO NOTHING",
                "CREATE FUNCTION esc_case_search_words() RETURNS trigger LANGUAGE plpgsql AS $$ "
                f"BEGIN INSERT INTO {WORDS} (word) "
                f"{NAME_WORDS.format(doc='NEW.search_document')} ON CONFLICT DO NOTHING; "
                "RETURN NULL; END $$",
                # AFTER: the generated search_document is computed by then.
                "CREATE TRIGGER esc_case_search_words AFTER INSERT OR UPDATE OF "
                "client_name, client_company, freelancer_name ON escalations_case "
                "FOR EACH ROW EXECUTE FUNCTION esc_case_search_words()",
                f"ANALYZE {WORDS}",
            ],
            [
                "DROP TRIGGER IF EXISTS esc_case_search_words ON escalations_case",
                "DROP FUNCTION IF EXISTS esc_case_search_words()",
                f"DROP TABLE IF EXISTS {WORDS}",
            ],
        ),
    ]
