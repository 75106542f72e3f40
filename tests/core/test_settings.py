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


def _setting(env_overrides: dict, expression: str) -> str:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SITE_URL", "PORT", "REDIS_URL", "CELERY_BROKER_URL", "DEBUG"}
    }
    env["VAR_DIR"] = tempfile.mkdtemp(prefix="escdesk-setting-")
    env.update(env_overrides)
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {expression}"],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout + result.stderr


@pytest.mark.parametrize(
    ("env", "site_url"),
    [
        ({}, "http://127.0.0.1:8000"),
        ({"PORT": "8031"}, "http://127.0.0.1:8031"),
        ({"PORT": "8031", "SITE_URL": "https://desk.example.com"}, "https://desk.example.com"),
    ],
)
def test_site_url_follows_port_unless_set(env, site_url):
    """Links in emails point where `PORT=8031 python3 dev.py run` actually serves."""
    printed = _setting(env, "from django.conf import settings; print(settings.SITE_URL)")
    assert printed.strip() == site_url


@pytest.mark.parametrize("value", ["eighty", "0", "70000"])
def test_invalid_port_stops_start_up_naming_the_variable(value):
    result = _django_check({"PORT": value})
    assert result.returncode != 0
    assert "PORT" in result.stderr


@pytest.mark.parametrize("broker", [None, "filesystem://"])
def test_filesystem_broker_publishes_without_kombu_hostname_warning(broker):
    """The default broker (kombu's filesystem transport) is configured with its host."""
    printed = _setting(
        {"CELERY_BROKER_URL": broker} if broker else {},
        "import logging; logging.basicConfig(); from config.celery import app; "
        "app.send_task('desk.noop'); print(app.connection_for_write().as_uri())",
    )
    assert "filesystem://" in printed
    assert "No hostname was supplied" not in printed
