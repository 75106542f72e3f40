"""A newcomer's first hour: the README's commands on a fresh machine, offline API docs.

- dev.py downloads nothing itself: it installs exactly what requirements.lock pins (with
  hashes) through the virtualenv's own pip, and stops with a message naming Debian's
  python3-venv when Python cannot give the virtualenv a pip.
- The lock covers every dependency pyproject.toml declares, at versions it allows.
- /api/docs/ loads Swagger UI from the app's own static files (no CDN), inside the app.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.contrib.staticfiles import finders
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from ..conftest import ROOT

LOCK = ROOT / "requirements.lock"
RUNTIME_LOCK = ROOT / "requirements-runtime.lock"
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)", re.MULTILINE)


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def _pins(path: Path) -> dict[str, str]:
    return {canonicalize_name(name): version for name, version in PIN.findall(path.read_text())}


def _load_dev_py():
    spec = importlib.util.spec_from_file_location("dev_py_under_test", ROOT / "dev.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# dev.py ---------------------------------------------------------------------------------
def test_dev_py_downloads_nothing_itself():
    """Every install goes through pip and the lock: dev.py names no host but this machine."""
    source = (ROOT / "dev.py").read_text()
    assert "urllib" not in source and "urlopen" not in source
    hosts = {urlsplit(url).hostname for url in re.findall(r"https?://[^\s\"'{}]+", source)}
    assert hosts <= {"127.0.0.1", "localhost"}, hosts
    elsewhere = re.compile(r"--(extra-)?index-url|https?://(?!127\.0\.0\.1|localhost)")
    for script in ("Dockerfile", ".ci/run", "Makefile"):
        assert not elsewhere.search((ROOT / script).read_text()), script


def test_dev_py_installs_from_the_lock_with_hashes():
    source = (ROOT / "dev.py").read_text()
    assert '"--require-hashes"' in source and "requirements.lock" in source
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "--require-hashes" in dockerfile and "requirements-runtime.lock" in dockerfile


def test_without_ensurepip_dev_py_stops_naming_python3_venv(tmp_path):
    """Debian's python3 without python3-venv: a clear message, no traceback, no download."""
    for name in ("dev.py", "pyproject.toml", "requirements.lock"):
        shutil.copy(ROOT / name, tmp_path / name)
    broken = tmp_path / "no-ensurepip" / "ensurepip"
    broken.mkdir(parents=True)
    (broken / "__init__.py").write_text("")
    (broken / "__main__.py").write_text("raise SystemExit('ensurepip is not installed')\n")
    env = {**os.environ, "PYTHONPATH": str(broken.parent)}
    python = shutil.which("python3") or sys.executable
    result = subprocess.run(
        [python, "dev.py", "test"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "apt-get install python3-venv" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / ".venv" / ".deps-stamp").exists()


# The lock -------------------------------------------------------------------------------
def test_lock_pins_every_declared_dependency_at_an_allowed_version():
    project = _project()
    pins = _pins(LOCK)
    for spec in project["dependencies"] + project["optional-dependencies"]["dev"]:
        requirement = Requirement(spec)
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{name} is not in requirements.lock: run `make lock`"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"requirements.lock pins {name}=={pins[name]}, pyproject.toml wants {spec}: "
            "run `make lock`"
        )


def test_every_locked_package_carries_a_hash():
    for path in (LOCK, RUNTIME_LOCK):
        blocks = re.split(r"\n(?=[A-Za-z0-9])", path.read_text().split("\n", 3)[-1])
        for block in blocks:
            if PIN.match(block):
                assert "--hash=sha256:" in block, f"{path.name}: {block.splitlines()[0]}"


def test_runtime_lock_is_the_runtime_half_of_the_same_lock():
    project = _project()
    pins, runtime = _pins(LOCK), _pins(RUNTIME_LOCK)
    assert runtime.items() <= pins.items(), "the two locks disagree: run `make lock`"
    for spec in project["dependencies"]:
        assert canonicalize_name(Requirement(spec).name) in runtime
    assert "pytest" not in runtime and "ruff" not in runtime


def test_dev_py_accepts_the_committed_lock():
    """dev.py refuses a lock made from other dependency lists than pyproject.toml's."""
    dev = _load_dev_py()
    assert dev.check_lock() == LOCK.read_bytes()


def test_pyproject_declares_the_packages_for_pip_install_e():
    find = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    include = find["packages"]["find"]["include"]
    for package in ("config", "core", "escalations", "sourcing", "credits", "hiring"):
        assert package in include or f"{package}*" in include


# Offline API docs -----------------------------------------------------------------------
ASSET = re.compile(r"""<(?:script|link)\b[^>]*?\b(?:src|href)="([^"]+)\"""")


def _docs_assets(html: str) -> list[str]:
    return [url for url in ASSET.findall(html) if not url.startswith("data:")]


@pytest.mark.django_db
def test_api_docs_load_swagger_ui_from_our_static_files(client, lead, settings):
    settings.WHITENOISE_USE_FINDERS = True  # serve app static files without collectstatic
    client.force_login(lead)
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assets = _docs_assets(html)
    assert any("swagger-ui-bundle" in url for url in assets), assets
    without_data_uris = re.sub(r'"data:[^"]*"', '""', html)
    assert not re.findall(r"https?://[^\s\"'<>]+", without_data_uris)
    for url in assets:
        assert url.startswith("/static/"), url
        path = url.split("/static/", 1)[1]
        assert finders.find(path), url
        served = client.get(url)
        assert served.status_code == 200, url
        body = b"".join(served.streaming_content) if served.streaming else served.content
        assert len(body) > 1000, url


@pytest.mark.django_db
def test_api_docs_sit_in_the_app_with_a_way_back(client, lead):
    client.force_login(lead)
    html = client.get("/api/docs/").content.decode()
    assert 'class="topbar"' in html and 'href="/"' in html
    assert "Back to Escalations Desk" in html


@pytest.mark.django_db
def test_api_docs_have_a_way_back_for_anonymous_visitors(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    assert "Back to Escalations Desk" in response.content.decode()
