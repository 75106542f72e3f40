"""The production commands of docker-compose.yml, exercised here: collectstatic, gunicorn."""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from ..conftest import ROOT, database_url_for_current_test_db


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.django_db(transaction=True)
def test_gunicorn_serves_healthz_and_login_with_debug_off(tmp_path: Path):
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DEBUG": "false",
        "SECRET_KEY": "p" * 60,
        "ALLOWED_HOSTS": "localhost,127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "STATIC_ROOT": str(tmp_path / "static"),
        "DATABASE_URL": database_url_for_current_test_db(),
    }
    bin_dir = Path(sys.executable).parent
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=120,
    )
    port = _free_port()
    server = subprocess.Popen(
        [str(bin_dir / "gunicorn"), "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        body = None
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz/", timeout=5) as r:
                    body = r.read().decode()
                    break
            except urllib.error.HTTPError as exc:  # 503 still proves gunicorn serves
                body = exc.read().decode()
                break
            except OSError:
                time.sleep(0.2)
        assert body is not None and '"database": {"ok": true' in body
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=5) as r:
            page = r.read().decode()
        assert "Sign in" in page and "/static/css/app." in page  # hashed by the manifest
        # The API docs load Swagger UI from our own (collected, hashed) static files.
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/docs/", timeout=5) as r:
            docs = r.read().decode()
        assets = re.findall(r'<(?:script|link)\b[^>]*?\b(?:src|href)="([^"]+)"', docs)
        assets = [a for a in assets if not a.startswith("data:")]
        assert any("swagger-ui-bundle." in a for a in assets), assets
        for asset in assets:
            assert asset.startswith("/static/"), asset
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{asset}", timeout=5) as r:
                assert r.status == 200 and len(r.read()) > 1000, asset
    finally:
        server.terminate()
        server.wait(timeout=20)
