"""Database helpers; ``core.db.postgresql`` is the project's PostgreSQL backend."""

from __future__ import annotations

import datetime as dt

_SQL_TYPES = {dt.datetime: "timestamptz", str: "text", int: "bigint"}


def prepared_cursor(connection):
    """``connection.prepared_cursor()`` on the project's PostgreSQL backend (statements
    planned once per connection, core/db/postgresql/base.py), else an ordinary cursor."""
    method = getattr(connection, "prepared_cursor", None)
    return method() if method is not None else connection.cursor()


def with_named_parameters(connection, sql: str, params, varying: dict) -> str | None:
    """``sql`` (PostgreSQL) with its ``params`` inlined as literals, quoted by psycopg,
    except the stand-ins of ``varying`` (name -> stand-in value), each a named, typed
    parameter ``CAST(%(name)s AS <type>)``: a statement for ``prepared_cursor`` whose
    only parameters are the ones a request changes. None if a stand-in does not show in
    the text exactly as often as among ``params`` (no stand-in may be a substring of
    another literal)."""
    text = connection.ops.compose_sql(sql, params).replace("%", "%%")
    for name, sentinel in varying.items():
        literal = connection.ops.compose_sql("%s", [sentinel])
        placed = sum(1 for p in params if type(p) is type(sentinel) and p == sentinel)
        if not placed or text.count(literal) != placed:
            return None
        text = text.replace(literal, f"CAST(%({name})s AS {_SQL_TYPES[type(sentinel)]})")
    return text
