"""Shipped default rows (calendars, policies, macros, reference data) that must always exist.

Each app registers the data migration that ships its defaults; after every ``migrate`` and
every ``flush`` (Django sends ``post_migrate`` after both) the migration's idempotent
``forwards(apps, schema_editor)`` runs again with the live registry, so a test database
flushed between transactional tests, or a database whose default row was deleted by hand,
gets its defaults back.
"""

from importlib import import_module

DEFAULT_DATA_MIGRATIONS: list[str] = []


def register_default_data(migration_module: str) -> None:
    if migration_module not in DEFAULT_DATA_MIGRATIONS:
        DEFAULT_DATA_MIGRATIONS.append(migration_module)


def ensure_default_data(**kwargs) -> None:
    from django.apps import apps

    for path in DEFAULT_DATA_MIGRATIONS:
        import_module(path).forwards(apps, None)
