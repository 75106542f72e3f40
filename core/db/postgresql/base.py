"""Django's PostgreSQL backend with two additions for the hot read paths (issue 16).

**A health check without a round trip.** ``CONN_HEALTH_CHECKS`` makes Django check a
reused connection before the first query of every request; the stock check sends
``SELECT 1`` and waits for it. A server that closes a connection (restart,
``pg_terminate_backend``, ``idle_session_timeout``, a killed backend, a pooler closing it)
sends its error and EOF on the socket first, so a connection used within the last
``TRUSTED_IDLE_SECONDS``, idle, whose socket has nothing to read, is still open: only then
is the round trip skipped. Anything else (longer idle: a firewall may have dropped it
silently; something to read; a transaction; psycopg no longer calling it OK) gets the
stock check.

**Statements planned once per connection** (``prepared_cursor``). Django binds parameters
on the client, so PostgreSQL plans every statement again: the case list's one statement
(count, page ids, rows with four subqueries each) spent about 0.9 ms of its 1.9 ms in the
planner (pgbench, 100,000 cases). A ``prepared_cursor`` binds on the server and prepares
what it runs (psycopg's ``prepare_threshold`` 0 on this connection, at most
``PREPARED_MAX`` statements kept; Django's own cursors bind on the client and never
prepare), and the session plans prepared statements (and PL/pgSQL's) once, generically
(``plan_cache_mode``): only statements whose constants are inlined and whose parameters
cannot change the best plan (a page's LIMIT and OFFSET, a keyset's bound, a key) are meant
for it (``core.db.with_named_parameters``). A prepared statement whose result type a
migration changed ("cached plan must not change result type") is run again on a new
connection, or, inside a transaction, fails once and the connection is closed at the end
of the request. Not with ``server_side_binding`` (every Django cursor would prepare) nor
with ``prepare_threshold`` in OPTIONS (``DB_PREPARED_STATEMENTS=false`` sets it to None,
for a pooler that cannot keep prepared statements): ``prepared_cursor`` then gives an
ordinary cursor and the session keeps PostgreSQL's default planning.
"""

from __future__ import annotations

import os
import select
import time

from django.db import NotSupportedError
from django.db.backends.postgresql import base, operations
from django.db.backends.utils import CursorWrapper
from django.utils.asyncio import async_unsafe

GENERIC_PLANS = "-c plan_cache_mode=force_generic_plan"
PREPARED_MAX = 32  # prepared statements kept per connection (psycopg's default: 100)
TRUSTED_IDLE_SECONDS = 10.0


def _nothing_to_read(fileno: int) -> bool:
    if not hasattr(select, "poll"):  # no poll(): the stock check
        return False
    poller = select.poll()
    poller.register(fileno, select.POLLIN | select.POLLPRI)
    return not poller.poll(0)


def _stale_plan(error: Exception) -> bool:
    """Whether ``error`` is PostgreSQL refusing a prepared statement whose result type
    changed under it (a migration altered a column it selects)."""
    cause = error.__cause__
    return getattr(cause, "sqlstate", None) == "0A000" and "cached plan" in str(cause)


class _Revalidating:
    def execute(self, sql, params=None):
        try:
            return super().execute(sql, params)
        except NotSupportedError as error:
            if not _stale_plan(error):
                raise
            if self.db.in_atomic_block:  # the transaction is lost: a new connection next time
                self.db.close_at = 0
                raise
            self.db.close()  # its prepared statements go with it
            self.cursor = self.db.prepared_cursor().cursor
            return super().execute(sql, params)


class PreparedCursorWrapper(_Revalidating, CursorWrapper):
    pass


class PreparedCursorDebugWrapper(_Revalidating, base.CursorDebugWrapper):
    pass


class DatabaseOperations(operations.DatabaseOperations):
    def last_executed_query(self, cursor, sql, params):
        """A ``prepared_cursor``'s statement as the client-bound ones are logged: the SQL
        with its parameters (psycopg keeps no client-side text for it)."""
        Database = self.connection.Database
        if isinstance(cursor, Database.ClientCursor):
            return super().last_executed_query(cursor, sql, params)
        try:
            return Database.ClientCursor(cursor.connection).mogrify(sql, params)
        except Database.Error:
            return None


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
    _last_cursor_at = None

    @property
    def prepares(self) -> bool:
        """Whether ``prepared_cursor`` prepares (not with ``server_side_binding`` nor an
        explicit ``prepare_threshold`` in OPTIONS)."""
        options = self.settings_dict["OPTIONS"]
        return options.get("server_side_binding") is not True and "prepare_threshold" not in options

    def get_connection_params(self):
        params = super().get_connection_params()
        if self.prepares:  # libpq reads PGOPTIONS only when no options are passed
            inherited = params.get("options") or os.environ.get("PGOPTIONS", "")
            params["options"] = f"{inherited} {GENERIC_PLANS}".strip()
        return params

    def get_new_connection(self, conn_params):
        connection = super().get_new_connection(conn_params)
        if self.prepares:
            connection.prepare_threshold = 0  # server-binding cursors: prepare at once
            connection.prepared_max = PREPARED_MAX
        return connection

    def _cursor(self, name=None):
        cursor = super()._cursor(name)
        self._last_cursor_at = time.monotonic()
        return cursor

    @async_unsafe
    def prepared_cursor(self):
        """A cursor (Django's wrapper: logged, wrapped errors) whose statements PostgreSQL
        prepares and plans once per connection; see the module's docstring."""
        if not self.prepares:
            return self.cursor()
        self.close_if_health_check_failed()
        self.ensure_connection()
        with self.wrap_database_errors:
            cursor = self.Database.Cursor(self.connection)
            loader = self.connection.adapters.get_loader(base.TIMESTAMPTZ_OID, base.Format.TEXT)
            if self.timezone != loader.timezone:  # as Django's create_cursor does
                base.register_tzloader(self.timezone, cursor)
        self.validate_thread_sharing()
        self._last_cursor_at = time.monotonic()
        wrapper = PreparedCursorDebugWrapper if self.queries_logged else PreparedCursorWrapper
        return wrapper(cursor, self)

    def is_usable(self):
        conn = self.connection
        if conn is None or conn.closed:
            return False
        pq = self.Database.pq
        used = self._last_cursor_at
        pgconn = conn.pgconn
        try:
            quiet = (
                used is not None
                and time.monotonic() - used <= TRUSTED_IDLE_SECONDS
                and pgconn.status == pq.ConnStatus.OK
                and pgconn.transaction_status == pq.TransactionStatus.IDLE
                and _nothing_to_read(pgconn.socket)
            )
        except (OSError, ValueError, self.Database.Error):
            quiet = False
        return True if quiet else super().is_usable()
