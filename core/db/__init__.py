"""Database helpers; ``core.db.postgresql`` is the project's PostgreSQL backend."""


def prepared_cursor(connection):
    """``connection.prepared_cursor()`` on the project's PostgreSQL backend (statements
    planned once per connection, core/db/postgresql/base.py), else an ordinary cursor."""
    method = getattr(connection, "prepared_cursor", None)
    return method() if method is not None else connection.cursor()
