"""Django's PostgreSQL backend with two additions for the hot read paths (issue 16).

**A health check without a round trip.** ``CONN_HEALTH_CHECKS`` makes Django check a
reused connection before the first query of every request; the stock check sends
``SELECT 1`` and waits for it. A server that closes a connection (restart,
``pg_terminate_backend``, ``idle_session_timeout``, a killed backend) sends its error and
EOF on the socket first, so an idle connection whose socket has nothing to read is still
open: only then is the round trip skipped. A connection with anything to read, one in a
transaction, or one psycopg no longer calls OK gets the stock check.

**Statements planned once per connection** (``prepared_cursor``). Django binds parameters
on the client, so PostgreSQL plans every statement again: the case list's one statement
(count, page ids, rows with four subqueries each) spent about 0.9 ms of its 1.9 ms in the
planner (pgbench, 100,000 cases). A ``prepared_cursor`` binds on the server and prepares
what it runs (psycopg's ``prepare_threshold`` 0 on this connection; Django's own cursors
bind on the client and never prepare), and the session plans prepared statements once,
generically (``plan_cache_mode``): only statements whose constants are inlined and whose
parameters cannot change the best plan (a page's LIMIT and OFFSET, a keyset's bound) are
meant for it (``escalations.pagination``, ``core.authentication``). With
``server_side_binding`` in OPTIONS, where every Django cursor would prepare, neither
setting is applied and ``prepared_cursor`` gives an ordinary cursor.
"""

from __future__ import annotations

import select

from django.db.backends.postgresql import base, operations

GENERIC_PLANS = "-c plan_cache_mode=force_generic_plan"


def _nothing_to_read(fileno: int) -> bool:
    if not hasattr(select, "poll"):  # no poll(): the stock check
        return False
    poller = select.poll()
    poller.register(fileno, select.POLLIN | select.POLLPRI)
    return not poller.poll(0)


class DatabaseOperations(operations.DatabaseOperations):
    def last_executed_query(self, cursor, sql, params):
        """A ``prepared_cursor``'s statement as the client-bound ones are logged: the SQL
        with its parameters (psycopg keeps no client-side text for it)."""
        if isinstance(cursor, self.connection.Database.ClientCursor):
            return super().last_executed_query(cursor, sql, params)
        try:
            return self.compose_sql(sql, params)
        except self.connection.Database.DataError:
            return None


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations

    @property
    def prepares(self) -> bool:
        """Whether ``prepared_cursor`` prepares (not with ``server_side_binding``)."""
        return self.settings_dict["OPTIONS"].get("server_side_binding") is not True

    def get_connection_params(self):
        params = super().get_connection_params()
        if self.prepares:
            params["options"] = f"{params.get('options', '')} {GENERIC_PLANS}".strip()
        return params

    def get_new_connection(self, conn_params):
        connection = super().get_new_connection(conn_params)
        if self.prepares:
            connection.prepare_threshold = 0  # server-binding cursors: prepare at once
        return connection

    def prepared_cursor(self):
        """A cursor (Django's wrapper: logged, wrapped errors) whose statements PostgreSQL
        prepares and plans once per connection; see the module's docstring."""
        if not self.prepares:
            return self.cursor()
        self.close_if_health_check_failed()
        self.ensure_connection()
        with self.wrap_database_errors:
            return self._prepare_cursor(self.Database.Cursor(self.connection))

    def is_usable(self):
        conn = self.connection
        if conn is None or conn.closed:
            return False
        import psycopg
        from psycopg import pq

        pgconn = conn.pgconn
        try:
            quiet = (
                pgconn.status == pq.ConnStatus.OK
                and pgconn.transaction_status == pq.TransactionStatus.IDLE
                and _nothing_to_read(pgconn.socket)
            )
        except (OSError, ValueError, psycopg.Error):
            quiet = False
        return True if quiet else super().is_usable()
