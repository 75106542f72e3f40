"""Settings come from the environment; bad values stop start-up naming the variable."""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _django_check(env_overrides: dict, *args: str) -> subprocess.CompletedProcess:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "SECRET_KEY", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    # A fresh VAR_DIR: an empty, unmigrated database, as on a new machine or in CI.
    env["VAR_DIR"] = tempfile.mkdtemp(prefix="escdesk-check-")
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", "check", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DEBUG", "maybe"),
        ("DATABASE_URL", "nosuchdb://x"),
        ("CELERY_BROKER_URL", "not a url"),
        ("HEARTBEAT_INTERVAL_SECONDS", "soon"),
        ("DEFAULT_USER_TIME_ZONE", "Mars/Olympus"),
    ],
)
def test_invalid_value_stops_start_up_naming_the_variable(variable, value):
    result = _django_check({variable: value})
    assert result.returncode != 0
    assert variable in result.stderr


def test_secret_key_is_required_when_debug_is_off():
    result = _django_check({"DEBUG": "false", "ALLOWED_HOSTS": "desk.example.com"})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_check_deploy_is_clean_with_production_values():
    result = _django_check(
        {
            "DEBUG": "false",
            "SECRET_KEY": "x" * 20 + "production-secret-key-of-enough-length-0123",
            "ALLOWED_HOSTS": "desk.example.com",
        },
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stderr
