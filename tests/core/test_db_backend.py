"""Issue 16 (API-1): the project's PostgreSQL backend (core/db/postgresql/base.py).

* The health check of a reused connection sends nothing while the socket is quiet, and
  still finds a connection the server closed (the request then reconnects).
* ``prepared_cursor`` statements are logged with their values; the backend prepares only
  without ``server_side_binding``. (That the case list's and the token check's statements
  are planned once per connection: tests/escalations/test_case_read_path.py.)
"""

import time

import psycopg
import pytest
from django.db import close_old_connections, connection, connections
from django.test.utils import CaptureQueriesContext

from core.db import prepared_cursor

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the PostgreSQL backend's own behaviour"
)


def _admin_connection():
    """A second, plain psycopg connection to the same server (not Django's)."""
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("prepare_threshold", None)
    return psycopg.connect(**params, autocommit=True)


def _last_statement_of(pid: int) -> str:
    with _admin_connection() as other:
        return other.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone()[
            0
        ]


@pytest.mark.django_db(transaction=True)
def test_health_check_sends_nothing_on_a_quiet_connection_api_1():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 'before the check'")
    pid = connection.connection.info.backend_pid
    assert connection.is_usable()
    assert _last_statement_of(pid) == "SELECT 'before the check'"  # no SELECT 1 was sent


@pytest.mark.django_db(transaction=True)
def test_health_check_finds_a_connection_the_server_closed_and_reconnects_api_1():
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    with _admin_connection() as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
    deadline = time.monotonic() + 10
    while connection.is_usable() and time.monotonic() < deadline:
        time.sleep(0.05)  # the server's FATAL and EOF arrive on the socket
    assert not connection.is_usable()
    close_old_connections()  # what Django runs when a request starts
    with connection.cursor() as cursor:  # the health check closes it; this reconnects
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != pid


@pytest.mark.django_db(transaction=True)
def test_prepared_cursor_statements_are_logged_with_their_values_api_1():
    with CaptureQueriesContext(connection) as ctx, prepared_cursor(connection) as cursor:
        cursor.execute("SELECT %(word)s::text, %(n)s::int", {"word": "logged", "n": 7})
        assert cursor.fetchone() == ("logged", 7)
    assert ctx.captured_queries[-1]["sql"] == "SELECT 'logged'::text, 7::int"


def test_server_side_binding_keeps_django_s_behaviour_api_1():
    """With ``server_side_binding`` every Django cursor would prepare: the backend then
    neither prepares nor forces generic plans."""
    options = {**connection.settings_dict["OPTIONS"], "server_side_binding": True}
    wrapper = type(connections["default"])(
        {**connection.settings_dict, "OPTIONS": options}, alias="ssb"
    )
    assert not wrapper.prepares
    assert "plan_cache_mode" not in wrapper.get_connection_params().get("options", "")
    assert connection.prepares
    assert "plan_cache_mode=force_generic_plan" in connection.get_connection_params()["options"]
