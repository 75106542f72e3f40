"""Issue 16 (API-1): the project's PostgreSQL backend (core/db/postgresql/base.py).

* The health check of a reused connection sends nothing while the socket is quiet and the
  connection was used moments ago, sends SELECT 1 otherwise, and still finds a connection
  the server closed (the request then reconnects).
* ``prepared_cursor`` statements are logged with their values, survive a migration that
  changes their result type, and are not prepared with ``server_side_binding`` or an
  explicit ``prepare_threshold``; ``with_named_parameters`` inlines safely or refuses.
  (That the list's, detail's and token check's statements are planned once per
  connection: tests/escalations/test_case_read_path.py.)
"""

import time

import psycopg
import pytest
from django.db import NotSupportedError, close_old_connections, connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from core.db import prepared_cursor, with_named_parameters
from core.db.postgresql import base

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


@pytest.mark.django_db(transaction=True)
def test_health_check_of_a_long_idle_connection_sends_select_1_api_1(monkeypatch):
    """A firewall may drop an idle connection without a word: past the trusted idle time
    the stock check runs."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 'before the check'")
    monkeypatch.setattr(base, "TRUSTED_IDLE_SECONDS", -1.0)
    assert connection.is_usable()
    assert _last_statement_of(connection.connection.info.backend_pid) == "SELECT 1"


@pytest.fixture
def scratch_table():
    with _admin_connection() as other:
        other.execute("CREATE TABLE backend_scratch (word varchar(10))")
        other.execute("INSERT INTO backend_scratch VALUES ('kept')")
    yield
    with _admin_connection() as other:
        other.execute("DROP TABLE IF EXISTS backend_scratch")


def _widen_the_column():
    with _admin_connection() as other:  # what a migration run elsewhere does
        other.execute("ALTER TABLE backend_scratch ALTER COLUMN word TYPE varchar(20)")


@pytest.mark.django_db(transaction=True)
def test_a_statement_whose_result_type_a_migration_changed_runs_again_api_1(scratch_table):
    def read():
        with prepared_cursor(connection) as cursor:
            cursor.execute("SELECT word FROM backend_scratch")
            return cursor.fetchall()

    assert read() == [("kept",)]
    pid = connection.connection.info.backend_pid
    _widen_the_column()
    assert read() == [("kept",)]  # on a new connection: the old one's plan was stale
    assert connection.connection.info.backend_pid != pid


@pytest.mark.django_db(transaction=True)
def test_a_stale_statement_in_a_transaction_fails_once_and_closes_the_connection_api_1(
    scratch_table,
):
    with prepared_cursor(connection) as cursor:
        cursor.execute("SELECT word FROM backend_scratch")
    _widen_the_column()
    with (
        pytest.raises(NotSupportedError),
        transaction.atomic(),
        prepared_cursor(connection) as cursor,
    ):
        cursor.execute("SELECT word FROM backend_scratch")
    assert connection.close_at == 0  # closed when the request ends
    close_old_connections()
    assert connection.connection is None
    with prepared_cursor(connection) as cursor:
        cursor.execute("SELECT word FROM backend_scratch")
        assert cursor.fetchall() == [("kept",)]


def test_an_explicit_prepare_threshold_turns_preparing_off_api_1(monkeypatch):
    options = {**connection.settings_dict["OPTIONS"], "prepare_threshold": None}
    wrapper = type(connections["default"])({**connection.settings_dict, "OPTIONS": options})
    assert not wrapper.prepares
    assert "plan_cache_mode" not in (wrapper.get_connection_params().get("options") or "")
    monkeypatch.setenv("PGOPTIONS", "-c statement_timeout=1234")  # kept, not overridden
    params = connection.get_connection_params()
    assert params["options"] == "-c statement_timeout=1234 -c plan_cache_mode=force_generic_plan"


@pytest.mark.django_db
def test_with_named_parameters_inlines_safely_or_refuses_api_1():
    sql = with_named_parameters(connection, "SELECT %s, %s, %s", ["50% off", "it's", 7], {"n": 7})
    assert sql == "SELECT '50%% off', 'it''s', CAST(%(n)s AS bigint)"
    with prepared_cursor(connection) as cursor:
        cursor.execute(sql, {"n": 8})
        assert cursor.fetchone() == ("50% off", "it's", 8)
    # A stand-in that also shows inside another value: no statement, the caller's fallback.
    assert with_named_parameters(connection, "SELECT %s, %s", [123, 91234], {"n": 123}) is None
    assert with_named_parameters(connection, "SELECT %s", [5], {"n": 6}) is None
