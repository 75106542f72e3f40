"""Guards that the CI's PostgreSQL/Redis run really ran there (set by .ci/run)."""

import os

import pytest
from django.db import connection

from core.health import check_broker


@pytest.mark.django_db
def test_suite_runs_on_the_expected_database():
    expected = os.environ.get("EXPECT_DB_VENDOR")
    if expected:
        assert connection.vendor == expected
    else:
        assert connection.vendor in {"sqlite", "postgresql"}


def test_broker_is_reachable_and_the_expected_one():
    result = check_broker()
    assert result["ok"], result
    expected = os.environ.get("EXPECT_BROKER")
    if expected:
        assert result["transport"] == expected
